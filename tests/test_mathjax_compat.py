"""Posts from a MathJax site (MATH_COMPAT): MathJax's TeX is translated for KaTeX, and what KaTeX
cannot draw MathJax 3 draws at build time, in KaTeX's structure; what MathJax refuses too is shown
as MathJax shows an error, with a warning. The site's own posts (no MATH_COMPAT) stay strict."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican.settings import read_settings

from plugins import build_state
from plugins.jekyll.reader import JekyllMarkdownReader, SourceError
from plugins.katex import render as katex_render
from plugins.katex.page import note_mathjax
from tests.conftest import ROOT, open_page, run_build, serving, write_settings

MACROS = {"veta": r"\boldsymbol{\eta}", "ab": "ab", "R": r"\mathbb{R}"}


@pytest.fixture(scope="module")
def compat(tmp_path_factory):
    """A MathJax 3 site's renderer: compat() is a new page of it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SITE_BUILD_CACHE", str(tmp_path_factory.mktemp("cache")))
        r = katex_render.Renderer(compat=3, macros=MACROS)
        yield lambda: katex_render.PageRenderer(r)
        r.close()


def mathml(html: str) -> str:
    return re.search(r"<semantics>(.*)<annotation", html).group(1)


def test_require_does_nothing_and_draws_nothing(compat):
    page = compat()
    assert page(r"\require{cancel}", False) == "" and page.last.definitions_only
    assert "cancel" in page(r"\require{cancel}\cancel{x}", False)


def test_declare_math_operator_defines_an_operator_for_the_page(compat):
    page = compat()
    assert page(r"\DeclareMathOperator{\tr}{tr}\DeclareMathOperator*{\am}{arg\,max}", False) == ""
    assert '<mi mathvariant="normal">tr</mi><mo>\u2061</mo><mi>A</mi>' in mathml(page(r"\tr A", False))
    assert "<munder>" in mathml(page(r"\am_x f", True))  # the starred one takes limits
    assert not page.last.mathjax
    other = compat()
    other(r"\tr A", False)  # another page: MathJax shows what it does not know, in red
    assert other.last.warning == r"Undefined control sequence \tr"


def test_newcommand_redefines_and_renewcommand_defines_as_in_mathjax(compat):
    page = compat()
    page(r"\newcommand{\c}{C}\renewcommand{\zz}[1][z]{#1Z}", False)  # \c is KaTeX's cedilla
    assert "<mi>C</mi><mi>z</mi><mi>Z</mi><mi>y</mi><mi>Z</mi>" in mathml(page(r"\c\zz\zz[y]", False))
    page(r"{\newcommand{\inner}{I}}", False)  # global, whatever the braces, as in MathJax
    assert "<mi>I</mi>" in mathml(page(r"\inner", False))


def test_definecolor_names_map_to_css_colours(compat):
    page = compat()
    page(r"\definecolor{one}{RGB}{76,114,176}\definecolor{two}{rgb}{0,0.5,1}", False)
    page(r"\definecolor{three}{HTML}{AA00cc}\definecolor{four}{gray}{0.5}", False)
    drawn = page(r"\textcolor{one}{a}\textcolor{two}{b}{\color{three}c}\colorbox{four}{d}\textcolor{Apricot}{e}", False)
    colours = re.findall(r"mathcolor=\"([^\"]*)\"|mathbackground=\"([^\"]*)\"", drawn)
    assert [a or b for a, b in colours] == ["#4c72b0", "#007fff", "#AA00cc", "#7f7f7f", "#FBB982"]
    # a name CSS would ignore: what the browser then shows (the text's colour, no box colour)
    drawn = page(r"\textcolor{nope1}{a}\colorbox{nope2}{b}\color[rgb]{1,0,0}c", False)
    assert "color:currentColor" in drawn and "background-color:transparent" in drawn
    assert "color:#ff0000" in drawn
    assert "#4c72b0" not in compat()(r"\textcolor{one}{a}", False)  # the page's own names are the page's


