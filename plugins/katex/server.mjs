// KaTeX render server for one build: JSON lines in on stdin, JSON lines out on stdout.
//
//   node server.mjs KATEX_PACKAGE_DIR OPTIONS_JSON CSS_MODEL_JSON [CODE_CACHE_DIR]
//
// Each request line is {"page": id, "new": bool, "items": [[latex, displayMode, annotation,
// replay], …]}: a batch of one page's formulas, in page order. Each item's answer is a line
// of its own, in the same order: {"html", "fonts", "changed", "empty", "mathjax", "warning"},
// {"error": KaTeX's ParseError message, "changed"} or {"refused": why a valid formula is not
// drawn (a command the site does not trust, nesting too deep for KaTeX)}; a replay item (a
// formula of the page drawn before, from the build's cache) is only applied, and answered {}.
// An answer per formula lets the build name the formula it is waiting for when it runs out
// of time. The process exits when its stdin closes (the build ended) and, even in the middle
// of a render, when the build dies (plugins/parent_watch.mjs). No socket, no temporary folder.
//
// A page's formulas share one macros object (KaTeX's globalGroup): a definition holds for the
// page's later formulas, never for another page's. The server keeps the context of the page
// it was last asked about; "new" (or another page id) starts a fresh one, seeded with the
// site's macros. "changed": the formula changed the page's definitions (macros, colours), so
// later formulas depend on it; "empty": it also draws nothing (definitions only). An
// annotation, when given, is the TeX written into the MathML's application/x-tex annotation
// instead of the TeX drawn.
//
// OPTIONS_JSON are KaTeX's options, but for `trust`, `siteMacros` and `compat`. trust: the list
// of what the site trusts, each entry {command, and any of protocol, host, class, id, style},
// matched against KaTeX's trust context (host: the URL's host name); \href, \url,
// \includegraphics and \htmlId/Class/Style/Data that no entry matches are refused, never drawn
// in red. siteMacros: {name: body | [body, nargs] | [body, nargs, default]}, MathJax's form
// (names without the backslash); they may redefine KaTeX's own commands. compat: null for the
// site's own posts (strict KaTeX), else the MathJax version (2 or 3) the posts were written
// for: MathJax's TeX is translated (plugins/katex/compat.mjs, with KaTeX's mhchem), and what
// KaTeX still refuses is drawn by MathJax (plugins/katex/mathjax.mjs, "mathjax": true, with
// MathJax's own error rendering and "warning" when MathJax refuses it too).
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
import { compatLayer, newcommand } from "./compat.mjs";
import { escape, mathjaxLayer, requiresPhysics, seen } from "./mathjax.mjs";

exitWithParent();
const { trust: trusted, siteMacros, compat, ...options } = JSON.parse(process.argv[3]);
const model = JSON.parse(process.argv[4]);
const { katex, saveCodeCache, loadContrib } = loadKatex(process.argv[2], process.argv[5]);
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
  // A contrib script (mhchem) given this KaTeX, not a second copy from node_modules.
  const loadContrib = (name) => {
    const contrib = path.join(packageDir, "dist", "contrib", name);
    const wrapped = vm.runInThisContext(Module.wrap(fs.readFileSync(contrib, "utf8")), { filename: contrib });
    const own = createRequire(contrib);
    const needs = (id) => (id === "katex" ? module.exports : own(id));
    wrapped({}, needs, { exports: {} }, contrib, path.dirname(contrib));
  };
  return { katex: module.exports, saveCodeCache, loadContrib };
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

// The site's macros, made once: a string is KaTeX's own macro (its #n are its arguments); an
// array is defined as MathJax does (so it may take arguments it does not use, or a default).
function siteMacrosOf(macros) {
  const seeded = {};
  for (const [name, body] of Object.entries(macros || {})) {
    const command = "\\" + name;
    if (typeof body === "string") {
      seeded[command] = body;
      continue;
    }
    const [text, count = 0, fallback] = body;
    const tex = `\\define{${command}}[${count}]${fallback === undefined ? "" : `[${fallback}]`}{${text}}`;
    const made = { "\\define": newcommand(katex) };
    try {
      katex.__parse(tex, { throwOnError: true, strict: "ignore", macros: made, globalGroup: true });
      seeded[command] = made[command];
    } catch {
      seeded[command] = String(text); // malformed: each formula that uses it says so
    }
  }
  return seeded;
}

