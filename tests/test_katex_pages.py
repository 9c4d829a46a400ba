"""A page's formulas share their definitions, as in MathJax: a macro defined in one formula holds
for the page's later formulas and never for another page's; the cache keys a formula by the
definitions in force; the site's macros seed every page; the annotation may hold other TeX."""

from __future__ import annotations

import re

import pytest

from plugins.katex import render as katex_render


@pytest.fixture
def renderer(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    made = []

    def make(**settings):
        made.append(katex_render.Renderer(**settings))
        return made[-1]

    yield make
    for r in made:
        r.close()


def mathml(html: str) -> str:
    """The MathML of a formula (what it draws), without its annotation."""
    return re.search(r"<semantics>(.*)<annotation", html).group(1)


def annotation(html: str) -> str:
    return re.search(r'<annotation encoding="application/x-tex">(.*?)</annotation>', html).group(1)


def test_a_definition_holds_for_the_pages_later_formulas_and_never_for_another_page(renderer):
    r = renderer()
    page = katex_render.PageRenderer(r)
    assert page(r"\newcommand{\vv}{v}", True) == ""  # definitions only: no element
    assert page.last.definitions_only and 'class="katex' in page.last.html
    assert "<mi>v</mi>" in mathml(page(r"\vv + 1", False))
    page(r"\def\ww{w}\gdef\uu{u}", False)
    page(r"\renewcommand{\vv}{V}\let\tt\alpha", False)
    assert "<mi>w</mi><mo>+</mo><mi>u</mi><mo>+</mo><mi>V</mi><mi>α</mi>" in mathml(page(r"\ww + \uu + \vv\tt", False))
    assert not page.last.definitions_only
    other = katex_render.PageRenderer(r)
    with pytest.raises(katex_render.KaTeXError, match=r"Undefined control sequence: \\vv"):
        other(r"\vv", False)


def test_a_tag_does_not_carry_to_the_next_formula(renderer):
    page = katex_render.PageRenderer(renderer())
    assert "(9)" in page(r"a \tag{9}", True)
    assert "(9)" not in page(r"\begin{equation*} b \end{equation*}", True)


def test_a_cached_formula_is_never_drawn_with_other_definitions(renderer):
    first = renderer()
    page = katex_render.PageRenderer(first)
    page(r"\def\q{A}", False)
    assert "<mi>A</mi>" in mathml(page(r"\q", False))
    first.close()  # the build ends: its formulas are on disk

    later = renderer()
    page = katex_render.PageRenderer(later)
    page(r"\def\q{B}", False)
    assert "<mi>B</mi>" in mathml(page(r"\q", False))  # the same TeX after other definitions
    with pytest.raises(katex_render.KaTeXError, match="Undefined control sequence"):
        katex_render.PageRenderer(later)(r"\q", False)  # and with none
    page = katex_render.PageRenderer(later)
    page(r"\def\q{A}", False)  # found on disk: node never saw it
    assert later.rendered == 2
    assert "<mi>A</mi><mo>+</mo><mn>1</mn>" in mathml(page(r"\q + 1", False))  # node is given it first
    assert later.rendered == 3


def test_a_batch_drawn_ahead_gives_way_to_what_the_page_asks_for(renderer):
    page = katex_render.PageRenderer(renderer())
    page.prerender([(r"\def\q{A}", False), (r"\q", False), ("x", False)])
    assert page(r"\def\q{B}", False) == ""  # not what was drawn ahead: the batch after it is dropped
    assert "<mi>B</mi>" in mathml(page(r"\q", False))
    page.prerender([("y", False), (r"\q + y", False)])
    assert page("z", False)  # another formula that defines nothing: the batch still holds
    assert "<mi>B</mi>" in mathml(page(r"\q + y", False))


def test_the_sites_macros_seed_every_page_and_may_redefine_katexs_own(renderer):
    r = renderer(macros={"b": r"\mathbf{B}", "pair": [r"(#1,#2)", 2], "opt": ["#1+#2", 2, "0"], "ign": ["I", 1]})
    for _ in range(2):
        page = katex_render.PageRenderer(r)
        assert '<mi mathvariant="bold">B</mi>' in mathml(page(r"\b", False))  # KaTeX's \b is a text accent
        assert '<mi>a</mi><mo separator="true">,</mo><mi>c</mi>' in mathml(page(r"\pair{a}{c}", False))
        assert "<mn>0</mn><mo>+</mo><mi>x</mi><mo>+</mo><mi>y</mi><mo>+</mo><mi>x</mi>" in mathml(
            page(r"\opt{x}+\opt[y]{x}", False)
        )
        assert "<mi>I</mi><mi>k</mi>" in mathml(page(r"\ign{j}k", False))  # an argument it does not use


def test_malformed_site_macros_and_compat_settings_are_refused():
    with pytest.raises(ValueError, match="KATEX_MACROS"):
        katex_render.Renderer(macros={"\\b": "x"})
    with pytest.raises(ValueError, match="KATEX_MACROS"):
        katex_render.Renderer(macros={"b": ["x", "one"]})
    with pytest.raises(ValueError, match="MATH_COMPAT"):
        katex_render.Renderer(compat=4)


def test_the_annotation_holds_the_tex_given_for_it(renderer):
    r = renderer()
    page = katex_render.PageRenderer(r)
    drawn = page(r"x^2 \tag{1}", True, r"x^2 \label{a<b>}")
    assert annotation(drawn) == r"x^2 \label{a&lt;b&gt;}"  # escaped as KaTeX escapes
    assert "(1)" in drawn
    plain = page(r"x^2 \tag{1}", True)
    assert annotation(plain) == r"x^2 \tag{1}"
    assert plain.replace(annotation(plain), "") == drawn.replace(annotation(drawn), "")
    assert len(r.memo) == 2  # part of the key
