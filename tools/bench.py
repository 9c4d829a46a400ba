"""Measure what a reader and the author pay for the post, against a naive baseline (issue 4).

    python -m tools.bench [--quick] [--keep]

Builds the site fresh into a temporary folder and the naive page of
`tools.baseline` into another, serves both locally, and measures them with
Playwright (phone viewport, no throttling: bytes and requests) and Lighthouse
12.2.3 (mobile preset, median of 3 runs: paint timings and scores), both
driving Debian's Chromium. Then the author's costs: builds, figures, tests.
Prints the date, the machine and one Markdown table with the budgets as
PASS/FAIL, then the requests and Lighthouse audits behind any failure.

It reports and does not gate: the exit code is 0 even when a budget fails,
and non-zero only when something could not be measured. The local server does
not compress, so gzip sizes are computed here from the response bodies
(`gzip -9` of text types; fonts and images count as sent).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POST = "content/posts/2026-11-26-swiglu-intuition.md"
POST_URL = "/2026/11/26/swiglu-intuition/"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# Lighthouse's mobile preset emulates this phone (Moto G Power); Playwright uses the same.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
BUDGET_BYTES = 120 * 1024
TEXT_TYPES = ("text/", "javascript", "json", "svg", "xml")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
NAMES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}

CLS_SO_FAR = """new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""
INLINE_SCRIPT_BYTES = """[...document.scripts].filter(s => !s.src)
  .reduce((n, s) => n + new TextEncoder().encode(s.textContent).length, 0)"""
ALL_DRAWN = """() => [...document.querySelectorAll('.figure-plot')].every(p => p.dataset.ready)
  && [...document.querySelectorAll('.mermaid')].every(d => d.dataset.processed)"""


# ---------------------------------------------------------------- helpers


def chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:  # not root: `tools/setup.sh chromium` installed Playwright's own Chromium
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path if Path(p.chromium.executable_path).exists() else None
    if not path:
        raise RuntimeError("no Chromium found: install Debian's chromium or set CHROMIUM_PATH")
    return path


def run(cmd: list[str], timeout: float = 900, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    """Run `cmd` from the project root; return (wall seconds, result)."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kwargs)
    return time.perf_counter() - start, result


def build(settings: Path, output: Path) -> float:
    """`python -m tools.build`, as `make html` runs it; seconds, or RuntimeError on failure."""
    seconds, result = run([sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(output)])
    if result.returncode != 0:
        raise RuntimeError(f"build into {output} failed:\n{result.stdout}{result.stderr}")
    return seconds


def settings_for(folder: Path, content: Path) -> Path:
    """Settings that take the project's and read the posts from `content` (as the tests do)."""
    path = folder / "settings.py"
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\nPATH = {str(content)!r}\n"
    )
    return path


@contextmanager
def serving(folder: Path, plain: bool = False) -> Iterator[str]:
    """A local server over `folder` on a free port, yielding its base URL: the project's own
    (with the site's Content-Security-Policy), or for the baseline a plain one without any."""
    from tools import baseline, serve

    httpd = baseline.make_server(folder) if plain else serve.make_server(folder, "127.0.0.1", 0, generation=None)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# ---------------------------------------------------------------- the author's costs


@dataclass
class AuthorCosts:
    cold: float = 0.0
    no_change: float = 0.0
    one_edit: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)
    figures_total: float = 0.0
    tests: float | None = None
    tests_summary: str = "skipped (--quick)"
    tests_failed: list[str] = field(default_factory=list)


def time_builds(work: Path, ours: Path, costs: AuthorCosts) -> None:
    """Cold build into a fresh folder, then a no-change rebuild, then a rebuild after an edit."""
    costs.cold = build(ROOT / "pelicanconf.py", ours)
    costs.no_change = build(ROOT / "pelicanconf.py", ours)
    content = work / "edit" / "content"
    shutil.copytree(ROOT / "content", content)
    settings = settings_for(work / "edit", content)
    build(settings, work / "edit" / "output")
    post = content / Path(POST).relative_to("content")
    post.write_text(post.read_text() + "\nOne more sentence, added by the benchmark.\n")
    costs.one_edit = build(settings, work / "edit" / "output")