const site = siteMacrosOf(siteMacros);
const layer = compat ? compatLayer(katex) : null;
if (compat) loadContrib("mhchem.js"); // always, so \ce draws the same whatever came first
const mathjax = compat ? mathjaxLayer({ version: compat, siteMacros, trust: trustedContext }) : null;
let page = null; // the page last asked about

function newPage(id) {
  const fresh = { id, defs: [], physics: false };
  fresh.macros = { ...(layer ? layer.macrosFor(fresh) : {}), ...site };
  // KaTeX deletes \color from the macros after each formula: the colour mapping is put back
  fresh.restore = layer ? { "\\color": fresh.macros["\\color"] } : {};
  return fresh;
}

function snapshot(macros) {
  const keys = Object.keys(macros);
  return { keys, values: keys.map((key) => macros[key]) };
}

function differs(before, macros) {
  if (Object.keys(macros).length !== before.keys.length) return true;
  return before.keys.some((key, i) => macros[key] !== before.values[i]);
}

function settle(latex) {
  delete page.macros["\\df@tag"]; // KaTeX's \tag, read within the formula
  Object.assign(page.macros, page.restore);
  if (compat && requiresPhysics(latex)) page.physics = true;
}

function katexAnswer(latex, displayMode, annotation) {
  try {
    const tree = katex.__renderToDomTree(latex, { ...options, displayMode, macros: page.macros, globalGroup: true });
    let html = tree.toMarkup();
    if (html.includes(REFUSED_COLOUR)) {
      return { refused: "a link or image whose URL KaTeX refuses (\\href, \\url or \\includegraphics)" };
    }
    if (annotation != null) html = reannotate(html, latex, annotation);
    const empty = findHtmlRoots(tree, []).every((root) => !root.children.length);
    return { html, fonts: fontsOf(tree), empty };
  } catch (err) {
    if (err instanceof katex.ParseError) return { error: err.message };
    if (err instanceof Refused) return { refused: err.message };
    if (err instanceof RangeError) return { refused: `the formula is nested too deeply for KaTeX (${err.message})` };
    return { error: `${err.name}: ${err.message}` };
  }
}

function reannotate(html, latex, annotation) {
  const tag = '<annotation encoding="application/x-tex">';
  const drawn = tag + escape(latex) + "</annotation>";
  const at = html.indexOf(drawn);
  return at < 0 ? html : html.slice(0, at) + tag + escape(annotation) + "</annotation>" + html.slice(at + drawn.length);
}

function render([latex, displayMode, annotation]) {
  const before = snapshot(page.macros);
  page.coloursChanged = false;
  let answer = katexAnswer(latex, displayMode, annotation);
  settle(latex);
  let changed = differs(before, page.macros) || page.coloursChanged || (compat && /\\require\b/.test(latex));
  if (answer.error && mathjax) {
    try {
      const drawn = mathjax(page, latex, displayMode, annotation ?? latex);
      changed ||= drawn.changed;
      answer = { html: drawn.html, fonts: {}, empty: drawn.empty, mathjax: true, warning: drawn.warning };
    } catch (err) {
      answer = err instanceof Refused ? { refused: err.message } : { error: `MathJax: ${err.name}: ${err.message}` };
    }
  }
  if (changed) {
    page.defs.push([latex, displayMode]);
    if (answer.mathjax) seen(page);
  }
  answer.changed = changed;
  if ("empty" in answer) answer.empty = changed && answer.empty;
  return answer;
}

// A formula of the page drawn earlier (the build found it in its cache) that changed the
// page's definitions: applied again, so the formulas after it see them.
function replay([latex, displayMode]) {
  try {
    katex.__parse(latex, { ...options, displayMode, macros: page.macros, globalGroup: true });
  } catch {
    // its definitions before the error hold, as when it was drawn
  }
  settle(latex);
  page.defs.push([latex, displayMode]);
  return {};
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    process.stdout.write(JSON.stringify({ fatal: `bad request: ${err.message}` }) + "\n");
    return;
  }
  if (!page || request.new || request.page !== page.id) page = newPage(request.page);
  for (const item of request.items) process.stdout.write(JSON.stringify(item[3] ? replay(item) : render(item)) + "\n");
});
lines.on("close", () => {
  saveCodeCache(); // with all the code this build compiled; the build does not wait for it
  process.exit(0);
});
process.stdout.on("error", () => process.exit(0)); // the build is gone: nobody to answer
