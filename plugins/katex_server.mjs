// KaTeX render server for one build: JSON lines in on stdin, JSON lines out on stdout.
//
//   node katex_server.mjs KATEX_PACKAGE_DIR OPTIONS_JSON
//
// Each request line is a list of [latex, displayMode] pairs (all of a page's
// formulas); the answer line is a list, in the same order, of {"html": …} or
// {"error": KaTeX's ParseError message}. The process exits when its stdin
// closes: the build ended, or died (even by SIGKILL, the kernel closes the
// pipe), so it never outlives its build. No socket, no temporary folder.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const katex = require(process.argv[2]);
const options = JSON.parse(process.argv[3]);

function render([latex, displayMode]) {
  try {
    // A fresh options object per formula: \gdef must not leak from one formula to the next.
    return { html: katex.renderToString(latex, { ...options, displayMode }) };
  } catch (err) {
    return { error: err instanceof katex.ParseError ? err.message : `${err.name}: ${err.message}` };
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let answer;
  try {
    answer = JSON.parse(line).map(render);
  } catch (err) {
    answer = { fatal: `bad request: ${err.message}` };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
lines.on("close", () => process.exit(0));
process.stdout.on("error", () => process.exit(0)); // the build is gone: nobody to answer
