"""Footnotes repeated as sidenotes (plugins/features/sidenotes.py): a copy after the first mark
of each footnote of paragraphs, for eyes only; the footnotes list stays as it was."""

from __future__ import annotations

import markdown
from bs4 import BeautifulSoup

from plugins.features.sidenotes import with_sidenotes

TEXT = """Text[^a] and a list[^b], again[^a] and plain[^c], with maths[^m].

| cell[^c] |
|---|
| y |

[^a]: Note *one* with [a link](https://example.org) and
    <span class="icon"><svg viewBox="0 0 1 1"><path d="M0 0"/></svg></span>.

    A second paragraph.
[^b]: - an item
[^c]: Plain <a id="cite-x-1" class="citation" href="#ref-x">[1]</a>.
[^m]: A formula: <span class="katex">x</span>.
"""


def page() -> str:
    return markdown.markdown(TEXT, extensions=["footnotes", "tables"])


def test_each_footnote_of_paragraphs_sits_after_its_first_mark():
    before = page()
    after = with_sidenotes(before)
    doc = BeautifulSoup(after, "html.parser")
    notes = doc.select(".sidenote")
    assert [n.select_one(".sidenote-number").get_text() for n in notes] == ["1", "3"]
    first = notes[0]
    assert first.find_previous_sibling("sup")["id"] == "fnref:a"
    assert [p.get_text() for p in first.select(".sidenote-para")][1] == "A second paragraph."
    assert after.count('<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>') == 2  # the bytes copied, not reparsed
    assert "↩" not in first.get_text() and not first.select(".footnote-backref")
    # The footnotes at the end are unchanged, and so is everything but the added copies.
    assert after[after.index('<div class="footnote">') :] == before[before.index('<div class="footnote">') :]
    for note in notes:
        note.decompose()
    assert str(doc) == str(BeautifulSoup(before, "html.parser"))


def test_the_copies_are_for_eyes_only():
    doc = BeautifulSoup(with_sidenotes(page()), "html.parser")
    for note in doc.select(".sidenote"):
        assert note["aria-hidden"] == "true" and note.has_attr("data-pagefind-ignore")
        assert not note.select("[id]")  # ids stay unique
        assert all(a["tabindex"] == "-1" for a in note.select("a"))
    assert "cite-x-1" in str(doc.select_one(".footnote")) and doc.select_one(".sidenote .citation")


def test_a_list_footnote_a_formula_and_a_mark_in_a_table_stay_footnotes_only():
    doc = BeautifulSoup(with_sidenotes(page()), "html.parser")
    assert not doc.select("table .sidenote")
    numbers = [n.select_one(".sidenote-number").get_text() for n in doc.select(".sidenote")]
    assert "2" not in numbers and "4" not in numbers  # the list, the formula: each formula is on the page once
    assert len(doc.select(".footnote > ol > li")) == 4 and len(doc.select(".katex")) == 1


def test_a_page_without_footnotes_is_unchanged():
    text = "<p>No notes.</p>"
    assert with_sidenotes(text) is text
