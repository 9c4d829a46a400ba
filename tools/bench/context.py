"""What every section of the bench shares: the run's folder and options, the sites it measures
(built and served on first use), the values measured so far, and the Section type itself."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.bench.baseline import build_baseline, serving_plainly
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
    # What a value's budget row should add, e.g. "at 100 posts, --quick" for a budget set at 1,000.
    caveats: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # section name -> the error that stopped it

    @property
    def lighthouse_runs(self) -> int:
        return 1 if self.quick else 3

    def serve(self, name: str, start: Callable[[Path], AbstractContextManager[str]]) -> str:
        """Base URL of the site `name`, started on first use and shared by every section after:
        `start(work/name)` builds into that folder and serves it, yielding its URL (for example
        an nginx over a publish build), and is closed when the run ends."""
        if name not in self.urls:
            self.urls[name] = self.stack.enter_context(start(self.work / name))
        return self.urls[name]

    def ours_url(self) -> str:
        """Our site, built with pelicanconf.py and served by tools.serve (with its CSP)."""
        return self.serve("ours", build_and_serve)

    def baseline_url(self) -> str:
        """The naive page (tools.bench.baseline), served plainly (no CSP: it has inline scripts)."""
        return self.serve("baseline", baseline_and_serve)


@contextmanager
def build_and_serve(folder: Path) -> Iterator[str]:
    step("building ours")
    build(ROOT / "pelicanconf.py", folder)
    with serving(folder) as url:
        yield url


@contextmanager
def baseline_and_serve(folder: Path) -> Iterator[str]:
    step("building the baseline")
    build_baseline(folder)
    with serving_plainly(folder) as url:
        yield url


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


def build(settings: Path, output: Path, env: dict | None = None) -> float:
    """`python -m tools.build`, as `make html` runs it; seconds, or RuntimeError on failure."""
    start = time.perf_counter()
    result = run_build(settings, output, timeout=900, env=env)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"build into {output} failed:\n{result.stdout}{result.stderr}")
    return seconds
