"""Jekyll front matter read as Jekyll reads it, with plain Pelican settings and no build."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pelican.settings import read_settings

from plugins.jekyll.reader import JekyllMarkdownReader, SourceError, split_front_matter
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def reader():
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
    from plugins.jekyll import reader as jekyll_reader

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


# ------------------------------------------------ file oddities: as Jekyll, or one clear error


def test_a_byte_order_mark_before_the_front_matter_is_dropped_as_jekyll_drops_it(reader, tmp_path):
    path = tmp_path / "2026-01-02-bom.md"
    path.write_bytes(b"\xef\xbb\xbf---\ntitle: With a BOM\n---\nBody\n")
    assert reader.read(str(path))[1]["title"] == "With a BOM"


def test_windows_line_endings_are_read_and_cr_only_ones_fail_on_line_one(reader, tmp_path):
    path = tmp_path / "2026-01-02-crlf.md"
    path.write_bytes(b"---\r\ntitle: CRLF\r\n---\r\nBody\r\n")
    assert reader.read(str(path))[1]["title"] == "CRLF"
    path.write_bytes(b"---\rtitle: Old Mac\r---\rBody\r")
    with pytest.raises(
        SourceError, match=r"2026-01-02-crlf\.md:1: the file uses CR-only line endings.*save it with LF"
    ):
        reader.read(str(path))


def test_a_nul_byte_fails_naming_its_line(reader, tmp_path):
    path = tmp_path / "2026-01-02-nul.md"
    path.write_bytes(b"---\ntitle: T\n---\n\nText\x00more\n")
    with pytest.raises(SourceError, match=r"2026-01-02-nul\.md:5: a NUL byte"):
        reader.read(str(path))


def test_an_impossible_date_in_front_matter_names_its_line(reader, tmp_path):
    with pytest.raises(SourceError, match=r"a-post\.md:3: front matter 'date: 2020-02-30' is not a valid date"):
        read(reader, tmp_path, "---\ntitle: T\ndate: 2020-02-30\n---\nBody\n")


def test_an_impossible_date_elsewhere_stays_text_as_rubys_yaml_keeps_it(reader, tmp_path):
    assert read(reader, tmp_path, "---\ntitle: T\nseen: 2020-02-30\n---\nBody\n")[1]["seen"] == "2020-02-30"


def test_an_impossible_date_in_the_file_name_names_that_file(reader, tmp_path):
    from pelican.readers import Readers

    path = tmp_path / "2020-13-45-t.md"
    path.write_text("---\ntitle: T\n---\nBody\n")
    readers = Readers(reader.settings)
    readers.readers["md"] = reader
    with pytest.raises(SourceError, match=r"2020-13-45-t\.md: the date in the file name, 2020-13-45, is not a date"):
        readers.read_file(str(tmp_path), path.name)
    path.write_text("---\ntitle: T\ndate: 2020-01-05\n---\nBody\n")  # Jekyll reads no date from the name then
    assert readers.read_file(str(tmp_path), path.name).date.day == 5


@pytest.mark.parametrize(
    "line, expected",
    [
        ("tags: {a: b}", "'tags:' must be space-separated words or a list of words"),
        ("categories: {a: 1}", "'categories:' must be space-separated words or a list of words"),
        ("permalink: [a]", "'permalink:' must be a path such as /about/"),
        ("authors: [null]", "'authors:' must be a name, a list of names"),
        ("author: [[Ada]]", "'author:' must be a name, a list of names"),
        ("subtitle: {a: b}", "'subtitle:' must be text"),
        ("date: [2020-01-01]", "'date:' must be a date such as 2020-01-31"),
    ],
)
def test_a_front_matter_value_of_the_wrong_shape_names_its_line_and_the_shape(reader, tmp_path, line, expected):
    with pytest.raises(SourceError, match=r"a-post\.md:3: front matter " + re.escape(expected)):
        read(reader, tmp_path, f"---\ntitle: T\n{line}\nlayout: post\n---\nBody\n")
    with pytest.raises(SourceError, match=r"a-post\.md:2: front matter 'title:' must be text"):
        read(reader, tmp_path, "---\ntitle: [a, b]\n---\nBody\n")


def test_one_category_may_have_spaces_and_a_list_of_categories_is_read_as_jekyll_reads_it(reader, tmp_path):
    _, meta = read(reader, tmp_path, "---\ntitle: T\ncategory: machine learning\n---\nBody\n")
    assert str(meta["category"]) == "machine learning" and "tags" not in meta
    _, meta = read(reader, tmp_path, "---\ntitle: T\ncategory: [ml, maths]\n---\nBody\n")
    assert str(meta["category"]) == "ml" and [str(t) for t in meta["tags"]] == ["maths"]


@pytest.mark.parametrize(
    "permalink, url, save_as",
    [
        ("/:year/:title/", "2026/a-post/", "2026/a-post/index.html"),
        ("/:categories/:year/:month/:day/:title:output_ext", "2026/01/02/a-post.html", None),  # no categories
        ("/notes/:i_month/:slug", "notes/1/a-post/", "notes/1/a-post/index.html"),
        ("/404.html", "404.html", "404.html"),
        ("/about/", "about/", "about/index.html"),
        ("/", "", "index.html"),
    ],
)
def test_a_posts_permalink_fills_in_jekylls_placeholders(reader, tmp_path, permalink, url, save_as):
    _, meta = read(reader, tmp_path, f"---\ntitle: T\npermalink: {permalink}\n---\nBody\n")
    assert (meta["url"], meta["save_as"]) == (url, save_as or url)


@pytest.mark.parametrize(
    "front, url",
    [
        ("categories: [Study, development]", "study/development/a-post/"),
        ("categories: study development\ncategory: Notes", "study/development/notes/a-post/"),
        ("category: machine learning", "machine learning/a-post/"),
        ("categories: [a, A, b]", "a/b/a-post/"),
    ],
)
def test_categories_in_a_permalink_are_all_of_the_posts_categories_as_jekyll_joins_them(reader, tmp_path, front, url):
    _, meta = read(reader, tmp_path, f"---\ntitle: T\n{front}\npermalink: /:categories/:title/\n---\nBody\n")
    assert meta["url"] == url


def test_an_unknown_placeholder_or_a_date_the_file_lacks_names_the_permalinks_line(reader, tmp_path):
    with pytest.raises(SourceError, match=r"a-post\.md:3: permalink '/:year/:name/': :name is not one of Jekyll's"):
        read(reader, tmp_path, "---\ntitle: T\npermalink: /:year/:name/\n---\nBody\n")
    with pytest.raises(SourceError, match=r"about\.md:2: permalink '/:year/about/' uses the date"):
        read(reader, tmp_path, "---\npermalink: /:year/about/\ntitle: About\n---\nBody\n", name="about.md")


def test_liquids_post_url_links_where_the_permalink_puts_the_post(tmp_path):
    (tmp_path / "_posts").mkdir()
    target = tmp_path / "_posts" / "2026-01-02-target.md"
    target.write_text("\ufeff---\ntitle: Target\npermalink: /:year/:title/\n---\nBody\n")  # with a BOM
    linking = tmp_path / "_posts" / "2026-03-04-linking.md"
    linking.write_text("---\ntitle: Linking\n---\nSee {% post_url 2026-01-02-target %}.\n")
    reader = JekyllMarkdownReader(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(tmp_path)}))
    assert reader.read(str(target))[1]["url"] == "2026/target/"
    assert "See /2026/target/." in reader.read(str(linking))[0]


def test_lang_keeps_the_posts_url_and_stays_metadata(reader, tmp_path):
    from pelican.contents import Article

    content, meta = read(reader, tmp_path, "---\ntitle: T\nlang: fr\n---\nBody\n")
    meta["date"], meta["slug"] = dt.datetime(2026, 1, 2), "a-post"
    article = Article(content, meta, settings=reader.settings, source_path=str(tmp_path / "2026-01-02-a-post.md"))
    assert article.lang == "fr"
    assert (article.url, article.save_as) == ("2026/01/02/a-post/", "2026/01/02/a-post/index.html")


def test_markdown_extensions_are_read_in_any_case_as_jekyll_reads_them(reader, tmp_path):
    from pelican.readers import Readers

    from plugins.jekyll.reader import add_reader
    from plugins.jekyll.site import SiteIndex

    readers = Readers(reader.settings)
    add_reader(readers)
    assert {"md", "MD", "Md", "markdown", "Markdown", "MARKDOWN", "MDOWN"} <= set(readers.reader_classes)
    (tmp_path / "2026-01-02-upper.MD").write_text("---\ntitle: Upper\n---\nBody\n")
    index = SiteIndex({**reader.settings, "PATH": str(tmp_path)})
    assert index.find("2026-01-02-upper").url == "/2026/01/02/upper/"


def test_a_bad_config_yml_is_one_error_naming_its_line(tmp_path):
    from plugins.jekyll.config import ConfigError, pelican_settings, read_config

    config = tmp_path / "_config.yml"
    config.write_bytes(b"title: Blog\ndescription: Caf\xe9\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:2: not valid UTF-8 \(bytes b'\\xe9\\n'\)"):
        read_config(config)
    config.write_text("title: Blog\nnav: [home, about\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:2: malformed YAML"):
        read_config(config)
    config.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:1: expected 'key: value' lines"):
        read_config(config)
    config.write_text("title: Blog\npermalink: /:year/:nonsense/\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:2: permalink '/:year/:nonsense/': :nonsense is not"):
        pelican_settings(config)
    config.write_bytes(b"\xef\xbb\xbftitle: With a BOM\n")
    jekyll_default = "{jekyll_categories_dir}{date:%Y}/{date:%m}/{date:%d}/{slug}.html"  # permalink: date
    assert pelican_settings(config) == {
        "SITENAME": "With a BOM",
        "ARTICLE_URL": jekyll_default,
        "ARTICLE_SAVE_AS": jekyll_default,
    }