def test_mhchem_draws_chemistry(compat):
    drawn = compat()(r"\ce{H2O} \pu{1 mol}", False)
    assert '<mi mathvariant="normal">H</mi>' in mathml(drawn) and "mol" in drawn


def test_a_command_with_arguments_after_a_script_is_the_script_with_them(compat):
    page = compat()
    assert '<msub><mi>x</mi><mi mathvariant="bold-italic">η</mi></msub>' in mathml(page(r"x_\veta", False))
    assert "<msub><mi>x</mi><mfrac><mn>1</mn><mn>2</mn></mfrac></msub>" in mathml(page(r"x_\frac12", False))
    assert "<msup><mi>x</mi><mroot><mn>2</mn><mn>3</mn></mroot></msup>" in mathml(page(r"x^\sqrt[3]{2}", False))
    # a macro that expands to two atoms: the first is the script, as in MathJax (and TeX)
    assert "<msub><mi>x</mi><mi>a</mi></msub><mi>b</mi>" in mathml(page(r"x_\ab", False))
    assert not page.last.mathjax


def test_what_katex_cannot_draw_mathjax_draws_in_katexs_structure(compat):
    page = compat()
    page(r"\def\q{Q}", False)
    tex = r"\begin{eqnarray} a &=& \q \end{eqnarray}"
    drawn = page(tex, True, r"\begin{eqnarray} a &=& \q \label{e}\end{eqnarray}", line=4)
    assert page.last.mathjax and page.mathjax_formulas == [(4, tex, True)]
    head = '<span class="katex-display"><span class="katex"><span class="katex-mathml">'
    assert drawn.startswith(head + '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><semantics><mrow>')
    given = r"\begin{eqnarray} a &amp;=&amp; \q \label{e}\end{eqnarray}"  # the annotation given, escaped
    tail = '</semantics></math></span><span class="katex-html" aria-hidden="true"><svg'
    assert f'<annotation encoding="application/x-tex">{given}</annotation>{tail}' in drawn
    assert drawn.endswith("</svg></span></span></span>")
    assert "<mi>Q</mi>" in mathml(drawn)  # the page's definition, made before MathJax was needed
    assert " id=" not in drawn and "<use" not in drawn  # nothing that repeats across pages
    assert 'fill="currentColor"' in drawn  # light and dark alike
    assert page.facts()["katex_font_chars"] == {}
    inline = page(r"\enclose{circle}{x}", False)
    assert inline.startswith('<span class="katex"><span class="katex-mathml">') and "display: inline" in inline


def test_physics_is_there_once_the_page_requires_it(compat):
    page = compat()
    page(r"\dv{f}{x}", False)
    assert page.last.warning == r"Undefined control sequence \dv"
    page(r"\require{physics}", False)
    drawn = page(r"\dv{f}{x}", False)
    assert page.last.mathjax and page.last.warning is None and "<mfrac>" in mathml(drawn)
    other = compat()
    other(r"\dv{f}{x}", False)
    assert other.last.warning == r"Undefined control sequence \dv"  # another page has no physics


def test_a_formula_mathjax_refuses_too_is_shown_as_mathjax_shows_it_with_a_warning(compat):
    page = compat()
    drawn = page(r"\frac{1}{", False, line=7)
    assert '<merror data-mjx-error="Missing close brace">' in drawn and 'fill="yellow"' in drawn
    assert page.warnings == [(7, r"MathJax cannot draw this formula either (Missing close brace): '\\frac{1}{'")]


def test_a_mathjax_2_site_shows_a_refused_formula_as_its_source(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path))
    r = katex_render.Renderer(compat=2)
    try:
        page = katex_render.PageRenderer(r)
        drawn = page(r"\frac{1}{", False)
        assert r"<merror" in drawn and r"<mtext>\frac{1}{</mtext>" in drawn  # noErrors: the TeX, not the message
        assert page.last.warning == "Missing close brace"
    finally:
        r.close()


