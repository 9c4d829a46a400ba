"""KaTeX at build time: one node process per build, all of a page's formulas per request.

`plugins/katex_server.mjs` runs npm's KaTeX and reads JSON lines on its stdin;
it exits when stdin closes, so it ends with its build even when the build is
killed with SIGKILL (the kernel closes the pipe): no socket, no temporary
folder, no orphan. It starts on the first formula the build cannot find in the
cache and stops when the build finishes.

Each formula is rendered once and cached (in memory for the build, on disk in
the SQLite database build/cache/katex.sqlite3) by its TeX, display mode, KaTeX's
version and options and this code, together with the facts later steps need:
the KaTeX classes its HTML uses (read off the HTML here) and the characters it
draws with each font (node reads them from KaTeX's tree as it renders, by the
same walk as plugins/katex_fonts.py's over HTML; tests/test_katex_facts.py
compares the result with a scan of whole pages). `PageRenderer`
records those facts for one page, and the reader stores them in the page's
metadata, so no step parses a finished page to find them again.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from pelican import signals

from plugins.build_cache import CACHE

ROOT = Path(__file__).resolve().parent.parent
# npm's KaTeX: the renderer and the CSS/fonts we ship come from one package,
# so their versions cannot drift apart.
KATEX_PACKAGE = ROOT / "node_modules" / "katex"
SERVER = Path(__file__).with_name("katex_server.mjs")

KATEX_OPTIONS = {
    "throwOnError": True,  # invalid LaTeX must fail the build, never show red text
    "output": "htmlAndMathml",  # MathML for screen readers and copy-as-LaTeX
    "strict": "ignore",  # Unicode in \text{} is fine in a blog post
    "trust": False,
}


# KaTeX's class attributes: `class="…"` on HTML elements, `class ="…"` on MathML ones.
CLASS_ATTRIBUTE = re.compile(r'\sclass ?="([^"]*)"')
CHUNK = 32  # formulas per request when a page has many to render (see Renderer.prerender)


class KaTeXError(Exception):
    """KaTeX refused a formula (its ParseError message), or could not run."""


def katex_version() -> str:
    """The version of the KaTeX package the renderer and the site's CSS use."""
    package = KATEX_PACKAGE / "package.json"
    if not package.exists():
        raise KaTeXError(f"KaTeX is not installed at {KATEX_PACKAGE}: run `npm ci` (or `make install`).")
    return json.loads(package.read_text())["version"]


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
    """plugins/katex_fonts.py's reading of KaTeX's CSS, for the node server's facts."""
    from plugins.katex_fonts import BASE_FONT, katex_css_model

    rules, faces = katex_css_model()
    return json.dumps(
        {
            "rules": [[sorted(required), changes] for required, changes in rules],
            "faces": {"|".join(face): file for face, file in faces.items()},
            "base": list(BASE_FONT),
        }
    )


def in_background(work) -> None:
    """`work` in a daemon thread, off the build's path; at once when Python is exiting (a build
    that failed closes from atexit, where Python 3.12+ refuses to start a thread)."""
    try:
        threading.Thread(target=work, daemon=True).start()
    except RuntimeError:
        work()


