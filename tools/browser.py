"""Headless Chromium as the tests and the bench drive it: which binary, which flags, how to
scroll like a reader and how to measure layout shift. One place, so both measure the same way.
"""

from __future__ import annotations

from pathlib import Path

from plugins.chromium import chromium_path  # the project's one lookup

# Flags for Playwright's launch (it adds --headless itself). They work as root and
# keep Chromium from calling home: this machine has no network.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# The same for a Chromium that is started directly (Lighthouse's --chrome-flags).
HEADLESS_ARGS = ["--headless", *CHROMIUM_ARGS]

# Cumulative layout shift so far, as Lighthouse counts it (shifts without recent input).
# A JavaScript expression for page.evaluate; the tests and `make bench` report the same number.
CLS_SO_FAR = """new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


def chromium_executable() -> str:
    """A Chromium binary to start by path (Lighthouse, `--version`): chromium_path(), else the one
    `playwright install chromium` downloaded (tools/setup.sh does that when not root)."""
    path = chromium_path()
    if not path:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            found = p.chromium.executable_path
        path = found if Path(found).exists() else None
    if not path:
        raise RuntimeError("no Chromium found: install Debian's chromium or set CHROMIUM_PATH")
    return path


def launch(playwright):
    """A headless Chromium browser from a running `sync_playwright()`."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def scroll_through(page, step: int = 400, pause_ms: int = 120, past_end: int = 800) -> None:
    """Scroll like a reader, `step` px at a time, so that lazy figures and diagrams load."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + past_end, step):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(pause_ms)
