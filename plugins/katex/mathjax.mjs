// MathJax 3 (npm's mathjax-full) at build time: what KaTeX cannot draw in a post from a MathJax site.
//
// One MathJax document per page, as in the old site's browser: its definitions (\def,
// \newcommand, \DeclareMathOperator, \definecolor) hold for the page's later formulas and
// never for another page's. It is made when the page first needs it, seeded with the site's
// macros, and given the page's earlier defining formulas (those KaTeX drew too) before it
// draws. Its TeX packages are a default MathJax 3 page's (base, ams, newcommand, noundefined,
// configmacros and what autoload would bring, but html: \href, \class, \style, \cssId), plus
// physics once the page says \require{physics}; \require itself does nothing; a MathJax 2
// site (version 2) also shows a formula MathJax refuses as its source, as noErrors did.
//
// Output is SVG with fontCache "none" (no ids, so no clash between pages or cached formulas),
// in KaTeX's structure: <span class="katex"> holding a hidden katex-mathml part (MathJax's
// MathML, in <semantics> with the author's TeX as its application/x-tex annotation) and the
// aria-hidden katex-html part holding the SVG, whose inline style undoes KaTeX's `.katex svg`
// rule (block, absolute, full width). A formula MathJax refuses is drawn as MathJax draws its
// error, and its message returned as a warning. What MathJax would draw with an author's
// link, style, class or id (\mmlToken attributes, \bbox with CSS) asks the site's trust list.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const EM = 16;
const EX = EM * 0.431; // KaTeX_Main's x-height: MathJax's ex-sized SVG matches KaTeX's maths around it
const PACKAGES = ["base", "ams", "newcommand", "kx-undefined", "configmacros", "action", "amscd", "bbox"].concat(
  ["boldsymbol", "braket", "cancel", "color", "enclose", "extpfeil", "mhchem", "unicode", "verb"],
);
const REQUIRES_PHYSICS = /\\require\s*\{\s*physics\s*\}/;
const DEFINITION_MAPS = ["new-Command", "new-Environment", "new-Delimiter"];
const AUTHOR_ATTRIBUTE = /\s(href|style|class|id)="([^"]*)"/g;
const TRUST_COMMAND = { href: "\\href", style: "\\htmlStyle", class: "\\htmlClass", id: "\\htmlId" };

let mj; // mathjax-full's modules, loaded on the build's first formula KaTeX cannot draw
let messages = []; // what MathJax said about the formula being converted

function load() {
  if (mj) return mj;
  const { mathjax } = require("mathjax-full/js/mathjax.js");
  const { TeX } = require("mathjax-full/js/input/tex.js");
  const { SVG } = require("mathjax-full/js/output/svg.js");
  const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
  const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
  const { Configuration } = require("mathjax-full/js/input/tex/Configuration.js");
  const { SerializedMmlVisitor } = require("mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js");
  const { STATE } = require("mathjax-full/js/core/MathItem.js");
  require("mathjax-full/js/input/tex/AllPackages.js");
  // noundefined, saying what it drew in red
  Configuration.create("kx-undefined", {
    fallback: {
      macro: (parser, name) => {
        messages.push(`Undefined control sequence \\${name}`);
        const text = parser.create("text", "\\" + name);
        parser.Push(parser.create("node", "mtext", [], { mathcolor: "red" }, text));
      },
    },
    priority: 3,
  });
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  mj = { mathjax, TeX, SVG, adaptor, STATE, visitor: new SerializedMmlVisitor() };
  return mj;
}

/** `draw(page, latex, display, annotation)` for a site of MathJax `version` (2 or 3) with `siteMacros`. */
export function mathjaxLayer({ version, siteMacros, trust }) {
  const macros = { ...(siteMacros || {}), require: ["", 1] };
  const packages = version === 2 ? [...PACKAGES, "noerrors"] : PACKAGES;

  function documentOf(page) {
    if (page.mathjax && page.mathjax.physics === page.physics) return page.mathjax;
    const { mathjax, TeX, SVG } = load();
    const tex = new TeX({
      packages: page.physics ? [...packages, "physics"] : packages,
      tags: "none", // numbers come as explicit \tag{n} (plugins/markdown/equation_refs.py)
      macros,
      formatError: (jax, err) => {
        messages.push(err.message);
        return jax.formatError(err);
      },
    });
    const doc = mathjax.document("", { InputJax: tex, OutputJax: new SVG({ fontCache: "none" }) });
    page.mathjax = { doc, tex, physics: page.physics, seen: 0 };
    return page.mathjax;
  }

  function convert(m, latex, display, end) {
    m.tex.reset(); // no labels or numbers carried from one formula to the next
    const item = new m.doc.options.MathItem(latex, m.tex, display);
    item.start.node = mj.adaptor.body(m.doc.document);
    item.setMetrics(EM, EX, 80 * EX, 1000000, 1);
    item.convert(m.doc, end);
    return item;
  }

  function definitions(m) {
    const parse = m.tex.parseOptions;
    const maps = DEFINITION_MAPS.map((name) => parse.handlers.retrieve(name)?.map).filter(Boolean);
    const colours = parse.packageData.get("color")?.model?.userColors;
    return [...maps, ...(colours ? [colours] : [])].flatMap((map) => [...map.entries()].flat());
  }

  return function draw(page, latex, display, annotation) {
    const m = documentOf(page);
    for (; m.seen < page.defs.length; m.seen++) {
      try {
        convert(m, ...page.defs[m.seen], mj.STATE.CONVERT); // its definitions, made again
      } catch {
        // as when it was drawn: MathJax keeps the definitions made before its error
      }
    }
    const before = definitions(m);
    messages = [];
    const item = convert(m, latex, display, mj.STATE.CONVERT);
    const mathml = mj.visitor.visitTree(item.root).replace(/>\n\s*</g, "><").replace(/ id="mjx-eqn:[^"]*"/g, "");
    for (const [, attribute, value] of mathml.matchAll(AUTHOR_ATTRIBUTE)) {
      const context = { command: TRUST_COMMAND[attribute], [attribute === "href" ? "url" : attribute]: unescape(value) };
      if (attribute === "href") context.protocol = protocolOf(context.url);
      trust(context); // throws when the site does not trust it
    }
    item.convert(m.doc, mj.STATE.LAST);
    const after = definitions(m);
    const changed = after.length !== before.length || after.some((value, i) => value !== before[i]);
    const warning = messages.length ? messages[0] : undefined;
    const empty = /^<math[^>]*><\/math>$/.test(mathml);
    return { html: wrap(mathml, svgOf(item, display), annotation, display), changed, empty, warning };
  };
}

