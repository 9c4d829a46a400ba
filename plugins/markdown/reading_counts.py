"""Words, formulas and figures a reader reads on a page, counted as Markdown makes its HTML.

A Markdown postprocessor leaves the counts on the Markdown instance (`md.page_facts`); the
reader stores them in the page's metadata, so they are cached with the page and no later
step parses it. That is before plugins/features/citations.py appends its references (never
counted), so the counts do not depend on the order in which plugins run. Prose is counted,
not the markup of formulas, figures or diagrams; plugins/features/reading.py turns the
counts into minutes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor, RawHtmlPostprocessor
from markdown.treeprocessors import Treeprocessor

WORDS_PER_MINUTE = 230
SECONDS_PER_FORMULA = 12
SECONDS_PER_FIGURE = 30

SKIPPED_TAGS = {"figure", "script", "style"}
SKIPPED_CLASSES = {"katex", "mermaid", "references"}


def _class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


FORMULAS = f"//*[{_class('katex')}]"
FIGURES = f"//figure[{_class('figure')}] | //*[{_class('mermaid')}] | //figure[not({_class('figure')})]//img"


def _prose(element) -> Iterator[str]:
    """The text a reader reads: skips formulas, figures, diagrams, scripts and comments."""
    if element.text:
        yield element.text
    for child in element:
        skip = not isinstance(child.tag, str) or child.tag in SKIPPED_TAGS
        if not skip and not SKIPPED_CLASSES.isdisjoint((child.get("class") or "").split()):
            skip = True
        if not skip:
            yield from _prose(child)
        if child.tail:
            yield child.tail


def reading_counts(html: str) -> dict[str, int]:
    """Words of prose, formulas and figures in a page's HTML (lxml: a C parser)."""
    import lxml.html

    if not html.strip():
        return {"words": 0, "formulas": 0, "figures": 0}
    doc = lxml.html.document_fromstring(html)
    words = len(re.findall(r"\w+", " ".join(_prose(doc))))
    return {"words": words, "formulas": len(doc.xpath(FORMULAS)), "figures": len(doc.xpath(FIGURES))}


def minutes(counts: dict[str, int]) -> int:
    seconds = (
        counts["words"] / WORDS_PER_MINUTE * 60
        + counts["formulas"] * SECONDS_PER_FORMULA
        + counts["figures"] * SECONDS_PER_FIGURE
    )
    return max(1, math.ceil(seconds / 60))


def reading_minutes(html: str) -> int:
    return minutes(reading_counts(html))


# What kramdown_math stashes for a formula: KaTeX's HTML, alone or in a display box.
FORMULA_ENTRY = re.compile(r'<(?:span class="katex|div class="math-display")')


class _ProseOnly(RawHtmlPostprocessor):
    """Markdown's own raw-HTML step, with each formula's stashed HTML left out and counted:
    KaTeX's markup is most of a maths-heavy page, and none of it is prose."""

    formulas = 0

    def stash_to_string(self, text) -> str:
        html = str(text)
        if FORMULA_ENTRY.match(html):
            self.formulas += html.count('class="katex"')
            return " "  # words on either side stay apart, as text around an element does
        return html


class ReadingCountsPostprocessor(Postprocessor):
    """Counts the page before its stashed HTML is put back (priority 31, before raw_html's
    30): formulas are counted from the stash instead of parsed, so lxml reads the prose
    and the rest of the markup only. Same counts as reading_counts() on the finished page
    (tests/test_reading.py compares them); the page itself is passed on untouched."""

    def run(self, text: str) -> str:
        if not getattr(self.md, "reading_document", False):
            return text  # toc runs all postprocessors on each heading: not the page
        self.md.reading_document = False
        prose = _ProseOnly(self.md)
        page = prose.run(text)
        # Then what the later postprocessors do to the page (footnote marks, epigraphs…).
        after_raw_html = list(self.md.postprocessors)
        for later in after_raw_html[self.md.postprocessors.get_index_for_name("raw_html") + 1 :]:
            if not getattr(later, "keeps_words", False):
                page = later.run(page)
        counts = reading_counts(page)
        counts["formulas"] += prose.formulas
        facts = getattr(self.md, "page_facts", None)
        if facts is None:
            facts = self.md.page_facts = {}
        facts["reading_counts"] = counts
        return text


class _DocumentNext(Treeprocessor):
    """Runs after every other treeprocessor (toc's included): the next postprocessor run is the page's."""

    def run(self, root) -> None:
        self.md.reading_document = True


class ReadingCountsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_DocumentNext(md), "reading_document", -100)
        md.postprocessors.register(ReadingCountsPostprocessor(md), "reading_counts", 31)
