"""Maths at build time: KaTeX in one node process per build, its CSS and fonts cut to what is used.

| signal | handler | reads → writes |
|---|---|---|
| `initialized` | `render.check_settings` | KATEX_TRUST → an error before any post if it is malformed |
| `content_object_init` | `fonts.attach_fonts` | the page's recorded fonts → `content.katex_fonts` (preloaded) |
| `all_generators_finalized` | `assets.record_usage` | every page's KaTeX classes and characters → the build state |
| `finalized` | `assets.write_assets` | that union → `theme/vendor/katex/` (pruned CSS, subset fonts, copy-tex) |

The reader asks `render.renderer(settings)` for the build's renderer (kept in the build
state, closed with it). Modules: `render` (formulas → HTML, memo and disk cache, page
batches), `process` (the node process and its pipe), `server.mjs` (KaTeX itself, and each
formula's fonts read off KaTeX's tree), `store` (the SQLite cache), `fonts` (KaTeX's CSS
as font rules), `assets` (the cut-down CSS and fonts).
"""

from pelican import signals

from plugins.katex.assets import record_usage, write_assets
from plugins.katex.fonts import attach_fonts
from plugins.katex.render import check_settings


def register():
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(attach_fonts)
    signals.all_generators_finalized.connect(record_usage)
    signals.finalized.connect(write_assets)
