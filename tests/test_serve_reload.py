"""The dev server's pieces without a site build: the reload stream (/__reload), the watcher's
choice of what to rebuild, the builds one change runs, gzip."""

from __future__ import annotations


def test_a_head_request_for_the_reload_stream_gets_headers_and_the_connection_closes(tmp_path):
    """HEAD answers headers only and closes: it must not hold the connection open with events."""
    import socket
    import threading

    from tools.serve.server import Generation, make_server

    generation = Generation()
    httpd = make_server(tmp_path, "127.0.0.1", 0, generation)  # no site needed for /__reload
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(httpd.server_address, timeout=5) as sock:
            sock.sendall(b"HEAD /__reload HTTP/1.1\r\nHost: localhost\r\n\r\n")
            threading.Timer(0.2, generation.bump).start()  # a build finishes meanwhile
            received = b""
            while chunk := sock.recv(4096):  # a socket.timeout here means it kept streaming
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") and b"Content-Type: text/event-stream" in head
        assert body == b""
    finally:
        httpd.shutdown()


def test_a_code_change_restarts_the_warm_build_process_and_a_post_change_does_not():
    from watchfiles import Change

    from tools.serve.watcher import ROOT, code_changed

    assert not code_changed({(Change.modified, str(ROOT / "content" / "posts" / "a.md"))})
    assert not code_changed({(Change.modified, str(ROOT / "theme" / "templates" / "base.html"))})
    for code in ("plugins/features/search.py", "pelicanconf.py", "figures/activations.py"):
        assert code_changed(
            {(Change.modified, str(ROOT / "content" / "posts" / "a.md")), (Change.modified, str(ROOT / code))}
        )


def test_only_saved_posts_take_the_pages_first_path(tmp_path):
    """A saved Markdown post: its pages first. Anything else (a template, an image, a deleted
    or renamed post, a file outside the content folder): the full build is the first answer."""
    from watchfiles import Change

    from tools.serve.watcher import saved_posts

    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    post, other = content / "posts" / "a.md", content / "posts" / "b.markdown"
    post.write_text("x")
    other.write_text("y")
    image = content / "posts" / "a.png"
    image.write_bytes(b"png")
    outside = tmp_path / "c.md"
    outside.write_text("z")
    assert saved_posts({(Change.modified, str(post)), (Change.added, str(other))}, content) == sorted([post, other])
    assert saved_posts({(Change.modified, str(post)), (Change.modified, str(image))}, content) == []
    assert saved_posts({(Change.deleted, str(content / "posts" / "gone.md"))}, content) == []
    assert saved_posts({(Change.modified, str(outside))}, content) == []


class FakeBuilder:
    """Records builds; each answers the next of `results` (True: the build succeeded)."""

    def __init__(self, *results):
        self.results, self.builds = list(results), []

    def build(self, only=()):
        self.builds.append(list(only))
        return self.results.pop(0)


def test_a_saved_post_gets_its_pages_first_then_the_full_build_each_announced(tmp_path):
    from tools.serve.builder import rebuild

    post = tmp_path / "a.md"
    for results, announced in [((True, True), 2), ((True, False), 1), ((False, True), 1), ((False, False), 0)]:
        builder, announcements = FakeBuilder(*results), []
        rebuild(builder, [post], lambda seen=announcements: seen.append(1))
        assert builder.builds == [[post], []] and len(announcements) == announced
    builder, announcements = FakeBuilder(True), []
    rebuild(builder, [], lambda: announcements.append(1))  # a template or an image: the full build alone
    assert builder.builds == [[]] and len(announcements) == 1


def test_text_is_gzipped_for_browsers_that_ask_and_sent_as_it_is_otherwise(tmp_path):
    """As a host serves it: what the bench's browser and Lighthouse measure locally."""
    import gzip
    import http.client
    import threading

    from tools.serve.server import make_server

    page = b"<!DOCTYPE html><p>" + b"words " * 500 + b"</p>"
    (tmp_path / "index.html").write_bytes(page)
    (tmp_path / "font.woff2").write_bytes(b"wOF2" + bytes(4000))
    httpd = make_server(tmp_path, "127.0.0.1", 0, generation=None)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def get(path, accept=None):
        conn = http.client.HTTPConnection(*httpd.server_address, timeout=5)
        conn.request("GET", path, headers={"Accept-Encoding": accept} if accept else {})
        response = conn.getresponse()
        body, headers = response.read(), dict(response.getheaders())
        conn.close()
        return headers, body

    try:
        headers, body = get("/", "gzip, deflate, br")
        assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == page and int(headers["Content-Length"]) == len(body)
        headers, body = get("/")
        assert "Content-Encoding" not in headers and body == page
        headers, body = get("/font.woff2", "gzip")  # already compressed: sent as it is
        assert "Content-Encoding" not in headers and body.startswith(b"wOF2")
    finally:
        httpd.shutdown()
