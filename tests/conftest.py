"""Shared fixtures: real site builds in temporary folders, a local server, Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POST_URL = "/2026/11/26/swiglu-intuition/"


def write_settings(folder: Path, content: Path, base: str = "pelicanconf", **extra) -> Path:
    """A settings file that takes the project's settings and reads posts from `content`."""
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        f"from {base} import *",
        f"PATH = {str(content)!r}",
    ] + [f"{key} = {value!r}" for key, value in extra.items()]
    path = folder / "settings.py"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_build(settings: Path, output: Path, timeout: float = 600, env: dict | None = None):
    """`python -m tools.build` as the Makefile runs it; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def copy_content(dest: Path) -> Path:
    """A private copy of content/ (generated figures included) that a test may break."""
    shutil.copytree(ROOT / "content", dest)
    return dest


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once per session into a temporary folder."""
    folder = tmp_path_factory.mktemp("site")
    output = folder / "output"
    result = run_build(write_settings(folder, ROOT / "content"), output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def server(site):
    """The README's local server over the built site, on a free port."""
    from tools.serve import make_server

    httpd = make_server(site, "127.0.0.1", 0, generation=None)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def chromium_path() -> str | None:
    """Debian's chromium (or CHROMIUM_PATH); None lets Playwright use its own download."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",  # no calls home: this machine has no network
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """What a page did that a reader should never see: console errors, failures, other hosts."""

    def __init__(self, page, base: str):
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on(
            "console",
            lambda m: m.type in ("error", "warning") and self.problems.append(f"console {m.type}: {m.text}"),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", self.failed)
        page.on("request", lambda r: self.requests.append(r.url))
        self.base = base

    def failed(self, request) -> None:
        # ERR_ABORTED: a navigation (reload, link) cancelled requests in flight; nothing broke.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def other_hosts(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.base, "data:", "blob:"))]


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression until it is truthy. (Playwright's wait_for_function
    compiles its predicate with eval, which the site's CSP rightly forbids.)"""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(50)


def open_page(browser, server, width=1280, height=900, scheme="light", js=True, **kwargs):
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, java_script_enabled=js, **kwargs
    )
    # Any Content-Security-Policy violation becomes a console error, which fails the test.
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber))"
    )
    page = context.new_page()
    return context, page, PageWatch(page, server)


@pytest.fixture
def reader(browser, server):
    """A fresh browser page; the test fails if the page logged an error or called another host."""
    opened = []

    def open_(path="/", **kwargs):
        context, page, watch = open_page(browser, server, **kwargs)
        opened.append((context, watch))
        page.goto(server + path, wait_until="load")
        return page, watch

    yield open_
    for context, watch in opened:
        context.close()
        assert watch.problems == [], watch.problems
        assert watch.other_hosts() == [], watch.other_hosts()
