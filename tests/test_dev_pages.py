"""The dev server's pages-only build (tools.build --only, plugins/incremental/dev_pages.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_build, write_settings
from tools.blog_fixture import make_blog, page_path


def page_of(output, post):
    return output / page_path(post) / "index.html"


def built_blog(tmp_path, posts: int):
    """A generated blog, built once: (blog, settings, output, environment)."""
    blog = make_blog(tmp_path / "content", posts, swiglu_only=True)
    settings = write_settings(tmp_path, blog.content)
    output = tmp_path / "output"
    env = {"SITE_BUILD_CACHE": str(tmp_path / "cache")}
    assert run_build(settings, output, env=env).returncode == 0
    return blog, settings, output, env


def build_only(settings, output, env, post) -> subprocess.CompletedProcess:
    """What the dev server runs first when `post` is saved."""
    command = [sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(output)]
    return subprocess.run(
        command + ["--only", str(post)], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}
    )


@pytest.mark.build
def test_only_the_saved_posts_page_is_rewritten_and_the_rest_of_the_site_stays(tmp_path):
    blog, settings, output, env = built_blog(tmp_path, 3)
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in output.rglob("*") if p.is_file()}
    edited, untouched = blog.posts[1], blog.posts[0]
    edited.write_text(edited.read_text().replace("Activation functions allow", "Activation functions enable", 1))

    only = build_only(settings, output, env, edited)
    assert only.returncode == 0, only.stderr
    assert "Activation functions enable" in page_of(output, edited).read_text()
    after = {p: (p.stat().st_ino, p.read_bytes()) for p in output.rglob("*") if p.is_file()}
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed == {page_of(output, edited)}, "only the saved post's page may change"
    assert page_of(output, untouched) in after
    assert not list(tmp_path.glob(".output.building-*")), "its staging folder was left behind"

    # The full build that follows gives the same page as the pages-only build did.
    quick = page_of(output, edited).read_bytes()
    assert run_build(settings, output, env=env).returncode == 0
    assert page_of(output, edited).read_bytes() == quick


@pytest.mark.build
def test_a_bad_save_fails_the_pages_only_build_and_the_served_page_stays(tmp_path):
    blog, settings, output, env = built_blog(tmp_path, 2)
    post = blog.posts[1]
    good = page_of(output, post).read_bytes()
    post.write_text(post.read_text() + "\n\n$$\\frac{1$$\n")
    only = build_only(settings, output, env, post)
    assert only.returncode == 1 and post.name in only.stderr
    assert page_of(output, post).read_bytes() == good


def test_the_writer_writes_only_the_selected_sources_pages_and_lists_them(tmp_path):
    """In-process, no build: SelectedPagesWriter as Pelican's get_writer hands it out."""
    from types import SimpleNamespace

    from jinja2 import Template

    from plugins.incremental.dev_pages import WRITTEN_LIST, SelectedPagesWriter, get_writer

    saved, other = tmp_path / "saved.md", tmp_path / "other.md"
    settings = {"DEV_ONLY_SOURCES": [str(saved)], "RELATIVE_URLS": False, "SITEURL": "", "OUTPUT_PATH": str(tmp_path)}
    assert get_writer(SimpleNamespace(settings={"DEV_ONLY_SOURCES": []})) is None  # a full build: Pelican's own
    assert get_writer(SimpleNamespace(settings=settings)) is SelectedPagesWriter
    out = tmp_path / "out"
    writer = SelectedPagesWriter(str(out), settings={**settings, "OUTPUT_PATH": str(out)})
    template = Template("{{ article.title }}")
    for source, name in ((saved, "a/index.html"), (other, "b/index.html")):
        article = SimpleNamespace(source_path=str(source), title=source.stem)
        writer.write_file(name, template, {}, article=article)
    writer.write_file("index.html", template, {})  # a site-wide page: never in a pages-only build
    assert writer.write_feed([], {}, "feed.xml") is None
    assert (out / "a/index.html").read_text() == "saved"
    assert not (out / "b").exists() and not (out / "index.html").exists() and not (out / "feed.xml").exists()
    assert (out / WRITTEN_LIST).read_text() == "a/index.html\n"
