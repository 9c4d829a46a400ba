// MathJax's TeX that KaTeX lacks, made of KaTeX macros: for posts that come from a MathJax site.
//
// A KaTeX macro may be a function of KaTeX's MacroExpander (its argument `ctx` here), which
// reads its arguments as tokens and returns what they expand to. With these, in one page:
//
// - \require{…} does nothing (MathJax loads a package; KaTeX has what it has);
// - \DeclareMathOperator{\x}{y} (and *) defines \x as \operatorname{y} (\operatorname*{y});
// - \newcommand of a name that exists redefines it and \renewcommand of a new name defines it,
//   as MathJax does, with an optional first argument's default (`[2][x]`); like MathJax's,
//   these definitions and \def's are global, whatever the braces around them;
// - \definecolor{name}{model}{spec} (rgb, RGB, gray, HTML, named) records a colour, and
//   \color, \textcolor, \colorbox and \fcolorbox map names (and `[model]{spec}`) through
//   MathJax's own colour table (mathjax-full's ColorModel); a name CSS would ignore (MathJax
//   passes names to CSS) is what the browser shows then (the text's colour, no box colour);
// - after _ or ^, a command that takes arguments (a user macro expanding to one, or written
//   out) is the script together with its arguments, as in MathJax, where KaTeX says "Got
//   function … with no arguments as subscript".
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const CSS_COLOUR = /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|[a-z]+)$/i; // what KaTeX accepts and CSS knows
const CONTROL_WORD = /^\\[a-zA-Z@]+$/;

let ColorModel;

/** mathjax-full's colour model (name table, models), with xcolor's HTML model added. */
function colourModel() {
  if (!ColorModel) {
    ({ ColorModel } = require("mathjax-full/js/input/tex/color/ColorUtil.js"));
    const TexError = require("mathjax-full/js/input/tex/TexError.js").default;
    const normalize = ColorModel.prototype.normalizeColor;
    ColorModel.prototype.normalizeColor = function (model, def) {
      if (model !== "HTML") return normalize.call(this, model, def);
      if (!/^\s*[0-9a-f]{6}\s*$/i.test(def)) throw new TexError("InvalidHTML", "Invalid HTML colour '%1'", def);
      return "#" + def.trim();
    };
  }
  return new ColorModel();
}

/** TeX text of tokens in KaTeX's stack order (last first), a space after a control word before a letter. */
export function tokensText(tokens) {
  let out = "";
  let word = false; // the last token was a control word: a letter after it needs a space
  for (let i = tokens.length - 1; i >= 0; i--) {
    const text = tokens[i].text;
    if (word && /^[a-zA-Z@]/.test(text)) out += " ";
    out += text;
    word = CONTROL_WORD.test(text);
  }
  return out;
}

/** The body's `#n` replaced by the arguments (all in stack order), as KaTeX's expandOnce does. */
function substitute(katex, body, args) {
  const tokens = body.slice();
  for (let i = tokens.length - 1; i >= 0; --i) {
    if (tokens[i].text !== "#") continue;
    if (i === 0) throw new katex.ParseError("Incomplete placeholder at end of macro body", tokens[i]);
    const next = tokens[--i];
    if (next.text === "#") tokens.splice(i + 1, 1);
    else if (/^[1-9]$/.test(next.text) && +next.text <= args.length) tokens.splice(i, 2, ...args[+next.text - 1]);
    else throw new katex.ParseError("Not a valid argument number", next);
  }
  return tokens;
}

/** An optional bracketed argument (`[…]`, stack order) if one comes next, else null. */
function optional(ctx) {
  ctx.consumeSpaces();
  if (ctx.future().text !== "[") return null;
  ctx.popToken();
  return ctx.consumeArg(["]"]).tokens;
}

/** A macro whose first argument is optional with a default (all tokens in stack order). */
function withDefault(katex, body, numArgs, fallback) {
  return (ctx) => {
    const first = optional(ctx) ?? fallback;
    return { tokens: substitute(katex, body, [first, ...ctx.consumeArgs(numArgs - 1)]), numArgs: 0 };
  };
}

/** \newcommand as MathJax has it: defines or redefines, globally; `*` ignored. */
export function newcommand(katex) {
  return (ctx) => {
    if (ctx.future().text === "*") ctx.popToken();
    const name = tokensText(ctx.consumeArg().tokens).trim();
    if (!/^\\(?:[a-zA-Z@]+|.)$/.test(name)) {
      throw new katex.ParseError(`\\newcommand's first argument must be a control sequence, not '${name}'`);
    }
    const count = optional(ctx);
    const numArgs = count === null ? 0 : Number(tokensText(count).trim());
    if (!Number.isInteger(numArgs) || numArgs < 0 || numArgs > 9) {
      throw new katex.ParseError(`Invalid number of arguments for ${name}`);
    }
    const fallback = numArgs > 0 ? optional(ctx) : null;
    const body = ctx.consumeArg().tokens;
    ctx.macros.set(name, fallback ? withDefault(katex, body, numArgs, fallback) : { tokens: body, numArgs }, true);
    return "";
  };
}

