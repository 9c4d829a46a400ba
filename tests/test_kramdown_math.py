"""The kramdown maths delimiters, tested with plain markdown.markdown and a fake renderer."""

from __future__ import annotations

import html

import markdown
import pytest

from plugins.markdown.kramdown_math import KramdownMathExtension, MathError, find_math


def fake_render(latex: str, display: bool) -> str:
    kind = "display" if display else "inline"
    return f'<span class="math-{kind}-fake">{html.escape(latex)}</span>'


def md(text: str) -> str:
    return markdown.markdown(text, extensions=[KramdownMathExtension(fake_render), "pymdownx.superfences"])


def formulas(text: str) -> list[tuple[str, bool]]:
    return [(latex, display) for _, _, latex, display in find_math(text) if latex is not None]


def test_double_dollars_alone_in_a_paragraph_are_display_maths():
    assert formulas("Before\n\n$$a+b$$\n\nafter") == [("a+b", True)]


def test_display_maths_may_span_lines():
    text = "Intro\n\n$$\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}$$\n\nOutro"
    out = md(text)
    assert 'class="math-display"' in out
    assert "\\begin{aligned}\na &amp;= b \\\\\nc &amp;= d\n\\end{aligned}" in out


def test_double_dollars_inside_a_sentence_are_inline():
    assert formulas("The value $$x^2$$ grows.") == [("x^2", False)]


def test_double_dollars_on_a_line_of_a_longer_paragraph_are_inline():
    assert formulas("Some words\n$$x^2$$\nmore words") == [("x^2", False)]


def test_kramdown_escaped_parentheses_are_inline():
    assert formulas(r"we know \\(\sigma(x)\\), e.g.") == [(r"\sigma(x)", False)]


def test_escaped_brackets_are_display():
    assert formulas(r"\\[ x = 1 \\]") == [(" x = 1 ", True)]


def test_single_dollars_are_inline():
    assert formulas("Let $x_1$ be") == [("x_1", False)]


@pytest.mark.parametrize(
    "prose",
    ["It costs 5$ today.", "Between $5 and $6 each.", "A $ sign alone", "Pay $ 5 and $ 6", "x$y$"],
)
def test_dollar_amounts_in_prose_stay_text(prose):
    assert formulas(prose) == []
    assert "math-" not in md(prose)


def test_an_escaped_dollar_is_a_literal_dollar():
    out = md(r"Price: \$5 and $x$")
    assert "Price: $5" in out
    assert 'math-inline-fake">x<' in out


@pytest.mark.parametrize("char", ["_", "*", "|", "<", "&"])
def test_markdown_never_touches_maths(char):
    latex = f"a{char}b{char}c"
    out = md(f"Inline \\\\({latex}\\\\) and $${latex}$$ here.\n\n$${latex}$$\n")
    assert out.count(html.escape(latex)) == 3, out


def test_double_dollars_keep_escapes_but_escaped_parentheses_undo_markdown_escapes_as_kramdown_does():
    # kramdown reads `\\(…\\)` as text (karpathy writes `\\(x\_i\\)`), `$$…$$` as maths.
    out = md(r"Inline \\(\sum\_i a\{b\\) and $$a\{b\_c$$ here.")
    assert r"\sum_i a{b<" in out and r"a\{b\_c<" in out


def test_a_double_dollar_block_standing_alone_may_hold_blank_lines():
    text = "Intro\n\n$$\n\\begin{aligned}\na \\\\\n\nb\n\\end{aligned}\n$$\n\nOutro"
    assert formulas(text) == [("\n\\begin{aligned}\na \\\\\n\nb\n\\end{aligned}\n", True)]


@pytest.mark.parametrize(
    "text",
    ["- item $$x$$ here", "*a $$x$$ b*", "| a | $$x$$ |\n|---|---|\n| 1 | 2 |", "Words\n$$x$$"],
)
def test_double_dollars_outside_a_block_of_their_own_are_inline(text):
    assert formulas(text) == [("x", False)]


def test_underscores_do_not_become_emphasis_across_formulas():
    out = md(r"Take \\(w_i\\) and \\(w_j\\) together.")
    assert "<em>" not in out


@pytest.mark.parametrize(
    "code",
    [
        "`$x$` and `\\\\(y\\\\)`",
        "```\n$$x$$\n```",
        "Code:\n\n    $$x$$ and $y$\n    more $z$\n",
        "``a $b$ c``",
    ],
)
def test_code_keeps_its_dollars(code):
    out = md(code)
    assert "math-" not in out


def test_indented_lines_in_a_list_are_not_code():
    assert formulas("- item\n\n    continued $x$ here\n") == [("x", False)]


def test_html_comments_keep_their_maths_unrendered():
    out = md("<!-- \\\\(\\alpha\\\\) -->\n\nText $x$.")
    assert out.count("math-inline-fake") == 1


