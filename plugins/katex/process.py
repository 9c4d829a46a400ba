"""The build's node process that runs KaTeX (plugins/katex/server.mjs), and its answers.

One request is a JSON line: a page's id and a batch of its formulas, in page order
(plugins/katex/server.mjs says what each item and answer holds); node answers each formula
with a line of its own, so the build knows which formula it is waiting for. Every answer is
awaited for a limited time: past it, node is killed and the formula named
(`KaTeXTimeout`). The process cannot outlive its build (plugins/child_process.py):
stdin's close ends it between requests, the build's death ends it at any time.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

from plugins import child_process
from plugins.markdown.kramdown_math import FormulaRefused

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).with_name("server.mjs")
# npm's KaTeX: the renderer and the CSS/fonts we ship come from one package,
# so their versions cannot drift apart.
KATEX_PACKAGE = ROOT / "node_modules" / "katex"
MATHJAX_PACKAGE = ROOT / "node_modules" / "mathjax-full"  # what KaTeX cannot draw, for MATH_COMPAT


def mathjax_version() -> str:
    """npm's mathjax-full version ("" when it is not installed: MATH_COMPAT then fails at startup)."""
    try:
        return json.loads((MATHJAX_PACKAGE / "package.json").read_text())["version"]
    except FileNotFoundError:
        return ""


def katex_version() -> str:
    """The version of the KaTeX package the renderer and the site's CSS use."""
    package = KATEX_PACKAGE / "package.json"
    if not package.exists():
        raise KaTeXError(f"KaTeX is not installed at {KATEX_PACKAGE}: run `npm ci` (or `make install`).")
    return json.loads(package.read_text())["version"]


class KaTeXError(Exception):
    """KaTeX refused a formula (its ParseError message), or could not run."""


class KaTeXRefused(KaTeXError, FormulaRefused):
    """Valid LaTeX the site does not draw: a command it does not trust, nesting too deep for KaTeX."""


class KaTeXTimeout(KaTeXError, FormulaRefused):
    """KaTeX ran out of time on a formula."""


def in_background(work) -> None:
    """`work` in a daemon thread, off the build's path; at once when Python is exiting (a build
    that failed closes from atexit, where Python 3.12+ refuses to start a thread)."""
    try:
        threading.Thread(target=work, daemon=True).start()
    except RuntimeError:
        work()


class Server:
    """The node process: `send` a batch, then `receive` one answer per formula, in order."""

    def __init__(self, package: Path, options: dict, css_model: str, code_cache: Path):
        self.process = child_process.start(
            ["node", str(SERVER), str(package), json.dumps(options), css_model, str(code_cache)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        self.answers = child_process.Lines(self.process.stdout)

    @staticmethod
    def request(items: list[tuple], page: int = 0, new: bool = True) -> bytes:
        """A batch of page `page`'s formulas, each (latex, display) or (latex, display, annotation,
        replay); `new` starts the page's context afresh (the site's macros alone)."""
        full = [[latex, bool(display), *rest, *[None, 0][len(rest) :]] for latex, display, *rest in items]
        return json.dumps({"page": page, "new": new, "items": full}).encode() + b"\n"

    def render_many(self, items: list[tuple], timeout: float | None = None) -> list[dict]:
        """Answers for `items`, drawn as a new page's formulas."""
        self.send(self.request(items))
        deadline = None if timeout is None else time.monotonic() + timeout
        return [self.receive(deadline) for _ in items]

    def send(self, request: bytes) -> None:
        """Ask for a batch (`request(items)`); answers come back in the order batches were sent."""
        try:
            self.process.stdin.write(request)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as err:
            raise KaTeXError(f"the KaTeX process ended unexpectedly: {err}") from None

    def receive(self, deadline: float | None) -> dict:
        """The next formula's answer; TimeoutError if it is not there by `deadline` (monotonic)."""
        try:
            answer = self.answers.readline(deadline)
        except TimeoutError:
            raise
        except OSError as err:
            raise KaTeXError(f"the KaTeX process ended unexpectedly: {err}") from None
        if not answer.endswith(b"\n"):
            raise KaTeXError(f"the KaTeX process exited with {self.process.wait()} (see its message above)")
        result = json.loads(answer)
        if "fatal" in result:
            raise KaTeXError(result["fatal"])
        return result

    def kill(self) -> None:
        """End node now (it is busy with a formula that ran out of time)."""
        child_process.stop(self.process)
        self._close_pipes()

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
            child_process.stop(self.process)
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass
