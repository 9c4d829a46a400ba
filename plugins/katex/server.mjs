// KaTeX render server for one build: JSON lines in on stdin, JSON lines out on stdout.
//
//   node server.mjs KATEX_PACKAGE_DIR OPTIONS_JSON CSS_MODEL_JSON [CODE_CACHE_DIR]
//
// Each request line is a list of [latex, displayMode] pairs (a batch of a page's
// formulas); each formula's answer is a line of its own, in the same order:
// {"html", "fonts"}, {"error": KaTeX's ParseError message} or {"refused": why a valid
// formula is not drawn (a command the site does not trust, nesting too deep for KaTeX)}.
// An answer per formula lets the build name the formula it is waiting for when it runs
// out of time. The process exits when its stdin closes (the build ended) and, even in
// the middle of a render, when the build dies (plugins/parent_watch.mjs). No socket,
// no temporary folder.
//
// OPTIONS_JSON are KaTeX's options, but for `trust`: the list of what the site trusts,
// each entry {command, and any of protocol, host, class, id, style}, matched against
// KaTeX's trust context (host: the URL's host name). \href, \url, \includegraphics and
// \htmlId/Class/Style/Data that no entry matches are refused, never drawn in red.
//
// "fonts" (woff2 file → the characters drawn with it) is what later steps need to
// preload and subset fonts, read from the tree KaTeX builds rather than by
// parsing its HTML again. CSS_MODEL_JSON is plugins/katex/fonts.py's reading
// of katex.min.css: {rules: [[classes, {family, style, weight}], …] in CSS order,
// faces: {"family|style|weight": woff2 file}, base: [family, style, weight]}.
// The walk follows katex_fonts._fonts_of, its walk over HTML (still used for pages from
// other readers); tests/test_katex_facts.py compares the result with a scan of whole pages.
//
// CODE_CACHE_DIR keeps V8's compiled code of KaTeX between builds (as Python keeps
// .pyc files): the first build writes it as it exits, with the code its
// formulas compiled; later builds start with it (about 30 ms less per build).
// V8 checks it against the source, its version and flags, and rejects a stale one.
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import vm from "node:vm";
import { exitWithParent } from "../parent_watch.mjs";

exitWithParent();
const { trust: trusted, ...options } = JSON.parse(process.argv[3]);
const model = JSON.parse(process.argv[4]);
const { katex, saveCodeCache } = loadKatex(process.argv[2], process.argv[5]);
const { SymbolNode, SvgNode } = katex.__domTree;
// KaTeX colours what it does not trust in errorColor: with this value (no colour \color
// accepts), the markup shows whether anything was left out, whichever check refused it.
const REFUSED_COLOUR = 'mathcolor="#refused"';
options.errorColor = "#refused";
options.trust = trustedContext;

class Refused extends Error {}

// KaTeX asks before it draws a link, an image or an HTML attribute: allowed when an entry of
// the site's list has the same command and the same value for each other key it names.
function trustedContext(context) {
  const host = hostOf(context.url);
  const ok = (trusted || []).some((entry) =>
    Object.entries(entry).every(([key, value]) => (key === "host" ? host : context[key]) === value),
  );
  if (ok) return true;
  const what = context.url ?? context.class ?? context.id ?? context.style;
  const detail = what === undefined ? "" : `{${what}}`;
  throw new Refused(
    `${context.command}${detail} is not allowed in a post (a site can allow it with KATEX_TRUST in pelicanconf.py)`,
  );
}

function hostOf(url) {
  try {
    return url === undefined ? undefined : new URL(url).hostname;
  } catch {
    return undefined; // a relative URL: no host
  }
}

// KaTeX's CommonJS file, compiled with V8's code cache when there is one.
function loadKatex(packageDir, cacheDir) {
  const file = createRequire(import.meta.url).resolve(packageDir);
  const source = fs.readFileSync(file, "utf8");
  const version = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")).version;
  const cacheFile = cacheDir && path.join(cacheDir, `katex-${version}-v8-${process.versions.v8}.bin`);
  let cachedData;
  try {
    cachedData = cacheFile ? fs.readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined; // the first build: none yet
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  const stale = cacheFile && (!cachedData || script.cachedDataRejected);
  const saveCodeCache = () => {
    if (!stale) return;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const partial = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(partial, script.createCachedData());
      fs.renameSync(partial, cacheFile); // whole or not at all: builds may run side by side
    } catch {
      // a read-only cache folder: the next build compiles KaTeX again, nothing worse
    }
  };
  return { katex: module.exports, saveCodeCache };
}

