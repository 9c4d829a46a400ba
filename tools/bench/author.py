"""The author's costs: builds (cold, no change, one edit), generating every figure, and the
test suite (a section of its own: measured last, so that it disturbs no other measurement)."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.bench.context import POST, Bench, Section, build, run, step
from tools.bench.table import row, seconds
from tools.scratch_site import ROOT, copy_content, write_settings


@dataclass
class AuthorCosts:
    cold: float = 0.0
    no_change: float = 0.0
    one_edit: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)
    figures_total: float = 0.0


@dataclass
class SuiteRun:
    seconds: float
    summary: str  # pytest's last line, and the exit code if not 0
    failed: list[str]  # pytest's FAILED/ERROR lines


def time_builds(work: Path, costs: AuthorCosts) -> None:
    """Cold build into a fresh folder, then a no-change rebuild, then a rebuild after an edit."""
    output = work / "author" / "output"
    costs.cold = build(ROOT / "pelicanconf.py", output)
    costs.no_change = build(ROOT / "pelicanconf.py", output)
    content = copy_content(work / "edit" / "content")
    settings = write_settings(work / "edit", content)
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


def measure(bench: Bench) -> None:
    costs = AuthorCosts()
    step("building ours (cold, no-change, one edit)")
    time_builds(bench.work, costs)
    step("generating figures into a temporary folder")
    time_figures(bench.work, costs)
    bench.data["author"] = costs
    bench.values["author.no_change"] = costs.no_change
    bench.values["author.figures_total"] = costs.figures_total


def rows(bench: Bench) -> list[str]:
    c: AuthorCosts = bench.data["author"]
    rows = [
        row("**Author** (ours only)", ""),
        row("Cold build (fresh output folder, figures current)", seconds(c.cold), "—"),
        row("No-change rebuild", seconds(c.no_change), "—"),
        row("Rebuild after editing one post", seconds(c.one_edit), "—"),
    ]
    rows += [row(f"`figures` {fid} (in its process)", seconds(t), "—") for fid, t in c.figures.items()]
    jobs = min(os.cpu_count() or 1, len(c.figures))
    rows.append(row(f"`figures`, all {len(c.figures)} (wall, {jobs} processes)", seconds(c.figures_total), "—"))
    return rows


def measure_suite(bench: Bench) -> None:
    step("test suite")
    wall, result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], timeout=3600)
    lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
    summary = (lines[-1].strip("= ") if lines else "no output") + (
        "" if result.returncode == 0 else f" (exit {result.returncode})"
    )
    bench.data["suite"] = SuiteRun(wall, summary, [line for line in lines if line.startswith(("FAILED", "ERROR"))])


def suite_rows(bench: Bench) -> list[str]:
    suite: SuiteRun | None = bench.data.get("suite")
    shown = f"{seconds(suite.seconds)} ({suite.summary})" if suite else "skipped (--quick)"
    return [row("Test suite (`python -m pytest -q`)", shown, "—")]


def suite_notes(bench: Bench) -> list[str]:
    suite: SuiteRun | None = bench.data.get("suite")
    if not suite or not suite.failed:
        return []
    return ["", "Tests that failed while the bench ran:"] + [f"- {line}" for line in suite.failed]


SECTION = Section("author", measure, rows)
SUITE = Section("suite", measure_suite, suite_rows, suite_notes, skipped_by_quick=True)
