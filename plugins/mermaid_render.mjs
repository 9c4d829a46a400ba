// Draw Mermaid diagrams to SVG with Mermaid itself, in one headless Chromium for the whole build.
// stdin: JSON {chromium, font, diagrams: [{key, svgId, source}]}
// stdout: JSON [{key, light, dark} | {key, error}]
// Each diagram is drawn twice under the same svg id, with Mermaid's "default" and "dark"
// themes: the drawings are the same and only the <style> differs (plugins/mermaid_render.py
// keeps one drawing and both styles). Labels are laid out in the font the site serves
// (`font` is the whole woff2 file; the site serves a subset with the same widths), so their
// widths do not depend on this machine's fonts.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const MERMAID = require.resolve("mermaid/dist/mermaid.min.js");
const FONT_FAMILY = "DiagramLabels";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { chromium, font, diagrams } = JSON.parse(input);

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: "shell",
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
  const results = await page.evaluate(
    async (diagrams, family) => {
      const out = [];
      const settings = (theme) => ({
        startOnLoad: false,
        securityLevel: "strict",
        theme,
        fontFamily: family,
        themeVariables: { fontFamily: family },
        flowchart: { htmlLabels: true, useMaxWidth: true },
      });
      for (const { key, svgId, source } of diagrams) {
        try {
          window.mermaid.initialize(settings("default"));
          await window.mermaid.parse(source);
          const light = (await window.mermaid.render(svgId, source)).svg;
          window.mermaid.initialize(settings("dark"));
          const dark = (await window.mermaid.render(svgId, source)).svg;
          out.push({ key, light, dark });
        } catch (err) {
          out.push({ key, error: String((err && err.message) || err) });
        }
      }
      return out;
    },
    diagrams,
    FONT_FAMILY,
  );
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
