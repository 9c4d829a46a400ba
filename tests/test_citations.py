"""Paper links become numbered citations, from the repository's BibTeX file."""

from __future__ import annotations

import sys
from pathlib import Path

from bs4 import BeautifulSoup

from plugins.features.citations import Entry, cite, identify, load_bibliography
from tests.conftest import ROOT
from tests.test_build_errors import disconnect_receivers_from

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


def test_authors_are_listed_in_full_with_accents_decoded():
    entry = next(e for e in ENTRIES if e.key == "li2023othello")
    assert entry.author_list().startswith("Kenneth Li, Aspen K. Hopkins")
    assert "Viégas" in entry.author_list()


def test_bibliography_text_is_escaped_in_the_html():
    """A title, author, venue, URL or key with <, & or " is text in the page, never markup."""
    evil = Entry(
        key='k"><b>x',
        authors=["A <i>B</i> & C", 'D "E"'],
        title='<script>alert(1)</script> & "quoted"',
        year="2020",
        venue="<em>Venue</em> & Co",
        url='https://example.org/?a=1&b="2"',
        ids={"https://example.org/paper"},
    )
    out = cite('<p>See <a href="https://example.org/paper">https://example.org/paper</a>.</p>', [evil])
    assert "<script>" not in out and "<i>B</i>" not in out and "<em>" not in out and "<b>x" not in out
    doc = BeautifulSoup(out, "html.parser")
    mark = doc.select_one("a.citation")
    assert mark["title"] == 'A <i>B</i> & C and D "E" (2020). <script>alert(1)</script> & "quoted"'
    assert mark["href"] == '#ref-k"><b>x' and mark["id"] == 'cite-k"><b>x-1'
    item = doc.select_one(".references li")
    assert item["id"] == 'ref-k"><b>x'
    assert item.select_one(".ref-title").get_text() == '<script>alert(1)</script> & "quoted"'
    assert item.select_one(".ref-authors").get_text() == 'A <i>B</i> & C and D "E"'
    assert "<em>Venue</em> & Co" in item.get_text()
    assert item.select("a")[0]["href"] == 'https://example.org/?a=1&b="2"'
    assert item.select_one("a.backref")["href"] == '#cite-k"><b>x-1'


BIB = """@article{{{key},
  title = {{{title}}},
  author = {{Ada Lovelace}},
  year = {{1843}},
  eprint = {{{eprint}}},
}}
"""

POST = """Title: Two papers
Date: 2026-11-01

First https://arxiv.org/abs/1111.11111 and second https://arxiv.org/abs/2222.22222.
"""


def build_tiny_site(content: Path, output: Path, bibliography: Path) -> str:
    """Pelican in-process, only the citations plugin, on one post; the post's HTML."""
    from pelican import Pelican
    from pelican.settings import read_settings

    plugin = output.parent / f"only_citations_{output.name}.py"  # the citations stage's one handler
    plugin.write_text(
        "from pelican import signals\nfrom plugins.features import citations\n\n"
        "def register():\n    signals.content_object_init.connect(citations.add_citations)\n"
    )
    sys.path.insert(0, str(plugin.parent))
    settings = read_settings(
        None,
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "PLUGINS": [plugin.stem],
            "BIBLIOGRAPHY": str(bibliography),
            "MARKDOWN": {"extensions": ["pymdownx.magiclink"], "output_format": "html5"},
            "LOAD_CONTENT_CACHE": False,
            "CACHE_CONTENT": False,
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "ARTICLE_URL": "post/",
            "ARTICLE_SAVE_AS": "post/index.html",
        },
    )
    try:
        Pelican(settings).run()
    finally:
        disconnect_receivers_from("plugins.features.citations")  # signals outlive the build
        sys.path.remove(str(plugin.parent))
    return (output / "post" / "index.html").read_text()