def time_figures(work: Path, costs: AuthorCosts) -> None:
    """Every figure generated into a temporary assets folder (never content/)."""
    from figures.generate import generate
    from figures.registry import FIGURE_IDS

    start = time.perf_counter()
    costs.figures = generate(list(FIGURE_IDS), assets=work / "assets", progress=lambda _: None)
    costs.figures_total = time.perf_counter() - start


def time_tests(costs: AuthorCosts) -> None:
    seconds, result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], timeout=3600)
    lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
    costs.tests = seconds
    costs.tests_failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    costs.tests_summary = (lines[-1].strip("= ") if lines else "no output") + (
        "" if result.returncode == 0 else f" (exit {result.returncode})"
    )


# ---------------------------------------------------------------- the reader's costs (Playwright)


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


def sizes(response) -> tuple[str, str, int, int]:
    """(url, resource type, raw, gzip) of one response; gzip only for text types, as servers do."""
    try:
        body = response.body()
    except Exception:  # Chromium evicts big bodies (the baseline's 14 MB page): ask the local server again
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


def scroll_through(page) -> None:
    """Scroll like a reader, 400 px at a time, so that lazy figures and diagrams load."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 800, 400):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(120)


@dataclass
class PageRun:
    before: Transfer
    after: Transfer
    scroll_cls: float


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
            page.wait_for_function(ALL_DRAWN, timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=180_000)
        page.wait_for_timeout(500)
        cls = page.evaluate(CLS_SO_FAR)
        measured = [sizes(r) for r in responses]
        return PageRun(Transfer(measured[:settled], base, inline), Transfer(measured, base, inline), cls)
    finally:
        context.close()


def katex_without_js(browser, url: str) -> tuple[int, int, int]:
    """(.katex count with JS, .katex count without JS, scrollWidth without JS) at 375 px."""
    counts = []
    width = 0
    for js in (True, False):
        context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=js)
        page = context.new_page()
        page.goto(url, wait_until="load", timeout=180_000)
        if js:
            page.wait_for_load_state("networkidle", timeout=180_000)
        counts.append(page.locator(".katex").count())
        width = page.evaluate("document.documentElement.scrollWidth")
        context.close()
    return counts[0], counts[1], width


# ---------------------------------------------------------------- Lighthouse


@dataclass
class Lighthouse:
    scores: dict[str, float | None]  # median over the runs, 0–100; None if no run could score it
    median: dict  # the whole report of the run with the median performance score


def lighthouse(url: str, runs: int, save_to: Path) -> Lighthouse:
    env = {**os.environ, "CHROME_PATH": chromium()}
    flags = "--chrome-flags=" + " ".join(CHROME_FLAGS)
    reports = []
    for n in range(runs):
        _, result = run(
            ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet", flags], env=env
        )
        if result.returncode != 0 or not result.stdout.strip():
            raise RuntimeError(f"lighthouse {url} failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
        report = json.loads(result.stdout)
        if report.get("runtimeError"):
            raise RuntimeError(f"lighthouse {url}: {report['runtimeError']}")
        (save_to / f"run{n + 1}.json").write_text(result.stdout)
        reports.append(report)
    # The median run: by performance score, ties broken by LCP.
    ranked = sorted(
        reports,
        key=lambda r: (r["categories"]["performance"]["score"] or 0, -metric(r, "largest-contentful-paint")),
    )
    return Lighthouse({c: median_score(reports, c) for c in CATEGORIES}, ranked[len(ranked) // 2])


def median_score(reports: list[dict], category: str) -> float | None:
    """Median of the runs' scores (0–100); Lighthouse gives no score when one of its audits errored."""
    scores = [
        100 * r["categories"][category]["score"] for r in reports if r["categories"][category]["score"] is not None
    ]
    return statistics.median_low(scores) if scores else None


