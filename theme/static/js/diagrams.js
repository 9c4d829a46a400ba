// Mermaid diagrams, drawn in the browser from the page's <div class="mermaid">
// sources. Loaded only on pages that have one. Redrawn when the theme changes.
import mermaid from "../vendor/mermaid/mermaid.esm.min.mjs";

// innerHTML, not textContent: labels may hold HTML such as <sub>, and the
// arrows arrive entity-encoded (--&gt;); a <textarea> decodes entities only.
const decoder = document.createElement("textarea");
const diagrams = [...document.querySelectorAll(".mermaid")];
for (const el of diagrams) {
  decoder.innerHTML = el.innerHTML;
  el.dataset.source = decoder.value;
}

function config() {
  const dark = window.siteTheme && window.siteTheme() === "dark";
  const css = getComputedStyle(document.documentElement);
  return {
    startOnLoad: false,
    securityLevel: "strict",
    theme: "base",
    flowchart: { useMaxWidth: true, htmlLabels: true },
    themeVariables: {
      darkMode: dark,
      background: css.getPropertyValue("--bg").trim(),
      // The authors' classDef fills are pale in both themes, so node text stays dark;
      // edges and their labels follow the page.
      primaryColor: "#eef2f7",
      primaryTextColor: "#1f2328",
      nodeTextColor: "#1f2328",
      lineColor: css.getPropertyValue("--muted").trim(),
      edgeLabelBackground: css.getPropertyValue("--bg").trim(),
      textColor: css.getPropertyValue("--fg").trim(),
      fontFamily: css.getPropertyValue("--sans").trim(),
    },
  };
}

async function draw() {
  mermaid.initialize(config());
  for (const [i, el] of diagrams.entries()) {
    const { svg } = await mermaid.render(`diagram-${i}`, el.dataset.source);
    el.innerHTML = svg;
    el.dataset.processed = "true";
    const label = el.getAttribute("aria-label");
    const figure = el.querySelector("svg");
    figure.setAttribute("role", "img");
    if (label) figure.setAttribute("aria-label", label);
  }
}

draw();
document.addEventListener("themechange", draw);
