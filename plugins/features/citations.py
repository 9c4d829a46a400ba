"""Links to papers and distill's `<d-cite>` become numbered citations with a references list.

Two ways to cite an entry of a BibTeX file:

- a link to the paper the way the author found it (`https://arxiv.org/pdf/1612.08083`
  or a DOI URL) that matches an entry (by arXiv id in `eprint`, by `doi`, or by `url`);
- distill's `<d-cite key="a,b"></d-cite>` (al-folio's distill posts): keys quoted or
  not, several separated by commas, `<d-cite key="x"/>` too.

The entries come from the post's own `bibliography:` (front matter: a file in
`content/assets/bibliography/`, as al-folio's distill layout finds it), else from the
site's `BIBLIOGRAPHY`. Each cited entry gets a number in order of first citation, as
the page is read: a citation inside a footnote counts where the footnote's mark is.
A citation is `[1]`, several keys `[1, 2]` (a link per number); each number's `title`
holds authors, year and title (a tooltip without JavaScript; previews.js shows the
full entry on hover or tap). A "References" list at the end holds the cited entries.
A key the file lacks shows as `[?]` and is an author warning naming the post, the line
and the key. The metadata lives in the repository and is never fetched at run time.
"""

from __future__ import annotations

import bisect
import html
import re
from pathlib import Path

from plugins import build_state
from plugins.build_cache import cached, fingerprint
from plugins.features.bibtex import Entry, load_bibliography, read_bibliography
from plugins.jekyll.front_matter import author_warning, build_note, line_in_file
from plugins.markdown.local_files import inside

__all__ = ["Entry", "add_citations", "cite", "identify", "link_ids", "load_bibliography"]

HREF = re.compile(r'<a href="([^"]+)"')  # what LINK matches first: the links that may be citations
LINK = r'(?P<open>\()?<a href="(?P<href>[^"]+)"[^>]*>(?P<text>.*?)</a>(?(open)\))'
# <d-cite …></d-cite> or <d-cite …/>; an unclosed one ends at its `>`.
D_CITE = r"""<d-cite\b(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*?)(?:/>|>(?:(?:(?!<d-cite\b).)*?</d-cite\s*>)?)"""
D_CITE_TAG = re.compile(D_CITE, re.DOTALL | re.IGNORECASE)
CITATION = re.compile(f"(?P<dcite>(?is:{D_CITE}))|{LINK}")
KEY_ATTR = re.compile(r"""\bkey\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>/]+))""", re.IGNORECASE)
ARXIV = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/?$")
DOI = re.compile(r"^https?://(?:[\w-]+\.)*(?:doi\.org/|[\w.-]+/doi/(?:abs/|full/)?)(10\.\d{4,9}/[^\s?#]+)$")
# Python-Markdown's footnotes: the list items at the end, and each one's mark in the text.
FOOTNOTE_ITEM = re.compile(r'<li id="fn:([^"]+)">')
BIBLIOGRAPHY_FOLDER = Path("assets") / "bibliography"  # al-folio's, under the content folder
# What no reader sees as text with links: a comment, code, and raw text elements (distill's
# script never finds a <d-cite> there either).
NOT_CITED = re.compile(r"<!--.*?-->|<(pre|code|script|style|textarea)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


def cite_keys(attrs: str) -> list[str]:
    """The keys of a `<d-cite>`'s attributes, in order (HTML entities decoded)."""
    m = KEY_ATTR.search(attrs)
    if not m:
        return []
    value = html.unescape(next(v for v in (m["dq"], m["sq"], m["bare"]) if v is not None))
    return [k.strip() for k in value.split(",") if k.strip()]


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


def reading_order(page: str):
    """A sort key for a position in the page: where a reader meets it. Text in a footnote
    (the list at the end) is met at the footnote's mark."""
    items = [(m.start(), m.group(1)) for m in FOOTNOTE_ITEM.finditer(page)]
    marks = {name: page.find(f'id="fnref:{name}"') for _, name in items}

    def key(position: int) -> tuple[int, int]:
        owner = None
        for start, name in items:
            if start > position:
                break
            owner = name
        mark = marks.get(owner, -1) if owner is not None else -1
        return (mark, position) if mark >= 0 else (position, 0)

    return key


def cite(content_html: str, entries: list[Entry]) -> str:
    """Replace links to bibliography entries and `<d-cite>` tags with numbered citations
    and append the references list."""
    by_key = {e.key: e for e in entries}
    found = []  # (match, entries or None for a plain link; a d-cite's unknown keys are None)
    hidden = [(h.start(), h.end()) for h in NOT_CITED.finditer(content_html)]  # in order, apart
    starts = [a for a, _ in hidden]
    for m in CITATION.finditer(content_html):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.start() < hidden[i][1]:
            continue  # in a comment or code
        if m.group("dcite"):
            found.append((m, [by_key.get(k) for k in cite_keys(m.group("attrs"))] or [None]))
        else:
            entry = next((e for e in entries if e.ids & identify(html.unescape(m.group("href")))), None)
            if entry is not None:
                found.append((m, [entry]))
    if not found:
        return content_html
    order: list[Entry] = []
    where = reading_order(content_html)
    for _, cited in sorted(found, key=lambda f: where(f[0].start())):
        order += [e for e in cited if e is not None and e not in order]
    number = {e.key: n for n, e in enumerate(order, start=1)}
    uses: dict[str, int] = {}
    e = html.escape

    def link(entry: Entry, text: str) -> str:
        uses[entry.key] = uses.get(entry.key, 0) + 1
        tip = e(f"{entry.author_list()} ({entry.year}). {entry.title}")
        key = e(entry.key)  # BibTeX keys may hold quotes or angle brackets
        return f'<a class="citation" id="cite-{key}-{uses[entry.key]}" href="#ref-{key}" title="{tip}">{text}</a>'

    def unknown(text: str) -> str:
        return f'<span class="citation-unknown" title="Not in the bibliography">{text}</span>'

    def replace(m: re.Match, cited: list[Entry | None]) -> str:
        if m.group("dcite"):
            if len(cited) == 1:
                return link(cited[0], f"[{number[cited[0].key]}]") if cited[0] else unknown("[?]")
            marks = [link(c, str(number[c.key])) if c else unknown("?") for c in cited]
            return f'<span class="citations">[{", ".join(marks)}]</span>'
        mark = link(cited[0], f"[{number[cited[0].key]}]")
        # A bare URL becomes the number; words the author linked ("Shazeer (2020)") stay.
        if html.unescape(m.group("text")).strip() == html.unescape(m.group("href")):
            return mark
        kept = m.group(0)[1:-1] if m.group("open") else m.group(0)
        words = re.sub(r"^<a [^>]*>|</a>$", "", kept)
        return f"{'(' if m.group('open') else ''}{words} {mark}{')' if m.group('open') else ''}"

    out, at = [], 0
    for m, cited in found:
        out += [content_html[at : m.start()], replace(m, cited)]
        at = m.end()
    body = "".join(out) + content_html[at:]
    if not order:
        return body
    return body + references(order, uses)


def references(order: list[Entry], uses: dict[str, int]) -> str:
    items = []
    e = html.escape
    for entry in order:
        backs = " ".join(
            f'<a class="backref" href="#cite-{e(entry.key)}-{i}" aria-label="Back to citation {i}">↩</a>'
            for i in range(1, uses[entry.key] + 1)
        )
        parts = [f'<span class="ref-authors">{e(entry.author_list())}</span> '] if entry.authors else []
        parts += [f'(<span class="ref-year">{e(entry.year)}</span>). '] if entry.year else []
        parts += [f'<cite class="ref-title">{e(entry.title or entry.key)}</cite>. ']
        parts += [f"{e(entry.venue)}. "] if entry.venue else []
        parts += [f'<a href="{e(entry.url)}">{e(entry.url)}</a> '] if entry.url else []
        items.append(f'<li id="ref-{e(entry.key)}">{"".join(parts)}{backs}</li>')
    return (
        '\n<section class="references" aria-labelledby="references">'
        '<h2 id="references">References</h2><ol>' + "".join(items) + "</ol></section>"
    )


def entries_for(settings: dict, path: str) -> tuple[list[Entry], bytes]:
    """The bibliography's entries, parsed once per build (plugins/build_state.py), and what
    their citations depend on (the file and this code). What the file's parse reported is
    told once per build: a syntax error as a warning, a key defined twice as a note."""
    per_build = build_state.of(settings).bibliographies
    if path not in per_build:
        entries, problems = read_bibliography(Path(path))
        for problem in problems:
            if problem.warning:
                author_warning(path, problem.line, problem.message)
            else:
                build_note(f"{path}{f':{problem.line}' if problem.line else ''}: {problem.message}")
        per_build[path] = (entries, Path(path).read_bytes() + fingerprint(__file__))
    return per_build[path]


def bibliography_of(content) -> str | None:
    """The BibTeX file a post cites from: its `bibliography:` (in assets/bibliography/, never
    outside the content folder), else BIBLIOGRAPHY; None (with a warning) if the post names
    a file that is not there."""
    name = content.metadata.get("bibliography")
    if name is None or not str(name).strip():
        return content.settings.get("BIBLIOGRAPHY")
    root = Path(content.settings["PATH"])
    path = inside(root, root / BIBLIOGRAPHY_FOLDER / str(name).strip())
    if path is None or not path.is_file():
        source = getattr(content, "source_path", None) or "?"
        line = line_in_file(source, "bibliography") if Path(source).is_file() else None
        looked = f" (looked for {path})" if path else f" (files come from {root / BIBLIOGRAPHY_FOLDER})"
        author_warning(source, line, f"bibliography {str(name).strip()!r} not found{looked}: its citations show [?]")
        return None
    return str(path)


def cite_lines(source: str) -> dict[str, int]:
    """Each key a `<d-cite>` of the source names → the line of its first citation."""
    lines: dict[str, int] = {}
    for m in D_CITE_TAG.finditer(source):
        for key in cite_keys(m.group("attrs")):
            lines.setdefault(key, source.count("\n", 0, m.start()) + 1)
    return lines


def warn_unknown_keys(content, page: str, entries: list[Entry], path: str | None) -> None:
    """One warning per key that a `<d-cite>` names and the bibliography lacks (every build:
    the citations themselves may come from the cache)."""
    known = {e.key for e in entries}
    cited = dict.fromkeys(k for m in D_CITE_TAG.finditer(page) for k in cite_keys(m.group("attrs")))
    unknown = [k for k in cited if k not in known]
    if not unknown or path is None:  # no file: bibliography_of has said so once
        return
    source = getattr(content, "source_path", None) or "?"
    try:
        lines = cite_lines(Path(source).read_text(encoding="utf-8"))
    except OSError:
        lines = {}
    for key in unknown:
        author_warning(source, lines.get(key), f"citation key {key!r} is not in {path}: it shows as [?]")


def add_citations(content) -> None:
    page = content._content
    if not page:
        return
    distill = ("-cite" in page or "-CITE" in page) and D_CITE_TAG.search(page) is not None
    if "<a " not in page and not distill:
        return
    path = bibliography_of(content)
    if path is None and not distill:
        return
    entries, inputs = entries_for(content.settings, path) if path else ([], b"no bibliography" + fingerprint(__file__))
    if distill:
        warn_unknown_keys(content, page, entries, path)
    else:
        known = set().union(*(e.ids for e in entries))
        recorded = content.metadata.get("link_ids")  # the Jekyll reader's record, cached with the page
        linked = set(recorded) if recorded is not None else link_ids(page)
        if not linked & known:
            return  # most posts of a blog cite nothing from it: no hash of the page needed
    # Cached by the page's HTML, the bibliography and this code: an unchanged page of a
    # large blog costs a hash and a read instead of a scan of every link (1 ms a page).
    content._content = cached("citations", [page, inputs], lambda: cite(page, entries).encode()).decode()
    content.cites = 'class="citation"' in content._content  # the template loads the previews (page_features.py)
