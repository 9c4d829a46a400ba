// Typeset algorithms with pseudocode.js (npm's `pseudocode`) at build time, for one page.
//
//   node pseudocode.mjs < {"options": {...}, "blocks": [[source, captionCount], ...]}
//
// stdout: one JSON line per block, in order: {"html", "maths": [tex, ...]} or
// {"error": pseudocode.js's message, "position": the offset in the source it names, or null}.
//
// pseudocode.js typesets `$…$` and `\(…\)` by calling the global `katex.renderToString`.
// Here that global only records each formula and writes a placeholder, \u0002N\u0003 for
// the Nth: plugins/markdown/pseudocode.py puts the site's own KaTeX rendering there (the
// build's KaTeX, its options, trust list, cache and font facts). The process exits once
// stdin is read and every block answered, and when the build dies (plugins/parent_watch.mjs).
import { createRequire } from "node:module";
import { exitWithParent } from "../parent_watch.mjs";

exitWithParent();

const require = createRequire(import.meta.url);
let maths = [];
globalThis.katex = {
  renderToString(tex) {
    maths.push(String(tex));
    return `\u0002${maths.length - 1}\u0003`;
  },
};
// pseudocode.js loads npm's mathjax whenever no MathJax global exists; with one it does not (KaTeX wins).
globalThis.MathJax = {};
const pseudocode = require("pseudocode");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { options, blocks } = JSON.parse(input);

for (const [source, captionCount] of blocks) {
  maths = [];
  let answer;
  try {
    answer = { html: pseudocode.renderToString(source, { ...options, captionCount }), maths };
  } catch (err) {
    const message = String(err && err.message ? err.message : err);
    const at = /at position (\d+)/.exec(message);
    answer = {
      error: message.replace(/^Error: /, "").replace(/ at position \d+:[\s\S]*$/, ""),
      position: at ? Number(at[1]) : null,
    };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
