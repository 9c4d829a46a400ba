"""Lighthouse 12.2.3 (npm, pinned) on our post, with its mobile preset (beside the baseline's,
for the ratios) and its desktop preset (ours only: the baseline's slow page would add minutes
and no budget): paint timings and the four category scores, the median of several runs."""

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
# Lighthouse's presets: mobile is its default (Moto G Power, slow 4G, 4x CPU slowdown); desktop
# is `--preset=desktop` (1350×940, no CPU slowdown, a fast wired network).
PRESETS = {"mobile": [], "desktop": ["--preset=desktop"]}


@dataclass
class Lighthouse:
    scores: dict[str, float | None]  # median over the runs, 0–100; None if no run could score it
    median: dict  # the whole report of the run with the median performance score


def lighthouse(url: str, runs: int, save_to: Path, preset: str = "mobile") -> Lighthouse:
    """`runs` Lighthouse runs of `url` with one of PRESETS; every report is saved in `save_to`."""
    env = {**os.environ, "CHROME_PATH": chromium_executable()}
    flags = "--chrome-flags=" + " ".join(HEADLESS_ARGS)
    save_to.mkdir(parents=True, exist_ok=True)
    reports = []
    for n in range(runs):
        cmd = ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet", flags]
        _, result = run(cmd + PRESETS[preset], env=env)
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
    ours_url = bench.ours_url() + POST_URL
    reports: dict[str, dict[str, Lighthouse]] = {}
    for preset, pages in [
        ("mobile", {"ours": ours_url, "baseline": bench.baseline_url() + "/"}),
        ("desktop", {"ours": ours_url}),
    ]:
        reports[preset] = {}
        for name, url in pages.items():
            step(f"Lighthouse {preset}: {name} ×{bench.lighthouse_runs}")
            reports[preset][name] = lighthouse(
                url, bench.lighthouse_runs, bench.work / "lighthouse" / preset / name, preset
            )
        ours = reports[preset]["ours"]
        bench.values[f"lighthouse.{preset}.cls"] = metric(ours.median, "cumulative-layout-shift")
        bench.values.update({f"lighthouse.{preset}.{c}": ours.scores[c] for c in CATEGORIES})
    bench.data["lighthouse"] = reports


def report_rows(title: str, ours: Lighthouse, base: Lighthouse | None) -> list[str]:
    """A heading row, the paint timings and the four scores; the baseline's beside ours if given."""
    o, b = ours.median, base.median if base else None

    def both(audit: str) -> tuple[float, float | None]:
        return metric(o, audit), metric(b, audit) if b else None

    ms = lambda v: seconds(v / 1000)  # noqa: E731
    rows = [
        row(title, ""),
        compare("First contentful paint", *both("first-contentful-paint"), ms, base is not None),
        compare("Largest contentful paint", *both("largest-contentful-paint"), ms, base is not None),
        compare("Total blocking time", *both("total-blocking-time"), lambda v: f"{v:,.0f} ms", base is not None),
        compare("Cumulative layout shift", *both("cumulative-layout-shift"), lambda v: f"{v:.3f}", base is not None),
    ]
    for category in CATEGORIES:
        theirs = base.scores[category] if base else None
        rows.append(
            compare(f"{NAMES[category]} score", ours.scores[category], theirs, lambda v: f"{v:.0f}", base is not None)
        )
    return rows


def rows(bench: Bench) -> list[str]:
    reports = bench.data["lighthouse"]
    runs = f"median of {bench.lighthouse_runs}"
    mobile, desktop = reports["mobile"], reports["desktop"]
    return report_rows(f"**Lighthouse 12.2.3, mobile** (local server, {runs})", mobile["ours"], mobile["baseline"]) + (
        report_rows(f"**Lighthouse 12.2.3, desktop** (local server, {runs}; ours only)", desktop["ours"], None)
    )


def report_notes(label: str, report: dict, categories: list[str] = CATEGORIES) -> list[str]:
    """Audits of `categories` scoring below 1, and audits that could not run, in one report:
    what lies behind a failed Lighthouse budget."""
    lines = []
    for category in categories:
        failing = failing_audits(report, category)
        if failing:
            lines += ["", f"Lighthouse {NAMES[category]} audits scoring below 1 ({label}, median run):"]
            lines += [f"- {line}" for line in failing]
    errors = errored_audits(report)
    if errors:
        lines += ["", f"Lighthouse audits that could not run ({label}, median run):"]
        lines += [f"- {line}" for line in errors]
    return lines


def notes(bench: Bench) -> list[str]:
    """Ours in every category and preset; the baseline's beyond performance (it is meant to be slow)."""
    lines = []
    for preset, reports in bench.data["lighthouse"].items():
        for name, result in reports.items():
            categories = CATEGORIES if name == "ours" else CATEGORIES[1:]
            lines += report_notes(f"{name}, {preset}", result.median, categories)
    return lines


SECTION = Section("lighthouse", measure, rows, notes)
