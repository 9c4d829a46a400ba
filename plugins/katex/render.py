"""KaTeX at build time: one node process per build, a page's formulas in a few requests.

`plugins/katex/server.mjs` runs npm's KaTeX (plugins/katex/process.py drives it); it
ends with its build however the build ends, SIGKILL included: no socket, no temporary
folder, no orphan. It starts on the first formula the build cannot find in the cache
and stops when the build finishes.

A post is untrusted input. KaTeX's commands that make links, images or HTML attributes
(\\href, \\url, \\includegraphics, \\htmlId, \\htmlClass, \\htmlStyle, \\htmlData) fail the
build unless the site's KATEX_TRUST lists them, e.g.
`[{"command": "\\\\href", "protocol": "https", "host": "my.site"}]` (each entry: a command and
any of protocol, host, class, id, style, all of which must match). A formula longer than
KATEX_MAX_BYTES (64 KB) of TeX fails at once; a batch of formulas KaTeX has not drawn
within KATEX_TIME_LIMIT seconds (60) fails naming the formula it was drawing, and KaTeX
stops macro loops by itself (maxExpand).

Each formula is rendered once and cached (in memory for the build, on disk in
the SQLite database build/cache/katex.sqlite3) by its TeX, display mode, KaTeX's
version and options and this code, together with the facts later steps need:
the KaTeX classes its HTML uses (read off the HTML here) and the characters it
draws with each font (node reads them from KaTeX's tree as it renders, by the
same walk as plugins/katex/fonts.py's over HTML; tests/test_katex_facts.py
compares the result with a scan of whole pages). `PageRenderer`
records those facts for one page, and the reader stores them in the page's
metadata, so no step parses a finished page to find them again.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from plugins import build_cache, build_state
from plugins.katex.process import KATEX_PACKAGE, SERVER, KaTeXError, KaTeXRefused, KaTeXTimeout, Server, katex_version
from plugins.katex.store import FormulaStore
from plugins.markdown.kramdown_math import MAX_TEX_BYTES

__all__ = ["KaTeXError", "KaTeXRefused", "KaTeXTimeout", "Server"]

ROOT = Path(__file__).resolve().parents[2]
KATEX_OPTIONS = {
    "throwOnError": True,  # invalid LaTeX must fail the build, never show red text
    "output": "htmlAndMathml",  # MathML for screen readers and copy-as-LaTeX
    "strict": "ignore",  # Unicode in \text{} is fine in a blog post
    "maxExpand": 1000,  # macro expansions per formula: `\def\a{\a\a}\a` is an error at once
    "maxSize": 100,  # ems: a larger size the author gives (\rule{1e6em}{1em}) is capped
    "trust": [],  # the site's KATEX_TRUST; what it does not list is refused (plugins/katex/server.mjs)
}
TRUSTABLE = {"\\href", "\\url", "\\includegraphics", "\\htmlId", "\\htmlClass", "\\htmlStyle", "\\htmlData"}
TRUST_KEYS = {"command", "protocol", "host", "class", "id", "style"}
TIME_LIMIT = 60  # seconds for a batch of formulas (KATEX_TIME_LIMIT)

# KaTeX's class attributes: `class="…"` on HTML elements, `class ="…"` on MathML ones.
CLASS_ATTRIBUTE = re.compile(r'\sclass ?="([^"]*)"')
CHUNK = 32  # formulas per request when a page has many to render (see Renderer.prerender)
AHEAD_BYTES = 16 * 1024  # a request this small is sent before node answers the one before


def trust_list(value) -> list[dict]:
    """KATEX_TRUST checked: a list of {command, and any of protocol, host, class, id, style}."""
    entries = list(value or [])
    for entry in entries:
        if not (isinstance(entry, dict) and entry.get("command") in TRUSTABLE and set(entry) <= TRUST_KEYS):
            raise ValueError(
                f"KATEX_TRUST: {entry!r} is not a {{'command': one of {sorted(TRUSTABLE)}, and any of "
                f"{sorted(TRUST_KEYS - {'command'})}: a string}}"
            )
        if not all(isinstance(v, str) for v in entry.values()):
            raise ValueError(f"KATEX_TRUST: the values of {entry!r} must be strings")
    return entries


@dataclass(frozen=True)
class Formula:
    """One rendered formula and what it needs from KaTeX's CSS and fonts."""

    html: str
    classes: frozenset[str]
    fonts: dict[str, str]  # woff2 file name → the characters drawn with it (sorted)

    def to_json(self) -> bytes:
        return json.dumps({"html": self.html, "classes": sorted(self.classes), "fonts": self.fonts}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Formula:
        d = json.loads(data)
        return cls(d["html"], frozenset(d["classes"]), d["fonts"])

    @classmethod
    def from_answer(cls, answer: dict) -> Formula:
        """The node server's answer: the HTML, and the fonts it read from KaTeX's tree. The class
        names are read off the HTML (KaTeX escapes every '"' in text and attribute values, so
        each `class="…"` is an attribute), while node renders the next formulas."""
        classes = frozenset(c for value in CLASS_ATTRIBUTE.findall(answer["html"]) for c in value.split())
        fonts = {f: "".join(sorted(c)) for f, c in sorted(answer["fonts"].items())}  # by code point, as Python sorts
        return cls(answer["html"], classes, fonts)


def css_model_json() -> str:
    """plugins/katex/fonts.py's reading of KaTeX's CSS, for the node server's facts."""
    from plugins.katex.fonts import BASE_FONT, katex_css_model

    rules, faces = katex_css_model()
    return json.dumps(
        {
            "rules": [[sorted(required), changes] for required, changes in rules],
            "faces": {"|".join(face): file for face, file in faces.items()},
            "base": list(BASE_FONT),
        }
    )


def new_server(options: dict | None = None) -> Server:
    """The build's node process, given npm's KaTeX, its options and the CSS model for the facts."""
    katex_version()  # a clear error if npm's KaTeX is missing
    return Server(KATEX_PACKAGE, options or KATEX_OPTIONS, css_model_json(), build_cache.folder() / "katex-v8")


class Renderer:
    """Rendered formulas for one build: memo, then disk cache, then node (in batches)."""

    def __init__(self, trust: list[dict] = (), time_limit: float = TIME_LIMIT, max_bytes: int = MAX_TEX_BYTES):
        self.options = {**KATEX_OPTIONS, "trust": trust_list(trust)}
        self.time_limit, self.max_bytes = time_limit, max_bytes
        self.memo: dict[tuple[str, bool], Formula | KaTeXError] = {}
        self.server: Server | None = None
        self.store: FormulaStore | None = None
        self.rendered = 0  # formulas node rendered in this build (for the benchmark)
        # Hashed once: each formula's key then hashes 32 bytes of it, not the ~50 KB it stands for.
        self._key_prefix = hashlib.sha256(
            b"\0".join(
                [
                    katex_version().encode(),
                    json.dumps(self.options, sort_keys=True).encode(),  # the trusted commands too
                    SERVER.read_bytes(),
                    Path(__file__).read_bytes(),
                    Path(__file__).with_name("fonts.py").read_bytes(),
                    (KATEX_PACKAGE / "dist" / "katex.min.css").read_bytes(),
                ]
            )
        ).digest()

    def _key(self, latex: str, display: bool) -> bytes:
        return hashlib.sha256(self._key_prefix + b"\0" + latex.encode() + (b"\0D" if display else b"\0I")).digest()

    def prerender(self, items: list[tuple[str, bool]]) -> None:
        """Make sure every (latex, display) is in the memo; one node request for all misses."""
        wanted = [
            key for key in dict.fromkeys((latex, bool(display)) for latex, display in items) if key not in self.memo
        ]
        if not wanted:
            return
        if self.store is None:
            self.store = FormulaStore(build_cache.folder() / "katex.sqlite3")
        keys = {key: self._key(*key) for key in wanted}
        found = self.store.get(list(keys.values()))
        missing = []
        for key, digest in keys.items():
            if digest in found:
                self.memo[key] = Formula.from_json(found[digest])
            else:
                missing.append(key)
        if not missing:
            return
        if self.server is None:
            self.server = new_server(self.options)
        # In batches, the next sent ahead when it is small: node renders it while Python reads
        # and stores this one. Two small requests fit in the pipe's buffer, so neither side
        # can block the other; a large one is sent once node has answered all before it.
        batches = in_batches(missing)
        requests = [Server.request(batch) for batch in batches]
        rendered: list[tuple[bytes, bytes]] = []
        self.server.send(requests[0])
        sent = 1
        for n, batch in enumerate(batches):
            if sent == n + 1 and sent < len(batches) and len(requests[sent]) <= AHEAD_BYTES:
                self.server.send(requests[sent])
                sent += 1
            deadline = time.monotonic() + self.time_limit
            for key in batch:
                try:
                    result = self.server.receive(deadline)
                except TimeoutError:
                    self.memo[key] = self.ran_out_of_time(len(batch))
                    self.store.put(rendered)
                    return  # the rest stays unrendered: this page fails at this formula
                self.keep(key, result, keys[key], rendered)
            if sent == n + 1 and sent < len(batches):
                self.server.send(requests[sent])
                sent += 1
        self.store.put(rendered)

    def keep(self, key: tuple[str, bool], result: dict, digest: bytes, rendered: list) -> None:
        """Node's answer for one formula, in the memo (errors are not cached on disk)."""
        if "error" in result:
            self.memo[key] = KaTeXError(result["error"])
        elif "refused" in result:
            self.memo[key] = KaTeXRefused(result["refused"])
        else:
            formula = Formula.from_answer(result)
            self.memo[key] = formula
            self.rendered += 1
            rendered.append((digest, formula.to_json()))

    def ran_out_of_time(self, batch: int) -> KaTeXTimeout:
        """Node is stuck on a formula: killed (the next formula starts a new one)."""
        self.server.kill()
        self.server = None
        return KaTeXTimeout(
            f"KaTeX had not finished this formula when the time for its batch of {batch} formula(s) ran out "
            f"({self.time_limit:g} s, KATEX_TIME_LIMIT): make it smaller or simpler"
        )

    def formula(self, latex: str, display: bool) -> Formula:
        key = (latex, bool(display))
        if key not in self.memo:
            self.prerender([key])
        found = self.memo[key]
        if isinstance(found, KaTeXError):
            raise found
        return found

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.store is not None:
            self.store.close()
            self.store = None


def in_batches(keys: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """Up to CHUNK formulas a batch and about AHEAD_BYTES of TeX; a longer formula alone."""
    batches: list[list[tuple[str, bool]]] = [[]]
    size = 0
    for key in keys:
        length = len(json.dumps(key[0])) + 10  # its bytes in the request
        if batches[-1] and (len(batches[-1]) == CHUNK or size + length > AHEAD_BYTES):
            batches.append([])
            size = 0
        batches[-1].append(key)
        size += length
    return batches


class PageRenderer:
    """The renderer one page's Markdown conversion uses (plugins/markdown/kramdown_math.py calls it):
    batches the page's formulas and records which classes and fonts they use."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer
        self.max_tex_bytes = self.renderer.max_bytes  # plugins/markdown/kramdown_math.py refuses longer formulas
        self.classes: set[str] = set()
        self.fonts: dict[str, set[str]] = {}

    def prerender(self, items: list[tuple[str, bool]]) -> None:
        self.renderer.prerender(items)

    def __call__(self, latex: str, display: bool) -> str:
        formula = self.renderer.formula(latex, display)
        self.classes |= formula.classes
        for font, chars in formula.fonts.items():
            self.fonts.setdefault(font, set()).update(chars)
        return formula.html

    def facts(self) -> dict:
        """Metadata for the page: KaTeX classes and characters per font of its formulas."""
        return {
            "katex_classes": sorted(self.classes),
            "katex_font_chars": {font: "".join(sorted(chars)) for font, chars in sorted(self.fonts.items())},
        }


def renderer(settings: dict) -> Renderer:
    """The build's renderer (plugins/build_state.py), started on first use with the site's
    KATEX_TRUST, KATEX_TIME_LIMIT and KATEX_MAX_BYTES."""
    state = build_state.of(settings)
    if state.katex is None:
        state.katex = Renderer(
            trust=settings.get("KATEX_TRUST", ()),
            time_limit=settings.get("KATEX_TIME_LIMIT", TIME_LIMIT),
            max_bytes=settings.get("KATEX_MAX_BYTES", MAX_TEX_BYTES),
        )
    return state.katex


def check_settings(pelican) -> None:
    """A malformed KATEX_TRUST fails before any post is read; npm's KaTeX must be installed."""
    katex_version()
    try:
        trust_list(pelican.settings.get("KATEX_TRUST"))
    except ValueError as err:
        from plugins.jekyll.front_matter import SourceError  # the site's mistake: one message, no traceback

        raise SourceError("the settings", None, str(err)) from None
