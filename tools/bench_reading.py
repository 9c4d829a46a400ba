"""What reading the post costs, in raw bytes, as issue 12's budgets count it.

For a desktop (1280×900) and a phone (375×740) viewport, in headless Chromium:
bytes before scrolling; after reading to the end without touching a figure (and
whether any Mermaid or plotly.js request happened); after touching every figure,
each then interactive. Also the time from the first touch on a figure to an
interactive figure under Lighthouse's mobile throttling (4x CPU slowdown, and
the slow-4G network DevTools applies: 562.5 ms latency, 1,474.56 kbit/s down).

    python -m tools.bench_reading [--output output] [--touch-timing]

`run(server_url)` returns the rows and `touch_timing(server_url)` the times; `make bench`
can add them to its table.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tools.bench import CHROME_FLAGS, chromium, serving, sizes
from tools.browser import scroll_through

POST_URL = "/2026/11/26/swiglu-intuition/"
VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 740)}
FIGURE = ".figure-interactive"
ALL_READY = f"[...document.querySelectorAll('{FIGURE} .figure-plot')].every(p => p.dataset.ready === 'true')"
# Lighthouse 12's mobile throttling as DevTools applies it (constants.throttling.mobileSlow4G).
SLOW_4G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1474.56 * 1024 / 8,
    "uploadThroughput": 675 * 1024 / 8,
}
CPU_SLOWDOWN = 4


@dataclass
class ReadingRow:
    viewport: str
    before_scrolling: int  # bytes
    after_reading: int  # bytes, scrolled to the end, no figure touched
    mermaid_or_plotly_while_reading: bool
    after_touching_figures: int  # bytes, every figure interactive
    figures_interactive: int
    figures: int = 0  # interactive figures on the page (each one touched)


def wait_for(page, expression: str, timeout: float = 120.0) -> None:
    """Poll an expression (the site's CSP forbids the eval that wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        page.wait_for_timeout(50)


def settle(page) -> None:
    page.wait_for_load_state("networkidle", timeout=120_000)
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle", timeout=120_000)


def measure(browser, base: str, name: str, width: int, height: int, path: str = POST_URL) -> ReadingRow:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(base + path, wait_until="load", timeout=120_000)
        settle(page)
        before = len(responses)
        scroll_through(page, pause_ms=100)
        settle(page)
        read = len(responses)
        figures = page.locator(FIGURE)
        for i in range(figures.count()):
            figures.nth(i).scroll_into_view_if_needed()
            figures.nth(i).hover()  # the first sign of intent
        wait_for(page, ALL_READY)
        settle(page)
        total = [sizes(r)[2] for r in responses]
        while_reading = [r.url for r in responses[:read]]
        return ReadingRow(
            viewport=f"{name} {width}×{height}",
            before_scrolling=sum(total[:before]),
            after_reading=sum(total[:read]),
            mermaid_or_plotly_while_reading=any("mermaid" in u or "plotly" in u for u in while_reading),
            after_touching_figures=sum(total),
            figures_interactive=page.locator(f"{FIGURE} .figure-plot[data-ready]").count(),
            figures=figures.count(),
        )
    finally:
        context.close()


def touch_to_interactive(browser, base: str, path: str = POST_URL, runs: int = 3) -> list[float]:
    """Seconds from a tap on the first figure to its plot being ready, under mobile throttling
    (phone viewport, nothing cached), one value per run."""
    seconds = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 412, "height": 823}, has_touch=True, is_mobile=True)
        page = context.new_page()
        try:
            page.goto(base + path, wait_until="load", timeout=120_000)
            settle(page)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_4G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            figure = page.locator(FIGURE).first
            figure.scroll_into_view_if_needed()
            ready = f"document.querySelector('{FIGURE} .figure-plot').dataset.ready === 'true'"
            start = time.perf_counter()
            figure.locator(".figure-static").tap()
            wait_for(page, ready, timeout=300)
            seconds.append(time.perf_counter() - start)
        finally:
            context.close()
    return seconds


def with_browser(work, browser=None):
    """work(browser) with the given Playwright browser, or a Chromium launched for it."""
    if browser is not None:
        return work(browser)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROME_FLAGS)
        try:
            return work(browser)
        finally:
            browser.close()


def run(server_url: str, path: str = POST_URL, browser=None) -> list[ReadingRow]:
    """The reading rows, desktop then phone, for the post at `path` on `server_url`."""
    return with_browser(
        lambda b: [measure(b, server_url, name, w, h, path) for name, (w, h) in VIEWPORTS.items()], browser
    )


def touch_timing(server_url: str, path: str = POST_URL, runs: int = 3, browser=None) -> list[float]:
    """Seconds from a tap to an interactive figure under mobile throttling, one per run."""
    return with_browser(lambda b: touch_to_interactive(b, server_url, path, runs), browser)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=Path("output"), help="a built site (make html)")
    parser.add_argument("--touch-timing", action="store_true", help="also time touch → interactive, throttled")
    args = parser.parse_args(argv)
    with serving(args.output) as base:
        for row in run(base):
            print(json.dumps(asdict(row), ensure_ascii=False))
        if args.touch_timing:
            times = sorted(touch_timing(base))
            print(f"touch → interactive (4x CPU, slow 4G): median {times[len(times) // 2]:.2f} s of {times}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
