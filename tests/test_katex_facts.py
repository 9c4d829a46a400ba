"""The KaTeX facts the renderer records per formula give exactly what a whole-page scan found.

The oracle below is an independent reading: BeautifulSoup over each finished page,
walking KaTeX's HTML with its CSS (too slow for a build: 0.7 s a post). These tests use
it to prove the facts node records give the same font preloads, the same font subsets
and the same cut-down KaTeX CSS, on the SwiGLU post and on the real Jekyll posts of
../shared/jekyll-corpus.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from plugins import build_state
from plugins.katex import render as katex_render
from plugins.katex.assets import pruned_css
from plugins.katex.fonts import BASE_FONT, katex_css_model
from tools.blog_fixture import CORPUS, make_blog


def oracle_font_usage(html: str) -> dict[str, set[str]]:
    """For each KaTeX woff2 file, the characters a page draws with it, by walking the HTML."""
    if "katex-html" not in html:
        return {}
    rules, faces = katex_css_model()
    used: dict[tuple, set[str]] = {}

    def walk(element, font):
        for child in element.find_all(recursive=False):
            if child.name == "svg":
                continue
            classes = set(child.get("class", []))
            family, style, weight = font
            for required, changes in rules:
                if required <= classes:
                    family = changes.get("family", family)
                    style = changes.get("style", style)
                    weight = changes.get("weight", weight)
            child_font = (family, style, weight)
            text = "".join(t for t in child.contents if isinstance(t, str)).strip()
            if text:
                used.setdefault(child_font, set()).update(text)
            walk(child, child_font)

    for root in BeautifulSoup(html, "html.parser").select(".katex-html"):
        walk(root, BASE_FONT)
    return {faces[f]: chars for f, chars in used.items() if f in faces}


def oracle_classes(html: str) -> set[str]:
    """Every class used inside the page's formulas, read off its HTML."""
    classes: set[str] = set()
    for element in BeautifulSoup(html, "html.parser").select(".katex-display, .katex, .katex *"):
        classes.update(element.get("class", []))
    return classes


def read_post(path, settings):
    from plugins.jekyll.reader import JekyllMarkdownReader

    return JekyllMarkdownReader(settings).read(str(path))


def formulas_page(name: str) -> tuple[str, dict]:
    """A page of every formula of a corpus post (its TeX as kramdown found it, in
    expected.json), rendered by our renderer: used while our reader cannot read the post."""
    import json

    tex = json.loads((CORPUS.parent / "expected.json").read_text())[name]
    renderer = katex_render.PageRenderer()
    parts = []
    for latex, display in [(t, True) for t in tex["display_tex"]] + [(t, False) for t in tex["inline_tex"]]:
        try:
            html = renderer(latex, display)
        except katex_render.KaTeXError:
            continue  # MathJax-only TeX; the reader reports it, not this test
        parts.append(f'<div class="math-display">{html}</div>' if display else f"<p>x {html} y</p>")
    return "\n".join(parts), renderer.facts()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """(name, HTML, metadata) of the SwiGLU post and of each corpus post, read by our reader."""
    from pelican.settings import read_settings

    from plugins.jekyll.reader import SourceError
    from tests.conftest import ROOT

    corpus = sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".markdown")) if CORPUS.is_dir() else []
    blog = make_blog(tmp_path_factory.mktemp("blog") / "content", 1 + len(corpus))
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(blog.content)})
    out = []
    try:
        for name, post in zip(blog.sources, blog.posts, strict=True):
            try:
                html, metadata = read_post(post, settings)
            except SourceError:
                if post == blog.posts[0]:
                    raise
                html, metadata = formulas_page(name)
            out.append((name, html, metadata))
    finally:
        build_state.close_any()
    return out


@pytest.mark.build
def test_the_corpus_is_there_or_the_test_says_why(pages):
    if not CORPUS.is_dir():
        pytest.skip(f"the Jekyll corpus is absent ({CORPUS}): only the SwiGLU post was compared")
    assert len(pages) >= 7


@pytest.mark.build
def test_each_pages_preloaded_fonts_and_their_characters_match_the_page_scan(pages):
    for name, html, metadata in pages:
        recorded = {font: set(chars) for font, chars in metadata["katex_font_chars"].items()}
        assert recorded == oracle_font_usage(html), name
        assert recorded, f"{name} has formulas, so it needs fonts"


@pytest.mark.build
def test_each_pages_katex_classes_match_the_page_scan(pages):
    for name, html, metadata in pages:
        assert set(metadata["katex_classes"]) == oracle_classes(html), name


@pytest.mark.build
def test_the_cut_down_css_for_the_whole_corpus_is_what_the_scan_gives(pages):
    css = (katex_render.KATEX_PACKAGE / "dist" / "katex.min.css").read_text()
    recorded_classes = set().union(*(m["katex_classes"] for _, _, m in pages))
    recorded_fonts = set().union(*(m["katex_font_chars"] for _, _, m in pages))
    scanned_classes = set().union(*(oracle_classes(html) for _, html, _ in pages))
    scanned_fonts = set().union(*(oracle_font_usage(html) for _, html, _ in pages))
    assert pruned_css(css, recorded_classes, recorded_fonts) == pruned_css(css, scanned_classes, scanned_fonts)


@pytest.mark.build
def test_the_built_sites_css_and_preloads_are_what_a_scan_of_its_pages_gives(site):
    """End to end on the real site: every page's preload tags, and the shipped CSS."""
    classes, fonts = set(), {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_text()
        used = oracle_font_usage(html)
        classes |= oracle_classes(html)
        for font, chars in used.items():
            fonts.setdefault(font, set()).update(chars)
        preloaded = set(re.findall(r'<link rel="preload" href="[^"]*/katex/fonts/([^"]+)"', html))
        if "<article" in html and 'class="katex' in html:
            assert preloaded == set(used), page
    css = (katex_render.KATEX_PACKAGE / "dist" / "katex.min.css").read_text()
    css = re.sub(r',url\([^)]+\) format\("(?:woff|truetype)"\)', "", css)
    shipped = (site / "theme" / "vendor" / "katex" / "katex.min.css").read_text()
    assert shipped == pruned_css(css, classes, set(fonts))
    assert sorted(p.name for p in (site / "theme" / "vendor" / "katex" / "fonts").iterdir()) == sorted(fonts)


@pytest.mark.build
def test_each_pages_reading_counts_match_the_page_scan(pages):
    from plugins.markdown.reading_counts import reading_counts

    for name, html, metadata in pages:
        if "reading_counts" in metadata or name == pages[0][0]:  # not for formulas_page's stand-ins
            assert metadata["reading_counts"] == reading_counts(html), name
            assert metadata["reading_counts"]["formulas"] > 0, name
