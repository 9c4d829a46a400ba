// Entry of the site's plotly.js bundle: the core (scatter included) plus the heatmap
// trace, nothing else. `npm run build:plotly` (run by npm's postinstall) bundles it with
// esbuild into node_modules/.bundles/; plugins/assets/vendor.py copies it into the output.
// tests/test_plotly_bundle.py fails if a figure uses a trace type not registered here.
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/heatmap")]);

window.Plotly = Plotly;
