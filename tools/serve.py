"""Serve the built site locally, rebuild it when a source changes, and reload the browser.

    python -m tools.serve [--host 127.0.0.1] [--port 8000]

Only files inside the output folder are served (a `..` path gets 404), with
correct content types, the site's Content-Security-Policy as a header, and text
gzip-compressed for browsers that ask (as a real host sends it).
Each rebuild runs `tools.build` in a fresh process, so a failed rebuild
prints its errors and the last good site stays up. The process is forked from
a warm one that has imported Pelican, the plugins and their libraries and does
nothing else (`Builder`): a rebuild does not wait ~1 s for imports, and each
build still starts from clean plugin state. A change to code (anything outside
content/ and theme/) starts a new warm process, so a build never runs old code. Open pages reload through
a small same-origin script injected into HTML responses (dev server only).
"""

from __future__ import annotations

import argparse
import gzip
import mimetypes
import os
import subprocess
import sys
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools.headers import CSP_HEADER, TEXT_TYPES  # noqa: E402  (one header table for every host)

WATCHED = ["content", "theme", "plugins", "figures", "pelicanconf.py"]

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}

RELOAD_SCRIPT = b"""new EventSource("/__reload").onmessage = function () { location.reload(); };\n"""


class Generation:
    """Counts successful builds; SSE clients wait on it to learn about a new one."""

    def __init__(self):
        self.number = 0
        self.changed = threading.Condition()

    def bump(self) -> None:
        with self.changed:
            self.number += 1
            self.changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.number != seen, timeout)
            return self.number


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from the output folder, never from outside it."""

    extensions_map = {**mimetypes.types_map, **TYPES}

    def __init__(self, *args, output: Path, generation: Generation | None, **kwargs):
        self.output = output
        self.generation = generation
        super().__init__(*args, directory=str(output), **kwargs)

    def log_message(self, format, *args):  # quiet: one line per error only
        if args and str(args[1] if len(args) > 1 else "").startswith(("4", "5")):
            super().log_message(format, *args)

    def end_headers(self):
        # The same policy as the pages' meta tag, plus frame-ancestors (tools/headers.py).
        self.send_header("Content-Security-Policy", CSP_HEADER)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def inside_output(self, path: str) -> Path | None:
        """The requested path if it lies inside the output folder (it may not exist), else None."""
        if "\0" in path or any(part == ".." for part in path.split("/")):
            return None
        target = (self.output / path.lstrip("/")).resolve()
        root = self.output.resolve()
        return target if target == root or root in target.parents else None

    def do_GET(self):
        if self.generation and self.path == "/__reload":
            return self.stream_reloads()
        if self.generation and self.path == "/__livereload.js":
            return self.send_bytes(RELOAD_SCRIPT, TYPES[".js"])
        path = unquote(urlsplit(self.path).path)
        target = self.inside_output(path)
        if target is not None and target.is_dir():
            if not path.endswith("/"):  # so that the page's relative links resolve
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            target = target / "index.html"
        status = HTTPStatus.OK
        if target is None or not target.is_file():
            status, target = HTTPStatus.NOT_FOUND, self.output / "404.html"
            if not target.is_file():
                return self.send_bytes(b"Not found\n", TYPES[".txt"], status)
        body = target.read_bytes()
        kind = self.extensions_map.get(target.suffix, "application/octet-stream")
        if self.generation and target.suffix == ".html":
            body = body.replace(b"</body>", b'<script src="/__livereload.js"></script></body>', 1)
        return self.send_bytes(body, kind, status)

    def do_HEAD(self):
        return self.do_GET()

    def send_bytes(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if kind.split(";")[0] in TEXT_TYPES:
            self.send_header("Vary", "Accept-Encoding")
            if "gzip" in self.headers.get("Accept-Encoding", "") and len(body) > 1024:
                # Compressed as any host compresses text (make publish writes .gz/.br for that):
                # what the browser and Lighthouse measure here is then what readers get.
                body = gzip.compress(body, 6, mtime=0)
                self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def stream_reloads(self):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if self.command == "HEAD":  # headers only: a HEAD must not hold the connection open
            return
        seen = self.generation.number
        try:
            while True:
                now = self.generation.wait_past(seen, timeout=15)
                self.wfile.write(b"data: reload\n\n" if now != seen else b": keep-alive\n\n")
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            return


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
    import importlib
    import json

    plugins = [f"plugins.{path.stem}" for path in sorted((ROOT / "plugins").glob("*.py"))]
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
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), file=answers, flush=True)


class Builder:
    """Runs `tools.build` for the dev server in processes forked from a warm one."""

    def __init__(self, output: Path, settings: Path | None = None, env: dict | None = None):
        self.argv = ["--output", str(output)] + (["--settings", str(settings)] if settings else [])
        self.env = {**os.environ, **(env or {})}  # env: for tests (SITE_BUILD_CACHE)
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from tools.serve import warm_process; warm_process()"],
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

    def build(self, only: list[Path] = ()) -> int:
        """A full build, or (`only`) the pages made from those sources (tools.build --only)."""
        import json

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
                return int(answer)
            self.stop()  # the warm process died: build the slow way this once
            return subprocess.run([sys.executable, "-m", "tools.build", *argv], cwd=ROOT, env=self.env).returncode

    def stop(self) -> None:
        if self.process is not None:
            self.process.stdin.close()  # it exits by itself
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
            self.process = None


def rebuild(generation: Generation, builder: Builder, saved_posts: list[Path] = ()) -> None:
    """Build in a fresh process (clean plugin state); announce success to open pages.

    When only posts were saved, their pages are written first and open pages reload
    (seconds, even on a 1,000-post blog); the full build that follows brings lists,
    feeds and search up to date and reloads them again. (The pages-only build moves
    its pages into the served site: if the full build then fails, those pages stay,
    which is what the author just saved.)"""
    if saved_posts and builder.build(only=saved_posts) == 0:
        generation.bump()
        # Reload once more: an include, the site's KaTeX CSS and fonts or a neighbour's
        # title may have changed too, and only the full build writes those.
        if builder.build() == 0:
            generation.bump()
        return
    if builder.build() == 0:
        generation.bump()


def saved_posts(changes, content: Path = ROOT / "content") -> list[Path]:
    """The Markdown sources saved, if that is all that changed (not deleted, no other file);
    else [] (a template, an image or a deleted post: the full build is the first answer)."""
    from plugins.liquid import MARKDOWN_SUFFIXES  # what the Jekyll reader converts

    paths = [Path(path) for _, path in changes]
    if all(
        p.suffix in MARKDOWN_SUFFIXES and p.is_file() and p.resolve().is_relative_to(content.resolve()) for p in paths
    ):
        return sorted(set(paths))
    return []


def code_changed(changes) -> bool:
    """Anything but content and templates: plugins, figures, settings, tools."""

    def source(path: str) -> bool:
        resolved = Path(path).resolve()
        return any(resolved.is_relative_to(ROOT / folder) for folder in ("content", "theme"))

    return any(not source(path) for _, path in changes)


def wanted(_change, path: str) -> bool:
    """Source changes only: not bytecode, and not figures the build itself regenerates."""
    return "__pycache__" not in path and "/content/assets/figures/" not in path


def watch_and_rebuild(generation: Generation, builder: Builder) -> None:
    from watchfiles import watch

    paths = [ROOT / p for p in WATCHED if (ROOT / p).exists()]
    for changes in watch(*paths, watch_filter=wanted):
        print(f"Changed: {', '.join(sorted({Path(p).name for _, p in changes}))}; rebuilding…", flush=True)
        if code_changed(changes):
            builder.restart()
        rebuild(generation, builder, saved_posts(changes))


def make_server(output: Path, host: str, port: int, generation: Generation | None) -> ThreadingHTTPServer:
    handler = partial(SiteHandler, output=output, generation=generation)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--output", type=Path, default=ROOT / "output")
    parser.add_argument("--no-reload", action="store_true", help="serve only: no watching, no rebuilds")
    args = parser.parse_args(argv)
    generation = None if args.no_reload else Generation()
    builder = None
    if generation:
        builder = Builder(args.output.resolve())
        builder.start()  # warms up while the author opens the page
        threading.Thread(target=watch_and_rebuild, args=(generation, builder), daemon=True).start()
    server = make_server(args.output.resolve(), args.host, args.port, generation)
    print(f"Serving {args.output} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if builder:
            builder.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
