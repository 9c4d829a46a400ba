"""The theme's static files and the third-party ones a browser fetches, into the output.

| signal | handler | reads → writes |
|---|---|---|
| `initialized` | `vendor.expose_vendor_dirs` | node_modules → `PLOTLY_DIR` (a versioned folder) for the templates |
| `finalized` | `vendor.copy_assets` | our plotly.js bundle → `theme/vendor/plotly-…/` |
| `finalized` | `minify.minify_output` | theme/static/*.css, *.js → the same files, minified, over Pelican's copies |

Modules: `vendor` (the vendor folder, versioned names, hard-linked copies), `minify` (rcssmin,
rjsmin), `font_subset` (fontTools: a woff2 cut down to the characters a site draws, used by
plugins/katex and plugins/mermaid).
"""

from pelican import signals

from plugins.assets.minify import minify_output
from plugins.assets.vendor import copy_assets, expose_vendor_dirs


def register():
    signals.initialized.connect(expose_vendor_dirs)
    signals.finalized.connect(copy_assets)
    signals.finalized.connect(minify_output)
