"""The reader's costs, measured with Playwright on a phone: bytes and requests before any figure
is in view and after every one has been touched and drawn, formulas without JavaScript, layout
shift while scrolling. Diagrams are inline SVG (drawn at build time) and figures stay static
pictures until touched, so the reader here touches each figure, as someone who wants its slider."""

from __future__ import annotations

import gzip
import time
import urllib.request
from dataclasses import dataclass

from tools.bench.context import POST_URL, Bench, Section, step
from tools.bench.table import compare, kb, row
from tools.browser import CLS_SO_FAR, launch, scroll_through

# Lighthouse's mobile preset emulates this phone (Moto G Power); Playwright uses the same.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
NARROW = 375  # px: the width at which the page must work without JavaScript
TEXT_TYPES = ("text/", "javascript", "json", "svg", "xml")

INLINE_SCRIPT_BYTES = """[...document.scripts].filter(s => !s.src)
  .reduce((n, s) => n + new TextEncoder().encode(s.textContent).length, 0)"""
FIGURE = ".figure-interactive"  # a figure that draws with plotly.js once touched
ALL_DRAWN = "[...document.querySelectorAll('.figure-plot')].every(p => p.dataset.ready)"


@dataclass
class Transfer:
    """Response bodies a page fetched: (url, type, raw bytes, gzip bytes) each."""

    items: list[tuple[str, str, int, int]]
    base: str
    inline_js: int = 0

    @property
    def raw(self) -> int:
        return sum(i[2] for i in self.items)

    @property
    def gzip(self) -> int:
        return sum(i[3] for i in self.items)

    @property
    def js(self) -> int:
        return sum(i[2] for i in self.items if i[1] == "script") + self.inline_js

    @property
    def other_hosts(self) -> int:
        return sum(1 for i in self.items if not i[0].startswith((self.base, "data:", "blob:")))


@dataclass
class PageRun:
    before: Transfer
    after: Transfer
    scroll_cls: float


@dataclass
class ReaderResults:
    ours: PageRun
    base: PageRun
    katex_ours: tuple[int, int, int]  # formulas with JS, without JS, page width without JS
    katex_base: tuple[int, int, int]


def sizes(response) -> tuple[str, str, int, int]:
    """(url, resource type, raw, gzip) of one response; gzip only for text types, as servers do."""
    try:
        body = response.body()
    except Exception:  # Chromium evicts big bodies (the baseline's page): ask the local server again
        body = refetch(response.url)
    raw = len(body) if body is not None else int(response.headers.get("content-length", 0))
    kind = response.headers.get("content-type", "")
    packed = len(gzip.compress(body, 9)) if body and any(t in kind for t in TEXT_TYPES) else raw
    return response.url, response.request.resource_type, raw, packed


def refetch(url: str) -> bytes | None:
    """The body of a local URL, fetched again outside the browser (None for a redirect or an error)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.read()
    except OSError:
        return None


def measure_page(browser, base: str, path: str, ours: bool) -> PageRun:
    """Load at the top (no scroll), then scroll through until every figure and diagram is drawn."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(base + path, wait_until="networkidle", timeout=180_000)
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(1000)
        page.wait_for_load_state("networkidle")
        settled = len(responses)
        inline = page.evaluate(INLINE_SCRIPT_BYTES)
        scroll_through(page)
        if ours:
            touch_every_figure(page)
            poll(page, ALL_DRAWN, timeout=120)
        page.wait_for_load_state("networkidle", timeout=180_000)
        page.wait_for_timeout(500)
        cls = page.evaluate(CLS_SO_FAR)
        measured = [sizes(r) for r in responses]
        return PageRun(Transfer(measured[:settled], base, inline), Transfer(measured, base, inline), cls)
    finally:
        context.close()


def touch_every_figure(page) -> None:
    """A tap on each figure's picture (the page is a phone's): the sign of intent that loads
    plotly.js and the figure's JSON."""
    figures = page.locator(FIGURE)
    for i in range(figures.count()):
        figures.nth(i).scroll_into_view_if_needed()
        figures.nth(i).locator(".figure-static").tap()