def test_two_builds_in_one_process_each_see_only_their_own_bibliography(tmp_path, monkeypatch):
    """As in the dev server: the author edits references.bib between two builds."""
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    content = tmp_path / "content"
    content.mkdir()
    (content / "post.md").write_text(POST)
    bib = tmp_path / "references.bib"

    bib.write_text(BIB.format(key="first", title="The First Paper", eprint="1111.11111"))
    first = BeautifulSoup(build_tiny_site(content, tmp_path / "one", bib), "html.parser")
    assert [li["id"] for li in first.select(".references li")] == ["ref-first"]

    bib.write_text(BIB.format(key="second", title="The Second Paper", eprint="2222.22222"))
    second = BeautifulSoup(build_tiny_site(content, tmp_path / "two", bib), "html.parser")
    assert [li["id"] for li in second.select(".references li")] == ["ref-second"]
    assert "First Paper" not in str(second) and "arxiv.org/abs/1111.11111" in str(second)


def test_the_readers_record_of_link_ids_decides_whether_a_page_is_scanned(tmp_path, monkeypatch):
    """The Jekyll reader records the ids a page's links carry; a rebuild trusts the record."""
    from types import SimpleNamespace

    from plugins.features.citations import add_citations, link_ids

    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    page = '<p>See <a href="https://arxiv.org/abs/2002.05202">this</a>.</p>'
    assert {"2002.05202", "https://arxiv.org/abs/2002.05202"} <= link_ids(page)
    settings = {"BIBLIOGRAPHY": str(ROOT / "content" / "references.bib")}
    recorded = SimpleNamespace(settings=settings, _content=page, metadata={"link_ids": sorted(link_ids(page))})
    add_citations(recorded)
    assert 'class="citation"' in recorded._content and recorded.cites
    stale = SimpleNamespace(settings=settings, _content=page, metadata={"link_ids": []})  # the record says: no links
    add_citations(stale)
    assert stale._content == page and not getattr(stale, "cites", False)
    unrecorded = SimpleNamespace(settings=settings, _content=page, metadata={})  # another reader: scanned
    add_citations(unrecorded)
    assert 'class="citation"' in unrecorded._content


def test_a_url_field_written_as_latex_or_words_links_to_its_web_address(tmp_path):
    """`url = {\\url{…}}` and `url = {Available at \\url{http:// https://…} (2024)}`: the entry
    links to the address, never to the field's text."""
    from plugins.features.bibtex import parse_bibliography

    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{a, title = {A}, url = {\\url{https://kexue.fm/archives/9859}}}\n"
        "@misc{b, title = {B}, url = {Available at \\url{http://\nhttps://ypei.org/p.html} (2024/11/11)}}\n"
        "@misc{c, title = {C}, url = {https://c.org/x}}\n@misc{d, title = {D}, url = {see the library}}\n"
    )
    entries, _ = parse_bibliography(bib)
    urls = {e.key: e.url for e in entries}
    assert urls == {
        "a": "https://kexue.fm/archives/9859",
        "b": "https://ypei.org/p.html",
        "c": "https://c.org/x",
        "d": "",
    }
    assert "https://kexue.fm/archives/9859" in next(e for e in entries if e.key == "a").ids


def test_no_citation_is_made_in_a_comment_or_in_code():
    html = (
        '<p>See <d-cite key="dauphin2017glu"></d-cite>.</p>\n<!-- <figcaption><d-cite key="dauphin2017glu"> -->\n'
        '<pre><code>&lt;a&gt; <a href="https://arxiv.org/abs/2002.05202">x</a></code></pre>'
        '<p><code><d-cite key="shazeer2020glu"></d-cite></code></p>'
    )
    out = cite(html, ENTRIES)
    assert out.count('class="citation"') == 1 and 'id="cite-dauphin2017glu-1"' in out
    assert out.count("<li id=") == 1 and out.count('class="backref"') == 1
    assert '<!-- <figcaption><d-cite key="dauphin2017glu"> -->' in out
