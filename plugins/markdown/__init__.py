"""The Markdown step: kramdown's syntax, maths, figures and the rest, as Python-Markdown extensions.

`extensions(settings, render)` is the one list a page is converted with: the settings'
`MARKDOWN` extensions (Python-Markdown's and pymdown's, configured in pelicanconf.py), then
this package's, in this order. Within one kind of processor, a higher priority runs
first; on a tie the extension added first runs first (epigraphs before embeds).

| extension | processor (priority) | does |
|---|---|---|
| `figure_tag.FigureTagExtension` | preprocessor (29.5) | `{% figure ID %}` alone on a line → the figure's HTML |
| `reading_counts.ReadingCountsExtension` | treeprocessor (-100), postprocessor (31) | words, formulas, figures → `md.page_facts` |
| `epigraph.EpigraphExtension` | postprocessor (5) | `<blockquote cite="…">` → an epigraph |
| `kramdown_math.KramdownMathExtension` | preprocessor (29) | `$$…$$`, `\\(…\\)`, `$…$` → KaTeX HTML (before any other block parsing) |
| `kramdown_blocks.KramdownBlocksExtension` | preprocessors (29.8, 27, 26), treeprocessor (9) | `{::comment}`, IALs `{: …}`, `{:toc}`, list indents |
| `external_embeds.ExternalEmbedsExtension` | postprocessor (5) | iframes from other hosts → links |

The other modules are the extensions' own pieces: `maths_finder` and `maths_in_html` (where
the formulas are, kramdown's and a MathJax site's), `equation_refs` (`\\label`/`\\eqref`),
`equation_numbers` (a MathJax site's numbering),
`local_files` (images and linked files resolved in `content/`), `reading_counts`. This
package connects no signal: the reader (plugins/jekyll/reader.py) asks for the list.
"""

from __future__ import annotations

from pathlib import Path

from plugins.markdown.epigraph import EpigraphExtension
from plugins.markdown.external_embeds import ExternalEmbedsExtension
from plugins.markdown.figure_tag import FigureTagExtension
from plugins.markdown.kramdown_blocks import KramdownBlocksExtension
from plugins.markdown.kramdown_math import KramdownMathExtension, MathOptions, Renderer
from plugins.markdown.reading_counts import ReadingCountsExtension

# Python-Markdown's `meta` would read Jekyll's front matter a second time, and wrongly.
NOT_FOR_POSTS = {"markdown.extensions.meta"}


def extensions(settings: dict, render: Renderer) -> list:
    """The extensions one page is converted with; `render(latex, display)` draws its formulas."""
    configured = [e for e in settings["MARKDOWN"].get("extensions", []) if e not in NOT_FOR_POSTS]
    return configured + [
        FigureTagExtension(Path(settings["PATH"]) / "assets", settings.get("SITEURL", "")),
        ReadingCountsExtension(),
        EpigraphExtension(),
        KramdownMathExtension(render, MathOptions.from_settings(settings)),  # the site's MATH_* settings
        KramdownBlocksExtension(),
        ExternalEmbedsExtension(),
    ]