def errored_audits(report: dict) -> list[str]:
    """Audits Lighthouse could not run (a weighted one leaves its category without a score)."""
    return [
        f"`{key}`: {audit.get('errorMessage', '')[:200]}"
        for key, audit in report["audits"].items()
        if audit.get("scoreDisplayMode") == "error"
    ]


def metric(report: dict, audit: str) -> float:
    return report["audits"][audit]["numericValue"]


def failing_audits(report: dict, category: str) -> list[str]:
    """One line per audit of `category` scoring below 1, with the first few items it flagged."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit.get("score") is None or audit["score"] >= 1 or audit.get("scoreDisplayMode") == "informative":
            continue
        shown = audit.get("displayValue") or audit.get("explanation") or f"score {audit['score']:.2f}"
        items = (audit.get("details") or {}).get("items") or []
        flagged = "; ".join(describe(i) for i in items[:4]) + (f"; … {len(items)} in all" if len(items) > 4 else "")
        lines.append(f"`{ref['id']}` (weight {ref.get('weight', 0)}): {audit['title']}: {shown}. {flagged}".strip())
    return lines


ITEM_KEYS = ["url", "scriptUrl", "line", "message", "description"]


def describe(item: dict) -> str:
    """A short text for one item of an audit's details table (shapes differ between audits)."""
    node = item.get("node") if isinstance(item.get("node"), dict) else {}
    location = item.get("sourceLocation") if isinstance(item.get("sourceLocation"), dict) else {}
    parts = [node.get("snippet"), location.get("url"), *(item.get(k) for k in ITEM_KEYS), node.get("explanation")]
    if item.get("wastedBytes"):
        parts.append(f"{item['wastedBytes']:,.0f} B wasted")
    texts = [str(p).replace("\n", " ")[:200] for p in parts if p and isinstance(p, str | int | float)]
    return " · ".join(dict.fromkeys(texts))


# ---------------------------------------------------------------- the table


def kb(n: float) -> str:
    return f"{n / 1048576:,.2f} MB" if n >= 1048576 else f"{n / 1024:,.1f} KB"


def ratio(ours: float | None, base: float | None) -> str:
    return f"{ours / base:.2g}" if base and ours is not None else "—"


def row(name: str, ours: str, base: str = "", last: str = "") -> str:
    return f"| {name} | {ours} | {base} | {last} |"


def compare(name: str, ours: float | None, base: float | None, fmt) -> str:
    shown = [fmt(v) if v is not None else "no score (audit error)" for v in (ours, base)]
    return row(name, shown[0], shown[1], ratio(ours, base))


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


@dataclass
class Results:
    ours: PageRun
    base: PageRun
    katex_ours: tuple[int, int, int]
    katex_base: tuple[int, int, int]
    lh_ours: Lighthouse
    lh_base: Lighthouse
    costs: AuthorCosts
    runs: int


def reader_rows(r: Results) -> list[str]:
    o, b = r.ours, r.base
    count = str
    return [
        row(f"**Reader** (Playwright, phone {PHONE['viewport']['width']}×{PHONE['viewport']['height']})", "", "", ""),
        compare("Bytes before any figure is in view", o.before.raw, b.before.raw, kb),
        compare("… gzip", o.before.gzip, b.before.gzip, kb),
        compare("Bytes after every figure has loaded", o.after.raw, b.after.raw, kb),
        compare("… gzip", o.after.gzip, b.after.gzip, kb),
        compare("JavaScript bytes (files + inline, all loaded)", o.after.js, b.after.js, kb),
        compare("Requests (all loaded)", len(o.after.items), len(b.after.items), count),
        compare("Requests to other hosts", o.after.other_hosts, b.after.other_hosts, count),
        row(
            "KaTeX formulas drawn with / without JavaScript",
            f"{r.katex_ours[0]} / {r.katex_ours[1]}",
            f"{r.katex_base[0]} / {r.katex_base[1]}",
            "",
        ),
        compare("CLS while scrolling through every figure", o.scroll_cls, b.scroll_cls, lambda v: f"{v:.3f}"),
    ]


def lighthouse_rows(r: Results) -> list[str]:
    o, b = r.lh_ours.median, r.lh_base.median
    seconds = lambda ms: f"{ms / 1000:.2f} s"  # noqa: E731
    rows = [
        row(f"**Lighthouse 12.2.3** (mobile preset, median of {r.runs})", "", "", ""),
        compare(
            "First contentful paint", metric(o, "first-contentful-paint"), metric(b, "first-contentful-paint"), seconds
        ),
        compare(
            "Largest contentful paint",
            metric(o, "largest-contentful-paint"),
            metric(b, "largest-contentful-paint"),
            seconds,
        ),
        compare(
            "Total blocking time",
            metric(o, "total-blocking-time"),
            metric(b, "total-blocking-time"),
            lambda ms: f"{ms:,.0f} ms",
        ),
        compare(
            "Cumulative layout shift",
            metric(o, "cumulative-layout-shift"),
            metric(b, "cumulative-layout-shift"),
            lambda v: f"{v:.3f}",
        ),
    ]
    for category in CATEGORIES:
        name = f"{NAMES[category]} score"
        rows.append(compare(name, r.lh_ours.scores[category], r.lh_base.scores[category], lambda v: f"{v:.0f}"))
    return rows


def author_rows(c: AuthorCosts) -> list[str]:
    s = lambda v: f"{v:.2f} s"  # noqa: E731
    rows = [
        row("**Author** (ours only)", "", "", ""),
        row("Cold build (fresh output folder, figures current)", s(c.cold), "—", ""),
        row("No-change rebuild", s(c.no_change), "—", ""),
        row("Rebuild after editing one post", s(c.one_edit), "—", ""),
    ]
    rows += [row(f"`figures` {fid} (in its process)", s(t), "—", "") for fid, t in c.figures.items()]
    jobs = min(os.cpu_count() or 1, len(c.figures))
    rows.append(row(f"`figures`, all {len(c.figures)} (wall, {jobs} processes)", s(c.figures_total), "—", ""))
    tests = s(c.tests) + f" ({c.tests_summary})" if c.tests is not None else c.tests_summary
    rows.append(row("Test suite (`python -m pytest -q`)", tests, "—", ""))
    return rows


def budget_checks(r: Results) -> list[tuple[str, str, bool]]:
    """(budget, measured value, passed) for each budget of issue 4."""
    o, lh = r.ours, r.lh_ours
    with_js, without_js, width = r.katex_ours
    lh_cls = metric(lh.median, "cumulative-layout-shift")
    checks = [
        (
            "≤ 120 KB (122,880 B) before a figure is in view",
            f"{o.before.raw:,} B (gzip {o.before.gzip:,} B)",
            o.before.raw <= BUDGET_BYTES,
        ),
        (
            "No JavaScript needed for text, maths, layout",
            f"{without_js}/{with_js} formulas without JS; width {width} px at 375",
            with_js > 0 and without_js == with_js and width <= 375,
        ),
    ]
    for category, floor in [("performance", 98), ("accessibility", 100), ("best-practices", 100), ("seo", 100)]:
        score = lh.scores[category]
        shown = f"{score:.0f}" if score is not None else "no score (audit error)"
        checks.append((f"Lighthouse {NAMES[category]} ≥ {floor}", shown, score is not None and score >= floor))
    checks += [
        (
            "CLS 0.00 (Lighthouse load; scrolling all figures)",
            f"{lh_cls:.3f}; {o.scroll_cls:.3f}",
            round(lh_cls, 2) == 0 and round(o.scroll_cls, 2) == 0,
        ),
        ("No-change rebuild ≤ 1.5 s", f"{r.costs.no_change:.2f} s", r.costs.no_change <= 1.5),
        ("`figures` in total < 60 s", f"{r.costs.figures_total:.1f} s", r.costs.figures_total < 60),
    ]
    return checks


def table(r: Results) -> str:
    head = ["| Measure | Ours | Baseline | Ours ÷ baseline, or verdict |", "|---|--:|--:|--:|"]
    budgets = [row("**Budgets**", "", "", "")]
    budgets += [row(name, value, "", verdict(ok)) for name, value, ok in budget_checks(r)]
    return "\n".join(head + reader_rows(r) + lighthouse_rows(r) + author_rows(r.costs) + budgets)