def test_display_environments_and_tags_in_inline_maths_are_drawn_inline_as_mathjax_does(compat):
    page = compat()
    drawn = page(r"\begin{equation} x \tag{5} \end{equation}", False)
    assert page.last.mathjax and page.last.warning is None
    assert not drawn.startswith('<span class="katex-display">') and "display: inline" in drawn
    assert "<mtext>(5)</mtext>" in mathml(drawn)  # the environment's own tag is shown, as MathJax shows it
    drawn = page(r"x \tag{5}", False)  # a top-level tag in inline maths: MathJax drops it
    assert page.last.mathjax and page.last.warning is None and "(5)" not in mathml(drawn)
    page(r"\begin{multline} a \\ b \end{multline}", True)
    assert page.last.mathjax and page.last.warning is None


def test_a_command_mathjax_lacks_too_is_shown_in_red_with_a_warning(compat):
    page = compat()
    assert '<mtext mathcolor="red">\\*</mtext>' in mathml(page(r"p^\*", False, line=3))
    assert page.warnings == [(3, r"MathJax cannot draw this formula either (Undefined control sequence \*): 'p^\\*'")]


def test_what_mathjax_would_draw_with_an_authors_link_or_style_is_refused(compat):
    for tex in (
        r"\mmlToken{mi}[href='https://e.org/']{x}",
        r"\bbox[border:1px solid red]{x}",
        r"\href{https://e.org}{x}",
    ):
        with pytest.raises(katex_render.KaTeXRefused, match="not allowed in a post"):
            compat()(tex, False)
    page = compat()
    page(r"\class{x}{y}", False)  # MathJax's html extension is not loaded
    assert page.last.warning == r"Undefined control sequence \class"


def test_a_cached_formula_of_a_mathjax_site_is_keyed_by_mathjaxs_version(monkeypatch):
    before = katex_render.Renderer(compat=3)._key_prefix
    strict = katex_render.Renderer()._key_prefix
    monkeypatch.setattr(katex_render, "mathjax_version", lambda: "9.9.9")
    assert katex_render.Renderer(compat=3)._key_prefix != before  # another MathJax draws them anew
    assert katex_render.Renderer()._key_prefix == strict  # the site's own posts: KaTeX alone


def test_the_sites_own_posts_stay_strict(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path))
    r = katex_render.Renderer()
    try:
        for tex in (r"\begin{eqnarray} a \end{eqnarray}", r"\DeclareMathOperator{\tr}{tr}", r"\ce{H2O}", r"x_\sqrt{2}"):
            with pytest.raises(katex_render.KaTeXError, match="KaTeX parse error"):
                katex_render.PageRenderer(r)(tex, True)
    finally:
        r.close()


POST = "---\ntitle: A post\n---\n\nSome $x$ text.\n\n$$\\begin{{eqnarray}} a &=& b \\end{{eqnarray}}$$\n\n{}\n"


@pytest.fixture
def read(tmp_path, monkeypatch):
    """Read a post as a build with these settings would."""
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))

    def read_(text: str, **settings):
        site = read_settings(str(ROOT / "pelicanconf.py"), override=settings)
        katex_render.check_settings(SimpleNamespace(settings=site))
        path = tmp_path / "2026-01-02-a-post.md"
        path.write_text(text)
        return path, JekyllMarkdownReader(site).read(str(path))

    yield read_
    build_state.close_any()


def test_a_post_from_a_mathjax_site_builds_with_a_warning_and_a_note(read, caplog):
    path, (content, metadata) = read(POST.format(r"Broken $x^1^2$ maths."), MATH_COMPAT=3)
    assert content.count("<svg") == 2 and "Double exponent" in content
    assert len(metadata["mathjax_formulas"]) == 2 and all(p.startswith(str(path)) for p in metadata["mathjax_formulas"])
    assert len(metadata["author_warnings"]) == 1 and "Double exponent" in metadata["author_warnings"][0]
    with caplog.at_level("WARNING", logger="plugins.author"):
        note_mathjax([SimpleNamespace(articles=[SimpleNamespace(metadata=metadata)])])
    assert caplog.messages == [
        f"2 formula(s) drawn by MathJax, which KaTeX cannot draw: {', '.join(metadata['mathjax_formulas'])}"
    ]


