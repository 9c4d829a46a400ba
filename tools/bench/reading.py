"""What reading the post costs, as issue 12 counts it (tools/bench_reading.py does the measuring):
raw bytes from the local server at desktop 1280×900 and phone 375×740, before scrolling, after
reading to the end without touching a figure, and after touching every figure; then the time
from the first touch on a figure to an interactive figure under Lighthouse's mobile throttling."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from tools.bench.context import Bench, Section, step
from tools.bench.table import kb, row
from tools.browser import launch


@dataclass
class ReadingResults:
    rows: list  # tools.bench_reading.ReadingRow, desktop then phone
    touch: list[float]  # seconds from a tap to an interactive figure, throttled, one per run


def key(viewport: str) -> str:
    """ "desktop 1280×900" -> "desktop": the part of a value's name that names the viewport."""
    return viewport.split()[0]


def measure(bench: Bench) -> None:
    from playwright.sync_api import sync_playwright

    from tools import bench_reading

    url = bench.ours_url()
    with sync_playwright() as p:
        browser = launch(p)
        try:
            step("reading costs (desktop and phone)")
            rows = bench_reading.run(url, browser=browser)
            step(f"touch to interactive, throttled ×{bench.lighthouse_runs}")
            touch = bench_reading.touch_timing(url, runs=bench.lighthouse_runs, browser=browser)
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
