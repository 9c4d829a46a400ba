"""`make import JEKYLL=…`: on a Jekyll-shaped folder built from the corpus, and on small sites of our own."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plugins.jekyll.config import ConfigError, article_url, pelican_settings, read_config
from tests.conftest import ROOT
from tests.test_jekyll_corpus import CORPUS, IMAGE_PATH, one_pixel_png
from tools.import_jekyll import Report, import_site
from tools.import_jekyll.tex_macros import hidden_macro_block, read_definitions


def jekyll_site(folder: Path) -> Path:
    """_posts from the corpus, a draft, an include, the images posts use, a layout and a plugin."""
    site = folder / "jekyll"
    (site / "_posts").mkdir(parents=True)
    for post in sorted((CORPUS / "posts").iterdir()):
        shutil.copyfile(post, site / "_posts" / post.name)
        for path in IMAGE_PATH.findall(post.read_text(encoding="utf-8")):
            (site / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (site / path.lstrip("/")).write_bytes(one_pixel_png())
    (site / "_drafts").mkdir()
    (site / "_drafts" / "an-idea.md").write_text("---\ntitle: An idea\n---\n\nLater.\n")
    (site / "_includes").mkdir()
    (site / "_includes" / "note.html").write_text("<aside>{{ include.text }}</aside>\n")
    (site / "_layouts").mkdir()
    (site / "_layouts" / "post.html").write_text("{{ content }}\n")
    (site / "_plugins").mkdir()
    (site / "_plugins" / "x.rb").write_text("# a Ruby plugin\n")
    (site / "unrelated").mkdir()
    (site / "unrelated" / "notes.txt").write_text("not used by any post\n")
    (site / "_config.yml").write_text(
        "title: Lil'Log\nurl: https://example.org\nbaseurl: ''\npermalink: /:year/:month/:day/:title/\n"
        "plugins:\n  - jekyll-feed\n"
    )
    return site


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


@pytest.mark.skipif(not (CORPUS / "expected.json").is_file(), reason=f"the Jekyll corpus is not at {CORPUS}")
def test_import_copies_posts_drafts_includes_and_used_assets_and_reports_the_rest(tmp_path):
    site = jekyll_site(tmp_path)
    content = tmp_path / "project" / "content"
    content.mkdir(parents=True)
    (tmp_path / "project" / "pelicanconf.py").write_text("# untouched\n")
    before_site, before_conf = digest(site), (tmp_path / "project" / "pelicanconf.py").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "tools.import_jekyll", str(site), "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert sorted(p.name for p in (content / "_posts").iterdir()) == sorted(
        p.name for p in (CORPUS / "posts").iterdir()
    )
    assert (content / "_drafts" / "an-idea.md").is_file() and (content / "_includes" / "note.html").is_file()
    assert (content / "assets" / "images" / "GAN.png").is_file() and (content / "assets" / "rl" / "pong.gif").is_file()
    assert (content / "_config.yml").is_file()
    assert not (content / "_layouts").exists() and not (content / "_plugins").exists()
    assert not (content / "unrelated").exists()  # no post points there
    assert "_posts/ (6 files)" in out and "_layouts/" in out and "_plugins/" in out and "jekyll-feed" in out
    assert "title: Lil'Log" in out and "ARTICLE_URL {date:%Y}/{date:%m}/{date:%d}/{slug}/" in out
    # Nothing outside content/ changed, the Jekyll site included.
    assert digest(site) == before_site and (tmp_path / "project" / "pelicanconf.py").read_text() == before_conf
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["content", "pelicanconf.py"]
    # A second run copies nothing and overwrites nothing.
    (content / "_posts" / "2016-05-31-rl.markdown").write_text("edited here\n")
    again = subprocess.run(
        [sys.executable, "-m", "tools.import_jekyll", str(site), "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Carried over: 0 files copied" in again.stdout and "_posts/2016-05-31-rl.markdown" in again.stdout
    assert (content / "_posts" / "2016-05-31-rl.markdown").read_text() == "edited here\n"


def test_a_folder_that_is_not_a_jekyll_site_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tools.import_jekyll", str(tmp_path), "--content", str(tmp_path / "c")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "not a Jekyll site" in result.stderr
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    "permalink, url",
    [
        ("/:year/:month/:day/:title/", "{date:%Y}/{date:%m}/{date:%d}/{slug}/"),
        ("pretty", "{jekyll_categories_dir}{date:%Y}/{date:%m}/{date:%d}/{slug}/"),
        ("none", "{jekyll_categories_dir}{slug}.html"),
        ("ordinal", "{jekyll_categories_dir}{date:%Y}/{date:%j}/{slug}.html"),
        ("/:categories/:title", "{jekyll_categories_dir}{slug}/"),
        ("/blog/:title:output_ext", "blog/{slug}.html"),
    ],
)
def test_permalinks_become_article_urls(permalink, url):
    assert article_url(permalink)[0] == url


def test_config_title_and_permalink_become_pelican_settings(tmp_path):
    (tmp_path / "_config.yml").write_text("title: Old Blog\npermalink: /:year/:title.html\n")
    assert pelican_settings(tmp_path / "_config.yml") == {
        "SITENAME": "Old Blog",
        "ARTICLE_URL": "{date:%Y}/{slug}.html",
        "ARTICLE_SAVE_AS": "{date:%Y}/{slug}.html",
    }


def test_a_malformed_config_names_the_file(tmp_path):
    (tmp_path / "_config.yml").write_text("title: [unclosed\n")
    with pytest.raises(ValueError, match=r"_config\.yml:1: malformed YAML"):
        pelican_settings(tmp_path / "_config.yml")


# ----------------------------------------------------------------------------- a small Jekyll site of our own

MATHJAX2_HEAD = r"""<head>
<script type="text/x-mathjax-config">
  MathJax.Hub.Config({
    tex2jax: { inlineMath: [ ['$','$'], ["\\(","\\)"] ], processEscapes: true },
    TeX: { equationNumbers: { autoNumber: "AMS" }, Macros: { RR: "\\mathbb{R}", pair: ["(#1,#2)", 2] } }
  });
