"""Which of the theme's optional styles and scripts a page needs, known from its reader.

The article template links KaTeX's CSS and fonts, the diagram font, the figure
loader, the footnote previews and the algorithms' stylesheet only on pages that use
them. The Jekyll reader
records the markers its HTML has (`html_features`, cached with the page by
plugins/incremental/content_cache.py), so no step scans a finished page (a page
can weigh 400 KB); content from another reader is scanned once, here.
Citations are added after reading: plugins/features/citations.py sets `cites` itself.
"""

from __future__ import annotations

# Feature → the marker in a page's HTML that means it has it.
MARKERS = {
    "katex": 'class="katex',  # a formula: KaTeX's CSS and the fonts it draws with
    "mermaid": 'class="mermaid',  # a diagram: the labels' font
    "figures": "data-figure-src=",  # an interactive figure: its loader
    "footnotes": 'class="footnote-ref',  # footnote previews
    "pseudocode": 'class="pseudocode"',  # an algorithm: its stylesheet
}


def features_of(html: str) -> list[str]:
    return sorted(name for name, marker in MARKERS.items() if marker in html)


def attach_features(content) -> None:
    """content.html_features for templates: the reader's record, or a scan of other readers' HTML."""
    recorded = content.metadata.get("html_features")
    content.html_features = frozenset(recorded if recorded is not None else features_of(content._content or ""))
    content.cites = getattr(content, "cites", False)
