"""The dev server's answer to a save, timed: from saving a post to its page reloaded through
the server, driving tools/serve's own pieces over a built site (the warm builder, the
watcher's choice of what to build first, the reload stream, the HTTP server)."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tools.blog_fixture import page_path
from tools.serve.builder import Builder, rebuild
from tools.serve.server import Generation, make_server
from tools.serve.watcher import saved_posts


def save_to_reload(
    content: Path, settings: Path, output: Path, env: dict, post: Path, change: Callable[[Path], None]
) -> tuple[float, str]:
    """Seconds from saving `post` (`change(post)`) to its page, reloaded through the dev server,
    and that page's HTML. `output` is a site already built from `content` with `settings`."""
    generation = Generation()
    builder = Builder(output, settings, env)
    builder.start()  # with the server, before the author edits anything
    builder.wait_ready()  # as the author opens the page and starts to write
    httpd = make_server(output, "127.0.0.1", 0, generation)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    rebuilding = None
    try:
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        stream.request("GET", "/__reload")
        events = stream.getresponse()
        saved = time.perf_counter()
        change(post)
        # What the watcher runs: the saved post's page first (then the full build, in its thread).
        posts = saved_posts([(None, str(post))], content)
        rebuilding = threading.Thread(target=rebuild, args=(builder, posts, generation.bump))
        rebuilding.start()
        # The stream sends a comment now and then (`: keep-alive`) while nothing changed.
        line = events.fp.readline()
        while line.startswith(b":") or line == b"\n":
            line = events.fp.readline()
        if line != b"data: reload\n":
            raise RuntimeError("the dev server's rebuild failed (its errors are above)")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/{page_path(post)}")
        page = conn.getresponse().read().decode()
        elapsed = time.perf_counter() - saved
        stream.close()
        return elapsed, page
    finally:
        if rebuilding is not None:
            rebuilding.join()  # the full build, before its builder stops
        httpd.shutdown()
        builder.stop()