// Fonts are "family|style|weight" strings. fontFor memoises, per parent font and class list,
// the font KaTeX's CSS gives an element (its rules applied in CSS order): formulas repeat a
// few hundred combinations thousands of times.
const fontMemo = new Map();

function fontFor(font, classes) {
  const key = font + "\n" + classes.join(" ");
  let found = fontMemo.get(key);
  if (found === undefined) {
    const own = new Set(classes);
    let [family, style, weight] = font.split("|");
    for (const [required, changes] of model.rules) {
      if (!required.every((c) => own.has(c))) continue;
      family = changes.family ?? family;
      style = changes.style ?? style;
      weight = changes.weight ?? weight;
    }
    found = `${family}|${style}|${weight}`;
    fontMemo.set(key, found);
  }
  return found;
}

// KaTeX writes a SymbolNode as a <span> only when it has classes or a style; else as bare text.
function isElement(symbol) {
  if (symbol.classes.length > 0 || symbol.italic > 0) return true;
  for (const key in symbol.style) if (symbol.style[key] !== undefined) return true;
  return false;
}

const isFragment = (node) => node.constructor.name === "DocumentFragment"; // no element of its own

// Walk the children of an element drawn in `font`, adding each child element's own text to
// `used` in that child's font; returns the element's own text (its bare texts, a fragment's
// included). Nothing inside an <svg> is text.
function walk(node, font, used) {
  let text = "";
  for (const child of node.children || []) {
    if (child instanceof SymbolNode) {
      if (isElement(child)) addText(used, fontFor(font, child.classes), child.text);
      else text += child.text;
    } else if (isFragment(child)) {
      text += walk(child, font, used);
    } else if (!(child instanceof SvgNode)) {
      const childFont = fontFor(font, child.classes || []);
      addText(used, childFont, walk(child, childFont, used));
    }
  }
  return text;
}

function addText(used, font, text) {
  text = text.trim();
  if (!text) return;
  let chars = used.get(font);
  if (!chars) used.set(font, (chars = new Set()));
  for (const ch of text) chars.add(ch);
}

function findHtmlRoots(node, out) {
  if ((node.classes || []).includes("katex-html")) out.push(node);
  else for (const child of node.children || []) findHtmlRoots(child, out);
  return out;
}

function fontsOf(tree) {
  const used = new Map();
  const base = model.base.join("|");
  for (const root of findHtmlRoots(tree, [])) walk(root, base, used); // the root's own text is not drawn
  const fonts = {};
  for (const [font, chars] of used) {
    const file = model.faces[font];
    if (file) fonts[file] = [...chars].join("");
  }
  return fonts;
}

function render([latex, displayMode]) {
  try {
    // A fresh options object per formula: \gdef must not leak from one formula to the next.
    const tree = katex.__renderToDomTree(latex, { ...options, displayMode });
    const html = tree.toMarkup();
    if (html.includes(REFUSED_COLOUR)) {
      return { refused: "a link or image whose URL KaTeX refuses (\\href, \\url or \\includegraphics)" };
    }
    return { html, fonts: fontsOf(tree) };
  } catch (err) {
    if (err instanceof katex.ParseError) return { error: err.message };
    if (err instanceof Refused) return { refused: err.message };
    if (err instanceof RangeError) return { refused: `the formula is nested too deeply for KaTeX (${err.message})` };
    return { error: `${err.name}: ${err.message}` };
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let items;
  try {
    items = JSON.parse(line);
  } catch (err) {
    process.stdout.write(JSON.stringify({ fatal: `bad request: ${err.message}` }) + "\n");
    return;
  }
  for (const item of items) process.stdout.write(JSON.stringify(render(item)) + "\n");
});
lines.on("close", () => {
  saveCodeCache(); // with all the code this build compiled; the build does not wait for it
  process.exit(0);
});
process.stdout.on("error", () => process.exit(0)); // the build is gone: nobody to answer