def test_mermaid_source_is_left_alone():
    out = md('<div class="mermaid">\ngraph LR\n  a["$x$"] --> b\n</div>')
    assert "math-" not in out


def test_unterminated_double_dollars_name_the_line():
    with pytest.raises(MathError) as err:
        find_math("one\n\ntwo $$x + y\n\nthree")
    assert err.value.line == 3
    assert "unterminated" in str(err.value)


def test_render_errors_carry_the_line_and_formula():
    def broken(latex, display):
        raise ValueError("KaTeX parse error")

    with pytest.raises(MathError) as err:
        markdown.markdown("a\n\nb \\\\(\\frac{1\\\\)", extensions=[KramdownMathExtension(broken)])
    assert err.value.line == 3
    assert "\\frac{1" in str(err.value)


@pytest.mark.parametrize(
    "crash", [ConnectionResetError("KaTeX render server went away"), AttributeError("'NoneType' has no 'send'")]
)
def test_a_crashed_renderer_is_not_called_invalid_latex(crash):
    from plugins.markdown.kramdown_math import RendererCrash

    def broken(latex, display):
        raise crash

    with pytest.raises(RendererCrash) as err:
        markdown.markdown("a\n\nb $x^2$", extensions=[KramdownMathExtension(broken)])
    assert err.value.line == 3 and "invalid LaTeX" not in str(err.value)
    assert "not a LaTeX error" in str(err.value) and type(crash).__name__ in str(err.value)
    assert err.value.__cause__ is crash  # the traceback is kept


def test_the_draft_has_four_display_and_nineteen_inline_formulas(draft_text):
    found = formulas(draft_text)
    assert sum(d for _, d in found) == 4
    assert sum(not d for _, d in found) == 19


@pytest.fixture
def draft_text():
    from tests.conftest import ROOT

    return (ROOT / "content/posts/2026-11-26-swiglu-intuition.md").read_text().split("---", 2)[2]


def test_real_katex_renders_html_and_mathml(katex):
    out = katex(r"\frac{1}{2}").html
    assert 'class="katex"' in out and "<math" in out and "katex-error" not in out
    with pytest.raises(Exception, match="Undefined control sequence"):
        katex(r"\notamacro{x}")


def test_labelled_equations_are_numbered_and_referenced_with_links():
    text = (
        "See \\eqref{eq:square} and $\\ref{eq:gate}$.\n\n"
        "$$x^2 = x^2\\sigma(x) + x^2\\sigma(-x) \\label{eq:square}$$\n\n"
        "$$y = 1$$\n\n"
        "$$g(x) \\label{eq:gate}$$\n\n"
        "Inside maths: $a \\eqref{eq:gate}$."
    )
    out = md(text)
    assert '<a class="eqref" href="#eq-eq-square">(1)</a>' in out
    assert '<a class="eqref" href="#eq-eq-gate">2</a>' in out
    assert '<div class="math-display" id="eq-eq-square">' in out and "\\tag{1}" in out
    assert '<div class="math-display" id="eq-eq-gate">' in out and "\\tag{2}" in out
    assert "\\text{(2)}" in out and "\\label" not in out


def test_an_explicit_tag_keeps_its_text():
    out = md("$$e = mc^2 \\tag{E} \\label{emc}$$\n\nsee \\eqref{emc}")
    assert '<a class="eqref" href="#eq-emc">(E)</a>' in out


def test_a_reference_to_an_unknown_label_names_the_line_and_the_labels():
    with pytest.raises(MathError) as err:
        md("$$a \\label{known}$$\n\nSee \\eqref{missing}.")
    assert err.value.line == 3
    assert "missing" in str(err.value) and "known" in str(err.value)


def test_a_stray_backtick_does_not_hide_later_maths():
    assert formulas("Press the ` key.\n\nThen $x^2$ grows.\n\nUse `code` here.") == [("x^2", False)]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("![alt $$z$$](img.png)", 'alt="alt $$z$$"'),
        ("![a $x$ [b] c][ref]\n\n[ref]: img.png", 'alt="a $x$ [b] c"'),
        ('[l](url "t $$w$$")', 'title="t $$w$$"'),
        ("[l](url 't $w$')", 'title="t $w$"'),
        ("[l](http://x.org/$a$b$/)", 'href="http://x.org/$a$b$/"'),
        ('[l][id]\n\n[id]: http://u "t $x$"', 'title="t $x$"'),
        ('<img src="a.png" alt="$x$ and $$y$$">', 'alt="$x$ and $$y$$"'),
        ("<span title='\\\\(x\\\\)'>text</span>", "title='\\\\(x\\\\)'"),
    ],
)
def test_maths_in_an_attribute_stays_as_written_as_kramdown_leaves_it(text, kept):
    out = md(text)
    assert kept in out, out
    assert "math-" not in out


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ('[link $x$ text](url "title $y$")', 1),  # a link's text is parsed, its title is not
        ('<span title="$$x$$">and $y$</span>', 1),  # an element's content is parsed, its attributes are not
        ("![not an image $x$] for want of a URL", 1),
        ("Note.[^1]\n\n[^1]: A footnote with $x$.", 1),
        ("$$a<b$$ and $$c>d$$", 2),  # `<b$$ and $$c>` is no tag
        ("[![alt $x$](i.png) caption $y$](url)", 1),
    ],
)
def test_maths_around_attributes_is_still_maths(text, count):
    assert md(text).count("math-inline-fake") == count, md(text)


