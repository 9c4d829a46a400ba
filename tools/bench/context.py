"""What every section of the bench shares: the run's folder and options, the sites it measures
(built and served on first use), the values measured so far, and the Section type itself."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.scratch_site import ROOT, run_build, serving

POST = "content/posts/2026-11-26-swiglu-intuition.md"
POST_URL = "/2026/11/26/swiglu-intuition/"


@dataclass
class Bench:
    """One run of the bench. Sections put numbers the budgets read into `values` (None: could
    not be measured) and anything else their rows and notes need into `data[section name]`."""

    work: Path  # a temporary folder for this run
    quick: bool  # one Lighthouse run, no test suite
    stack: ExitStack  # closes the servers at the end
    values: dict[str, float | None] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def lighthouse_runs(self) -> int:
        return 1 if self.quick else 3

    def ours_url(self) -> str:
        """Base URL of our site, built into work/ours and served by tools.serve (with its CSP)."""
        if "ours" not in self.urls:
            step("building ours")
            build(ROOT / "pelicanconf.py", self.work / "ours")
            self.urls["ours"] = self.stack.enter_context(serving(self.work / "ours"))
        return self.urls["ours"]

    def baseline_url(self) -> str:
        """Base URL of the naive page (tools.baseline), served plainly (no CSP: it has inline scripts)."""
        if "baseline" not in self.urls:
            from tools.baseline import build_baseline

            step("building the baseline")
            build_baseline(self.work / "baseline")
            self.urls["baseline"] = self.stack.enter_context(serving(self.work / "baseline", plain=True))
        return self.urls["baseline"]


@dataclass(frozen=True)
class Section:
    """A part of the bench: measures, then gives its rows of the table and its notes under it."""

    name: str
    measure: Callable[[Bench], None]
    rows: Callable[[Bench], list[str]]
    notes: Callable[[Bench], list[str]] = lambda bench: []
    skipped_by_quick: bool = False


def step(message: str) -> None:
    print(f"bench: {message}…", file=sys.stderr, flush=True)


def run(cmd: list[str], timeout: float = 900, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    """Run `cmd` from the project root; return (wall seconds, result)."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kwargs)
    return time.perf_counter() - start, result


def build(settings: Path, output: Path) -> float:
    """`python -m tools.build`, as `make html` runs it; seconds, or RuntimeError on failure."""
    start = time.perf_counter()
    result = run_build(settings, output, timeout=900)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"build into {output} failed:\n{result.stdout}{result.stderr}")
    return seconds