def notes(r: Results) -> str:
    """What lies behind the budgets: the bytes before a figure, and Lighthouse's failing audits."""
    lines = ["", "Requests before any figure is in view (ours, raw / gzip):"]
    for url, kind, raw, packed in sorted(r.ours.before.items, key=lambda i: -i[2]):
        lines.append(f"- {url.removeprefix(r.ours.before.base)} ({kind}): {raw:,} B / {packed:,} B")
    for category in CATEGORIES:
        failing = failing_audits(r.lh_ours.median, category)
        if failing:
            lines += ["", f"Lighthouse {NAMES[category]} audits scoring below 1 (ours, median run):"]
            lines += [f"- {line}" for line in failing]
    for category in CATEGORIES[1:]:
        failing = failing_audits(r.lh_base.median, category)
        if failing:
            lines += ["", f"Lighthouse {NAMES[category]} audits scoring below 1 (baseline, median run):"]
            lines += [f"- {line}" for line in failing]
    if r.costs.tests_failed:
        lines += ["", "Tests that failed while the bench ran:"] + [f"- {line}" for line in r.costs.tests_failed]
    for name, lh in [("ours", r.lh_ours), ("baseline", r.lh_base)]:
        errors = errored_audits(lh.median)
        if errors:
            lines += ["", f"Lighthouse audits that could not run ({name}, median run):"]
            lines += [f"- {line}" for line in errors]
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    nproc = len(os.sched_getaffinity(0))
    chrome = subprocess.run([chromium(), "--version"], capture_output=True, text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    text = (
        f"Date: {when}  \nMachine: {nproc} CPUs ({cpu}), {mem_kb / 1048576:.1f} GB RAM, {platform.platform()}  \n"
        f"Python {platform.python_version()}, Node {node}, {chrome}"
    )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        text += "  \nNote: PYTHONDONTWRITEBYTECODE is set, so every build compiles its modules from source (slower)."
    return text


def measure(work: Path, runs: int, quick: bool) -> Results:
    from playwright.sync_api import sync_playwright

    from tools.baseline import build_baseline

    costs = AuthorCosts()
    step("building ours (cold, no-change, one edit)")
    time_builds(work, work / "ours", costs)
    step("generating figures into a temporary folder")
    time_figures(work, costs)
    step("building the baseline")
    build_baseline(work / "baseline")
    with serving(work / "ours") as ours_url, serving(work / "baseline", plain=True) as base_url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=CHROME_FLAGS[1:])
            step("Playwright: ours")
            ours = measure_page(browser, ours_url, POST_URL, ours=True)
            step("Playwright: baseline")
            base = measure_page(browser, base_url, "/", ours=False)
            katex_ours = katex_without_js(browser, ours_url + POST_URL)
            katex_base = katex_without_js(browser, base_url + "/")
            browser.close()
        reports = {}
        for name, url in [("ours", ours_url + POST_URL), ("baseline", base_url + "/")]:
            step(f"Lighthouse: {name} ×{runs}")
            (work / "lighthouse" / name).mkdir(parents=True)
            reports[name] = lighthouse(url, runs, work / "lighthouse" / name)
    if not quick:
        step("test suite")
        time_tests(costs)
    return Results(ours, base, katex_ours, katex_base, reports["ours"], reports["baseline"], costs, runs)


def step(message: str) -> None:
    print(f"bench: {message}…", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 Lighthouse run instead of 3; skip the test suite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (sites, Lighthouse JSON)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    start = time.perf_counter()
    try:
        results = measure(work, runs=1 if args.quick else 3, quick=args.quick)
        report = [machine() + "\n", table(results), notes(results)]
        print("\n".join(report))
        print(
            f"\nThe bench took {time.perf_counter() - start:.0f} s." + (f" Files kept in {work}." if args.keep else "")
        )
        return 0
    except Exception:
        traceback.print_exc()
        print("bench: could not measure (see above)", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
