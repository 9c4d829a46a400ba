"""Footnotes repeated as sidenotes: on a wide screen each one sits in the margin beside its mark.

For each footnote of Python-Markdown's list, a copy is written right after its first
mark in the text: `<span class="sidenote" aria-hidden="true" data-pagefind-ignore>`.
site.css floats it into the right margin where the column leaves room (the breakpoint of
the side contents) and hides it elsewhere and in print, so the page is laid out once, by
CSS: nothing moves when scripts run. The list at the end stays as it is (the links, the
previews, screen readers and print use it); the copy is for eyes only: no ids, its links
out of the tab order, skipped by the search index.

Only a footnote of paragraphs (text, links, citations) becomes a sidenote: one with a
formula, a list, a table or code stays a footnote only (a formula must be on the page once:
whatever reads the page's maths, a checker or a converter, would count a copy twice), and so does a mark inside a
table, a heading or a figure (no margin to float into). Run after citations, so a
citation in a footnote reads the same in its copy. Pure: the same page, the same bytes.
"""

from __future__ import annotations

import re

from plugins.build_cache import cached, fingerprint

FOOTNOTES = re.compile(r'<div class="footnote">')
ITEM = re.compile(r'<li id="fn:(?P<name>[^"]+)">(?P<body>.*?)</li>', re.DOTALL)
MARK = re.compile(r'<sup id="fnref:(?P<name>[^"]+)"><a class="footnote-ref" href="#fn:[^"]+">(?P<n>[^<]+)</a></sup>')
PARAGRAPHS = re.compile(r"\s*(?:<p\b[^>]*>(?:(?!</?p\b).)*</p>\s*)+", re.DOTALL)
BLOCK = re.compile(r"<(?:div|ul|ol|li|dl|table|pre|blockquote|figure|hr|h[1-6])\b", re.IGNORECASE)
BACKREF = re.compile(r'(?:&#160;|\xa0)?<a class="footnote-backref"[^>]*>.*?</a>', re.DOTALL)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
ID = re.compile(r'\sid="[^"]*"')
FORMULA = 'class="katex'  # a formula is on the page once: tools that read its maths count each one
# A mark inside one of these has no margin to float into (or would repeat in the contents).
NO_MARGIN = ("table", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "pre")


def note_html(body: str) -> str | None:
    """A footnote's list item → the sidenote's inner HTML, or None when it is not paragraphs only."""
    if not PARAGRAPHS.fullmatch(body) or BLOCK.search(body) or FORMULA in body:
        return None
    body = BACKREF.sub("", body).strip()

    def tag(m: re.Match) -> str:
        t = ID.sub("", m.group(0))
        if re.match(r"<p[\s>]", t):
            return '<span class="sidenote-para">'
        return t.replace("<a ", '<a tabindex="-1" ', 1) if t.startswith("<a ") else t

    return re.sub(r"</p>\s*", "</span>", TAG.sub(tag, body))


def inside_no_margin(page: str, position: int) -> bool:
    before = page[:position]
    return any(before.rfind(f"<{tag}") > before.rfind(f"</{tag}>") for tag in NO_MARGIN)


def with_sidenotes(page: str) -> str:
    """The page with a sidenote after the first mark of each footnote that can have one."""
    block = FOOTNOTES.search(page)
    if block is None:
        return page
    notes = {}
    for item in ITEM.finditer(page, block.start()):
        html = note_html(item.group("body"))
        if html is not None:
            notes[item.group("name")] = html
    done: set[str] = set()

    def add(m: re.Match) -> str:
        name = m.group("name")
        if name in done or name not in notes or inside_no_margin(page, m.start()):
            return m.group(0)
        done.add(name)
        number = f'<span class="sidenote-number">{m.group("n")}</span>'
        return (
            f'{m.group(0)}<span class="sidenote" aria-hidden="true" data-pagefind-ignore>{number}{notes[name]}</span>'
        )

    return MARK.sub(add, page[: block.start()]) + page[block.start() :]


def add_sidenotes(content) -> None:
    page = content._content
    if not page or 'class="footnote-ref"' not in page:
        return
    inputs = [page, fingerprint(__file__)]
    content._content = cached("sidenotes", inputs, lambda: with_sidenotes(page).encode()).decode()
