"""Publishing to real hosts: Debian's nginx with deploy/nginx.conf.template over a fresh
`make publish`, and the `_headers` file for Netlify and Cloudflare Pages, both from the one
header table in tools/headers.py."""

from __future__ import annotations

import gzip
import http.client
import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import brotli
import pytest
from bs4 import BeautifulSoup

from tests.conftest import POST_URL, open_page, wait_until
from tools.browser import scroll_through
from tools.headers import CONTENT_TYPES, REVALIDATE, RULES, SECURITY, headers_for, netlify_headers, nginx_server


def parse_headers_file(text: str) -> list[tuple[str, dict[str, str]]]:
    """The `_headers` format: a path pattern, then indented `Name: value` lines."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if line and not line[0].isspace():
            rules.append((line.strip(), {}))
        elif line.strip():
            name, value = line.strip().split(": ", 1)
            rules[-1][1][name] = value
    return rules


def host_headers(rules: list[tuple[str, dict[str, str]]], path: str) -> dict[str, str]:
    """What Netlify or Cloudflare Pages sends for `path`: their default Cache-Control, plus
    every matching rule. Both join a header set by two matching rules: that must not happen."""
    found = {"Cache-Control": REVALIDATE}
    seen: set[str] = set()
    for pattern, headers in rules:
        if path.startswith(pattern.removesuffix("*")) if pattern.endswith("*") else path == pattern:
            assert not seen & headers.keys(), f"{path}: {seen & headers.keys()} set by two rules"
            seen |= headers.keys()
            found.update(headers)
    return found


def test_headers_file_and_nginx_config_come_from_one_table():
    rules = parse_headers_file(netlify_headers())
    assert [(p, h) for p, h in rules] == [(r.prefix + "*", r.headers) for r in RULES]
    server = nginx_server(Path("/srv/site"), brotli=False)
    for rule in RULES:
        for name, value in headers_for(rule.prefix).items():
            assert f'add_header {name} "{value}" always;' in server
        assert rule.prefix == "/" or f"location {rule.prefix} {{" in server
    for path in ["/", POST_URL, "/theme/css/site.x.css", "/assets/a.svg", "/pagefind/index/en_1.pf_index"]:
        assert host_headers(rules, path) == headers_for(path), path


def test_only_the_site_itself_may_frame_its_files_and_be_framed():
    """A post frames a figure exported as HTML (one of the site's own files); nothing else
    frames, or is framed by, another host: the pages' policy, the header table (_headers,
    nginx) and the dev server (which sends CSP_HEADER) say the same."""
    from pelicanconf import CONTENT_SECURITY_POLICY
    from tools.headers import CSP_HEADER

    directives = dict(d.strip().split(" ", 1) for d in CSP_HEADER.split(";"))
    assert directives["frame-src"] == directives["child-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'" and "frame-ancestors" not in CONTENT_SECURITY_POLICY
    assert SECURITY["X-Frame-Options"] == "SAMEORIGIN" and SECURITY["Content-Security-Policy"] == CSP_HEADER
    assert "  X-Frame-Options: SAMEORIGIN" in netlify_headers()
    assert 'add_header X-Frame-Options "SAMEORIGIN" always;' in nginx_server(Path("/srv/site"), brotli=False)


# ---- nginx over a fresh publish build (Debian's nginx, installed by `tools/setup.sh nginx`) ----


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    from tools.bench.nginx import nginx_publish_build

    folder = tmp_path_factory.mktemp("hosted")
    (folder / "secret.txt").write_text("outside the site root\n")  # `..` must never reach this
    with nginx_publish_build(folder) as url:
        yield url, folder / "output"


def fetch(base: str, path: str, encoding: str | None = None, method: str = "GET"):
    """One request, the path sent exactly as given (no normalisation): status, headers, body."""
    host = urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    conn.request(method, path, headers={"Accept-Encoding": encoding} if encoding else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def sample_files(output: Path) -> dict[str, Path]:
    """One file of every kind the site has, by suffix."""
    found: dict[str, Path] = {}
    for path in sorted(output.rglob("*")):
        if path.is_file() and path.suffix not in {".gz", ".br"}:
            found.setdefault(path.suffix, path)
    return found


def expected_type(suffix: str) -> str:
    return next(kind for kind, exts in CONTENT_TYPES.items() if suffix.lstrip(".") in exts)


@pytest.mark.build
def test_each_file_type_gets_its_content_type_encoding_and_headers(hosted):
    url, output = hosted
    files = sample_files(output)
    for needed in (".html", ".css", ".js", ".json", ".svg", ".csv", ".woff2", ".xml", ".pagefind"):
        assert needed in files, f"the publish build has no {needed} file"
    for suffix, path in files.items():
        rel = "/" + path.relative_to(output).as_posix()
        if suffix == "" or path.name == "_headers":
            continue
        for encoding in (None, "gzip", "br"):
            status, headers, body = fetch(url, rel, encoding)
            assert status == 200, rel
            assert headers["content-type"].split(";")[0] == expected_type(suffix), rel
            for name, value in headers_for(rel).items():
                assert headers[name.lower()] == value, (rel, name)
            sibling = {"gzip": ".gz", "br": ".br"}.get(encoding or "")
            precompressed = path.with_name(path.name + sibling) if sibling else None
            if precompressed and precompressed.exists():
                assert headers.get("content-encoding") == encoding, rel
                assert body == precompressed.read_bytes()
                decoded = gzip.decompress(body) if encoding == "gzip" else brotli.decompress(body)
                assert decoded == path.read_bytes()
            else:
                assert "content-encoding" not in headers, rel
                assert body == path.read_bytes()
    # Types the site has no file of today (an ES module, plain WebAssembly): served right all the same.
    for suffix, body in ((".mjs", b"export const x = 1;\n"), (".wasm", b"\0asm\1\0\0\0")):
        extra = output / f"type-check{suffix}"
        extra.write_bytes(body)
        try:
            status, headers, served = fetch(url, "/" + extra.name)
            assert status == 200 and served == body, suffix
            assert headers["content-type"].split(";")[0] == expected_type(suffix), suffix
        finally:
            extra.unlink()
    # The static hosts' _headers file, written by make publish, is the table nginx serves.
    assert (output / "_headers").read_text() == netlify_headers()
    # Hashed assets are cached for good, pages are revalidated.
    assert fetch(url, POST_URL)[1]["cache-control"] == REVALIDATE
    [site_css] = (output / "theme" / "css").glob("site.*.css")
    assert "immutable" in fetch(url, "/" + site_css.relative_to(output).as_posix())[1]["cache-control"]


@pytest.mark.build
def test_unknown_paths_get_the_sites_404_page_with_its_headers(hosted):
    url, output = hosted
    for path in ("/no/such/page/", "/theme/css/missing.css"):
        status, headers, body = fetch(url, path)
        assert status == 404
        assert body == (output / "404.html").read_bytes()
        assert headers["content-security-policy"] == SECURITY["Content-Security-Policy"]
        assert headers["cache-control"] == REVALIDATE
    status, headers, _ = fetch(url, "/archives")
    assert status == 301 and headers["location"] == "/archives/"


@pytest.mark.build
def test_dot_dot_cannot_leave_the_site_root(hosted):
    url, _ = hosted
    for path in (
        "/../secret.txt",
        "/theme/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/theme/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/theme../secret.txt",  # nginx's classic alias-without-slash escape
        "/../../../../../../etc/passwd",
    ):
        status, _, body = fetch(url, path)
        assert status in (400, 404), (path, status)
        assert b"outside the site root" not in body and b"root:" not in body


def links_in(html: str) -> list[str]:
    doc = BeautifulSoup(html, "html.parser")
    found = []
    for tag in doc.find_all(True):
        for name, value in tag.attrs.items():
            if name in ("href", "src", "content") or name.startswith("data-"):  # content: og:image
                found += value if isinstance(value, list) else [value]
    return found


@pytest.mark.build
def test_every_page_read_through_nginx_has_no_broken_link(hosted):
    url, output = hosted
    pages = sorted(output.rglob("*.html"))
    targets: set[str] = set()
    for page in pages:
        path = "/" + page.relative_to(output).as_posix().removesuffix("index.html")
        status, _, body = fetch(url, path)
        assert status == 200, path
        for link in links_in(body.decode()):
            link = urldefrag(link)[0]
            if link.startswith(url):
                targets.add(link[len(url) :] or "/")
            elif link.startswith("/") and not link.startswith("//"):
                targets.add(link)
    stylesheets = [t for t in targets if t.endswith(".css")]
    for sheet in stylesheets:  # fonts and images that CSS asks for
        css = fetch(url, sheet)[2].decode()
        for ref in re.findall(r"url\(([^)]+)\)", css):
            ref = ref.strip("\"'")
            if not ref.startswith("data:"):
                targets.add(ref if ref.startswith("/") else sheet.rsplit("/", 1)[0] + "/" + ref)
    broken = [t for t in sorted(targets) if fetch(url, t, method="HEAD")[0] != 200]
    assert len(targets) > 30 and broken == []


@pytest.mark.build
@pytest.mark.browser
def test_the_browser_reports_no_csp_violation_through_nginx(hosted, browser):
    url, _ = hosted
    context, page, watch = open_page(browser, url)
    response = page.goto(url + POST_URL, wait_until="load")
    assert response.headers["content-security-policy"] == SECURITY["Content-Security-Policy"]
    scroll_through(page, pause_ms=60)
    page.wait_for_selector(".mermaid svg")  # drawn at build time: inline in the page
    for figure_id in ("beta-slider", "x2-fit", "ellipse"):
        page.locator(f"#figure-{figure_id}").hover()  # figures are static until touched
        page.wait_for_selector(f"#figure-{figure_id} .figure-plot[data-ready]")
    page.keyboard.press("/")
    page.keyboard.type("sigmoid")
    wait_until(page, "document.querySelector('.search-results mark') !== null")
    page.locator(".search-results a").first.click()
    page.wait_for_url(url + POST_URL)
    context.close()
    assert watch.problems == [] and watch.other_hosts() == []


@pytest.mark.build
@pytest.mark.browser
def test_a_page_shows_a_file_of_the_site_in_a_frame_through_nginx(hosted, browser):
    """With the site's headers on both (CSP frame-src and frame-ancestors 'self',
    X-Frame-Options SAMEORIGIN) a page frames the site's own HTML file: no violation."""
    import shutil

    from pelicanconf import CONTENT_SECURITY_POLICY

    url, output = hosted
    folder = output / "frame-check"
    folder.mkdir()
    (folder / "figure.html").write_text('<!doctype html><title>Figure</title><p id="inside">A framed figure</p>\n')
    head = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}"><title>Page</title>'
    frame = '<iframe src="/frame-check/figure.html" title="Figure"></iframe>'
    (folder / "index.html").write_text(f"<!doctype html><html><head>{head}</head><body>{frame}</body></html>\n")
    try:
        status, headers, _ = fetch(url, "/frame-check/figure.html")
        assert status == 200 and headers["x-frame-options"] == "SAMEORIGIN"
        context, page, watch = open_page(browser, url)
        page.goto(url + "/frame-check/", wait_until="load")
        assert page.frame_locator("iframe").locator("#inside").inner_text() == "A framed figure"
        context.close()
    finally:
        shutil.rmtree(folder)
    assert watch.problems == [] and watch.other_hosts() == []