def test_finding_the_formulas_of_a_long_page_takes_linear_time():
    import time

    def once(text: str, n: int) -> float:
        start = time.perf_counter()
        assert len(find_math(text)) == 2 * n
        return time.perf_counter() - start

    def seconds(n: int) -> float:  # the fastest of three: a busy machine stalls single runs
        text = "$$x$$ and $y$ " * n
        return min(once(text, n) for _ in range(3))

    seconds(1000)  # warm up
    small, large = seconds(10_000), seconds(40_000)
    assert large < 8 * small + 0.05, (small, large)  # 4× the text: about 4× the time (16× was quadratic)


def test_a_formula_over_the_size_limit_fails_at_once_with_its_line_and_start():
    def never(latex, display):
        raise AssertionError("an over-long formula was sent to the renderer")

    never.max_tex_bytes = 1000
    with pytest.raises(MathError) as err:
        markdown.markdown("a\n\nb $x$ c $$" + "y" * 1001 + "$$", extensions=[KramdownMathExtension(never)])
    assert err.value.line == 3 and "too long" in err.value.reason and "1,001 bytes" in err.value.reason
    assert err.value.latex == "y" * 200 + "…"  # the message quotes its start
    with pytest.raises(MathError, match="65,536"):  # the default limit, 64 KB
        find_math_and_render("$" + "z" * 70_000 + "$")


def find_math_and_render(text: str) -> str:
    return markdown.markdown(text, extensions=[KramdownMathExtension(fake_render)])


def katex_like(latex: str, display: bool) -> str:
    """KaTeX's shape: MathML with the TeX (for screen readers), then the drawing (aria-hidden)."""
    tex = html.escape(latex)
    return (
        '<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>x</mi></mrow>'
        f'<annotation encoding="application/x-tex">{tex}</annotation></semantics></math></span>'
        f'<span class="katex-html" aria-hidden="true"><span class="base"><span class="mord">{tex}</span></span>'
        "</span></span>"
    )


def contents(text: str, render=katex_like) -> list[dict]:
    from plugins.jekyll.reader import flatten_toc
    from plugins.markdown.kramdown_blocks import KramdownBlocksExtension, gfm_slug

    m = markdown.Markdown(
        extensions=[KramdownMathExtension(render), KramdownBlocksExtension(), "toc"],
        extension_configs={"toc": {"slugify": gfm_slug}},
    )
    m.convert(text)
    return flatten_toc(m.toc_tokens)


def test_a_formula_in_a_heading_shows_once_in_the_contents_with_kramdowns_id():
    toc = contents("## Heading $$x^2$$ here\n\n## Plain & *simple*\n\n### \\\\(a_1\\\\) and $b$")
    assert [e["id"] for e in toc] == ["heading-x2-here", "plain--simple", "a_1-and-b"]
    first = toc[0]["name"]
    assert first.startswith('Heading <span class="katex">') and first.endswith("</span> here")
    assert first.count("katex-mathml") == first.count("katex-html") == 1  # one formula, drawn once
    assert first.count("x^2") == 2  # in the MathML's annotation and the fake drawing: nowhere else
    assert toc[1]["name"] == "Plain &amp; simple"  # as Markdown names a heading without maths
    assert toc[2]["name"].count('<span class="katex">') == 2


def test_a_formula_in_the_contents_loses_its_links_and_ids():
    from plugins.markdown.kramdown_math import toc_entry

    token = {"name": "x", "html": 'See <span class="katex"><a href="https://my.site/" id="i">x</a></span>'}
    assert toc_entry(token) == 'See <span class="katex">x</span>'


def test_with_katex_a_headings_formula_is_seen_once_and_read_once_in_the_contents(katex):
    from bs4 import BeautifulSoup

    render = lambda latex, display: katex(latex, display).html  # noqa: E731
    entry = BeautifulSoup(contents("## Heading $$x^2$$ here", render)[0]["name"], "html.parser")
    assert len(entry.select("math")) == 1  # what a screen reader reads (KaTeX's CSS hides it)
    assert entry.select_one(".katex-html")["aria-hidden"] == "true"
    for mathml in entry.select(".katex-mathml"):
        mathml.decompose()
    assert entry.get_text() == "Heading x2 here"  # what the eye sees
