// Mermaid diagrams, drawn in the browser from the page's <div class="mermaid">
// sources. This file loads only on pages with a diagram, and Mermaid itself
// (with the chunk for the diagram type) only when a diagram nears the viewport.
// Each diagram's box has a fixed height from the CSS, so nothing moves when it
// is drawn. Redrawn when the theme changes.

// innerHTML, not textContent: labels may hold HTML such as <sub>, and the
// arrows arrive entity-encoded (--&gt;); a <textarea> decodes entities only.
const decoder = document.createElement("textarea");
const diagrams = [...document.querySelectorAll(".mermaid")];
for (const el of diagrams) {
  decoder.innerHTML = el.innerHTML;
  el.dataset.source = decoder.value;
}

let mermaidReady = null;

function config() {
  const dark = window.siteTheme && window.siteTheme() === "dark";
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return {
    startOnLoad: false,
    securityLevel: "strict",
    theme: "base",
    flowchart: { useMaxWidth: true, htmlLabels: true },
    themeVariables: {
      darkMode: dark,
      background: v("--bg"),
      // The authors' classDef fills are pale in both themes, so node text stays dark;
      // edges and their labels follow the page.
      primaryColor: "#eef2f7",
      primaryTextColor: "#1f2328",
      nodeTextColor: "#1f2328",
      lineColor: v("--muted"),
      edgeLabelBackground: v("--bg"),
      textColor: v("--fg"),
      fontFamily: v("--sans"),
    },
  };
}

async function draw() {
  const { default: mermaid } = await mermaidReady;
  mermaid.initialize(config());
  for (const [i, el] of diagrams.entries()) {
    const { svg } = await mermaid.render(`diagram-${i}`, el.dataset.source);
    el.innerHTML = svg;
    el.dataset.processed = "true";
    const figure = el.querySelector("svg");
    figure.setAttribute("role", "img");
    // An accessible name from the diagram itself when the author gave none.
    const nodes = [...figure.querySelectorAll("g.node")].map((n) => n.textContent.trim());
    figure.setAttribute("aria-label", el.getAttribute("aria-label") || `Diagram of ${nodes.join(", ")}`);
  }
}

// Draws run one after another: a theme change during a draw waits for it.
let drawing = Promise.resolve();
function redraw() {
  drawing = drawing.then(draw).catch((err) => console.error(err));
}

function start() {
  if (mermaidReady) return;
  mermaidReady = import(document.querySelector("script[data-mermaid]").dataset.mermaid);
  redraw();
  document.addEventListener("themechange", redraw);
}

const observer = new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) {
    observer.disconnect();
    start();
  }
}, { rootMargin: "300px 0px" });
for (const el of diagrams) observer.observe(el);
