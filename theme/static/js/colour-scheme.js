// The colour scheme: light or dark, the system's unless the reader picks one with the
// toggle (remembered). Loaded in <head> so a stored choice applies before first paint (no
// flash); without JS the page follows the system via CSS alone. As the one script every
// page runs first, it also marks <html class="js"> and fetches KaTeX's copy-tex on demand.
(function () {
  "use strict";
  var KEY = "theme";
  var root = document.documentElement;
  root.classList.add("js"); // CSS shows interactive parts only when scripts run
  var stored = null;
  try { stored = localStorage.getItem(KEY); } catch (e) { /* storage disabled */ }
  if (stored === "light" || stored === "dark") root.setAttribute("data-theme", stored);

  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function current() {
    return root.getAttribute("data-theme") || (systemDark.matches ? "dark" : "light");
  }
  window.siteTheme = current;

  function announce() {
    var button = document.querySelector(".theme-toggle");
    if (button) button.setAttribute("aria-pressed", String(current() === "dark"));
    document.dispatchEvent(new CustomEvent("themechange", { detail: { theme: current() } }));
  }

  systemDark.addEventListener("change", function () {
    if (!root.hasAttribute("data-theme")) announce();
  });

  // KaTeX's copy-tex (copying rendered maths copies its LaTeX) is fetched when the reader
  // starts selecting text on a page with maths, which names it in <meta name="copy-tex">:
  // a page that is only read loads none of it, and a selection takes longer than its arrival.
  function loadCopyTex() {
    var wanted = document.querySelector('meta[name="copy-tex"]');
    if (!wanted) return;
    var script = document.createElement("script");
    script.src = wanted.content;
    script.onerror = function () { // offline for a moment: the next selection tries again
      script.remove();
      document.addEventListener("selectstart", loadCopyTex, { once: true });
    };
    document.head.append(script);
  }
  document.addEventListener("selectstart", loadCopyTex, { once: true });

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    button.setAttribute("aria-pressed", String(current() === "dark"));
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* storage disabled */ }
      announce();
    });
  });
})();