/** Call after a formula MathJax drew was added to page.defs: its document has seen it. */
export function seen(page) {
  if (page.mathjax) page.mathjax.seen = page.defs.length;
}

export const requiresPhysics = (latex) => REQUIRES_PHYSICS.test(latex);

// What MathJax's SVG stylesheet (not shipped) gives these, as attributes or inline styles, and
// KaTeX's `.katex svg` and `.katex svg path` rules undone where they would change the drawing.
const LINE = { "stroke-width": "70", fill: "none" };
const DASHES = { "mjx-dashed": { "stroke-dasharray": "140" }, "mjx-dotted": { "stroke-linecap": "round", "stroke-dasharray": "0,140" } };

function svgOf(item, isDisplay) {
  const { adaptor } = mj;
  const svg = adaptor.firstChild(item.typesetRoot);
  const width = adaptor.getAttribute(svg, "width");
  const height = adaptor.getAttribute(svg, "height");
  const own = (adaptor.getAttribute(svg, "style") || "").trim().replace(/;?$/, ";");
  const display = isDisplay && width === "100%" ? "block" : "inline"; // inline: in the line, as MathJax's
  const style = `${own} overflow: visible; min-height: 1px; min-width: 1px; width: ${width}; height: ${height}; display: ${display}; position: static;`;
  adaptor.setAttribute(svg, "style", style);
  adaptor.removeAttribute(svg, "role");
  adaptor.removeAttribute(svg, "focusable");
  for (const child of adaptor.childNodes(svg)) restyle(adaptor, child, null);
  return adaptor.outerHTML(svg);
}

function restyle(adaptor, node, parent) {
  const kind = adaptor.kind(node);
  if (kind === "#text" || kind === "#comment") return;
  const set = (attributes) => Object.entries(attributes).forEach(([k, v]) => adaptor.setAttribute(node, k, v));
  if (kind === "svg") adaptor.setAttribute(node, "style", "overflow: visible; fill: inherit; stroke: inherit; stroke-width: inherit;");
  if (kind === "path") adaptor.setAttribute(node, "style", adaptor.getAttribute(node, "data-c") ? "stroke: inherit; stroke-width: 3;" : "stroke: inherit;");
  const error = parent && adaptor.getAttribute(parent, "data-mml-node") === "merror";
  if (error && kind === "g") set({ fill: "red", stroke: "red" });
  if (error && kind === "rect" && adaptor.getAttribute(node, "data-background")) set({ fill: "yellow", stroke: "none" });
  if ((kind === "line" && adaptor.getAttribute(node, "data-line")) || (kind === "rect" && adaptor.getAttribute(node, "data-frame"))) {
    set(LINE);
    for (const name of (adaptor.getAttribute(node, "class") || "").split(" ")) if (DASHES[name]) set(DASHES[name]);
  }
  for (const child of adaptor.childNodes(node)) restyle(adaptor, child, node);
}

// KaTeX's escape, so the annotation reads as KaTeX writes it.
const ESCAPES = { "&": "&amp;", ">": "&gt;", "<": "&lt;", '"': "&quot;", "'": "&#x27;" };
export const escape = (text) => String(text).replace(/[&><"']/g, (c) => ESCAPES[c]);
const unescape = (text) =>
  text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, e) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[e] ?? "'");

function protocolOf(url) {
  const scheme = /^\s*([^\\/#?]*?)(?::|&#0*58|&#x0*3a|&colon)/i.exec(url);
  return scheme ? scheme[1].toLowerCase() : "_relative";
}

function wrap(mathml, svg, annotation, display) {
  const open = mathml.indexOf(">") + 1;
  const inner = mathml.slice(open, mathml.lastIndexOf("</math>"));
  const tex = `<annotation encoding="application/x-tex">${escape(annotation)}</annotation>`;
  const math = `${mathml.slice(0, open)}<semantics><mrow>${inner}</mrow>${tex}</semantics></math>`;
  const html = `<span class="katex"><span class="katex-mathml">${math}</span><span class="katex-html" aria-hidden="true">${svg}</span></span>`;
  return display ? `<span class="katex-display">${html}</span>` : html;
}