</script>
<script async src="https://cdn.example.org/ajax/libs/mathjax/2.7.5/MathJax.js?config=TeX-AMS_HTML"></script>
<link rel="stylesheet" href="{{ '/assets/css/main.css' | relative_url }}">
</head>
"""
MATHJAX3_INCLUDE = r"""<script>
  window.MathJax = {
    tex: {
      tags: 'all',                       // number every display
      inlineMath: [['$', '$'], ['\\(', '\\)']],
      macros: { E: '\\mathbb{E}', norm: ['\\lVert #1 \\rVert', 1], opt: ['#1_{#2}', 2, 'x'] },
    },
    startup: { ready() { MathJax.startup.defaultReady(); } },
  };
</script>
<script id="MathJax-script" async src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>
"""
HIDDEN_MACROS = r"""<div style="display:none">
$
% sets
\newcommand{\calF}{\mathcal{F}}
\newcommand\inner[2]{\langle #1, #2 \rangle}
\def\half{\frac{1}{2}}
\DeclareMathOperator*{\argmin}{arg\,min}
\DeclareMathOperator{\tr}{tr}
$
</div>
"""
POST = """---
title: A post
bibliography: a.bib
image: /assets/img/card.png
---

![a figure]({{ site.baseurl }}/assets/img/a.png)

{% include figure.html path="assets/img/b.png" caption="50% done" %}

<iframe src="{{ 'assets/html/plot.html' | relative_url }}"></iframe>

![elsewhere](https://example.org/far.png) and <img src="http://example.com/near.jpg">

![gone](/assets/img/missing.png) and the [blog index](/blog/).

As {% cite smith2020 %} showed. {% twitter https://twitter.com/x/status/1 %}
"""


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return root


def small_site(root: Path, **extra) -> Path:
    """Posts (Markdown, an .html post in a subfolder, a draft), includes, a layout, theme files,
    site pages, collections, the assets a post points at and some no post points at."""
    png = b"\x89PNG\r\n\x1a\n"
    files = {
        "_config.yml": "title:\t'Tabbed'\nbaseurl: /old\nplugins:\n  - jekyll-scholar\n  - jekyll-feed\n",
        "_posts/2020-01-01-a.md": POST,
        "_posts/notebooks/2020-01-02-b.html": "---\ntitle: B\n---\n<p>An exported notebook $x$.</p>\n",
        "_drafts/idea.md": "---\ntitle: Idea\n---\nLater.\n",
        "_includes/head.html": MATHJAX2_HEAD,
        "_includes/figure.html": '<figure><img src="{{ include.path | relative_url }}"></figure>\n',
        "_includes/macros.html": HIDDEN_MACROS,
        "_layouts/post.html": "{% include head.html %}{% if page.use_macro %}{% include macros.html %}{% endif %}"
        "{{ content }}\n",
        "_sass/main.scss": "a { color: red }\n",
        "_pages/about.md": "---\nlayout: page\ntitle: About\n---\nMe.\n",
        "_projects/p.md": "---\ntitle: P\n---\n",
        "blog/index.html": "---\nlayout: default\npagination:\n  enabled: true\n---\n{% for p in paginator.posts %}\n",
        "menu/about.md": "---\nlayout: page\n---\nAbout.\n",
        "index.md": "---\nlayout: home\n---\n",
        "assets/css/main.css": "body {}\n",
        "assets/js/theme.js": "// theme\n",
        "assets/img/a.png": png,
        "assets/img/b.png": png,
        "assets/img/card.png": png,
        "assets/img/unused.png": png,
        "assets/html/plot.html": '<script src="plot_files/plotly.js"></script><div id="p"></div>\n',
        "assets/html/plot_files/plotly.js": "// plotly\n",
        "assets/bibliography/a.bib": "@article{smith2020, title={T}, year={2020}}\n",
    }
    return write(root / "site", {**files, **extra})


def run_import(site: Path, content: Path) -> tuple[str, Report]:
    report = import_site(site, content)
    out = io.StringIO()
    report.print(out)
    return out.getvalue(), report


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_posts_and_the_files_they_point_at_are_carried_over_and_no_theme_file(tmp_path):
    content = tmp_path / "content"
    run_import(small_site(tmp_path), content)
    assert files_under(content) == {
        "_config.yml",
        "_posts/2020-01-01-a.md",
        "_posts/notebooks/2020-01-02-b.html",
        "_drafts/idea.md",
        "_includes/head.html",
        "_includes/figure.html",
        "_includes/macros.html",
        "assets/img/a.png",  # {{ site.baseurl }}/assets/…
        "assets/img/b.png",  # an include's parameter
        "assets/img/card.png",  # front matter
        "assets/html/plot.html",  # an embedded figure, with the file it loads
        "assets/html/plot_files/plotly.js",
        "assets/bibliography/a.bib",  # bibliography: a.bib
    }


def test_site_pages_collections_and_theme_files_are_left_behind_and_reported_once(tmp_path):
    out, report = run_import(small_site(tmp_path), tmp_path / "content")
    left = "\n".join(report.skipped)
    for text in (
        "_layouts/",
        "_sass/",
        "_pages/ (1 file)",
        "_projects/ (1 file)",
        "blog/index.html (1 link from posts)",
    ):
        assert text in left
    assert "menu/about.md" in left and "index.md" in left
    assert "assets/css/ (1 file)" in left and "assets/js/ (1 file)" in left and "assets/img/ (1 file)" in left
    assert out.count("blog/index.html") == 1 and out.count("_pages/") == 1
    sections = ["Carried over:", "Maths settings and macros found", "Not carried over:", "Needs your attention:"]
    assert [out.index(s) for s in sections] == sorted(out.index(s) for s in sections)


def katex_block(content: Path) -> dict | None:
    return yaml.load((content / "_config.yml").read_text(), Loader=yaml.SafeLoader).get("katex")


def test_a_mathjax2_head_include_gives_the_settings_and_they_reach_pelican(tmp_path):
    content = tmp_path / "content"
    out, _ = run_import(small_site(tmp_path, **{"_layouts/post.html": "{% include head.html %}"}), content)
    assert katex_block(content) == {
        "mathjax": 2,
        "numbering": "ams",
        "single_dollar": True,
        "environments": True,
        "macros": {"RR": r"\mathbb{R}", "pair": ["(#1,#2)", 2]},
    }
    assert "config: _includes/head.html:3" in out and "TeX.equationNumbers.autoNumber: 'AMS'" in out
    settings = pelican_settings(content / "_config.yml")
    assert settings["MATH_COMPAT"] == 2 and settings["MATH_NUMBERING"] == "ams"
    assert settings["MATH_SINGLE_DOLLAR"] is True and settings["MATH_ENVIRONMENTS"] is True
    assert settings["KATEX_MACROS"] == {"RR": r"\mathbb{R}", "pair": ["(#1,#2)", 2]}


def test_a_mathjax3_include_with_macros_tags_and_a_function(tmp_path):
    site = small_site(
        tmp_path, **{"_includes/head.html": MATHJAX3_INCLUDE, "_layouts/post.html": "{% include head.html %}"}
    )
    out, report = run_import(site, tmp_path / "content")
    assert katex_block(tmp_path / "content") == {
        "mathjax": 3,
        "numbering": "all",
        "single_dollar": True,
        "environments": True,
        "macros": {"E": r"\mathbb{E}", "norm": [r"\lVert #1 \rVert", 1], "opt": ["#1_{#2}", 2]},
    }
    assert "startup.ready is not data" in out and "optional argument's default is dropped" in out


def test_hidden_macros_are_applied_site_wide_and_the_report_names_the_include_and_condition(tmp_path):
    content = tmp_path / "content"
    out, _ = run_import(small_site(tmp_path), content)
    macros = katex_block(content)["macros"]
    assert macros["calF"] == r"\mathcal{F}" and macros["inner"] == [r"\langle #1, #2 \rangle", 2]
    assert macros["half"] == r"\frac{1}{2}" and macros["argmin"] == r"\operatorname*{arg\,min}"
    assert macros["tr"] == r"\operatorname{tr}" and macros["RR"] == r"\mathbb{R}"  # with the config's
    line = next(x for x in out.splitlines() if "_includes/macros.html" in x)
    assert "5 from _includes/macros.html" in line and "page.use_macro" in line and "site-wide" in line


def test_a_site_without_mathjax_gets_no_katex_block_and_a_katex_site_no_mathjax(tmp_path):
    plain = {"_includes/head.html": "<head></head>", "_includes/macros.html": "<p>Hi</p>"}
    content = tmp_path / "plain"
    out, _ = run_import(small_site(tmp_path / "a", **plain), content)
    assert katex_block(content) is None and "no MathJax config found" in out
    auto_render = (
        '<script src="/assets/katex/katex.min.js"></script><script src="/assets/katex/auto-render.min.js"></script>'
        "<script>renderMathInElement(document.body, {delimiters: [{left: '$', right: '$', display: false}],"
        " macros: {'\\\\R': '\\\\mathbb{R}'}});</script>"
    )
    content = tmp_path / "katex"
    run_import(small_site(tmp_path / "b", **{**plain, "_includes/head.html": auto_render}), content)
    assert katex_block(content) == {"single_dollar": True, "macros": {"R": r"\mathbb{R}"}}


def test_a_config_under_a_site_condition_that_is_false_is_not_read(tmp_path):
    head = "{% if site.math %}" + MATHJAX2_HEAD + "{% endif %}"
    files = {"_includes/head.html": head, "_includes/macros.html": "<p>x</p>", "_config.yml": "math: false\n"}
    content = tmp_path / "content"
    out, _ = run_import(small_site(tmp_path, **files), content)
    assert katex_block(content) is None and "a condition _config.yml makes false" in out


def test_a_tabbed_config_is_written_so_pyyaml_reads_it_as_ruby_does(tmp_path):
    source = "title:\t\t 'Tabbed'\nnav:\n  - a\t# first\nnote: a\tb\nlist: [1,\t2]\n"
    content = tmp_path / "content"
    run_import(small_site(tmp_path, **{"_config.yml": source}), content)
    written = (content / "_config.yml").read_text()
    ruby = yaml.load(source, Loader=yaml.CSafeLoader)  # libyaml, as Ruby's YAML
    assert ruby == {"title": "Tabbed", "nav": ["a"], "note": "a\tb", "list": [1, 2]}
    assert {k: v for k, v in yaml.load(written, Loader=yaml.SafeLoader).items() if k != "katex"} == ruby
    with pytest.raises(yaml.YAMLError):
        yaml.load(source, Loader=yaml.SafeLoader)  # what PyYAML's own scanner makes of the source


def test_a_tab_in_the_indentation_is_one_error_naming_the_line(tmp_path):
    (tmp_path / "_config.yml").write_text("title: x\nnav:\n\t- a\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:3: malformed YAML .*a tab: YAML indents with spaces"):
        read_config(tmp_path / "_config.yml")


def test_images_on_other_hosts_missing_files_unknown_tags_and_plugins_are_listed(tmp_path):
    out, report = run_import(small_site(tmp_path), tmp_path / "content")
    attention = report.attention
    missing = next(v for k, v in attention.items() if k.startswith("missing"))
    assert missing == ["_posts/2020-01-01-a.md:15: /assets/img/missing.png"]
    images = next(v for k, v in attention.items() if k.startswith("images on other hosts"))
    assert images == [
        "_posts/2020-01-01-a.md:13: https://example.org/far.png",
        "_posts/2020-01-01-a.md:13: http://example.com/near.jpg",
    ]
    tags = "\n".join(next(v for k, v in attention.items() if k.startswith("Liquid tags")))
    assert "{% cite %} (jekyll-scholar), line 17" in tags
    assert "plugins: jekyll-scholar" in out and "plugins: jekyll-feed: the theme writes its own Atom feed" in out


def test_a_second_import_copies_nothing_and_keeps_what_was_edited(tmp_path):
    site, content = small_site(tmp_path), tmp_path / "content"
    run_import(site, content)
    (content / "_config.yml").write_text("title: mine\n")
    out, report = run_import(site, content)
    assert report.copied == [] and report.kept == ["_config.yml"]
    assert (content / "_config.yml").read_text() == "title: mine\n" and "add this katex: block to it by hand" in out


# ----------------------------------------------------------------------------- the pieces


@pytest.mark.parametrize(
    "tex, macros",
    [
        (r"\newcommand{\R}{\mathbb{R}}", {"R": r"\mathbb{R}"}),
        (r"\newcommand\x[2]{#1+#2} % a comment", {"x": ["#1+#2", 2]}),
        (r"\renewcommand*{\a}[1][y]{a_{#1}}", {"a": ["a_{#1}", 1]}),
        (r"\def\L#1{\mathcal{#1}} \gdef\k{\kappa}", {"L": [r"\mathcal{#1}", 1], "k": r"\kappa"}),
        (r"\DeclareMathOperator*{\argmax}{arg\,max}", {"argmax": r"\operatorname*{arg\,max}"}),
        (r"\DeclareMathOperator\tr{tr}", {"tr": r"\operatorname{tr}"}),
        (r"\let\eps=\varepsilon \newcommand{\set}[1]{\{ #1 \}}", {"eps": r"\varepsilon", "set": [r"\{ #1 \}", 1]}),
    ],
)
def test_tex_definitions_are_read(tex, macros):
    assert read_definitions(tex)[0] == macros


@pytest.mark.parametrize(
    "text",
    ["<p>$x + y$</p>", r"$\newcommand{\R}{\mathbb{R}}$ and words", "<script>var a = 1;</script>", "{{ page.x }}"],
)
def test_an_include_that_is_not_only_definitions_is_no_macro_block(text):
    assert hidden_macro_block(text) is None


def test_a_katex_block_that_config_cannot_use_names_its_line(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("title: x\nkatex:\n  mathjax: 3\n  numbering: some\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:4: katex: numbering 'some'"):
        pelican_settings(config)
    config.write_text("katex:\n  macros:\n    R: \\mathbb{R}\n  single-dollar: true\n")
    with pytest.raises(ConfigError, match=r"_config\.yml:4: katex: unknown setting 'single-dollar'"):
        pelican_settings(config)
    config.write_text("katex:\n  macros:\n    '\\R': '\\mathbb{R}'\n    f: ['#1', 1]\n")
    assert pelican_settings(config)["KATEX_MACROS"] == {"R": r"\mathbb{R}", "f": ["#1", 1]}


def test_a_link_out_of_the_site_is_not_copied(tmp_path):
    secret = write(tmp_path / "elsewhere", {"secret.png": b"\x89PNG"}) / "secret.png"
    site = small_site(tmp_path)
    (site / "assets" / "img" / "a.png").unlink()
    (site / "assets" / "img" / "a.png").symlink_to(secret)
    run_import(site, tmp_path / "content")
    assert not (tmp_path / "content" / "assets" / "img" / "a.png").exists()
