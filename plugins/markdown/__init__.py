"""The Markdown step: kramdown's syntax, maths, figures and the rest, as Python-Markdown extensions.

`extensions(settings, render)` is the one list a page is converted with: the settings'
`MARKDOWN` extensions (Python-Markdown's and pymdown's, configured in pelicanconf.py), then
this package's, in this order. Within one kind of processor, a higher priority runs
first; on a tie the extension added first runs first (epigraphs before embeds).

| extension | processor (priority) | does |
|---|---|---|
| `pseudocode.PseudocodeExtension` | preprocessor (29.6) | ```` ```pseudocode ```` fences → typeset algorithms (pseudocode.js in node, maths by KaTeX) |
| `figure_tag.FigureTagExtension` | preprocessor (29.5) | `{% figure ID %}` alone on a line → the figure's HTML |
| `reading_counts.ReadingCountsExtension` | treeprocessor (-100), postprocessor (31) | words, formulas, figures → `md.page_facts` |
| `epigraph.EpigraphExtension` | postprocessor (5) | `<blockquote cite="…">` → an epigraph |
| `kramdown_math.KramdownMathExtension` | preprocessor (29) | `$$…$$`, `\\(…\\)`, `$…$` → KaTeX HTML (before any other block parsing) |
| `kramdown_blocks.KramdownBlocksExtension` | preprocessors (29.8, 27, 26), treeprocessor (9) | `{::comment}`, IALs `{: …}`, `{:toc}`, list indents |
| `nested_markdown.NestedMarkdownExtension` | preprocessor (20.5) | `markdown="1"` inside raw HTML honoured, as kramdown does |
| `kramdown_footnotes.KramdownFootnotesExtension` | treeprocessor (17) | a footnote never cited left out, with a warning |
| `distill.DistillExtension` | preprocessor (28.5), postprocessor (26) | distill's `<d-footnote>` → Markdown footnotes |
| `responsive_images.ResponsiveImagesExtension` | postprocessor (7) | `srcset` entries checked (WebP sizes made), `on*` handlers removed |
| `external_embeds.ExternalEmbedsExtension` | postprocessor (5) | iframes and images from other hosts → links; framed files checked |
| `page_anchors.PageAnchorsExtension` | postprocessor (4) | a link to an id the page lacks: a warning (to the one id it spells, if any) |

The other modules are the extensions' own pieces: `maths_finder` and `maths_in_html` (where
the formulas are, kramdown's and a MathJax site's), `equation_refs` (`\\label`/`\\eqref`),
`equation_numbers` (a MathJax site's numbering), `html_math` (maths in `.html` posts),
`local_files` (images and linked files resolved in `content/`), `reading_counts`,
`source_text` (the Markdown's lines, for warnings from postprocessors). This
package connects no signal: the reader (plugins/jekyll/reader.py) asks for the list.
"""

from __future__ import annotations

from pathlib import Path

from plugins.markdown.distill import DistillExtension
from plugins.markdown.epigraph import EpigraphExtension
from plugins.markdown.external_embeds import ExternalEmbedsExtension
from plugins.markdown.figure_tag import FigureTagExtension
from plugins.markdown.kramdown_blocks import KramdownBlocksExtension
from plugins.markdown.kramdown_footnotes import KramdownFootnotesExtension
from plugins.markdown.kramdown_math import KramdownMathExtension, MathOptions, Renderer
from plugins.markdown.nested_markdown import NestedMarkdownExtension
from plugins.markdown.page_anchors import PageAnchorsExtension
from plugins.markdown.pseudocode import PseudocodeExtension
from plugins.markdown.reading_counts import ReadingCountsExtension
from plugins.markdown.responsive_images import ResponsiveImagesExtension

# Python-Markdown's `meta` would read Jekyll's front matter a second time, and wrongly.
NOT_FOR_POSTS = {"markdown.extensions.meta"}


def site_paths(settings: dict):
    """A function giving the paths a site URL may start with (SITEURL's, which Liquid's links
    carry, and the old site's `baseurl`), read when a page first needs them."""
    known: list[tuple[str, ...]] = []

    def paths() -> tuple[str, ...]:
        from plugins import build_state
        from plugins.jekyll.site import jekyll_config

        if not known:
            site = build_state.of(settings).site
            config = site.config if site is not None else jekyll_config(settings)
            known.append((config["baseurl"], config["jekyll_baseurl"]))
        return known[0]

    return paths


def extensions(settings: dict, render: Renderer) -> list:
    """The extensions one page is converted with; `render(latex, display)` draws its formulas."""
    configured = [e for e in settings["MARKDOWN"].get("extensions", []) if e not in NOT_FOR_POSTS]
    content, baseurls, site_url = Path(settings["PATH"]), site_paths(settings), settings.get("SITEURL", "")
    return configured + [
        PseudocodeExtension(render, settings.get("PSEUDOCODE_OPTIONS")),
        FigureTagExtension(content / "assets", site_url),
        ReadingCountsExtension(),
        EpigraphExtension(),
        KramdownMathExtension(render, MathOptions.from_settings(settings)),  # the site's MATH_* settings
        KramdownBlocksExtension(),
        NestedMarkdownExtension(),
        KramdownFootnotesExtension(),
        DistillExtension(),
        ResponsiveImagesExtension(content, baseurls, site_url),
        ExternalEmbedsExtension(content, baseurls, site_url),
        PageAnchorsExtension(),
    ]
