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


def test_any_yaml_value_is_kept_and_never_crashes(reader, tmp_path):
    text = (
        "---\ntitle: T\nauthors:\n  - name: Ada\n    affiliations:\n      name: Lab\n  - name: Bob\n"
        "toc:\n  - name: Intro\nbibliography: refs.bib\nextra:\n  nested: {a: [1, 2]}\n---\nBody\n"
    )
    _, meta = read(reader, tmp_path, text)
    assert [str(a) for a in meta["authors"]] == ["Ada", "Bob"]
    assert meta["jekyll_toc"] == [{"name": "Intro"}]  # `toc` is Pelican's (the contents list)
    assert meta["extra"] == {"nested": {"a": [1, 2]}} and meta["bibliography"] == "refs.bib"


def test_a_date_with_a_time_zone_wins_over_the_file_name(reader, tmp_path):
    _, meta = read(reader, tmp_path, "---\ntitle: T\ndate: 2017-08-20 10:00:00 -0400\n---\nBody\n")
    assert meta["date"] == dt.datetime(2017, 8, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=-4)))


def test_a_date_with_a_time_zone_is_read_in_the_sites_time_zone_as_jekyll_does(reader, tmp_path):
    _, meta = read(reader, tmp_path, "---\ntitle: T\ndate: 2017-08-20 23:00:00 -0400\n---\nBody\n")
    assert (meta["date"].year, meta["date"].month, meta["date"].day, meta["date"].hour) == (2017, 8, 21, 3)


@pytest.mark.parametrize("flag", ["math", "mathjax", "katex"])
def test_every_maths_flag_is_accepted(reader, tmp_path, flag):
    _, meta = read(reader, tmp_path, f"---\ntitle: T\n{flag}: true\n---\nBody $$x$$\n", name="2026-01-02-a.markdown")
    assert meta["math"] is True


def test_the_excerpt_is_what_comes_before_the_separator(reader, tmp_path):
    _, meta = read(reader, tmp_path, "---\ntitle: T\n---\nFirst *part*.\n\nSecond.\n\n<!--more-->\n\nRest.\n")
    assert meta["summary"] == "<p>First <em>part</em>.</p>\n<p>Second.</p>"
    text = "---\ntitle: T\nexcerpt_separator: <!--cut-->\n---\nOne.\n\nTwo.\n<!--cut-->\nThree.\n"
    assert read(reader, tmp_path, text)[1]["summary"].endswith("<p>Two.</p>")
    assert read(reader, tmp_path, "---\ntitle: T\n---\nOnly.\n\nSecond.\n")[1]["summary"] == "<p>Only.</p>"
    assert read(reader, tmp_path, "---\ntitle: T\nexcerpt: Given\n---\nBody\n")[1]["summary"] == "Given"


def test_a_crash_in_the_reader_names_the_file(reader, tmp_path, monkeypatch):
    from plugins import jekyll_reader

    def broken(*args, **kwargs):
        raise AttributeError("'dict' object has no attribute 'slug'")

    monkeypatch.setattr(jekyll_reader, "resolve_images", broken)
    with pytest.raises(SourceError, match=r"2026-01-02-a-post\.md: internal error \(AttributeError: 'dict'"):
        read(reader, tmp_path, "---\ntitle: T\n---\nBody\n")


def test_drafts_are_built_only_when_asked_for(tmp_path):
    import subprocess
    import sys

    code = "import pelicanconf; print('_drafts' in pelicanconf.ARTICLE_EXCLUDES, pelicanconf.JEKYLL_DRAFTS)"
    for env, expected in (({}, "True False"), ({"DRAFTS": "1"}, "False True")):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
        assert out.stdout.strip() == expected, out.stderr


@pytest.mark.build
def test_drafts_are_left_out_unless_drafts_are_asked_for(tmp_path):
    from tests.conftest import copy_content, run_build, write_settings

    content = copy_content(tmp_path / "content")
    (content / "_drafts").mkdir()
    (content / "_drafts" / "an-idea.md").write_text("---\ntitle: An idea\n---\n\nLater.\n")
    settings = write_settings(tmp_path, content)
    without = run_build(settings, tmp_path / "out", env={"DRAFTS": ""})
    assert without.returncode == 0, without.stderr
    assert not list((tmp_path / "out").rglob("an-idea/index.html"))
    with_drafts = run_build(settings, tmp_path / "drafts", env={"DRAFTS": "1"})
    assert with_drafts.returncode == 0, with_drafts.stderr
    assert len(list((tmp_path / "drafts").rglob("an-idea/index.html"))) == 1


def test_the_reader_records_what_later_steps_would_scan_the_page_for(reader, tmp_path):
    """Cached with the page: a rebuild reads these instead of searching the HTML again."""
    content, meta = read(
        reader,
        tmp_path,
        "---\ntitle: T\n---\n\nMaths $$x^2$$ and a note[^1], see https://arxiv.org/abs/2002.05202.\n\n"
        "[^1]: The note.\n",
    )
    assert meta["html_features"] == ["footnotes", "katex"]
    assert "2002.05202" in meta["link_ids"] and "https://arxiv.org/abs/2002.05202" in meta["link_ids"]
