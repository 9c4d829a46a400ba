"""Maths at build time: KaTeX in one node process per build, its CSS and fonts cut to what is used.

| signal | handler | reads → writes |
|---|---|---|
| `initialized` | `settings.check_settings` | KATEX_TRUST, KATEX_MACROS, MATH_COMPAT → an error before any post if one is malformed |
| `content_object_init` | `fonts.attach_fonts` | the page's recorded fonts → `content.katex_fonts` (preloaded) |
| `all_generators_finalized` | `assets.record_usage` | every page's KaTeX classes and characters → the build state |
| `all_generators_finalized` | `page.note_mathjax` | the formulas MathJax drew (MATH_COMPAT), by file:line → one build note |
| `finalized` | `assets.write_assets` | that union → `theme/vendor/katex/` (pruned CSS, subset fonts, copy-tex) |

The reader asks `render.renderer(settings)` for the build's renderer (kept in the build
state, closed with it) and draws each page with a `page.PageRenderer`. Modules: `render`
(formulas → HTML, memo and disk cache, batches; the Markdown step's contract), `page` (one
page's formulas in order, its definitions carried along), `process` (the node process and
its pipe), `server.mjs` (KaTeX itself, page contexts, each formula's fonts read off KaTeX's
tree), `compat.mjs` (MathJax's TeX as KaTeX macros), `mathjax.mjs` (MathJax 3 for what
KaTeX cannot draw), `formula` (a rendered formula; the definitions in force), `settings` (the maths settings checked), `store` (the SQLite cache), `fonts` (KaTeX's CSS as font rules),
`assets` (the cut-down CSS and fonts).
"""

from pelican import signals

from plugins.katex.assets import record_usage, write_assets
from plugins.katex.fonts import attach_fonts
from plugins.katex.page import note_mathjax
from plugins.katex.settings import check_settings


def register():
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(attach_fonts)
    signals.all_generators_finalized.connect(record_usage)
    signals.all_generators_finalized.connect(note_mathjax)
    signals.finalized.connect(write_assets)
