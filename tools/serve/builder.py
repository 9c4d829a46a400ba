"""What the dev server runs when a source changes: `tools.build`, in a process forked from a
warm one, and the order of builds after a change.

The interface the server and the watcher use: `Builder(output, settings, env)`, then
`start()`; `wait_ready()`; `build(only) -> bool`; `restart()` after a code change; `stop()`.
`rebuild(builder, saved_posts, announce)` runs the builds one change needs.

The warm process has imported Pelican, the plugins and their libraries and does nothing else;
each full build runs in a fresh process forked from it, so a build does not wait for those
imports and still starts from clean plugin state. After each full build it also forks a warm
site (tools/serve/warm_site.py): the whole site read into memory, waiting for the next save,
whose pages it writes after reading only the saved posts. When the warm site declines (or a
full build comes first and makes it stale), `tools.build --only` runs instead. A failed build
prints its errors and leaves the last good site in place (tools.build is atomic).
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


READY = "ready"  # the request that waits for the warm site (answered 0, or 1 if it is gone)


def warm_process(settings: str | None, output: str) -> None:
    """The warm process for the site built from `settings` (else pelicanconf.py) into
    `output`: import what a build needs, then answer requests (JSON lines on stdin: a
    tools.build argv, or READY) with an exit code each on stdout. A pages-only request
    (`--only`) goes to the warm site when there is one; every other build runs in a child
    forked for it, and a new warm site is forked after it. Ends when stdin closes."""
    from tools.serve.warm_site import WarmSite

    plugins = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted((ROOT / "plugins").rglob("*.py"))
    ]
    for name in WARM_MODULES + plugins:
        importlib.import_module(name)
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # the builds' own output goes to the terminal, not into the answers
    settings_file = Path(settings).resolve() if settings else ROOT / "pelicanconf.py"

    def warm_site() -> WarmSite:
        return WarmSite(settings_file, Path(output), close_in_child=(answers.fileno(),))

    site = warm_site()
    try:
        for line in sys.stdin:
            request = json.loads(line)
            if request == READY:
                print(0 if site and site.wait_ready() else 1, file=answers, flush=True)
                continue
            only = [request[i + 1] for i, arg in enumerate(request) if arg == "--only"]
            code = site.pages(only) if site and only else None
            if site and only and code is None:
                print(f"The warm site declined ({site.declined}): building the pages the usual way.", flush=True)
            if site and not only:
                site.stop()  # it may hold what this build's change made stale
            site = None if only else site
            if code is None:
                code = forked_build(request)
            if not only:
                site = warm_site()
            print(code, file=answers, flush=True)
    finally:
        if site:
            site.stop()


def forked_build(argv: list[str]) -> int:
    """`tools.build argv` in a child forked from this process; its exit code."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            from tools.build import main as build_main

            code = build_main(argv)
        except BaseException:  # a crash is the build's failure, never the warm process's
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


class Builder:
    """Builds the site into `output` (with `settings`, else pelicanconf.py; `env` adds to the
    environment, e.g. SITE_BUILD_CACHE; the builds' messages go to `stderr`, else this
    process's) in processes forked from a warm one."""

    def __init__(self, output: Path, settings: Path | None = None, env: dict | None = None, stderr=None):
        self.output, self.settings, self.stderr = output, settings, stderr
        self.argv = ["--output", str(output)] + (["--settings", str(settings)] if settings else [])
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        """Start the warm process (it imports while the author opens the page)."""
        code = "import sys; from tools.serve.builder import warm_process; warm_process(*sys.argv[1:])"
        where = [str(self.settings or ""), str(self.output)]
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *where],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )

    def restart(self) -> None:
        """After a code change: the next builds fork from a process that imported the new code."""
        with self.lock:
            self.stop()
            self.start()

    def wait_ready(self) -> bool:
        """Wait until the warm site has read the whole site (as an author opens the page before
        editing); False if it could not (the next save then takes the usual way)."""
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                self.process.stdin.write(json.dumps(READY) + "\n")
                self.process.stdin.flush()
                return self.process.stdout.readline().strip() == "0"
            except OSError:
                return False

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
