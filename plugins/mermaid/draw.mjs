// Draw Mermaid diagrams to SVG with Mermaid itself, in one headless Chromium for the whole build.
// stdin: JSON {chromium, font, diagrams: [{key, svgId, source}]}
// stdout: a JSON line per diagram as soon as it is drawn, in order: {key, light, dark} | {key, error}
// (the build names the diagram it is waiting for when one takes too long).
// Chromium talks to this process over a pipe, so it exits when this process does; this
// process exits when the build dies, even mid-drawing (plugins/parent_watch.mjs).
// Each diagram is drawn twice under the same svg id, with Mermaid's "default" and "dark"
// themes: the drawings are the same and only the <style> differs (plugins/mermaid/render.py
// keeps one drawing and both styles). Labels are laid out in the font the site serves
// (`font` is the whole woff2 file; the site serves a subset with the same widths), so their
// widths do not depend on this machine's fonts.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";
import { exitWithParent } from "../parent_watch.mjs";

exitWithParent();

const require = createRequire(import.meta.url);
const MERMAID = require.resolve("mermaid/dist/mermaid.min.js");
const FONT_FAMILY = "DiagramLabels";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { chromium, font, diagrams } = JSON.parse(input);

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: "shell",
  pipe: true, // not a socket: Chromium ends when this process ends, however it ends
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (err) => process.stderr.write(`page error: ${err}\n`));
  const fontUrl = `data:font/woff2;base64,${readFileSync(font).toString("base64")}`;
  await page.setContent(`<!doctype html><html><head><style>
    @font-face { font-family: ${FONT_FAMILY}; src: url(${fontUrl}) format("woff2"); }
    body { font-family: ${FONT_FAMILY}; }</style></head><body></body></html>`);
  await page.addScriptTag({ path: MERMAID });
  await page.evaluate((family) => document.fonts.load(`16px ${family}`), FONT_FAMILY);
  const draw = async ({ key, svgId, source }, family) => {
    const settings = (theme) => ({
      startOnLoad: false,
      securityLevel: "strict",
      theme,
      fontFamily: family,
      themeVariables: { fontFamily: family },
      flowchart: { htmlLabels: true, useMaxWidth: true },
    });
    try {
      window.mermaid.initialize(settings("default"));
      await window.mermaid.parse(source);
      const light = (await window.mermaid.render(svgId, source)).svg;
      window.mermaid.initialize(settings("dark"));
      const dark = (await window.mermaid.render(svgId, source)).svg;
      return { key, light, dark };
    } catch (err) {
      return { key, error: String((err && err.message) || err) };
    }
  };
  for (const diagram of diagrams) {
    process.stdout.write(JSON.stringify(await page.evaluate(draw, diagram, FONT_FAMILY)) + "\n");
  }
} finally {
  await browser.close();
}
