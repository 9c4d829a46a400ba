"""What the dev server runs when a source changes: `tools.build`, in a process forked from a
warm one, and the order of builds after a change.

The interface the server and the watcher use (and a builder that keeps the site in memory
would keep): `Builder(output, settings, env)`, then `start()`; `build(only) -> bool`;
`restart()` after a code change; `stop()`. `rebuild(builder, saved_posts, announce)` runs the
builds one change needs.

Each build runs in a fresh process, forked from a warm one that has imported Pelican, the
plugins and their libraries and does nothing else: a build does not wait for those imports,
and still starts from clean plugin state. A failed build prints its errors and leaves the
last good site in place (tools.build is atomic).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WARM_MODULES = [
    "tools.build",
    "pelican",
    "pelican.generators",
    "pelican.readers",
    "pelican.writers",
    "markdown",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pygments.lexers",
    "lxml.html",
    "PIL.Image",
    "PIL.ImageFont",
    "figures.generate",
]


def warm_process() -> None:
    """The warm process: import what a build needs, then fork one child per build request
    (a JSON argv line on stdin) and answer its exit code on stdout. Ends when stdin closes."""
    plugins = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted((ROOT / "plugins").rglob("*.py"))
    ]
    for name in WARM_MODULES + plugins:
        importlib.import_module(name)
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # the builds' own output goes to the terminal, not into the answers
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                from tools.build import main as build_main

                code = build_main(json.loads(line))
            except BaseException:  # a crash is the build's failure, never the warm process's
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), file=answers, flush=True)


class Builder:
    """Builds the site into `output` (with `settings`, else pelicanconf.py; `env` adds to the
    environment, e.g. SITE_BUILD_CACHE) in processes forked from a warm one."""

    def __init__(self, output: Path, settings: Path | None = None, env: dict | None = None):
        self.argv = ["--output", str(output)] + (["--settings", str(settings)] if settings else [])
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        """Start the warm process (it imports while the author opens the page)."""
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from tools.serve.builder import warm_process; warm_process()"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def restart(self) -> None:
        """After a code change: the next builds fork from a process that imported the new code."""
        with self.lock:
            self.stop()
            self.start()

    def build(self, only: Sequence[Path] = ()) -> bool:
        """A full build, or (`only`) the pages made from those sources (tools.build --only);
        True if it succeeded. One build at a time; a dead warm process is replaced."""
        argv = self.argv + [arg for source in only for arg in ("--only", str(source))]
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.start()
            try:
                self.process.stdin.write(json.dumps(argv) + "\n")
                self.process.stdin.flush()
                answer = self.process.stdout.readline()
            except OSError:
                answer = ""
            if answer.strip().lstrip("-").isdigit():
                return int(answer) == 0
            self.stop()  # the warm process died: build the slow way this once
            cmd = [sys.executable, "-m", "tools.build", *argv]
            return subprocess.run(cmd, cwd=ROOT, env=self.env).returncode == 0

    def stop(self) -> None:
        """Stop the warm process (it exits when its stdin closes)."""
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
            self.process = None


def rebuild(builder: Builder, saved_posts: Sequence[Path], announce: Callable[[], None]) -> None:
    """The builds one change needs; `announce()` after each that succeeded (open pages reload).

    When only posts were saved (`saved_posts`), their pages are built first and announced
    (seconds, even on a 1,000-post blog); then the full build brings lists, feeds, search, an
    include, the site's KaTeX CSS and fonts and the neighbours' titles up to date, and is
    announced too. The pages-only build moves its pages into the served site: if the full
    build then fails, those pages stay, which is what the author just saved. Otherwise the
    full build alone."""
    if saved_posts and builder.build(only=saved_posts):
        announce()
    if builder.build():
        announce()
