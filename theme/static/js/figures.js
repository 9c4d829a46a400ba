// Interactive figures, static until touched: each shows its picture (in the box
// reserved for the plot) until the reader shows intent: a pointer over or a touch on
// the figure, or focus on its slider. Only then do plotly.js and the figure's JSON
// load; scrolling past costs nothing. A slider moved meanwhile is kept: the figure
// opens at that state. A native range input drives each figure (keyboard, mouse,
// touch); the theme toggle restyles plots in place.
(function () {
  "use strict";
  var script = document.currentScript;
  var plotlySrc = script.getAttribute("data-plotly");
  // A figure's own page (figure.html) is itself the reader's intent: draw at once.
  var eager = script.hasAttribute("data-eager");
  var plotlyReady = null;

  function loadPlotly() {
    if (!plotlyReady) {
      plotlyReady = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = plotlySrc;
        s.onload = function () { resolve(window.Plotly); };
        s.onerror = function () { reject(new Error("could not load " + plotlySrc)); };
        document.head.appendChild(s);
      });
    }
    return plotlyReady;
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // Page colours for the plot chrome; trace colours read on both themes.
  function themeLayout() {
    var fg = cssVar("--fg"), muted = cssVar("--muted"), rule = cssVar("--rule");
    var axis = { color: muted, gridcolor: rule, zerolinecolor: muted, linecolor: rule };
    var update = { "font.color": fg, "legend.font.color": fg, "hoverlabel.bgcolor": cssVar("--bg") };
    ["xaxis", "yaxis", "xaxis2", "yaxis2"].forEach(function (name) {
      Object.keys(axis).forEach(function (key) { update[name + "." + key] = axis[key]; });
    });
    return update;
  }

  // Same breakpoint as the CSS that reserves each plot's height.
  var narrowScreen = window.matchMedia("(max-width: 34rem)");

  function sizeLayout(spec) {
    var update = {}, source = narrowScreen.matches ? spec.narrow : null;
    Object.keys(spec.narrow).forEach(function (key) {
      update[key] = source ? source[key] : nested(spec.layout, key);
    });
    return update;
  }

  function nested(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? undefined : o[k]; }, obj);
  }

  function applyState(Plotly, plot, spec, index) {
    var state = spec.slider.states[index];
    plot.dataset.state = String(index);
    var done = state.restyle.reduce(function (previous, call) {
      return previous.then(function () { return Plotly.restyle(plot, call.update, call.traces); });
    }, Promise.resolve());
    return done.then(function () {
      return state.layout ? Plotly.relayout(plot, state.layout) : null;
    });
  }

  function draw(plot) {
    var figure = plot.closest("figure");
    var input = figure.querySelector("input[type=range]");
    var output = figure.querySelector("output");
    input.disabled = false; // usable while plotly.js loads: its value is applied on arrival
    Promise.all([loadPlotly(), fetch(plot.dataset.figureSrc).then(function (r) {
      if (!r.ok) throw new Error(plot.dataset.figureSrc + ": HTTP " + r.status);
      return r.json();
    })]).then(function (loaded) {
      var Plotly = loaded[0], spec = loaded[1];
      var config = { displayModeBar: false, responsive: true, scrollZoom: false };
      var layout = Object.assign({}, spec.layout);
      return Plotly.newPlot(plot, spec.data, layout, config).then(function () {
        return Plotly.relayout(plot, Object.assign(themeLayout(), sizeLayout(spec)));
      }).then(function () {
        narrowScreen.addEventListener("change", function () { Plotly.relayout(plot, sizeLayout(spec)); });
        var pending = Promise.resolve();
        input.addEventListener("input", function () {
          var index = Number(input.value), state = spec.slider.states[index];
          input.setAttribute("aria-valuetext", state.label);
          output.textContent = state.text;
          // A failed update must not block the next ones: report it and carry on.
          pending = pending.then(function () { return applyState(Plotly, plot, spec, index); })
            .catch(function (err) { console.error(err); });
        });
        document.addEventListener("themechange", function () { Plotly.relayout(plot, themeLayout()); });
        // The reader may have moved the slider while plotly.js was on its way: open there.
        if (Number(input.value) !== spec.slider.default) input.dispatchEvent(new Event("input"));
        // Ready (and the static picture hidden, see site.css) once the plot shows that state.
        return pending.then(function () { plot.dataset.ready = "true"; });
      });
    }).catch(function (err) {
      plot.dataset.error = String(err);
      figure.classList.add("figure-failed"); // the static picture stays
      input.disabled = true;
      console.error(err);
    });
  }

  // The first sign of intent on a figure draws it, once.
  function drawOnIntent(plot) {
    var figure = plot.closest("figure");
    var input = figure.querySelector("input[type=range]");
    var started = false;
    function start() {
      if (started) return;
      started = true;
      figure.removeEventListener("pointerenter", start);
      figure.removeEventListener("touchstart", start);
      input.removeEventListener("focus", start);
      draw(plot);
    }
    figure.addEventListener("pointerenter", start);
    figure.addEventListener("touchstart", start, { passive: true });
    input.addEventListener("focus", start);
    input.disabled = false; // focusable, so that keyboard focus is a sign of intent
  }

  Array.prototype.forEach.call(document.querySelectorAll(".figure-plot[data-figure-src]"), eager ? draw : drawOnIntent);
})();