/** Which functions KaTeX refuses right after _ or ^, and how many arguments they take (memoised). */
function scriptProbe(katex) {
  const known = new Map();
  const parses = (tex) => {
    try {
      return katex.__parse(tex, { throwOnError: true, strict: "ignore" });
    } catch (err) {
      if (err instanceof katex.ParseError) return null;
      throw err;
    }
  };
  return (name) => {
    let found = known.get(name);
    if (found !== undefined) return found;
    found = { args: 0, optional: false };
    try {
      katex.__parse(`x_${name}`, { throwOnError: true, strict: "ignore" });
    } catch (err) {
      if (/with no arguments as subscript/.test(err.message)) {
        for (let n = 1; n <= 9 && !found.args; n++) if (parses(name + "{x}".repeat(n))) found.args = n;
        found.optional = found.args > 0 && parses(`${name}[x]` + "{x}".repeat(found.args))?.length === 1;
      }
    }
    known.set(name, found);
    return found;
  };
}

/** `_` and `^`: the script is the next command with its arguments, braced, when KaTeX needs that. */
function script(katex, symbol, probe) {
  return (ctx) => {
    const Token = ctx.future().constructor;
    const token = (text) => new Token(text, undefined);
    const self = token(symbol);
    self.noexpand = true; // the parser's own _ or ^, not this macro again
    let head;
    do head = ctx.expandNextToken(); // macros expand first, as the parser would expand them
    while (head.text === " ");
    ctx.pushToken(head);
    const { args, optional: hasOptional } = probe(head.text);
    if (!args) return { tokens: [self], numArgs: 0 };
    const out = [self, token("{"), ctx.popToken()];
    const opt = hasOptional ? optional(ctx) : null;
    if (opt) out.push(token("["), ...opt.slice().reverse(), token("]"));
    for (const arg of ctx.consumeArgs(args)) out.push(token("{"), ...arg.slice().reverse(), token("}"));
    out.push(token("}"));
    return { tokens: out.reverse(), numArgs: 0 };
  };
}

/** A colour command: its colour arguments mapped to CSS colours, then the command itself. A colour
 * CSS would ignore is what the browser shows instead: the text's colour, a transparent box. */
function colour(command, fallbacks, page, katex) {
  return (ctx) => {
    const Token = ctx.future().constructor;
    const token = (text) => new Token(text, undefined);
    const model = optional(ctx);
    const out = [token(command)];
    out[0].noexpand = true; // KaTeX's own command now
    for (const fallback of fallbacks) {
      const spec = tokensText(ctx.consumeArg().tokens).trim();
      const css = cssColour(page, model === null ? null : tokensText(model).trim(), spec, katex) ?? fallback;
      out.push(token("{"), ...[...css].map(token), token("}"));
    }
    return { tokens: out.reverse(), numArgs: 0 };
  };
}

function cssColour(page, model, spec, katex) {
  let css;
  try {
    css = model === null ? page.colours.getColorByName(spec) : page.colours.getColor(model, spec);
  } catch (err) {
    throw new katex.ParseError(err.message);
  }
  return CSS_COLOUR.test(css) ? css : null;
}

/** `macrosFor(page)`: the macros of a page's MathJax-compatible KaTeX (`page` keeps their colours). */
export function compatLayer(katex) {
  const probe = scriptProbe(katex);
  return { macrosFor: (page) => compatMacros(katex, page, probe) };
}

function compatMacros(katex, page, probe) {
  page.colours = colourModel();
  return {
    "\\require": (ctx) => {
      ctx.consumeArgs(1);
      return "";
    },
    "\\DeclareMathOperator": (ctx) => {
      const star = ctx.future().text === "*";
      if (star) ctx.popToken();
      const [name, body] = ctx.consumeArgs(2).map(tokensText);
      return `\\gdef${name.trim()}{\\operatorname${star ? "*" : ""}{${body}}}`;
    },
    "\\newcommand": newcommand(katex),
    "\\renewcommand": newcommand(katex),
    "\\def": "\\gdef",
    "\\edef": "\\xdef",
    "\\definecolor": (ctx) => {
      const [name, model, spec] = ctx.consumeArgs(3).map((arg) => tokensText(arg).trim());
      try {
        page.colours.defineColor(model, name, spec);
      } catch (err) {
        throw new katex.ParseError(err.message);
      }
      page.coloursChanged = true;
      return "";
    },
    "\\color": colour("\\color", ["currentColor"], page, katex),
    "\\textcolor": colour("\\textcolor", ["currentColor"], page, katex),
    "\\colorbox": colour("\\colorbox", ["transparent"], page, katex),
    "\\fcolorbox": colour("\\fcolorbox", ["currentColor", "transparent"], page, katex),
    _: script(katex, "_", probe),
    "^": script(katex, "^", probe),
  };
}
