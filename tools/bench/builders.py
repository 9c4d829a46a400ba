"""The same blog built four ways, each timed the same way (tools/bench/processes.py): ours
(`python -m tools.build`), plain Pelican (default theme, no plugins, content cache on) on the
same Markdown, Jekyll, and Hugo with KaTeX at build time (tools/bench/hugo.py)."""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from plugins.jekyll.config import FRONT_MATTER
from tools.bench import hugo as hugo_site
from tools.bench.dev_server import save_to_reload
from tools.bench.processes import timed
from tools.blog_fixture import Blog, page_path
from tools.scratch_site import ROOT, write_settings

STEPS = ("cold", "first_rebuild", "no_change", "edit_one")
RUNS = 3  # no-change and edit-one rebuilds timed this many times each; the median is reported


@dataclass
class Timings:
    """Each step's wall times over its runs (the cold build once at 1,000 posts), their
    median as the step's value, and the range as `span(step)`."""

    runs: dict[str, list[float]] = field(default_factory=dict)
    peak: int | None = None  # bytes, whole process tree, over every run
    save_to_reload: float | None = None  # s, through the dev server (ours only)
    error: str = ""
    cold_log: str = ""  # what the last cold build printed (Hugo: ToMath's warnings)

    def median(self, step: str) -> float | None:
        return statistics.median(self.runs[step]) if self.runs.get(step) else None

    def span(self, step: str) -> tuple[float, float] | None:
        return (min(self.runs[step]), max(self.runs[step])) if self.runs.get(step) else None

    @classmethod
    def of(cls, peak: int | None = None, **steps: float | None) -> Timings:
        """Timings of one run a step (tests, and results read back)."""
        return cls(runs={k: [v] for k, v in steps.items() if v is not None}, peak=peak)

    @property
    def cold(self) -> float | None:
        return self.median("cold")

    @property
    def first_rebuild(self) -> float | None:  # the no-change rebuild right after the cold build
        return self.median("first_rebuild")

    @property
    def no_change(self) -> float | None:  # what an author's rebuilds cost from then on
        return self.median("no_change")

    @property
    def edit_one(self) -> float | None:
        return self.median("edit_one")


def edit(post: Path) -> None:
    """The author's edit: a sentence added to a post."""
    post.write_text(post.read_text() + f"\nAn edit made at {time.time_ns()}.\n")


def cold_runs(posts: list[Path]) -> int:
    """Cold builds per builder: several on small blogs, one at 1,000 posts (ours takes minutes)."""
    return RUNS if len(posts) <= 100 else 1