def test_the_sites_macros_setting_reaches_every_formula_of_a_post(read):
    text = "---\ntitle: A post\n---\n\n$$\\R^n$$\n\nAnd $x \\in \\R$.\n"
    _, (content, _) = read(text, KATEX_MACROS={"R": r"\mathbb{R}"})
    assert content.count('<mi mathvariant="double-struck">R</mi>') == 2


def test_a_formula_that_only_defines_is_hidden_in_the_page_with_its_tex(read):
    """As MathJax's page keeps an empty element for it: nothing shown or read aloud, the TeX kept."""
    text = (
        "---\ntitle: A post\n---\n\n$$\\DeclareMathOperator*{\\am}{arg\\,max}$$\n"
        "$$\\newcommand{\\vv}{v}$$\n\n$$\\def\\ww{w}$$\n\nSo $\\am_x \\vv\\ww$.\n"
    )
    _, (content, _) = read(text, MATH_COMPAT=3)
    hidden = re.findall(r'<span class="(katex-display )?math-definitions" hidden>(.*?)</span></span>', content)
    assert [display for display, _ in hidden] == ["", "", "katex-display "]  # kramdown's inline, inline, display
    tex = [re.search(r'x-tex">(.*?)</annotation>', maths).group(1) for _, maths in hidden]
    assert tex == [r"\DeclareMathOperator*{\am}{arg\,max}", r"\newcommand{\vv}{v}", r"\def\ww{w}"]
    assert '<msub><mrow><mi mathvariant="normal">arg\u2009max</mi>' in content  # the definitions hold
    assert "<mi>v</mi><mi>w</mi>" in content


def test_the_same_post_fails_on_the_sites_own_posts_naming_file_line_and_formula(read, tmp_path):
    with pytest.raises(SourceError, match=r"2026-01-02-a-post.md:7: invalid LaTeX .*No such environment: eqnarray"):
        read(POST.format(""))


# The browser: a MathJax-drawn formula on a real page.

BROWSER_POST = """---
title: MathJax maths
---

Inline $x + \\enclose{circle}{y}$ in a sentence, and a display:

$$\\begin{eqnarray} a &=& b + \\frac{c}{d} \\end{eqnarray}$$
"""


@pytest.fixture(scope="module")
def mathjax_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mathjax-site")
    (folder / "content" / "posts").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "extra", folder / "content" / "extra")  # the favicon
    (folder / "content" / "posts" / "2026-01-02-mathjax.md").write_text(BROWSER_POST)
    result = run_build(write_settings(folder, folder / "content", MATH_COMPAT=3), folder / "output")
    assert result.returncode == 0, result.stderr
    assert "note: 2 formula(s) drawn by MathJax" in result.stderr
    return folder / "output"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_mathjax_formula_is_visible_sized_like_the_text_and_coloured_like_it(browser, mathjax_site, scheme):
    with serving(mathjax_site) as url:
        context, page, watch = open_page(browser, url, scheme=scheme)
        try:
            page.goto(url + "/2026/01/02/mathjax/", wait_until="load")
            drawn = page.evaluate(
                """[...document.querySelectorAll('.katex-html > svg')].map(svg => {
                    const box = svg.getBoundingClientRect(), p = svg.closest('p, .katex-display');
                    return {w: box.width, h: box.height, font: parseFloat(getComputedStyle(p).fontSize),
                            colour: getComputedStyle(svg).color, text: getComputedStyle(p).color,
                            display: !!svg.closest('.katex-display'),
                            hidden: svg.closest('[aria-hidden=true]') !== null};
                })"""
            )
            assert watch.problems == [], watch.problems  # CSP violations and console errors included
        finally:
            context.close()
    assert [d["display"] for d in drawn] == [False, True]
    for d in drawn:
        assert d["hidden"] and d["colour"] == d["text"]
        assert 0.9 * d["font"] < d["h"] < 4 * d["font"] and d["w"] > d["font"], d
