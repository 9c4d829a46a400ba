// Parse Mermaid diagrams with the same Mermaid the site ships, without a browser.
// stdin: JSON [{id, source}]; stdout: JSON [{id, error}] for the diagrams that fail.
// Mermaid sanitises HTML labels (<sub>…) with DOMPurify, which needs a DOM:
// jsdom provides one, installed before Mermaid is imported.
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("../node_modules/mermaid/dist/mermaid.core.mjs");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const failures = [];
for (const { id, source } of JSON.parse(input)) {
  try {
    await mermaid.parse(source);
  } catch (err) {
    failures.push({ id, error: String(err.message || err) });
  }
}
process.stdout.write(JSON.stringify(failures));
