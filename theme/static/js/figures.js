// Draws one interactive figure with plotly.js: loaded by figures-open.js on the first sign of
// intent, alongside plotly.js and the figure's JSON, so that reading costs none of it.
// A native range input drives each figure that has one (keyboard, mouse, touch); the theme toggle
// restyles plots in place.
(function () {
  "use strict";

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

  // loaded: the promise of [Plotly, the figure's JSON]; resolves once the figure shows the slider's state.
  function draw(plot, loaded) {
    var figure = plot.closest("figure");
    var input = figure.querySelector("input[type=range]");
    var output = figure.querySelector("output");
    return loaded.then(function (loaded) {
      var Plotly = loaded[0], spec = loaded[1];
      var config = { displayModeBar: false, responsive: true, scrollZoom: false };
      var layout = Object.assign({}, spec.layout);
      return Plotly.newPlot(plot, spec.data, layout, config).then(function () {
        return Plotly.relayout(plot, Object.assign(themeLayout(), sizeLayout(spec)));
      }).then(function () {
        narrowScreen.addEventListener("change", function () { Plotly.relayout(plot, sizeLayout(spec)); });
        document.addEventListener("themechange", function () { Plotly.relayout(plot, themeLayout()); });
        var pending = Promise.resolve();
        if (!input || !spec.slider) { plot.dataset.ready = "true"; return null; } // a figure without a slider
        input.addEventListener("input", function () {
          var index = Number(input.value), state = spec.slider.states[index];
          input.setAttribute("aria-valuetext", state.label);
          output.textContent = state.text;
          // A failed update must not block the next ones: report it and carry on.
          pending = pending.then(function () { return applyState(Plotly, plot, spec, index); })
            .catch(function (err) { console.error(err); });
        });
        // The reader may have moved the slider while plotly.js was on its way: open there.
        if (Number(input.value) !== spec.slider.default) input.dispatchEvent(new Event("input"));
        // Ready (and the static picture hidden, see site.css) once the plot shows that state.
        return pending.then(function () { plot.dataset.ready = "true"; });
      });
    });
  }

  window.siteFigureDraw = draw;
})();
