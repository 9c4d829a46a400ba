"""The README's local server: right content types, the site's CSP as a header, nothing outside the output."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from tests.conftest import POST_URL

pytestmark = pytest.mark.build  # every test serves the session's site build


def get(server: str, path: str) -> tuple[int, dict, bytes]:
    """A raw GET, so that `..` reaches the server as typed (no client-side normalisation)."""
    host = urlsplit(server)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (POST_URL, "text/html; charset=utf-8"),
        ("/theme/css/site.css", "text/css; charset=utf-8"),
        ("/theme/js/colour-scheme.js", "text/javascript; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml; charset=utf-8"),
        ("/favicon.ico", "image/x-icon"),
        ("/assets/figures/beta-slider.json", "application/json; charset=utf-8"),
        ("/theme/vendor/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2"),
    ],
)
def test_files_are_served_with_their_content_type(server, path, kind):
    status, headers, body = get(server, path)
    assert status == 200 and body
    assert headers["Content-Type"] == kind
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_diagram_label_font_is_served_as_woff2(server, site):
    font = next(site.glob("theme/vendor/diagrams/labels-*.woff2")).relative_to(site)
    status, headers, _ = get(server, f"/{font}")
    assert status == 200 and headers["Content-Type"] == "font/woff2"


def test_every_response_carries_the_content_security_policy(server):
    from pelicanconf import CONTENT_SECURITY_POLICY

    for path in (POST_URL, "/theme/css/site.css", "/no/such/page"):
        _, headers, _ = get(server, path)
        assert headers["Content-Security-Policy"].startswith(CONTENT_SECURITY_POLICY)
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]  # the site frames its own files


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/theme/../../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/..%2fpyproject.toml",
        "/theme/%2e%2e/%2e%2e/README.md",
        "//etc/passwd",
        "/../../../../etc/passwd",
    ],
)
def test_paths_outside_the_output_folder_are_refused(server, path):
    status, _, body = get(server, path)
    assert status == 404
    assert b"swiglu-site" not in body and b"root:" not in body


def test_a_folder_without_its_slash_redirects(server):
    status, headers, _ = get(server, POST_URL.rstrip("/"))
    assert status == 301 and headers["Location"] == POST_URL


def test_unknown_paths_get_the_404_page(server):
    status, headers, body = get(server, "/nothing/here/")
    assert status == 404 and b"Page not found" in body


def test_open_pages_are_told_to_reload_after_a_rebuild(site):
    """The dev server injects a same-origin reload script and pushes an event per successful build."""
    import threading

    from tools.serve.server import Generation, make_server

    generation = Generation()
    httpd = make_server(site, "127.0.0.1", 0, generation)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        _, _, page = get(server, POST_URL)
        assert page.count(b'<script src="/__livereload.js"></script></body>') == 1
        status, headers, script = get(server, "/__livereload.js")
        assert status == 200 and b"EventSource" in script
        conn = http.client.HTTPConnection("127.0.0.1", httpd.server_address[1], timeout=10)
        conn.request("GET", "/__reload")
        response = conn.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        threading.Timer(0.2, generation.bump).start()
        assert response.fp.readline() == b"data: reload\n"
        conn.close()
    finally:
        httpd.shutdown()
