"""The dev server's HTTP side: the built site's files, as a host serves them, and the reload stream.

Only files inside the output folder are served (a `..` path gets 404; a folder without its
slash is redirected; a missing file gets the site's 404 page), with the content types of
tools/headers.py, the site's Content-Security-Policy as a header, `Cache-Control: no-cache`,
and text gzip-compressed for browsers that ask (as a real host sends it). With a `Generation`
(live reload), every HTML page gets a small same-origin script that listens to /__reload, a
server-sent event stream that says `reload` each time the generation moves on.
"""

from __future__ import annotations

import gzip
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tools.headers import CSP_HEADER, TEXT_TYPES, content_type

RELOAD_SCRIPT = b"""new EventSource("/__reload").onmessage = function () { location.reload(); };\n"""
RELOAD_TAG = b'<script src="/__livereload.js"></script></body>'
KEEP_ALIVE_EVERY = 15  # s between comments on an idle reload stream


class Generation:
    """Counts the sites built so far; reload streams wait on it to learn about a new one."""

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
            return self.send_bytes(RELOAD_SCRIPT, content_type(".js"))
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
                return self.send_bytes(b"Not found\n", content_type(".txt"), status)
        body = target.read_bytes()
        if self.generation and target.suffix == ".html":
            body = body.replace(b"</body>", RELOAD_TAG, 1)
        return self.send_bytes(body, content_type(target.suffix), status)

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
                now = self.generation.wait_past(seen, timeout=KEEP_ALIVE_EVERY)
                self.wfile.write(b"data: reload\n\n" if now != seen else b": keep-alive\n\n")
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            return


def make_server(output: Path, host: str, port: int, generation: Generation | None) -> ThreadingHTTPServer:
    """A server over `output` (port 0 picks a free one); live reload when `generation` is given.
    The caller runs `serve_forever()` and later `shutdown()`."""
    handler = partial(SiteHandler, output=output, generation=generation)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
