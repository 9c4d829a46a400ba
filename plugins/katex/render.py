"""KaTeX at build time: one node process per build, a page's formulas in a few requests.

`plugins/katex/server.mjs` runs npm's KaTeX (plugins/katex/process.py drives it); it
ends with its build however the build ends, SIGKILL included: no socket, no temporary
folder, no orphan. It starts on the first formula the build cannot find in the cache
and stops when the build finishes.

The Markdown step draws a page's formulas with the page's `PageRenderer`
(plugins/katex/page.py), in page order:

- `render.prerender([(latex, display) or (latex, display, annotation), …])`: the formulas the
  page will ask for, in the order it will ask (one batch; optional, for speed only);
- `render(latex, display, annotation=None, *, line=None) -> str`: the formula's HTML.
  `annotation`, when given, is the TeX the MathML's application/x-tex annotation holds
  instead of `latex` (the author's TeX when the Markdown step rewrote it before drawing:
  copy-as-LaTeX, search and checks read the author's); `line`, the formula's line in the
  Markdown, names it in warnings and notes. A formula that only defines (macros, colours)
  draws nothing: the result is "" and `render.last.definitions_only` is True (the page then
  has no element for it). `render.last` describes the formula just drawn (`Drawn`).
  Raises KaTeXError (invalid TeX, on the site's own posts), KaTeXRefused (not allowed or
  too deep), KaTeXTimeout.

Macros are page-scoped, as in MathJax: a definition in a formula (\\newcommand,
\\renewcommand, \\def, \\gdef, \\DeclareMathOperator) holds for the page's later formulas
and never for another page's. Each page starts from the site's KATEX_MACROS
(`{name: body | [body, nargs]}`, names without the backslash; they may redefine KaTeX's own
commands, as MathJax's macros may). MATH_COMPAT (2 or 3: the posts come from a MathJax site)
translates MathJax's TeX (plugins/katex/compat.mjs) and draws what KaTeX still refuses with
MathJax 3 (plugins/katex/mathjax.mjs): such formulas are listed (`render.mathjax_formulas`),
and one MathJax refuses too is shown as MathJax shows an error, with a warning
(`render.warnings`) instead of a failed build. Without MATH_COMPAT every TeX error fails.

A post is untrusted input. KaTeX's commands that make links, images or HTML attributes
(\\href, \\url, \\includegraphics, \\htmlId, \\htmlClass, \\htmlStyle, \\htmlData), and
MathJax's output with an author's link, style, class or id, fail the build unless the site's
KATEX_TRUST lists them, e.g.
`[{"command": "\\\\href", "protocol": "https", "host": "my.site"}]` (each entry: a command and
any of protocol, host, class, id, style, all of which must match). A formula longer than
KATEX_MAX_BYTES (64 KB) of TeX fails at once; a batch of formulas KaTeX (or MathJax) has not
drawn within KATEX_TIME_LIMIT seconds (60) fails naming the formula it was drawing, and
KaTeX stops macro loops by itself (maxExpand).

Each formula is rendered once and cached (in memory for the build, on disk in
the SQLite database build/cache/katex.sqlite3) by its TeX, display mode, annotation, the
definitions in force (a digest of the page's earlier formulas that changed them; the site's
macros are part of the options), KaTeX's version and options and this code, together with
the facts later steps need: the KaTeX classes its HTML uses (read off the HTML here) and the
characters it draws with each font (node reads them from KaTeX's tree as it renders, by the
same walk as plugins/katex/fonts.py's over HTML; tests/test_katex_facts.py
compares the result with a scan of whole pages); a MathJax formula draws with no font.
`PageRenderer` records those facts for one page, and the reader stores them in the page's
metadata, so no step parses a finished page to find them again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from pathlib import Path

from plugins import build_cache, build_state
from plugins.katex.formula import Cursor, Formula, Item, changed
from plugins.katex.page import Drawn, PageRenderer
from plugins.katex.process import (
    KATEX_PACKAGE,
    SERVER,
    KaTeXError,
    KaTeXRefused,
    KaTeXTimeout,
    Server,
    katex_version,
    mathjax_version,
)
from plugins.katex.settings import check_settings, compat_version, site_macros, trust_list
from plugins.katex.store import FormulaStore
from plugins.markdown.kramdown_math import MAX_TEX_BYTES

__all__ = [
    "Drawn",
    "Formula",
    "KaTeXError",
    "KaTeXRefused",
    "KaTeXTimeout",
    "PageRenderer",
    "Server",
    "check_settings",
    "trust_list",
]

ROOT = Path(__file__).resolve().parents[2]
KATEX_OPTIONS = {
    "throwOnError": True,  # invalid LaTeX must fail the build, never show red text
    "output": "htmlAndMathml",  # MathML for screen readers and copy-as-LaTeX
    "strict": "ignore",  # Unicode in \text{} is fine in a blog post
    "maxExpand": 1000,  # macro expansions per formula: `\def\a{\a\a}\a` is an error at once
    "maxSize": 100,  # ems: a larger size the author gives (\rule{1e6em}{1em}) is capped
    "trust": [],  # the site's KATEX_TRUST; what it does not list is refused (plugins/katex/server.mjs)
}
TIME_LIMIT = 60  # seconds for a batch of formulas (KATEX_TIME_LIMIT)

CHUNK = 32  # formulas per request when a page has many to render (see Renderer.prerender)
AHEAD_BYTES = 16 * 1024  # a request this small is sent before node answers the one before


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
    """The build's node process, given npm's KaTeX, its options (KATEX_OPTIONS, the trusted
    commands, the site's macros, the MathJax version) and the CSS model for the facts."""
    katex_version()  # a clear error if npm's KaTeX is missing
    return Server(KATEX_PACKAGE, options or KATEX_OPTIONS, css_model_json(), build_cache.folder() / "katex-v8")


class Renderer:
    """Rendered formulas for one build: memo, then disk cache, then node (in batches)."""

    def __init__(
        self,
        trust: list[dict] = (),
        time_limit: float = TIME_LIMIT,
        max_bytes: int = MAX_TEX_BYTES,
        macros: dict | None = None,
        compat: int | None = None,
    ):
        self.options = {
            **KATEX_OPTIONS,
            "trust": trust_list(trust),
            "siteMacros": site_macros(macros),
            "compat": compat_version(compat),
        }
        self.time_limit, self.max_bytes = time_limit, max_bytes
        self.memo: dict[tuple[bytes, str, bool, str | None], Formula | KaTeXError] = {}
        self.server: Server | None = None
        self.store: FormulaStore | None = None
        self.rendered = 0  # formulas node rendered in this build (for the benchmark)
        self.pages = itertools.count(1)
        self.held: tuple[int, list] | None = None  # (page, its definitions) that node's page context holds
        # Hashed once: each formula's key then hashes 32 bytes of it, not the ~50 KB it stands for.
        self._key_prefix = hashlib.sha256(
            b"\0".join(
                [
                    katex_version().encode(),
                    json.dumps(self.options, sort_keys=True).encode(),  # trust, site macros, compat too
                    *(path.read_bytes() for path in sorted(SERVER.parent.glob("*.mjs"))),
                    Path(__file__).read_bytes(),
                    Path(__file__).with_name("fonts.py").read_bytes(),
                    (KATEX_PACKAGE / "dist" / "katex.min.css").read_bytes(),
                    *([mathjax_version().encode()] if self.options["compat"] else []),  # it draws some
                ]
            )
        ).digest()

    def _key(self, state: bytes, latex: str, display: bool, annotation: str | None) -> bytes:
        parts = [self._key_prefix, latex.encode(), b"D" if display else b"I"]
        if state or annotation is not None:
            parts += [state, b"" if annotation is None else b"A" + annotation.encode()]
        return hashlib.sha256(b"\0".join(parts)).digest()

    def cursor(self) -> Cursor:
        """A new page's starting point: the site's definitions alone."""
        return Cursor(next(self.pages))

    def prerender(self, items: list[tuple[str, bool]]) -> None:
        """Make sure every (latex, display) of one page is in the memo: one node request for all misses."""
        self.run(self.cursor(), [(latex, bool(display), None) for latex, display in items])

    def formula(self, latex: str, display: bool, annotation: str | None = None) -> Formula:
        """One formula, drawn as a page's first."""
        found = self.run(self.cursor(), [(latex, bool(display), annotation)])[0]
        if isinstance(found, KaTeXError):
            raise found
        return found

    def run(self, cursor: Cursor, items: list[Item]) -> list[Formula | KaTeXError]:
        """The results of `items`, drawn in order after the formulas `cursor` stands after (it
        then stands after them too): from the cache up to the first formula it lacks, then that
        one and all after it from node in one batch. Shorter than `items` only when a formula
        ran out of time (the last result)."""
        results: list[Formula | KaTeXError] = []
        while len(results) < len(items):
            hits = self.cached(cursor.state, items[len(results) :])
            for result in hits:
                cursor.advance(items[len(results)], result)
                results.append(result)
            if hits and changed(hits[-1]):
                continue  # new definitions: the later formulas have other keys
            if len(results) < len(items):
                results += self.draw(cursor, items[len(results) :])
            break
        return results

    def cached(self, state: bytes, items: list[Item]) -> list[Formula | KaTeXError]:
        """The leading formulas found in the memo or on disk, up to the first that is not, or
        the first that changes the definitions (included)."""
        found: list[Formula | KaTeXError] = []
        stored = None
        for i, item in enumerate(items):
            key = (state, *item)
            result = self.memo.get(key)
            if result is None:
                if stored is None:
                    stored = self.from_store(state, items[i:])
                result = stored.get(key)
                if result is None:
                    break
                self.memo[key] = result
            found.append(result)
            if changed(result):
                break
        return found

    def from_store(self, state: bytes, items: list[Item]) -> dict:
        """Those of `items` (at `state`) the disk cache has."""
        if self.store is None:
            self.store = FormulaStore(build_cache.folder() / "katex.sqlite3")
        digests = {self._key(state, *item): (state, *item) for item in items if (state, *item) not in self.memo}
        return {digests[d]: Formula.from_json(v) for d, v in self.store.get(list(digests)).items()}

    def draw(self, cursor: Cursor, items: list[Item]) -> list[Formula | KaTeXError]:
        """`items` from node, in order, in the page's context there: node first applies the
        page's earlier defining formulas it has not seen (those found in the cache)."""
        if self.server is None:
            self.server = new_server(self.options)
            self.held = None
        held = self.held
        new = not (held and held[0] == cursor.page and cursor.defs[: len(held[1])] == held[1])
        replays = [(latex, display, None, 1) for latex, display in cursor.defs[0 if new else len(held[1]) :]]
        # In batches, the next sent ahead when it is small: node renders it while Python reads
        # and stores this one. Two small requests fit in the pipe's buffer, so neither side
        # can block the other; a large one is sent once node has answered all before it.
        batches = in_batches(replays + [(*item, 0) for item in items])
        requests = [Server.request(batch, cursor.page, new and n == 0) for n, batch in enumerate(batches)]
        results: list[Formula | KaTeXError] = []
        rendered: list[tuple[bytes, bytes]] = []
        self.server.send(requests[0])
        sent = 1
        for n, batch in enumerate(batches):
            if sent == n + 1 and sent < len(batches) and len(requests[sent]) <= AHEAD_BYTES:
                self.server.send(requests[sent])
                sent += 1
            deadline = time.monotonic() + self.time_limit
            for latex, display, annotation, replay in batch:
                item = items[len(results)] if replay else (latex, display, annotation)
                try:
                    answer = self.server.receive(deadline)
                except TimeoutError:
                    self.memo[(cursor.state, *item)] = timeout = self.ran_out_of_time(len(batch))
                    self.store.put(rendered)
                    return [*results, timeout]  # the rest stays unrendered: this page fails at this formula
                if not replay:
                    result = self.keep((cursor.state, *item), answer, rendered)
                    cursor.advance(item, result)
                    results.append(result)
            if sent == n + 1 and sent < len(batches):
                self.server.send(requests[sent])
                sent += 1
        self.held = (cursor.page, list(cursor.defs))
        self.store.put(rendered)
        return results

    def keep(self, key: tuple, answer: dict, rendered: list) -> Formula | KaTeXError:
        """Node's answer for one formula, in the memo (errors are not cached on disk)."""
        if "error" in answer:
            result = KaTeXError(answer["error"])
        elif "refused" in answer:
            result = KaTeXRefused(answer["refused"])
        else:
            result = Formula.from_answer(answer)
            self.rendered += 1
            rendered.append((self._key(*key), result.to_json()))
        if not isinstance(result, Formula):
            result.changed = bool(answer.get("changed"))  # definitions made before the error hold
        self.memo[key] = result
        return result

    def ran_out_of_time(self, batch: int) -> KaTeXTimeout:
        """Node is stuck on a formula: killed (the next formula starts a new one)."""
        self.server.kill()
        self.server = None
        self.held = None
        return KaTeXTimeout(
            f"KaTeX had not finished this formula when the time for its batch of {batch} formula(s) ran out "
            f"({self.time_limit:g} s, KATEX_TIME_LIMIT): make it smaller or simpler"
        )

    def start(self) -> None:
        """Start node now rather than at the first formula not in the cache (the dev server's
        warm site: the formula an author just wrote does not wait for node to start)."""
        if self.server is None:
            self.server = new_server(self.options)
            self.held = None

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.store is not None:
            self.store.close()
            self.store = None


def in_batches(items: list[tuple]) -> list[list[tuple]]:
    """Up to CHUNK formulas a batch and about AHEAD_BYTES of TeX; a longer formula alone."""
    batches: list[list[tuple]] = [[]]
    size = 0
    for item in items:
        length = len(json.dumps(item[0])) + (len(json.dumps(item[2])) if item[2] else 0) + 16  # bytes in the request
        if batches[-1] and (len(batches[-1]) == CHUNK or size + length > AHEAD_BYTES):
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += length
    return batches


def renderer(settings: dict) -> Renderer:
    """The build's renderer (plugins/build_state.py), started on first use with the site's
    KATEX_TRUST, KATEX_TIME_LIMIT, KATEX_MAX_BYTES, KATEX_MACROS and MATH_COMPAT."""
    state = build_state.of(settings)
    if state.katex is None:
        state.katex = Renderer(
            trust=settings.get("KATEX_TRUST", ()),
            time_limit=settings.get("KATEX_TIME_LIMIT", TIME_LIMIT),
            max_bytes=settings.get("KATEX_MAX_BYTES", MAX_TEX_BYTES),
            macros=settings.get("KATEX_MACROS"),
            compat=settings.get("MATH_COMPAT"),
        )
    return state.katex
