"""Lighthouse 12.2.3 (npm, pinned), mobile preset, on our post and on the baseline: paint
timings and the four category scores, the median of several runs."""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import dataclass
from pathlib import Path

from tools.bench.context import POST_URL, Bench, Section, run, step
from tools.bench.table import compare, row, seconds
from tools.browser import HEADLESS_ARGS, chromium_executable
from tools.scratch_site import ROOT

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
NAMES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
ITEM_KEYS = ["url", "scriptUrl", "line", "message", "description"]


@dataclass
class Lighthouse:
    scores: dict[str, float | None]  # median over the runs, 0–100; None if no run could score it
    median: dict  # the whole report of the run with the median performance score


def lighthouse(url: str, runs: int, save_to: Path) -> Lighthouse:
    env = {**os.environ, "CHROME_PATH": chromium_executable()}
    flags = "--chrome-flags=" + " ".join(HEADLESS_ARGS)
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


def describe(item: dict) -> str:
    """A short text for one item of an audit's details table (shapes differ between audits)."""
    node = item.get("node") if isinstance(item.get("node"), dict) else {}
    location = item.get("sourceLocation") if isinstance(item.get("sourceLocation"), dict) else {}
    parts = [node.get("snippet"), location.get("url"), *(item.get(k) for k in ITEM_KEYS), node.get("explanation")]
    if item.get("wastedBytes"):
        parts.append(f"{item['wastedBytes']:,.0f} B wasted")
    texts = [str(p).replace("\n", " ")[:200] for p in parts if p and isinstance(p, str | int | float)]
    return " · ".join(dict.fromkeys(texts))


def measure(bench: Bench) -> None:
    reports = {}
    for name, url in [("ours", bench.ours_url() + POST_URL), ("baseline", bench.baseline_url() + "/")]:
        step(f"Lighthouse: {name} ×{bench.lighthouse_runs}")
        folder = bench.work / "lighthouse" / name
        folder.mkdir(parents=True)
        reports[name] = lighthouse(url, bench.lighthouse_runs, folder)
    bench.data["lighthouse"] = reports
    ours = reports["ours"]
    bench.values["lighthouse.cls"] = metric(ours.median, "cumulative-layout-shift")
    bench.values.update({f"lighthouse.{c}": ours.scores[c] for c in CATEGORIES})


def rows(bench: Bench) -> list[str]:
    ours, base = bench.data["lighthouse"]["ours"], bench.data["lighthouse"]["baseline"]
    o, b = ours.median, base.median
    rows = [
        row(f"**Lighthouse 12.2.3** (mobile preset, median of {bench.lighthouse_runs})", ""),
        compare("First contentful paint", *timings(o, b, "first-contentful-paint"), lambda ms: seconds(ms / 1000)),
        compare("Largest contentful paint", *timings(o, b, "largest-contentful-paint"), lambda ms: seconds(ms / 1000)),
        compare("Total blocking time", *timings(o, b, "total-blocking-time"), lambda ms: f"{ms:,.0f} ms"),
        compare("Cumulative layout shift", *timings(o, b, "cumulative-layout-shift"), lambda v: f"{v:.3f}"),
    ]
    for category in CATEGORIES:
        name = f"{NAMES[category]} score"
        rows.append(compare(name, ours.scores[category], base.scores[category], lambda v: f"{v:.0f}"))
    return rows


def timings(ours: dict, base: dict, audit: str) -> tuple[float, float]:
    return metric(ours, audit), metric(base, audit)


def notes(bench: Bench) -> list[str]:
    """Audits scoring below 1 (ours in every category, the baseline's beyond performance) and
    audits that could not run: what lies behind a failed Lighthouse budget."""
    reports = bench.data["lighthouse"]
    lines = []
    for name, categories in [("ours", CATEGORIES), ("baseline", CATEGORIES[1:])]:
        for category in categories:
            failing = failing_audits(reports[name].median, category)
            if failing:
                lines += ["", f"Lighthouse {NAMES[category]} audits scoring below 1 ({name}, median run):"]
                lines += [f"- {line}" for line in failing]
    for name in ("ours", "baseline"):
        errors = errored_audits(reports[name].median)
        if errors:
            lines += ["", f"Lighthouse audits that could not run ({name}, median run):"]
            lines += [f"- {line}" for line in errors]
    return lines


SECTION = Section("lighthouse", measure, rows, notes)