def three_builds(
    command, posts: list[Path], env: dict | None = None, cwd: Path = ROOT, state: list[Path] = (), runs: int = RUNS
) -> Timings:
    """Cold builds (each after removing `state`: output and caches), the first no-change
    rebuild after the last, then `runs` no-change rebuilds and `runs` rebuilds each after an
    edit to the same post, the same for every builder. The first rebuild after a cold
    build is kept apart: ours then also makes the spare site it stages into from then on
    (plugins/incremental/unchanged_outputs.py)."""
    t = Timings()
    colds = cold_runs(posts) if state else 1
    plan = ["cold"] * colds + ["first_rebuild"] + ["no_change"] * runs + ["edit_one"] * runs
    for step in plan:
        if step == "cold":
            for path in state:
                shutil.rmtree(path, ignore_errors=True)
        if step == "edit_one":
            edit(posts[len(posts) // 2])
        seconds, peak, result = timed(command, env, cwd)
        if result.returncode != 0:
            t.error = f"{step}: exit {result.returncode}: {(result.stderr or result.stdout).strip()[-400:]}"
            return t
        if step == "cold":
            t.cold_log = result.stdout + result.stderr
        t.runs.setdefault(step, []).append(seconds)
        t.peak = max(t.peak or 0, peak)
    return t


def ours(blog: Blog, work: Path) -> Timings:
    """Our build into work/ours-output, with a build cache of its own; then a save through the dev server."""
    settings = write_settings(work, blog.content)
    output, env = work / "ours-output", {"SITE_BUILD_CACHE": str(work / "ours-cache")}
    cmd = [sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(output)]
    timings = three_builds(cmd, blog.posts, env, state=[output, work / "ours-cache"])
    if not timings.error:
        post = blog.posts[len(blog.posts) // 3]
        try:
            timings.save_to_reload, _ = save_to_reload(blog.content, settings, output, env, post, edit)
        except RuntimeError as error:  # the build times stand; the dev server's is not measured
            print(f"blog bench: dev server: {error}", file=sys.stderr, flush=True)
    return timings


def plain_copy(blog: Blog, dest: Path) -> list[Path]:
    """The same Markdown with Pelican's own metadata header instead of YAML front matter."""
    (dest / "posts").mkdir(parents=True, exist_ok=True)
    posts = []
    for post in blog.posts:
        text = post.read_text()
        m = FRONT_MATTER.match(text)
        front, body = (m.group(1) or "", text[m.end() :]) if m else ("", text)
        title = re.search(r'^title: "(.*)"$', front, re.MULTILINE).group(1)
        date = re.search(r"^date: (\S+)$", front, re.MULTILINE).group(1)
        copy = dest / "posts" / (post.stem + ".md")
        copy.write_text(f"Title: {title}\nDate: {date}\n\n{body}")
        posts.append(copy)
    return posts


def plain_pelican(blog: Blog, work: Path) -> Timings:
    content = work / "plain-content"
    posts = plain_copy(blog, content)
    settings = work / "plain.py"
    settings.write_text(
        f"PATH = {str(content)!r}\nOUTPUT_PATH = {str(work / 'plain-output')!r}\nPLUGINS = []\n"
        f"CACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\nCACHE_PATH = {str(work / 'plain-cache')!r}\n"
        "TIMEZONE = 'UTC'\nSITEURL = ''\nRELATIVE_URLS = False\n"
    )
    cmd = [sys.executable, "-m", "pelican", "-q", "-s", str(settings)]
    return three_builds(cmd, posts, state=[work / "plain-output", work / "plain-cache"])


def jekyll_copy(blog: Blog, dest: Path) -> list[Path]:
    """The same posts for Jekyll: our own Liquid tags (figures) and links to posts not in
    this blog (post_url) would stop it, so they become text."""
    (dest / "_posts").mkdir(parents=True, exist_ok=True)
    (dest / "_config.yml").write_text("markdown: kramdown\nkramdown:\n  input: GFM\n  math_engine: mathjax\n")
    if (blog.content / "assets").exists() and not (dest / "assets").exists():
        shutil.copytree(blog.content / "assets", dest / "assets")
    posts = []
    for post in blog.posts:
        text = re.sub(r"\{%\s*(figure|post_url)\s+([^%]*?)\s*%\}", r"\1 \2", post.read_text())
        copy = dest / "_posts" / post.name
        copy.write_text(text)
        posts.append(copy)
    return posts


def jekyll(blog: Blog, work: Path) -> Timings:
    site = work / "jekyll-site"
    posts = jekyll_copy(blog, site)
    cmd = ["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(work / "jekyll-output")]
    return three_builds(cmd, posts, cwd=site, state=[work / "jekyll-output", site / ".jekyll-cache"])


@dataclass
class HugoRun:
    timings: Timings
    pages: int = 0  # post pages Hugo wrote
    drawn: int = 0  # formulas in them drawn by KaTeX (`class="katex"`)
    refused: int = 0  # formulas ToMath refused, left as TeX


def hugo(blog: Blog, work: Path, runs: int = RUNS) -> HugoRun:
    """Hugo 0.168 extended with transform.ToMath (tools/bench/hugo.py), and the formulas it drew."""
    site = work / "hugo-site"
    posts = hugo_site.hugo_copy(blog, site)
    state = [work / "hugo-output", work / "hugo-cache", site / "resources"]
    run = HugoRun(three_builds(hugo_site.command(site, work), posts, cwd=site, state=state, runs=runs))
    if not run.timings.error:
        run.pages, run.drawn, run.refused = hugo_site.formula_counts(work / "hugo-output")
    return run


def our_formulas(blog: Blog, work: Path) -> int:
    """Formulas drawn by KaTeX in our build's post pages (`class="katex"`, once a formula)."""
    output = work / "ours-output"
    pages = [output / page_path(post) / "index.html" for post in blog.posts]
    return sum(p.read_bytes().count(b'class="katex"') for p in pages if p.is_file())
