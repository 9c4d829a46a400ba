"""Liquid in posts as Jekyll runs it, read in-process by the Jekyll reader on small fixtures."""

from __future__ import annotations

import pytest
from pelican.settings import read_settings

from plugins.jekyll.config import ConfigError
from plugins.jekyll.reader import JekyllMarkdownReader, SourceError
from tests.conftest import ROOT
from tools.blog_fixture import PNG_1X1 as PNG


@pytest.fixture
def blog(tmp_path):
    """A content folder with three posts (the middle one is read) and an include."""
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2020-01-01-first.md").write_text("---\ntitle: First\n---\n\n## Some Heading\n")
    (posts / "2020-03-01-third.markdown").write_text("---\ntitle: Third\ndate: 2020-03-05 22:00:00 -0400\n---\n")
    (tmp_path / "_includes").mkdir()
    (tmp_path / "_includes" / "note.html").write_text(
        '<aside class="note">{{ include.text }} ({{ page.title }})</aside>'
    )
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    return tmp_path


def read(folder, body: str, front: str = "title: Second\n", name="2020-02-01-second.md", **settings):
    path = folder / "_posts" / name
    path.write_text(f"---\n{front}---\n{body}")
    reader = JekyllMarkdownReader(
        read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(folder), **settings})
    )
    return reader.read(str(path))


def test_site_and_page_variables(blog):
    html, _ = read(
        blog,
        "{{ site.title }} | {{ page.title }} | {{ page.url }} | {{ page.previous.url }} | {{ page.next.url }}"
        " | {{ page.mood }} | {{ page.date | date: '%Y-%m-%d' }}",
        front="title: Second\nmood: calm\n",
    )
    assert "Wiggly Networks | Second | /2020/02/01/second/ | /2020/01/01/first/ | /2020/03/06/third/ | calm" in html
    assert "2020-02-01" in html


def test_site_keys_come_from_config_yml_when_there_is_one(blog):
    (blog / "_config.yml").write_text("title: My Old Blog\nbaseurl: /blog\nurl: https://example.org\nauthor: Me\n")
    body = (
        "{{ site.title }} {{ site.author }} {{ '/x.png' | relative_url }} {{ '/x.png' | absolute_url }}"
        " {% post_url 2020-01-01-first %}"
    )
    # Published under SITEURL's path: links lead there.
    html, _ = read(blog, body, SITEURL="https://me.github.io/blog")
    assert "My Old Blog Me /blog/x.png " in html and ">https://me.github.io/blog/x.png<" in html
    assert " /blog/2020/01/01/first/" in html
    # make html / make serve serve the site at the root: so do its links (_config.yml's
    # baseurl is where the old site was served), and images the old site wrote under it resolve.
    (blog / "assets").mkdir()
    (blog / "assets" / "x.png").write_bytes(PNG)
    html, _ = read(blog, body + "\n\n![a](/blog/assets/x.png) ![b]({{ '/assets/x.png' | relative_url }})\n")
    assert "My Old Blog Me /x.png /x.png " in html and " /2020/01/01/first/" in html  # absolute_url: this site
    assert html.count('src="{static}/assets/x.png"') == 2


def test_filters_escape_default_date(blog):
    html, _ = read(
        blog, "{{ '<b>&' | escape }} {{ page.missing | default: 'none' }} {{ '2020-05-06' | date: '%d/%m' }}"
    )
    assert "&lt;b&gt;&amp; none 06/05" in html


def test_post_url_with_an_anchor_matches_our_heading_ids(blog):
    html, _ = read(blog, "[see]({% post_url 2020-01-01-first %}#some-heading)")
    assert '<a href="/2020/01/01/first/#some-heading">see</a>' in html


def test_link_to_a_post_and_to_a_file(blog):
    html, _ = read(blog, "[a]({% link _posts/2020-01-01-first.md %}) [b]({% link files/paper.pdf %})")
    assert 'href="/2020/01/01/first/"' in html and 'href="{static}/files/paper.pdf"' in html


def test_highlight_looks_like_a_fenced_block(blog):
    fenced, _ = read(blog, "```python\nx = 1\n```\n")
    tagged, _ = read(blog, "{% highlight python %}\nx = 1\n{% endhighlight %}\n")
    assert tagged == fenced and 'class="highlight"' in tagged
    numbered, _ = read(blog, "{% highlight python linenos %}\nx = 1\n{% endhighlight %}\n")
    assert "linenos" in numbered
    in_list, _ = read(blog, "- item\n\n  {% highlight python %}\n  x = 1\n  {% endhighlight %}\n- next\n")
    assert in_list.count("<li>") == 2 and 'class="highlight"' in in_list.split("<li>")[1]


def test_raw_keeps_liquid_as_text(blog):
    html, _ = read(blog, "`{% raw %}{{ site.title }}{% endraw %}`")
    assert "<code>{{ site.title }}</code>" in html


def test_include_with_arguments(blog):
    html, _ = read(
        blog,
        '{% include note.html text="Careful" %}\n\n{% include note.html text=page.mood %}\n',
        front="title: Second\nmood: calm\n",
    )
    assert '<aside class="note">Careful (Second)</aside>' in html
    assert '<aside class="note">calm (Second)</aside>' in html


def test_render_with_liquid_false_leaves_it_as_text(blog):
    html, _ = read(blog, "`{{ site.title }}`", front="title: Second\nrender_with_liquid: false\n")
    assert "<code>{{ site.title }}</code>" in html


def test_an_unpublished_post_is_no_neighbour_and_no_post_url_target(blog):
    (blog / "_posts" / "2020-01-15-hidden.md").write_text("---\ntitle: Hidden\npublished: false\n---\n")
    html, _ = read(blog, "{{ page.previous.url }}")
    assert "/2020/01/01/first/" in html  # not the unpublished post between them
    with pytest.raises(SourceError, match="2020-01-15-hidden"):
        read(blog, "{% post_url 2020-01-15-hidden %}")


@pytest.mark.parametrize(
    "body, line, words",
    [
        ("Text\n\n{% nosuchtag x %}\n", 6, ["nosuchtag"]),
        ("Text\n\n{% raw %}\nnever closed\n", 6, ["{% raw %}", "never closed"]),
        ("{% include missing.html %}\n", 4, ["missing.html", "_includes"]),
        ("See {% post_url 2019-01-01-gone %}.\n", 4, ["2019-01-01-gone"]),
    ],
)
def test_bad_liquid_names_the_file_line_and_text(blog, body, line, words):
    with pytest.raises(SourceError) as err:
        read(blog, body)
    message = str(err.value)
    assert f"2020-02-01-second.md:{line}:" in message, message
    for word in words:
        assert word in message, message


def test_a_malformed_config_yml_is_an_error_naming_it(blog):
    (blog / "_config.yml").write_text("title: [unclosed\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:1: malformed YAML"):  # read once, as pelicanconf reads it
        read(blog, "{{ site.title }}")
