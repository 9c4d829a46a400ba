"""Jekyll front matter read as Jekyll reads it, with plain Pelican settings and no build."""

from __future__ import annotations

import datetime as dt

import pytest
from pelican.settings import read_settings

from plugins import katex_render
from plugins.jekyll_reader import JekyllMarkdownReader, SourceError, split_front_matter
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def reader():
    katex_render.configure()
    return JekyllMarkdownReader(read_settings(str(ROOT / "pelicanconf.py")))


def read(reader, tmp_path, text: str, name: str = "2026-01-02-a-post.md"):
    path = tmp_path / name
    path.write_text(text)
    return reader.read(str(path))


def test_space_separated_tags_and_a_single_category(reader, tmp_path):
    _, meta = read(reader, tmp_path, "---\ntitle: T\ncategory: theory\ntags: maths probability\n---\nBody\n")
    assert str(meta["category"]) == "theory"
    assert [str(t) for t in meta["tags"]] == ["maths", "probability"]


def test_yaml_lists_and_categories_beyond_the_first_become_tags(reader, tmp_path):
    _, meta = read(reader, tmp_path, "---\ntitle: T\ncategories: [notes, ml]\ntags:\n  - a\n  - b\n---\nBody\n")
    assert str(meta["category"]) == "notes"
    assert [str(t) for t in meta["tags"]] == ["a", "b", "ml"]


def test_dates_from_front_matter_and_last_modified(reader, tmp_path):
    text = "---\ntitle: T\ndate: 2025-03-04 10:20:00\nlast_modified_at: 2025-04-01\n---\nBody\n"
    _, meta = read(reader, tmp_path, text)
    assert meta["date"] == dt.datetime(2025, 3, 4, 10, 20)
    assert meta["modified"] == dt.datetime(2025, 4, 1)


def test_flags_subtitle_and_unpublished_posts(reader, tmp_path):
    text = "---\ntitle: T\nsubtitle: S\nkatex: true\nmermaid: true\npublished: false\nlayout: post\n---\nBody\n"
    _, meta = read(reader, tmp_path, text)
    assert meta["subtitle"] == "S" and meta["math"] is True and meta["mermaid"] is True
    assert meta["status"] == "draft" and meta["layout"] == "post"


def test_a_post_without_front_matter_is_plain_markdown():
    assert split_front_matter("x.md", "Just text\n") == ({}, "Just text\n", 0)


def test_unclosed_front_matter_is_an_error_naming_the_file():
    with pytest.raises(SourceError, match=r"x\.md:1: front matter opened with '---' is never closed"):
        split_front_matter("x.md", "---\ntitle: T\n\nBody\n")


def test_an_empty_title_is_an_error(reader, tmp_path):
    with pytest.raises(SourceError, match="title"):
        read(reader, tmp_path, '---\ntitle: ""\n---\nBody\n')


@pytest.mark.build
def test_a_jekyll_post_dropped_in_content_builds_as_an_article(tmp_path):
    from tests.conftest import copy_content, run_build, write_settings

    content = copy_content(tmp_path / "content")
    (content / "_posts").mkdir()
    (content / "_posts" / "2026-01-05-dropped.md").write_text("---\nlayout: post\ntitle: Dropped\n---\n\nHello $x$.\n")
    result = run_build(write_settings(tmp_path, content), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out/2026/01/05/dropped/index.html").is_file()
