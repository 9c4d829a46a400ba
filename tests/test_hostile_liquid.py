"""A post is untrusted input: its Liquid reads nothing outside the content folder, says
nothing of the host's files, stops within its limits, and every error, here or later in
the Markdown, names the source's own line (the include's too, for one inside an include)."""

from __future__ import annotations

import pytest
from pelican.settings import read_settings

from plugins.jekyll import liquid
from plugins.jekyll.reader import JekyllMarkdownReader, SourceError
from tests.conftest import ROOT, run_build, write_settings
from tools.blog_fixture import PNG_1X1 as PNG

SECRET = "TOP-SECRET-HOST-FILE"


@pytest.fixture
def blog(tmp_path):
    """tmp_path/content (posts, includes, an image) and, outside it, a host file."""
    content = tmp_path / "content"
    (content / "_posts").mkdir(parents=True)
    (content / "_includes").mkdir()
    (content / "_includes" / "note.html").write_text("<aside>{{ include.text }}</aside>\n")
    (content / "assets").mkdir()
    (content / "assets" / "x.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text(SECRET)
    return content


def read(content, body: str, **settings):
    """Read a post (front matter: 3 lines) of `body`; its line N is line N + 3 of the file."""
    path = content / "_posts" / "2020-02-01-post.md"
    path.write_text(f"---\ntitle: Post\n---\n{body}")
    reader = JekyllMarkdownReader(
        read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content), **settings})
    )
    return reader.read(str(path))


def error_of(content, body: str) -> str:
    with pytest.raises(SourceError) as err:
        read(content, body)
    return str(err.value)


# --- Nothing outside content/ -------------------------------------------------------


@pytest.mark.parametrize(
    "markup, path",
    [
        ("{% include PATH %}", "/TMP/secret.txt"),  # absolute
        ("{% include PATH %}", "../../secret.txt"),  # up from _includes/
        ("{% link PATH %}", "../secret.txt"),
        ("{% link PATH %}", "/../secret.txt"),
        ("![y](PATH)", "/../secret.txt"),  # a Markdown image
        ('<img src="PATH">', "/../secret.txt"),
        ('<a href="PATH">a file</a>', "/../../secret.txt"),
    ],
)
def test_nothing_outside_the_content_folder_and_not_whether_it_exists(blog, markup, path):
    path = path.replace("/TMP", str(blog.parent))
    there = error_of(blog, f"Text\n\n{markup.replace('PATH', path)}\n")
    absent = error_of(blog, f"Text\n\n{markup.replace('PATH', path.replace('secret', 'nothing'))}\n")
    assert "2020-02-01-post.md:6: " in there and f"{path!r} leads outside" in there, there  # as written
    assert SECRET not in there
    assert there.replace("secret", "nothing") == absent  # the same words whether the file is there or not


@pytest.mark.parametrize(
    "markup", ['<img src="../../../../secret.txt">', '<a href="../../../../secret.txt">a file</a>']
)
def test_a_relative_path_is_the_pages_as_a_browser_reads_it_never_above_the_site(blog, markup):
    """From the page /2020/02/01/post/, `../../../../secret.txt` is /secret.txt in the site, not the file
    beside the content folder: a missing image (a warning, the same whether or not the file exists)."""
    html, meta = read(blog, f"Text\n\n{markup}\n")
    (blog.parent / "secret.txt").unlink()
    again = read(blog, f"Text\n\n{markup}\n")
    assert (html, meta["author_warnings"]) == (again[0], again[1]["author_warnings"])
    assert SECRET not in html and "{static}" not in html
    if markup.startswith("<img"):
        assert meta["author_warnings"] == [
            f"{blog}/_posts/2020-02-01-post.md:6: image '../../../../secret.txt' not found (looked for "
            f"{blog}/secret.txt); put the file at {blog}/secret.txt or fix the path"
        ]


