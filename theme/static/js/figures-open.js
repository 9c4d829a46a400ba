// Interactive figures, static until touched: each shows its picture (in the box
// reserved for the plot) until the reader shows intent: a pointer over or a touch on
// the figure, or focus on its slider (on its links, for a figure without a slider). Only
// then do plotly.js (data-plotly), the drawing code (figures.js, named in data-figures)
// and the figure's JSON load; scrolling past
// costs nothing. A slider moved meanwhile is kept: the figure opens at that state.
(function () {
  "use strict";
  var script = document.currentScript;
  var sources = { plotly: script.getAttribute("data-plotly"), figures: script.getAttribute("data-figures") };
  // A figure's own page (figure.html) is itself the reader's intent: draw at once.
  var eager = script.hasAttribute("data-eager");
  var loading = {};

  // One <script> per file, however many figures ask for it; resolves to the global it defines.
  function load(name, global) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = sources[name];
        s.onload = function () { resolve(window[global]); };
        s.onerror = function () { reject(new Error("could not load " + sources[name])); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  function open(plot) {
    var figure = plot.closest("figure");
    var input = figure.querySelector("input[type=range]"); // none: a figure without a slider
    if (input) input.disabled = false; // usable while plotly.js loads: its value is applied on arrival
    var spec = fetch(plot.dataset.figureSrc).then(function (r) {
      if (!r.ok) throw new Error(plot.dataset.figureSrc + ": HTTP " + r.status);
      return r.json();
    });
    var loaded = Promise.all([load("plotly", "Plotly"), spec]);
    load("figures", "siteFigureDraw").then(function (draw) { return draw(plot, loaded); }).catch(function (err) {
      plot.dataset.error = String(err);
      figure.classList.add("figure-failed"); // the static picture stays
      if (input) input.disabled = true;
      console.error(err);
    });
  }

  // The first sign of intent on a figure opens it, once.
  function openOnIntent(plot) {
    var figure = plot.closest("figure");
    var input = figure.querySelector("input[type=range]");
    // Focus on its slider; a figure without one: focus on any of its links.
    var focusable = input || figure, focusEvent = input ? "focus" : "focusin";
    var started = false;
    function start() {
      if (started) return;
      started = true;
      figure.removeEventListener("pointerenter", start);
      figure.removeEventListener("touchstart", start);
      focusable.removeEventListener(focusEvent, start);
      open(plot);
    }
    figure.addEventListener("pointerenter", start);
    figure.addEventListener("touchstart", start, { passive: true });
    focusable.addEventListener(focusEvent, start);
    if (input) input.disabled = false; // focusable, so that keyboard focus is a sign of intent
  }

  Array.prototype.forEach.call(document.querySelectorAll(".figure-plot[data-figure-src]"), eager ? open : openOnIntent);
})();