# ---- GitHub Pages ----

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pages.yml"


def test_the_pages_workflow_passes_actionlint():
    import shutil
    import subprocess
    import sys

    actionlint = Path(sys.executable).parent / "actionlint"  # from the test extra
    actionlint = str(actionlint) if actionlint.exists() else shutil.which("actionlint")
    assert actionlint, "actionlint is missing: install the test extra (make test does)"
    result = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pages_workflow_pins_actions_to_commits_and_builds_with_the_makefile():
    text = WORKFLOW.read_text()
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses and all(re.fullmatch(r"actions/[\w-]+@[0-9a-f]{40}", u) for u in uses), uses
    for needed in ("actions/upload-pages-artifact@", "actions/deploy-pages@", "actions/configure-pages@"):
        assert needed in text
    assert "run: make check" in text and "run: make publish" in text
    assert "SITEURL: ${{ steps.pages.outputs.base_url }}" in text


def test_the_pages_workflow_keeps_the_build_cache_between_deploys():
    """A deploy after one edit is a warm build: build/cache restored from the last run with the
    same locks and settings, before the build, and saved under the commit."""
    text = WORKFLOW.read_text()
    step = text[text.index("actions/cache@") :]
    assert "path: build/cache" in step
    locks = "hashFiles('requirements.lock', 'package-lock.json', 'pelicanconf.py', 'publishconf.py')"
    assert f"key: site-${{{{ runner.os }}}}-${{{{ {locks} }}}}-${{{{ github.sha }}}}" in step
    assert f"site-${{{{ runner.os }}}}-${{{{ {locks} }}}}-\n" in step  # restore-keys: the latest such run
    assert text.index("actions/cache@") < text.index("run: make publish")
