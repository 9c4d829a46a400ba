"""Shared fixtures: real site builds in temporary folders, a local server, Chromium.

Test tiers (markers, registered in pyproject.toml): `browser` drives Chromium, `build`
builds the real site or takes more than ~2 s, `slow` is a stress test. `make check` runs
the rest. A test that uses the `site` or `browser` fixtures is marked here whatever its
file says, so the fast tier can never start a full build or a browser by accident.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

# Re-exported: tests import these from here.
from tools.browser import CHROMIUM_ARGS, chromium_path, launch  # noqa: F401
from tools.scratch_site import ROOT, copy_content, run_build, serving, write_settings  # noqa: F401

POST_URL = "/2026/11/26/swiglu-intuition/"


# Fixture → the marker a test that uses it (directly or through another fixture) must carry.
MARKED_BY_FIXTURE = {"site": "build", "demo_site": "build", "browser": "browser"}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, marker in MARKED_BY_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()) and marker not in item.keywords:
                item.add_marker(marker)


@pytest.fixture(scope="session")
def katex():
    """KaTeX as a build runs it, for in-process tests: katex(latex, display=False) -> Formula
    (its HTML and the characters it draws with each font). One node process for the session."""
    from plugins.katex.render import Renderer

    renderer = Renderer()
    yield lambda latex, display=False: renderer.formula(latex, display)
    renderer.close()


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
    with serving(site) as url:
        yield url


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The real content plus the posts in tests/fixtures/ (every reader feature), built once per session."""
    import shutil

    folder = tmp_path_factory.mktemp("demo")
    content = copy_content(folder / "content")
    for post in (ROOT / "tests" / "fixtures").glob("*.md"):
        shutil.copy(post, content / "posts" / post.name)
    output = folder / "output"
    result = run_build(write_settings(folder, content), output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def demo_server(demo_site):
    """The README's local server over the demo site, on a free port."""
    with serving(demo_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
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


INTERACTIVE = ["beta-slider", "x2-fit", "ellipse"]  # the figures with a JSON spec and a slider


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """The three interactive figures in a temporary assets folder: copied from content/assets where they are
    current (same code, so the same bytes: regeneration is deterministic), made there otherwise."""
    from figures.generate import ASSETS, generate, is_stale, read_meta

    assets = tmp_path_factory.mktemp("figure-assets")
    stale = [i for i in INTERACTIVE if is_stale(i, ASSETS)]
    for figure_id in sorted(set(INTERACTIVE) - set(stale)):
        for rel in [*read_meta(figure_id, ASSETS)["files"], f"figures/{figure_id}.meta.json"]:
            (assets / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ASSETS / rel, assets / rel)
    if stale:  # (an empty list would mean every figure)
        generate(stale, assets=assets, progress=lambda m: None)
    return assets
