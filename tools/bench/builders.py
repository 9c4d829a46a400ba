"""The same blog built three ways, each timed the same way: ours (`python -m tools.build`), plain
Pelican (default theme, no plugins, content cache on) on the same Markdown, and Jekyll."""

from __future__ import annotations

import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from plugins.jekyll.config import FRONT_MATTER
from tools.bench.dev_server import save_to_reload
from tools.bench.processes import timed
from tools.blog_fixture import Blog
from tools.scratch_site import ROOT, write_settings


@dataclass
class Timings:
    cold: float | None = None
    first_rebuild: float | None = None  # the no-change rebuild right after the cold build
    no_change: float | None = None  # the next one: what an author's rebuilds cost from then on
    edit_one: float | None = None
    peak: int | None = None  # bytes, whole process tree
    save_to_reload: float | None = None  # s, through the dev server (ours only)
    error: str = ""


def edit(post: Path) -> None:
    """The author's edit: a sentence added to a post."""
    post.write_text(post.read_text() + f"\nAn edit made at {time.time_ns()}.\n")


def three_builds(command, posts: list[Path], env: dict | None = None, cwd: Path = ROOT) -> Timings:
    """Cold, two no-change rebuilds and one after an edit, the same for every builder. The
    first rebuild after a cold build is kept apart: ours then also makes the spare site
    it stages into from then on (plugins/incremental/unchanged_outputs.py)."""
    t = Timings()
    for step in ("cold", "first_rebuild", "no_change", "edit_one"):
        if step == "edit_one":
            edit(posts[len(posts) // 2])
        seconds, peak, result = timed(command, env, cwd)
        if result.returncode != 0:
            t.error = f"{step}: exit {result.returncode}: {(result.stderr or result.stdout).strip()[-400:]}"
            return t
        setattr(t, step, seconds)
        t.peak = max(t.peak or 0, peak)
    return t


def ours(blog: Blog, work: Path) -> Timings:
    """Our build into work/ours-output, with a build cache of its own; then a save through the dev server."""
    settings = write_settings(work, blog.content)
    output, env = work / "ours-output", {"SITE_BUILD_CACHE": str(work / "ours-cache")}
    cmd = [sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(output)]
    timings = three_builds(cmd, blog.posts, env)
    if not timings.error:
        post = blog.posts[len(blog.posts) // 3]
        timings.save_to_reload, _ = save_to_reload(blog.content, settings, output, env, post, edit)
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
    return three_builds([sys.executable, "-m", "pelican", "-q", "-s", str(settings)], posts)


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
    return three_builds(cmd, posts, cwd=site)
