"""Links to papers become numbered citations with a references list, from a BibTeX file.

A post links a paper the way the author found it: `https://arxiv.org/pdf/1612.08083`
or a DOI URL. When the link matches an entry of the site's bibliography
(`BIBLIOGRAPHY`, BibTeX: by arXiv id in `eprint`, by `doi`, or by `url`), the
link becomes a numbered citation `[1]` pointing at a "References" list added
at the end of the post, numbered in order of first citation. Each citation's
`title` attribute holds authors, year and title (a tooltip without JavaScript;
previews.js shows the full entry on hover or tap). The metadata lives in the
repository and is never fetched at run time.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from plugins import build_state
from plugins.build_cache import cached, fingerprint

HREF = re.compile(r'<a href="([^"]+)"')  # what LINK matches first: the links that may be citations
LINK = re.compile(r'(?P<open>\()?<a href="(?P<href>[^"]+)"[^>]*>(?P<text>.*?)</a>(?(open)\))')
ARXIV = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/?$")
DOI = re.compile(r"^https?://(?:[\w-]+\.)*(?:doi\.org/|[\w.-]+/doi/(?:abs/|full/)?)(10\.\d{4,9}/[^\s?#]+)$")


@dataclass
class Entry:
    key: str
    authors: list[str]
    title: str
    year: str
    venue: str
    url: str
    ids: set[str]  # arXiv id, DOI or URL that identify the entry in a link

    def author_list(self) -> str:
        """ "A, B and C": every author, as a references list prints them."""
        if len(self.authors) <= 2:
            return " and ".join(self.authors)
        return ", ".join(self.authors[:-1]) + " and " + self.authors[-1]


def plain(latex: str) -> str:
    """BibTeX text to plain text: braces and simple accents."""
    from pybtex.richtext import Text

    return Text.from_latex(latex).render_as("text")


def load_bibliography(path: Path) -> list[Entry]:
    """The entries of a BibTeX file; parsed once per file content (pybtex takes ~0.4 s)."""
    import json
    from dataclasses import asdict

    def parse() -> bytes:
        return json.dumps([{**asdict(e), "ids": sorted(e.ids)} for e in parse_bibliography(path)]).encode()

    stored = cached("bibliography", [path.read_bytes(), fingerprint(__file__, ["pybtex", "latexcodec"])], parse)
    return [Entry(**{**e, "ids": set(e["ids"])}) for e in json.loads(stored)]


def parse_bibliography(path: Path) -> list[Entry]:
    from pybtex.database import parse_file

    entries = []
    for key, e in parse_file(str(path), bib_format="bibtex").entries.items():
        f = e.fields
        authors = [
            plain(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names + p.lineage_names))
            for p in e.persons.get("author", [])
        ]
        ids, url = set(), f.get("url", "")
        if f.get("eprint"):
            ids.add(f["eprint"])
            url = url or f"https://arxiv.org/abs/{f['eprint']}"
        if f.get("doi"):
            ids.add(f["doi"].lower())
            url = url or f"https://doi.org/{f['doi']}"
        if f.get("url"):
            ids.add(f["url"])
        venue = plain(f.get("journal") or f.get("booktitle") or (f"arXiv:{f['eprint']}" if f.get("eprint") else ""))
        if f.get("volume"):
            venue += f" {f['volume']}"
        entries.append(Entry(key, authors, plain(f["title"]), f.get("year", ""), venue, url, ids))
    return entries


def link_ids(page_html: str) -> set[str]:
    """Every id the page's links could be cited by (their URLs, arXiv ids and DOIs): what the
    reader records, so that a rebuild need not scan each page for links again."""
    return set().union(*(identify(html.unescape(href)) for href in HREF.findall(page_html)))


def identify(href: str) -> set[str]:
    found = {href}
    if m := ARXIV.search(href):
        found.add(m.group(1))
    if m := DOI.search(href):
        found.add(m.group(1).lower())
    return found


def cite(content_html: str, entries: list[Entry]) -> str:
    """Replace links to bibliography entries with numbered citations and append the list."""
    order: list[Entry] = []
    uses: dict[str, int] = {}

    def replace(m: re.Match) -> str:
        entry = next((e for e in entries if e.ids & identify(html.unescape(m.group("href")))), None)
        if entry is None:
            return m.group(0)
        if entry not in order:
            order.append(entry)
        n = order.index(entry) + 1
        uses[entry.key] = uses.get(entry.key, 0) + 1
        tip = html.escape(f"{entry.author_list()} ({entry.year}). {entry.title}")
        key = html.escape(entry.key)  # BibTeX keys may hold quotes or angle brackets
        mark = f'<a class="citation" id="cite-{key}-{uses[entry.key]}" href="#ref-{key}" title="{tip}">[{n}]</a>'
        # A bare URL becomes the number; words the author linked ("Shazeer (2020)") stay.
        bare = html.unescape(m.group("text")).strip() == html.unescape(m.group("href"))
        if bare:
            return mark
        kept = m.group(0)[1:-1] if m.group("open") else m.group(0)
        words = re.sub(r"^<a [^>]*>|</a>$", "", kept)
        return f"{'(' if m.group('open') else ''}{words} {mark}{')' if m.group('open') else ''}"

    body = LINK.sub(replace, content_html)
    if not order:
        return content_html
    items = []
    e = html.escape
    for entry in order:
        backs = " ".join(
            f'<a class="backref" href="#cite-{e(entry.key)}-{i}" aria-label="Back to citation {i}">↩</a>'
            for i in range(1, uses[entry.key] + 1)
        )
        items.append(
            f'<li id="ref-{e(entry.key)}"><span class="ref-authors">{e(entry.author_list())}</span> '
            f'(<span class="ref-year">{e(entry.year)}</span>). <cite class="ref-title">{e(entry.title)}</cite>. '
            f'{e(entry.venue)}{". " if entry.venue else ""}<a href="{e(entry.url)}">{e(entry.url)}</a> {backs}</li>'
        )
    return (
        body + '\n<section class="references" aria-labelledby="references">'
        '<h2 id="references">References</h2><ol>' + "".join(items) + "</ol></section>"
    )


def entries_for(settings: dict, path: str) -> tuple[list[Entry], bytes]:
    """The bibliography's entries, parsed once per build (plugins/build_state.py), and what
    their citations depend on (the file and this code)."""
    per_build = build_state.of(settings).bibliographies
    if path not in per_build:
        per_build[path] = (load_bibliography(Path(path)), Path(path).read_bytes() + fingerprint(__file__))
    return per_build[path]


def add_citations(content) -> None:
    path = content.settings.get("BIBLIOGRAPHY")
    if not path or not content._content or "<a " not in content._content:
        return
    page = content._content
    entries, inputs = entries_for(content.settings, path)
    known = set().union(*(e.ids for e in entries))
    recorded = content.metadata.get("link_ids")  # the Jekyll reader's record, cached with the page
    linked = set(recorded) if recorded is not None else link_ids(page)
    if not linked & known:
        return  # most posts of a blog cite nothing from it: no hash of the page needed
    # Cached by the page's HTML, the bibliography and this code: an unchanged page of a
    # large blog costs a hash and a read instead of a scan of every link (1 ms a page).
    content._content = cached("citations", [page, inputs], lambda: cite(page, entries).encode()).decode()
    content.cites = 'class="citation' in content._content  # the template loads the previews (page_features.py)