class Server:
    """The build's node process; `render_many` sends one request and reads one answer."""

    def __init__(self):
        katex_version()  # a clear error if npm's KaTeX is missing
        self.process = subprocess.Popen(
            [
                "node",
                str(SERVER),
                str(KATEX_PACKAGE),
                json.dumps(KATEX_OPTIONS),
                css_model_json(),
                str(CACHE / "katex-v8"),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
            encoding="utf-8",
        )

    def render_many(self, items: list[tuple[str, bool]]) -> list[dict]:
        self.send(items)
        return self.receive()

    def send(self, items: list[tuple[str, bool]]) -> None:
        """Ask for a batch; answers come back in the order batches were sent."""
        try:
            self.process.stdin.write(json.dumps(items) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as err:
            raise KaTeXError(f"the KaTeX process ended unexpectedly: {err}") from None

    def receive(self) -> list[dict]:
        try:
            answer = self.process.stdout.readline()
        except OSError as err:
            raise KaTeXError(f"the KaTeX process ended unexpectedly: {err}") from None
        if not answer:
            raise KaTeXError(f"the KaTeX process exited with {self.process.wait()} (see its message above)")
        results = json.loads(answer)
        if isinstance(results, dict):
            raise KaTeXError(results["fatal"])
        return results

    def close(self) -> None:
        """Close its stdin: it exits by itself. Its exit is awaited (a stuck one killed) in a
        thread: the build need not wait the ~15 ms of node's teardown."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        in_background(self._reap)

    def _reap(self) -> None:
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


class Renderer:
    """Rendered formulas for one build: memo, then disk cache, then node (in batches)."""

    def __init__(self):
        self.memo: dict[tuple[str, bool], Formula | KaTeXError] = {}
        self.server: Server | None = None
        self.store: FormulaStore | None = None
        self.rendered = 0  # formulas node rendered in this build (for the benchmark)
        # Hashed once: each formula's key then hashes 32 bytes of it, not the ~50 KB it stands for.
        self._key_prefix = hashlib.sha256(
            b"\0".join(
                [
                    katex_version().encode(),
                    json.dumps(KATEX_OPTIONS, sort_keys=True).encode(),
                    SERVER.read_bytes(),
                    Path(__file__).read_bytes(),
                    Path(__file__).with_name("katex_fonts.py").read_bytes(),
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
            self.store = FormulaStore(CACHE / "katex.sqlite3")
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
            self.server = Server()
        # In chunks, one sent ahead: node renders the next chunk while Python reads and
        # stores this one. A chunk's request stays far below the pipe's buffer, so neither
        # side can block the other.
        chunks = [missing[i : i + CHUNK] for i in range(0, len(missing), CHUNK)]
        rendered = []
        self.server.send(chunks[0])
        for n, chunk in enumerate(chunks):
            if n + 1 < len(chunks):
                self.server.send(chunks[n + 1])
            for key, result in zip(chunk, self.server.receive(), strict=True):
                if "error" in result:
                    self.memo[key] = KaTeXError(result["error"])  # errors are not cached on disk
                    continue
                formula = Formula.from_answer(result)
                self.memo[key] = formula
                self.rendered += 1
                rendered.append((keys[key], formula.to_json()))
        self.store.put(rendered)

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


class FormulaStore:
    """The disk cache of rendered formulas: one SQLite database (a file per formula cost
    ~1.3 ms to write here, which capped a cold build at ~500 formulas a second).

    One transaction per page's batch; write-ahead logging, so a build killed mid-write
    leaves the last committed batches, and builds running side by side (tests, the dev
    server beside `make html`) read and write it safely. Values are keyed by the digest
    of the TeX, display mode, KaTeX version and options, and this code."""

    def __init__(self, path: Path):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable up to the last checkpoint, never corrupt
        self.db.execute("CREATE TABLE IF NOT EXISTS formula (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")

    def get(self, keys: list[bytes]) -> dict[bytes, bytes]:
        found = {}
        for start in range(0, len(keys), 500):  # SQLite's limit on parameters
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT key, value FROM formula WHERE key IN ({marks})", chunk))
        return found

    def put(self, rows: list[tuple[bytes, bytes]]) -> None:
        if not rows:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR REPLACE INTO formula (key, value) VALUES (?, ?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Closing checkpoints the write-ahead log into the database (~10 ms of writes and a
        sync): done in a thread, off the build's path. A process that exits first leaves the
        log, which SQLite replays on the next open: nothing is lost or corrupted."""
        in_background(self.db.close)


# The renderer of the build in progress. Pelican builds one site at a time per
# process; `initialized` starts a fresh one and `finalized` stops its node process.
_current: Renderer | None = None


def current() -> Renderer:
    global _current
    if _current is None:
        _current = Renderer()
    return _current


def finish(*_args) -> None:
    """Stop the build's node process and forget its memo."""
    global _current
    if _current is not None:
        _current.close()
        _current = None


atexit.register(finish)


class PageRenderer:
    """The renderer one page's Markdown conversion uses (plugins/kramdown_math.py calls it):
    batches the page's formulas and records which classes and fonts they use."""

    def __init__(self, renderer: Renderer | None = None):
        self.renderer = renderer or current()
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


def render(latex: str, display: bool) -> str:
    """KaTeX HTML+MathML for one formula; raises KaTeXError on invalid LaTeX."""
    return current().formula(latex, display).html


def configure() -> None:
    """Check that npm's KaTeX is installed (the renderer starts on the first formula)."""
    katex_version()


def register():
    # initialized: a new build starts with a fresh memo (a failed build may have left one).
    signals.initialized.connect(finish)
    # finalized: every page is read and written; the node process is no longer needed.
    signals.finalized.connect(finish)