def test_an_include_symlinked_out_of_includes_is_refused_like_a_missing_target(blog):
    (blog / "_includes" / "evil.html").symlink_to(blog.parent / "secret.txt")
    (blog / "_includes" / "dangling.html").symlink_to(blog.parent / "nothing.txt")
    there = error_of(blog, "Text\n{% include evil.html %}\n")
    assert "2020-02-01-post.md:5: " in there and "'evil.html' leads outside" in there and SECRET not in there
    assert there.replace("evil", "dangling") == error_of(blog, "Text\n{% include dangling.html %}\n")


def test_includes_and_files_inside_the_content_folder_still_work(blog):
    (blog / "_includes" / "sub").mkdir()
    (blog / "_includes" / "sub" / "x.html").write_text("sub include")
    html, _ = read(
        blog,
        '{% include note.html text="hi" %} {% include sub/x.html %}\n\n'
        "[f]({% link assets/x.png %}) ![i](../assets/x.png) ![j](/assets/x.png)\n",
    )
    assert "<aside>hi</aside>" in html and "sub include" in html
    assert html.count('"{static}/assets/x.png"') == 3


def test_only_include_reads_templates_liquid_5s_render_is_unknown_as_in_jekyll(blog):
    assert "2020-02-01-post.md:4: Liquid: unexpected tag 'render'" in error_of(blog, "{% render 'note.html' %}\n")


# --- Bounded ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, words",
    [
        ("{% for i in (1..1000000000) %}x{% endfor %}", "loop iteration limit reached"),
        ("{% for i in (1..90000) %}{% endfor %}{% for i in (1..90000) %}{% endfor %}", "loop iteration limit"),
        ("{{ (1..1000000000) | join: ',' }}", "loop iteration limit reached"),  # a range, no loop
        (
            "{% capture s %}ab{% endcapture %}{% for i in (1..26) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}"
            "{% endfor %}",
            "output stream limit reached",
        ),
        (
            "{% assign s = 'ab' %}{% for i in (1..26) %}{% assign s = s | append: s %}{% endfor %}",
            "local namespace limit reached",
        ),
    ],
)
def test_a_post_that_would_run_for_ever_stops_at_a_limit_naming_its_line(blog, body, words):
    message = error_of(blog, f"Text\n\n{body}\n")
    assert f"2020-02-01-post.md:6: Liquid: {words}" in message, message


def test_an_include_that_includes_itself_stops_naming_it_and_the_post_line(blog):
    (blog / "_includes" / "loop.html").write_text("x\n{% include loop.html %}\n")
    message = error_of(blog, "Text\n\n{% include loop.html %}\n")
    assert f"{blog}/_includes/loop.html:2 (13 times), included from {blog}/_posts/2020-02-01-post.md:6: " in message
    assert "an include in itself?" in message


def test_includes_of_includes_stop_at_the_time_limit(blog, monkeypatch):
    monkeypatch.setattr(liquid.JekyllEnvironment, "time_limit", 0.3)
    for i in range(8):  # 10 ** 8 renders of the last one: no loop, no output, no variable grows
        (blog / "_includes" / f"f{i}.html").write_text(f"{{% include f{i + 1}.html %}}" * 10)
    (blog / "_includes" / "f8.html").write_text("{% assign a = 1 %}")
    message = error_of(blog, "Text\n\n{% include f0.html %}\n")
    assert "2020-02-01-post.md:6: Liquid: time limit reached (a post's Liquid may run 0.3 s)" in message, message


# --- Lines of the source --------------------------------------------------------------

BEFORE = {  # Liquid before the error whose output has another number of lines than its source
    "comment": "{% comment %}\n![old](/assets/gone.png)\n\n{% endcomment %}\n",
    "if": "{% if page.title %}\nshown\n{% else %}\nnot\nshown\n{% endif %}\n",
    "false if": "{% if false %}\nhidden\n\nhidden\n{% endif %}\n",
    "include": "{% include note.html\n  text='a parameter\non each line' %}\n",
    "raw": "\n\n{%- raw %}\n{{ kept }}\n{% endraw -%}\n\n\n",  # with whitespace control
    "highlight": "{% highlight python %}x = 1\n{% endhighlight %}\n",
    "capture": "{% capture c %}\none\ntwo\n{% endcapture %}\n",
}


