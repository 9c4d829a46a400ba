"""The site as a real host serves it: Lighthouse, mobile and desktop, against a `make publish`
build served by nginx with deploy/'s server block (compression, caching, CSP; see
tools/bench/nginx.py), and the time Pagefind takes to index a 1,000-post blog.

The blog is the one the "blog" section built, when it ran (its largest size); otherwise this
section generates one with tools/blog_fixture.py and builds it (1,000 posts, or 100 with --quick).
Its posts' search index in pieces is compared with one single index (tools/bench/search_pieces.py).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.bench.context import POST_URL, Bench, Section, build, step
from tools.bench.lighthouse import PRESETS, Lighthouse, lighthouse, metric, report_notes, report_rows
from tools.bench.nginx import nginx_publish_build
from tools.bench.search_pieces import QUERIES, Comparison, compare
from tools.bench.table import kb, row, seconds
from tools.blog_fixture import make_blog
from tools.scratch_site import write_settings

POSTS = 1000
QUICK_POSTS = 100


@dataclass
class PagefindRun:
    seconds: float | None
    pages: int  # pages Pagefind indexed
    posts: int  # posts in the blog
    missing: str = ""  # why it could not be measured


@dataclass
class HostingResults:
    lighthouse: dict[str, Lighthouse]  # by preset
    pagefind: PagefindRun
    pieces: Comparison | None = None  # the index in pieces against one index (None: not measured)


def blog_output(bench: Bench, posts: int) -> tuple[Path | None, int, str]:
    """(a built blog, its number of posts, why there is none): the blog section's, else a fresh one."""
    run = bench.data.get("blog")
    if run is not None and run.output is not None:
        return run.output, max(run.sizes), ""
    step(f"hosting: generating and building a {posts:,}-post blog for Pagefind (SwiGLU copies)")
    folder = bench.work / "pagefind-blog"
    folder.mkdir(parents=True, exist_ok=True)
    # Copies of the SwiGLU post only: one corpus post our reader refuses would fail the whole
    # build. Indexing costs about the same per page.
    blog = make_blog(folder / "content", posts, swiglu_only=True)
    try:
        # A cache of its own: the project's build/cache stays this site's.
        build(write_settings(folder, blog.content), folder / "output", {"SITE_BUILD_CACHE": str(folder / "cache")})
    except RuntimeError as error:
        first = next((line for line in str(error).splitlines() if line.startswith("error")), "see --keep")
        return None, posts, f"the {posts:,}-post build failed: {first[:200]}"
    return folder / "output", posts, ""


def time_pagefind(output: Path) -> tuple[float, int]:
    """Seconds Pagefind takes to index the posts of a built site, and how many it indexed.
    Same selectors and settings as plugins/features/search.py; the index goes to a scratch folder."""
    from plugins.features.search import DEFAULTS, build_index

    pages = []
    for path in sorted(output.rglob("*.html")):
        if path.name != "404.html" and '<article class="post"' in path.read_text(encoding="utf-8"):
            pages.append((path.relative_to(output).as_posix(), path))
    project_cache = os.environ.get("SITE_BUILD_CACHE")
    with tempfile.TemporaryDirectory() as scratch:
        # An empty cache of its own: the build's cache may hold this very index (a cache hit
        # would time nothing), and the bench must not fill the project's cache either.
        os.environ["SITE_BUILD_CACHE"] = str(Path(scratch) / "cache")
        try:
            start = time.perf_counter()
            build_index(Path(scratch) / "pagefind", pages, DEFAULTS)
            return time.perf_counter() - start, len(pages)
        finally:
            if project_cache is None:
                os.environ.pop("SITE_BUILD_CACHE")
            else:
                os.environ["SITE_BUILD_CACHE"] = project_cache


def measure(bench: Bench) -> None:
    step("hosting: publish build served by nginx")
    url = bench.serve("nginx", nginx_publish_build) + POST_URL
    reports = {}
    for preset in PRESETS:
        step(f"Lighthouse {preset} through nginx ×{bench.lighthouse_runs}")
        reports[preset] = lighthouse(url, bench.lighthouse_runs, bench.work / "lighthouse" / f"nginx-{preset}", preset)
        bench.values.update({f"hosting.{preset}.{c}": s for c, s in reports[preset].scores.items()})
    output, posts, missing = blog_output(bench, QUICK_POSTS if bench.quick else POSTS)
    if output is None:
        pagefind = PagefindRun(None, 0, posts, missing)
    else:
        step(f"Pagefind over {posts:,} posts")
        took, pages = time_pagefind(output)
        pagefind = PagefindRun(took, pages, posts)
    pieces = None
    if output is not None:
        step(f"search in pieces against one index, {posts:,} posts (Chromium)")
        pieces = compare_pieces(output, bench.work)
        bench.values["hosting.search_bytes_ratio"] = pieces.bytes_ratio
        bench.values["hosting.search_differing"] = len(pieces.differing)
    bench.values["hosting.pagefind_seconds"] = pagefind.seconds
    bench.data["hosting"] = HostingResults(reports, pagefind, pieces)


def compare_pieces(output: Path, work: Path) -> Comparison:
    return compare(output, work=work)


def rows(bench: Bench) -> list[str]:
    h: HostingResults = bench.data["hosting"]
    runs = f"median of {bench.lighthouse_runs}"
    out = []
    for preset, report in h.lighthouse.items():
        title = f"**Lighthouse 12.2.3, {preset}, through nginx** (`make publish`, compressed; {runs})"
        out += report_rows(title, report, None)
        # What the page cost over the wire on first load, as Lighthouse counts it (compressed).
        out.append(row("Bytes transferred on load", kb(metric(report.median, "total-byte-weight")), "—"))
    p = h.pagefind
    name = f"Pagefind index of {p.posts:,} posts"
    if p.seconds is None:
        out.append(row(name, f"not measured ({p.missing})", "—"))
    else:
        out.append(row(f"{name} ({p.pages:,} pages)", seconds(p.seconds), "—"))
    c = h.pieces
    if c is not None:
        n = c.pieced.pieces
        out.append(
            row(
                f"Search, first query: bytes downloaded, {n} pieces merged (one index)",
                kb(c.pieced.first_search_bytes),
                kb(c.single.first_search_bytes),
                f"{c.bytes_ratio:.2f}",
            )
        )
        for q in QUERIES:
            same = "same top results" if c.same_top(q) else "**different top results**"
            total = c.pieced.found[q]["total"]
            out.append(row(f"Search `{q}`: top {len(c.pieced.found[q]['titles'])} of {total:,} results", same, "", ""))
    return out


def notes(bench: Bench) -> list[str]:
    lines = []
    for preset, report in bench.data["hosting"].lighthouse.items():
        lines += report_notes(f"ours through nginx, {preset}", report.median)
    return lines


SECTION = Section("hosting", measure, rows, notes)
