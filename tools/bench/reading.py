"""What reading the post costs, in raw bytes from the local server (as decompressed), at
desktop 1280×900 and phone 375×740: before scrolling; after reading to the end without touching
a figure (and whether any Mermaid or plotly.js request happened); after touching every figure,
each then interactive. Then the time from the first touch on a figure to an interactive figure
under Lighthouse's mobile throttling (4x CPU slowdown, and the slow-4G network DevTools applies:
562.5 ms latency, 1,474.56 kbit/s down).

    python -m tools.bench.reading [--output output] [--touch-timing]

prints the rows of a built site as JSON lines, outside the bench.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tools.bench.context import POST_URL, Bench, Section, step
from tools.bench.reader import poll, sizes
from tools.bench.table import kb, row
from tools.browser import launch, scroll_through
from tools.scratch_site import serving

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


@dataclass
class ReadingResults:
    rows: list[ReadingRow]  # desktop then phone
    touch: list[float]  # seconds from a tap to an interactive figure, throttled, one per run


def settle(page) -> None:
    page.wait_for_load_state("networkidle", timeout=120_000)
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle", timeout=120_000)


def measure_viewport(browser, base: str, name: str, width: int, height: int, path: str = POST_URL) -> ReadingRow:
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
        poll(page, ALL_READY, timeout=120)
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
            poll(page, ready, timeout=300)
            seconds.append(time.perf_counter() - start)
        finally:
            context.close()
    return seconds


def run(server_url: str, browser, path: str = POST_URL) -> list[ReadingRow]:
    """The reading rows, desktop then phone, for the post at `path` on `server_url`."""
    return [measure_viewport(browser, server_url, name, w, h, path) for name, (w, h) in VIEWPORTS.items()]


def key(viewport: str) -> str:
    """ "desktop 1280×900" -> "desktop": the part of a value's name that names the viewport."""
    return viewport.split()[0]


def measure(bench: Bench) -> None:
    from playwright.sync_api import sync_playwright

    url = bench.ours_url()
    with sync_playwright() as p:
        browser = launch(p)
        try:
            step("reading costs (desktop and phone)")
            rows = run(url, browser)
            step(f"touch to interactive, throttled ×{bench.lighthouse_runs}")
            touch = touch_to_interactive(browser, url, runs=bench.lighthouse_runs)
        finally:
            browser.close()
    record(bench, ReadingResults(rows, touch))


def record(bench: Bench, results: ReadingResults) -> None:
    """Keep the results, and the values the budgets read (per viewport, "reading.phone.…")."""
    bench.data["reading"] = results
    for r in results.rows:
        v = key(r.viewport)
        bench.values.update(
            {
                f"reading.{v}.before_scrolling": r.before_scrolling,
                f"reading.{v}.after_reading": r.after_reading,
                f"reading.{v}.heavy_js_while_reading": int(r.mermaid_or_plotly_while_reading),
                f"reading.{v}.after_touching": r.after_touching_figures,
                # No figure on the page would make "each figure interactive" hold vacuously.
                f"reading.{v}.figures_not_interactive": r.figures - r.figures_interactive if r.figures else None,
            }
        )
    bench.values["reading.touch_seconds"] = statistics.median(results.touch) if results.touch else None


def rows(bench: Bench) -> list[str]:
    r: ReadingResults = bench.data["reading"]
    out = [row("**Reading** (raw bytes, as decompressed; local server)", "")]
    for reading in r.rows:
        v = reading.viewport
        out += [
            row(f"{v}: before scrolling", kb(reading.before_scrolling), "—"),
            row(f"{v}: after reading to the end, no figure touched", kb(reading.after_reading), "—"),
            row(
                f"{v}: Mermaid or plotly.js requested while reading",
                "yes" if reading.mermaid_or_plotly_while_reading else "no",
                "—",
            ),
            row(
                f"{v}: after touching every figure ({reading.figures_interactive} of {reading.figures} interactive)",
                kb(reading.after_touching_figures),
                "—",
            ),
        ]
    if r.touch:
        runs = ", ".join(f"{t:.2f}" for t in r.touch)
        shown = f"{statistics.median(r.touch):.2f} s" + (f" (median of {runs})" if len(r.touch) > 1 else "")
        out.append(row("First touch to interactive figure (phone, 4× CPU, slow 4G)", shown, "—"))
    return out


SECTION = Section("reading", measure, rows)


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(prog="python -m tools.bench.reading", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=Path("output"), help="a built site (make html)")
    parser.add_argument("--touch-timing", action="store_true", help="also time touch → interactive, throttled")
    args = parser.parse_args(argv)
    with serving(args.output) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            for reading in run(base, browser):
                print(json.dumps(asdict(reading), ensure_ascii=False))
            if args.touch_timing:
                times = touch_to_interactive(browser, base)
                print(f"touch → interactive (4x CPU, slow 4G): median {statistics.median(times):.2f} s of {times}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
