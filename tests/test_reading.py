"""Reading counts made in the Markdown step equal a scan of the finished page."""

from __future__ import annotations

import html

import markdown
import pytest

from plugins.markdown.epigraph import EpigraphExtension
from plugins.markdown.kramdown_math import KramdownMathExtension
from plugins.markdown.reading_counts import ReadingCountsExtension, minutes, reading_counts


def katex_like(latex: str, display: bool) -> str:
    """KaTeX's shape: words inside (MathML and glyph spans) that are not prose."""
    inner = (
        f'<span class="katex"><math><mi>{html.escape(latex)}</mi></math><span class="katex-html">x y z</span></span>'
    )
    return f'<span class="katex-display">{inner}</span>' if display else inner


def convert(text: str) -> tuple[str, dict]:
    md = markdown.Markdown(
        extensions=[
            KramdownMathExtension(katex_like),
            "markdown.extensions.footnotes",
            "markdown.extensions.toc",
            "markdown.extensions.md_in_html",
            "pymdownx.superfences",
            EpigraphExtension(),
            ReadingCountsExtension(),
        ]
    )
    page = md.convert(text)
    return page, md.page_facts["reading_counts"]


PAGES = [
    "Plain words, three more.",
    "# A heading with $$x$$ maths\n\nText $$a+b$$ and\n\n$$\n\\sum_i x_i\n$$\n\nafter.",
    "Words[^1] and more.\n\n[^1]: A footnote with $$y$$ inside.",
    "<div markdown>Raw HTML with **bold** and $$z$$.</div>\n\n"
    "<figure><img src='a.png'><figcaption>Cap</figcaption></figure>",
    "```python\ncode words here\n```\n\n> A quote that may be an epigraph.\n>\n> — Someone, *Somewhere*",
    "a$$x$$b and $$y$$,c",
    "## One\n\n## Two $$t$$\n\nEnd.",
]


@pytest.mark.parametrize("text", PAGES)
def test_counts_made_while_converting_equal_a_scan_of_the_page(text):
    page, counts = convert(text)
    assert counts == reading_counts(page)


def test_formulas_are_counted_and_their_words_are_not():
    page, counts = convert("One two $$a$$ three\n\n$$\nb\n$$\n")
    assert counts == {"words": 3, "formulas": 2, "figures": 0}


def test_minutes_add_time_for_formulas_and_figures():
    assert minutes({"words": 230, "formulas": 0, "figures": 0}) == 1
    assert minutes({"words": 230, "formulas": 5, "figures": 0}) == 2  # 60 s + 60 s
    assert minutes({"words": 0, "formulas": 0, "figures": 3}) == 2  # 90 s