@pytest.mark.parametrize("before", BEFORE)
@pytest.mark.parametrize(
    "bad, words",
    [
        ("Maths $\\nosuchmacro$ here.", "nosuchmacro"),
        (
            "![gone]({{ '/assets/figures/' | append: 'gone.png' }})",
            "'/assets/figures/gone.png' not found",
        ),  # Liquid's URL
    ],
)
def test_errors_after_liquid_blocks_name_the_source_line(blog, before, bad, words):
    text = BEFORE[before]
    line = 3 + 2 + text.count("\n") + 1  # front matter, "Text\n\n", the block, then the bad line
    message = error_of(blog, f"Text\n\n{text}{bad}\n")
    assert f"2020-02-01-post.md:{line}: " in message and words in message, message


def test_a_maths_error_in_an_include_names_the_include_line_and_the_post_line(blog):
    (blog / "_includes" / "maths.html").write_text("First line.\n\nBad $\\nosuchmacro$ maths.\n")
    message = error_of(blog, "Text\n{% comment %}\n\n{% endcomment %}\n{% include maths.html %}\n")
    assert f"{blog}/_includes/maths.html:3, included from {blog}/_posts/2020-02-01-post.md:8: " in message
    assert "nosuchmacro" in message


def test_a_liquid_error_in_a_nested_include_names_each_line(blog):
    (blog / "_includes" / "outer.html").write_text("outer\n\n{% include inner.html %}\n")
    (blog / "_includes" / "inner.html").write_text("inner\n{% nosuchtag page.title %}\n")
    message = error_of(blog, "Text\n\n{% include outer.html %}\n")
    expected = f"{blog}/_includes/inner.html:2, included from {blog}/_includes/outer.html:3, included from "
    assert f"{expected}{blog}/_posts/2020-02-01-post.md:6: Liquid: unexpected tag 'nosuchtag'" in message
    assert "{% nosuchtag page.title %}" in message


# --- Jekyll's syntax ----------------------------------------------------------------


def test_include_parameters_on_lines_of_their_own(blog):
    (blog / "_includes" / "image.html").write_text('<img src="{{ include.url }}" alt="{{ include.description }}">')
    html, _ = read(blog, '{% include image.html\n   url="/assets/x.png"\n   description=page.title\n%}\n')
    assert 'alt="Post"' in html
    assert 'src="{static}/assets/x.png"' in html


def test_a_captured_variable_with_hyphens_passes_to_an_include(blog):
    html, _ = read(blog, "{% capture my-note %}Hyphens{% endcapture %}{% include note.html text=my-note %}\n")
    assert "<aside>Hyphens</aside>" in html


@pytest.mark.build
def test_hostile_posts_fail_the_build_each_naming_its_line_and_nothing_is_copied(tmp_path):
    content = tmp_path / "content"
    (content / "_posts").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET)
    hostile = {
        "2020-01-01-include.md": "{% include /etc/passwd %}",
        "2020-01-02-pelican-link.md": "[a file]({static}/../secret.txt)",  # Pelican would copy it
    }
    for name, body in hostile.items():
        (content / "_posts" / name).write_text(f"---\ntitle: Hostile\n---\n\n{body}\n")
    result = run_build(write_settings(tmp_path, content), tmp_path / "out")
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    assert "2020-01-01-include.md:5: Liquid: include: '/etc/passwd' leads outside" in said
    assert "2020-01-02-pelican-link.md:5: {static} link '/../secret.txt' leads outside" in said
    assert SECRET not in said and "root:" not in said
    # Nothing published, nothing copied next to the build (the lock is the build's own).
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "content", "secret.txt", "settings.py"]
