"""A blog of many maths-heavy posts (issue 11): our build beside plain Pelican and Jekyll at
N = 1, 100 and 1,000 posts (1 and 100 with --quick), peak memory, and cold KaTeX formulas a second.

The measuring is tools/bench_blog.py's (and its generator tools/blog_fixture.py's); this module
only runs it inside the bench, turns its results into the values the budgets read, and prints
its rows. It is imported when the section runs, so a tree without tools/bench_blog.py still
benches everything else: this section then says "not measured" and its budgets fail.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.bench.context import Bench, Section, step
from tools.bench.table import row

SIZES = (1, 100, 1000)
QUICK_SIZES = (1, 100)
BUDGET_SIZE = 1000  # the budgets hold at this many posts
MB = 1024 * 1024


@dataclass
class BlogRun:
    results: Any | None  # tools.bench_blog.Results; None when the section could not run
    sizes: tuple[int, ...]
    output: Path | None = None  # our built site at the largest size (hosting times Pagefind on it)
    missing: str = ""  # why it could not run
    refused: str = ""  # our build's error on a corpus post: `results` are then SwiGLU copies


def per_post(small, big) -> float | None:
    """Seconds each extra post adds to a no-change rebuild, between the smallest and largest size."""
    if big.n <= small.n or small.ours.no_change is None or big.ours.no_change is None:
        return None
    return (big.ours.no_change - small.ours.no_change) / (big.n - small.n)


def ratio(ours: float | None, plain: float | None) -> float | None:
    return ours / plain if ours is not None and plain else None


def refused(results) -> str:
    """Our build's error at a size whose blog holds corpus posts ("" if none): a post our reader
    does not read yet fails the whole build, and every blog budget with it."""
    return next(
        (f"{s.n:,} posts: {s.ours.error}" for s in results.sizes if s.ours.error and "corpus" in s.described), ""
    )


def values(results, quick: bool, swiglu_only: bool = False) -> tuple[dict[str, float | None], dict[str, str]]:
    """The budgets' values at the largest size, and a caveat for each when that is not 1,000
    posts of the SwiGLU post and the corpus."""
    big = max(results.sizes, key=lambda s: s.n)
    small = min(results.sizes, key=lambda s: s.n)
    o, p = big.ours, big.plain
    step_ = per_post(small, big)
    measured = {
        "blog.no_change_ratio": ratio(o.no_change, p.no_change),
        "blog.edit_one_ratio": ratio(o.edit_one, p.edit_one),
        "blog.cold": o.cold,
        "blog.peak_mb": o.peak / MB if o.peak else None,
        "blog.per_post_ms": step_ * 1000 if step_ is not None else None,
        "blog.save_to_reload": o.save_to_reload,
        "blog.formulas_per_second": results.formulas_per_second,
    }
    why = ([f"at {big.n:,} posts" + (", --quick" if quick else "")] if big.n != BUDGET_SIZE else []) + (
        ["SwiGLU copies only"] if swiglu_only else []
    )
    # The formula rate is always over every formula of the SwiGLU post and the corpus.
    caveats = {name: ", ".join(why) for name in measured if why and name != "blog.formulas_per_second"}
    return measured, caveats


def measure(bench: Bench) -> None:
    sizes = QUICK_SIZES if bench.quick else SIZES
    try:
        bench_blog = importlib.import_module("tools.bench_blog")
    except ModuleNotFoundError as error:
        if error.name not in ("tools.bench_blog", "tools.blog_fixture"):
            raise
        bench.data["blog"] = BlogRun(None, sizes, missing=f"`{error.name}` is not in this tree")
        return
    step(f"blog: {', '.join(f'{n:,}' for n in sizes)} posts, ours, plain Pelican, Jekyll (long)")
    work = bench.work / "blog"
    results = bench_blog.measure(list(sizes), False, work, True)
    error = refused(results)
    if error:
        step("blog: our build refused a corpus post; measuring again on copies of the SwiGLU post")
        work = bench.work / "blog-swiglu"
        results = bench_blog.measure(list(sizes), True, work, True)
    # bench_blog builds ours at size N into work/nN/ours-output.
    output = work / f"n{max(sizes)}" / "ours-output"
    bench.data["blog"] = BlogRun(results, sizes, output if output.is_dir() else None, refused=error)
    measured, caveats = values(results, bench.quick, swiglu_only=bool(error))
    bench.values.update(measured)
    bench.caveats.update(caveats)


def rows(bench: Bench) -> list[str]:
    run: BlogRun | None = bench.data.get("blog")
    if run is None or run.results is None:
        why = run.missing if run else "the section did not run"
        return [row("**Blog**", f"not measured ({why})", "—")]
    from tools import bench_blog

    # bench_blog's own rows, without its verdicts: the bench's budgets table has them.
    own = bench_blog.rows(run.results)
    if run.refused:
        said = run.refused.replace("|", "/").replace("\n", " ")[:300]
        own.insert(1, row(f"*With the corpus our build failed ({said}); below, copies of the SwiGLU post*", ""))
    if run.sizes != SIZES:
        shown = " and ".join(f"{n:,}" for n in run.sizes)
        own.insert(1, row(f"*--quick: {shown} posts only; the budgets hold at {BUDGET_SIZE:,}*", ""))
    return own


SECTION = Section("blog", measure, rows)
