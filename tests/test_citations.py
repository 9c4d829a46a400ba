"""Paper links become numbered citations, from the repository's BibTeX file."""

from __future__ import annotations

from plugins.citations import cite, identify, load_bibliography
from tests.conftest import ROOT

ENTRIES = load_bibliography(ROOT / "content" / "references.bib")


def test_arxiv_pdf_abs_and_doi_links_identify_their_papers():
    assert "2002.05202" in identify("https://arxiv.org/pdf/2002.05202")
    assert "2002.05202" in identify("https://arxiv.org/abs/2002.05202v2")
    assert "10.1126/science.aax6239" in identify("https://www.science.org/doi/10.1126/science.aax6239")
    assert "2002.05202" not in identify("https://github.com/x/arxiv.org/abs/2002.05202-notes")


def test_bare_urls_become_numbers_and_linked_words_stay():
    html = (
        '<p>GLUs (<a href="https://arxiv.org/pdf/1612.08083">https://arxiv.org/pdf/1612.08083</a>) and '
        '<a href="https://arxiv.org/abs/2002.05202">Shazeer (2020)</a> and again '
        '<a href="https://arxiv.org/pdf/1612.08083">the GLU paper</a>.</p>'
    )
    out = cite(html, ENTRIES)
    assert 'GLUs <a class="citation" id="cite-dauphin2017glu-1" href="#ref-dauphin2017glu"' in out
    assert 'Shazeer (2020) <a class="citation"' in out and ">[2]</a>" in out
    assert 'the GLU paper <a class="citation" id="cite-dauphin2017glu-2"' in out
    assert out.count("<li id=") == 2 and out.count('class="backref"') == 3


def test_links_to_unknown_papers_are_left_alone():
    html = '<p><a href="https://example.org/paper">a paper</a></p>'
    assert cite(html, ENTRIES) == html


def test_authors_are_listed_in_full_and_escaped():
    entry = next(e for e in ENTRIES if e.key == "li2023othello")
    assert entry.author_list().startswith("Kenneth Li, Aspen K. Hopkins")
    assert "Viégas" in entry.author_list()