def poll(page, expression: str, timeout: float) -> None:
    """Wait until `expression` is true, by evaluating it: the site's CSP (no 'unsafe-eval')
    forbids the `new Function` that page.wait_for_function needs."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"after {timeout:.0f} s, still false: {expression}")
        page.wait_for_timeout(50)


def katex_without_js(browser, url: str) -> tuple[int, int, int]:
    """(.katex count with JS, .katex count without JS, scrollWidth without JS) at 375 px."""
    counts = []
    width = 0
    for js in (True, False):
        context = browser.new_context(viewport={"width": NARROW, "height": 800}, java_script_enabled=js)
        page = context.new_page()
        page.goto(url, wait_until="load", timeout=180_000)
        if js:
            page.wait_for_load_state("networkidle", timeout=180_000)
        counts.append(page.locator(".katex").count())
        width = page.evaluate("document.documentElement.scrollWidth")
        context.close()
    return counts[0], counts[1], width


def measure(bench: Bench) -> None:
    from playwright.sync_api import sync_playwright

    ours_url, base_url = bench.ours_url(), bench.baseline_url()
    with sync_playwright() as p:
        browser = launch(p)
        step("Playwright: ours")
        ours = measure_page(browser, ours_url, POST_URL, ours=True)
        step("Playwright: baseline")
        base = measure_page(browser, base_url, "/", ours=False)
        results = ReaderResults(
            ours, base, katex_without_js(browser, ours_url + POST_URL), katex_without_js(browser, base_url + "/")
        )
        browser.close()
    record(bench, results)


def record(bench: Bench, results: ReaderResults) -> None:
    """Keep the results, and the values the budgets read."""
    ours = results.ours
    bench.data["reader"] = results
    with_js, without_js, width = results.katex_ours
    bench.values.update(
        {
            "reader.before_bytes": ours.before.raw,
            "reader.before_gzip": ours.before.gzip,
            "reader.formulas_missing_without_js": with_js - without_js if with_js else None,
            "reader.width_without_js": width,
            "reader.scroll_cls": ours.scroll_cls,
        }
    )


def rows(bench: Bench) -> list[str]:
    r: ReaderResults = bench.data["reader"]
    o, b = r.ours, r.base
    return [
        row(f"**Reader** (Playwright, phone {PHONE['viewport']['width']}×{PHONE['viewport']['height']})", ""),
        compare("Bytes before any figure is in view", o.before.raw, b.before.raw, kb),
        compare("… gzip", o.before.gzip, b.before.gzip, kb),
        compare("Bytes after touching every figure (each drawn)", o.after.raw, b.after.raw, kb),
        compare("… gzip", o.after.gzip, b.after.gzip, kb),
        compare("JavaScript bytes (files + inline, every figure touched)", o.after.js, b.after.js, kb),
        compare("Requests (every figure touched)", len(o.after.items), len(b.after.items), str),
        compare("Requests to other hosts", o.after.other_hosts, b.after.other_hosts, str),
        row(
            "KaTeX formulas drawn with / without JavaScript",
            f"{r.katex_ours[0]} / {r.katex_ours[1]}",
            f"{r.katex_base[0]} / {r.katex_base[1]}",
        ),
        compare("CLS while scrolling through every figure", o.scroll_cls, b.scroll_cls, lambda v: f"{v:.3f}"),
    ]


def notes(bench: Bench) -> list[str]:
    """The requests behind the first budget: what a reader fetches before any figure."""
    before = bench.data["reader"].ours.before
    lines = ["", "Requests before any figure is in view (ours, raw / gzip):"]
    for url, kind, raw, packed in sorted(before.items, key=lambda i: -i[2]):
        lines.append(f"- {url.removeprefix(before.base)} ({kind}): {raw:,} B / {packed:,} B")
    return lines


SECTION = Section("reader", measure, rows, notes)
