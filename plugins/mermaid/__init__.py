"""Diagrams at build time: Mermaid itself draws each ```mermaid fence in headless Chromium.

| signal | handler | reads → writes |
|---|---|---|
| `all_generators_finalized` | `render.render_diagrams` | every page's diagrams → inline SVG in the page; the labels' font → the build state |
| `finalized` | `font.write_font` | that font → `theme/vendor/diagrams/` |

Drawings are cached by the diagram's source, Mermaid's version, the font and the drawing
script, so a no-change build starts no browser. Modules: `sources` (where a page's
diagrams are, and their fences' lines), `chromium` (node and Chromium, with a time limit),
`draw.mjs` (Mermaid in the page), `svg` (the SVG a page carries), `font` (the labels'
font), `render` (the stage itself).
"""

from pelican import signals

from plugins.mermaid.font import write_font
from plugins.mermaid.render import render_diagrams


def register():
    signals.all_generators_finalized.connect(render_diagrams)
    signals.finalized.connect(write_font)
