"""Pelican's `{static}`/`{filename}` link rewriting, with the same matches, in linear time.

Pelican runs one regex over each page's HTML, twice per build: to find the files a
page links to (`get_static_links`) and to rewrite the links (`_update_content`).
Its pattern opens with `<[^>]+`, so every tag is scanned to its end and then
backtracked, character by character, in search of an `href=` or `src=`. KaTeX
writes a dozen tags per formula: on a maths-heavy page the regex costs
milliseconds per page, seconds per 1,000-post build, even when nothing changed.

Every match of that pattern contains, before the end of its tag, a short
necessary part: `=`, a quote, and the intrasite marker (`{static}`, `|filename|`…).
That part is found with a fast regex; Pelican's own pattern is then tried only at
the `<` of the tags holding one, in order. The matches are exactly those of
`pattern.finditer` (a test compares the two on the corpus and on made-up HTML),
and Pelican's own `_link_replacer` still makes every replacement.

The rewritten copies Pelican keeps are also let go once every article page is
written (`release_rewritten`), so that the search indexer, which starts then,
does not run beside all of them.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import re
from collections.abc import Callable, Iterator

from pelican import contents


def necessary_part(intrasite_link_regex: str) -> re.Pattern:
    """The part every match of Pelican's pattern contains, with no `<[^>]+` in front.
    Compiled with re.X, as Pelican compiles the setting inside its own pattern."""
    return re.compile(rf"""=\s*["\'](?:{intrasite_link_regex})""", re.X)  # grouped, as Pelican's (?P<path>…)


def matches(pattern: re.Pattern, necessary: re.Pattern, text: str) -> Iterator[re.Match]:
    """What pattern.finditer(text) yields, for Pelican's intrasite pattern.

    A match starts at some `<`, and its `[^>]+` part cannot cross a `>`: the `=` of
    its necessary part comes after its `<` with no `>` between. So the `<`s worth
    trying are those after the last `>` before some `=` where the necessary part
    matches. Every such `=` is visited (searching again from the next character,
    as necessary parts may overlap), and each `<` is tried once, left to right, as
    finditer tries them."""
    tried = 0  # every `<` before this either failed or can start no match
    found = necessary.search(text)
    while found:
        equals = found.start()
        tag = text.find("<", max(tried, text.rfind(">", 0, equals) + 1), equals)
        while tag != -1:
            match = pattern.match(text, tag)
            if match:
                yield match
                tried = match.end()  # finditer goes on where its match ended
                break
            tag = text.find("<", tag + 1, equals)
        else:
            tried = equals
        found = necessary.search(text, max(tried, equals + 1))


class IntrasitePattern:
    """Pelican's compiled pattern, as its two callers use it: `finditer` and `sub`."""

    def __init__(self, pattern: re.Pattern, intrasite_link_regex: str):
        self.pattern = pattern
        self.necessary = necessary_part(intrasite_link_regex)
        # Pelican searches each page's HTML twice (its static links, then the rewriting): the
        # second time gets the first's matches. Keyed by the string itself (identity, not
        # equality: a page's HTML is one object); emptied once the pages are written.
        self.found: dict[int, tuple[str, list[re.Match]]] = {}

    def finditer(self, text: str) -> Iterator[re.Match]:
        known = self.found.get(id(text))
        if known is None or known[0] is not text:
            known = self.found[id(text)] = (text, list(matches(self.pattern, self.necessary, text)))
        return iter(known[1])

    def sub(self, replace: Callable[[re.Match], str], text: str) -> str:
        pieces, done = [], 0
        for m in self.finditer(text):
            pieces += [text[done : m.start()], replace(m)]
            done = m.end()
        return "".join(pieces) + text[done:] if pieces else text


_pelican_pattern = contents.Content._get_intrasite_link_regex


_patterns: list[IntrasitePattern] = []  # what _fast_pattern made (their `found` is emptied after writing)


@functools.lru_cache(maxsize=8)
def _fast_pattern(pattern: re.Pattern, intrasite_link_regex: str) -> IntrasitePattern:
    _patterns.append(IntrasitePattern(pattern, intrasite_link_regex))
    return _patterns[-1]


def _get_intrasite_link_regex(self) -> IntrasitePattern:
    return _fast_pattern(_pelican_pattern(self), self.settings["INTRASITE_LINK_REGEX"])


def install(on: bool = True) -> None:
    """Pelican's content objects find links with this pattern (on) or with their own (off).
    Content._update_content and get_static_links call only .sub and .finditer on it."""
    contents.Content._get_intrasite_link_regex = _get_intrasite_link_regex if on else _pelican_pattern


def release_rewritten(_generator=None, writer=None) -> None:
    """Drop Pelican's memo of rewritten contents and summaries once every article page,
    list and feed is written, and give the memory back to the system.

    Pelican keeps both the source HTML and its rewritten copy of every post for the
    whole build: 1.2 GB at 1,000 maths-heavy posts (KaTeX's markup, stored two bytes a
    character). The search indexer starts right after this, and the two at once went
    past 2 GB. Anything that asks for a content later gets it rewritten again."""
    for name in ("get_content", "get_summary"):
        contents.Content.__dict__[name].cache.clear()
    for pattern in _patterns:
        pattern.found.clear()
    if getattr(writer, "pages_only", False):  # a few pages written: no memory to give back
        return
    gc.collect()
    try:  # glibc keeps freed memory in its heap unless asked; elsewhere there is nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
