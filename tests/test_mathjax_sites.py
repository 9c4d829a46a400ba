"""Maths in posts from a MathJax site (MATH_COMPAT and the other MATH_* settings), found and
numbered as kramdown and the site's MathJax showed them: plain markdown.markdown with the
extension and a fake renderer that records the TeX it is given and the annotation asked for."""

from __future__ import annotations

import html
import re
import time

import markdown
import pytest

from plugins.markdown.kramdown_math import KramdownMathExtension, MathError, MathOptions

SITE = MathOptions(compat=3, single_dollar=True, environments=True, numbering="none")


class Fake:
    """A renderer in KaTeX's shape: `katex-display` for display maths, the TeX drawn as text."""

    def __init__(self):
        self.calls: list[tuple[str, bool, str | None]] = []

    def __call__(self, latex: str, display: bool, annotation: str | None = None) -> str:
        self.calls.append((latex, display, annotation))
        outer = "katex-display" if display else "katex"
        return f'<span class="{outer}">[{html.escape(latex)}]</span>'

    @property
    def tex(self) -> list[str]:
        """What the reader's annotation holds: the annotation asked for, else the TeX drawn."""
        return [a if a is not None else t for t, _, a in self.calls]

    @property
    def kinds(self) -> str:
        return "".join("d" if d else "i" for _, d, _ in self.calls)


def convert(text: str, options: MathOptions = SITE, **changes) -> tuple[str, Fake, list]:
    if changes:
        options = MathOptions(**{**options.__dict__, **changes})
    render = Fake()
    md = markdown.Markdown(extensions=[KramdownMathExtension(render, options), "md_in_html"])
    md.author_warnings = []
    return md.convert(text), render, md.author_warnings


# Single dollars -------------------------------------------------------------------------------


def test_single_dollars_are_text_where_the_site_had_them_off():
    for options in (SITE, MathOptions()):
        out, render, _ = convert("Costs $5 and $x$ here.", options, single_dollar=False)
        assert render.calls == [] and "Costs $5 and $x$ here." in out


def test_single_dollar_maths_is_what_mathjax_saw_after_kramdowns_escapes():
    _, render, _ = convert(r"Let $p^\*$, $\left\\{ a\_1 \| b \right\\}$ and $c\\\\d$ be.")
    assert render.tex == ["p^*", r"\left\{ a_1 | b \right\}", r"c\\d"]
    assert render.kinds == "iii"


def test_mathjax_single_dollars_allow_spaces_and_close_outside_braces():
    _, render, _ = convert("A $ y $ and $a {$} b$ here.")
    assert render.tex == [" y ", "a {$} b"]


def test_an_unclosed_dollar_is_text_and_a_formula_ends_with_its_paragraph():
    out, render, _ = convert("It costs $5 today\n\nand $6 tomorrow.")
    assert render.calls == [] and "$5 today" in out and "$6 tomorrow" in out


def test_a_dollar_escaped_for_mathjax_is_a_dollar_in_and_out_of_maths():
    out, render, _ = convert(r"Pay \\$5 for $\\$1$ each.")
    assert render.tex == [r"\$1"] and "Pay $5 for" in out


def test_a_dollar_escaped_for_kramdown_is_a_dollar_where_single_dollars_are_off():
    out, render, _ = convert(r"Costs \$5, or \$6.", single_dollar=False)
    assert render.calls == [] and "Costs $5, or $6." in out


def test_kramdowns_typographic_symbols_and_line_breaks_are_what_mathjax_saw():
    _, render, _ = convert("Sets $\\\\{1, ..., n\\\\}$ and $\\{a\\}$.\n\n\\begin{equation}\na \\\\\n\\end{equation}")
    assert render.tex[:2] == [r"\{1, …, n\}", "{a}"]  # `\\{` is `\{` to MathJax, `\{` is `{`
    assert render.tex[2] == "\\begin{equation}\na  \n\\end{equation}"  # `\\` ending a line: a <br>


# Bare environments ----------------------------------------------------------------------------


def test_a_lone_bare_environment_is_a_display_block_with_kramdowns_escapes_undone():
    out, render, _ = convert("Text\n\n\\begin{align}\na &= b \\\\\\ c_1 &= d\n\\end{align}\n\nMore")
    assert render.tex == ["\\begin{align}\na &= b \\\\ c_1 &= d\n\\end{align}"] and render.kinds == "d"
    assert '<div class="math-display"><span class="katex-display">' in out


def test_a_bare_environment_inside_a_sentence_is_display_maths_in_the_paragraph():
    out, render, _ = convert("So \\begin{equation} x \\end{equation} holds.")
    assert render.kinds == "d" and '<p>So <span class="katex-display">' in out


def test_bare_environments_are_text_unless_the_site_processed_them():
    out, render, _ = convert("\\begin{equation} x \\end{equation}", environments=False)
    assert render.calls == [] and "\\begin{equation}" in out


def test_a_bare_environment_in_one_of_our_own_posts_when_asked():
    _, render, _ = convert("\\begin{equation}\nx\n\\end{equation}", MathOptions(environments=True))
    assert render.tex == ["\\begin{equation}\nx\n\\end{equation}"] and render.kinds == "d"


def test_a_label_in_a_bare_environment_is_seen_by_eqref():
    out, _, warnings = convert(
        "\\begin{equation}\nx \\label{eq:x}\n\\end{equation}\n\nSee \\eqref{eq:x}.", numbering="ams"
    )
    assert '<a class="eqref" href="#eq-eq-x">(1)</a>' in out and 'id="eq-eq-x"' in out and warnings == []


# Blockquotes and raw HTML ---------------------------------------------------------------------


@pytest.mark.parametrize("options", [SITE, MathOptions()])
def test_double_dollars_alone_in_a_quote_are_display_without_the_quote_markers(options):
    out, render, _ = convert("> Quote\n>\n> $$\n> x = 1\n>  + y\n> $$\n>\n> after", options)
    assert render.kinds == "d" and ">" not in render.tex[0] and render.tex[0].split() == ["x", "=", "1", "+", "y"]
    assert "<blockquote>" in out and '<div class="math-display">' in out


def test_a_formula_across_quote_lines_inside_a_sentence_stays_inline_without_markers():
    _, render, _ = convert("> We have\n>$$\\begin{equation}\n>P\n>\\end{equation} $$\n> where")
    assert render.kinds == "i" and ">" not in render.tex[0] and render.tex[0].split()[1] == "P"


def test_maths_in_raw_html_is_found_as_mathjax_found_it():
    text = '<div class="box">\nSo:\n<p>$$ d \\leq \\tau $$ and \\(a &lt; b\\)</p>\n</div>\n\nafter $$x$$'
    out, render, _ = convert(text, single_dollar=False)
    assert render.tex == [" d \\leq \\tau ", "a < b", "x"] and render.kinds == "dii"
    assert '<div class="box">' in out and '<p><span class="katex-display">' in out


def test_markdown_inside_a_raw_element_is_kramdowns_again():
    text = '<details>\n<summary>More</summary>\n<div markdown="1">\nIt is $$y$$ and \\\\(z\\\\).\n</div>\n</details>'
    _, render, _ = convert(text, single_dollar=False)
    assert render.tex == ["y", "z"] and render.kinds == "ii"


def test_an_unknown_element_inside_a_sentence_is_raw_to_kramdown():
    _, render, _ = convert("Text<d-footnote>with \\(x_1\\) and $$y$$</d-footnote> more $$z$$.")
    assert render.tex == ["x_1", "y", "z"] and render.kinds == "idi"


def test_indented_lines_of_an_html_block_are_html_not_code():
    text = '<div class="row">\n    <div>\n        <img src="a.png" />\n\n    </div>\n</div>\n\nSo $$x$$ here.'
    _, render, _ = convert(text)
    assert render.tex == ["x"] and render.kinds == "i"  # the </div> closed the block


def test_an_element_in_indented_code_is_code():
    out, render, _ = convert("Text\n\n    <d-note>$$y$$</d-note>\n\nand $$z$$.")
    assert render.tex == ["z"] and "$$y$$" in out


def test_with_parse_block_html_a_divs_content_is_kramdowns():
    text = "<div>\nSo $$y$$ here.\n</div>"
    assert convert(text, parse_block_html=False)[1].kinds == "d"  # raw HTML: MathJax's $$, display
    assert convert(text, parse_block_html=True)[1].kinds == "i"  # Markdown: kramdown's $$ in a sentence


def test_parse_block_html_comes_from_the_jekyll_config(tmp_path):
    from plugins.jekyll.config import pelican_settings

    config = tmp_path / "_config.yml"
    config.write_text("kramdown:\n  input: GFM\n  parse_block_html: true\n")
    assert MathOptions.from_settings(pelican_settings(config)).parse_block_html
    config.write_text("kramdown:\n  input: GFM\n")
    assert not MathOptions.from_settings(pelican_settings(config)).parse_block_html


def test_kramdowns_span_rule_for_double_dollars():
    out, render, _ = convert("Across $$a\nb$$ lines, empty $$$$, odd $$ left.\n\nNext.")
    assert render.tex == ["a\nb", ""] and "odd $$ left." in out


def test_an_unpaired_double_dollar_fails_in_our_own_posts():
    with pytest.raises(MathError, match="unterminated"):
        convert("odd $$ left.\n\nNext.", MathOptions())


# Display environments and \tag in inline maths -------------------------------------------------


def test_a_display_environment_in_inline_maths_stays_inline_drawn_as_katex_can():
    _, render, _ = convert(r"so $$\begin{align} a &= b \\ c &= d \end{align}$$ holds", numbering="none")
    (latex, display, annotation) = render.calls[0]
    assert not display and latex == r"\begin{aligned} a &= b \\ c &= d \end{aligned}"
    assert annotation == r"\begin{align} a &= b \\ c &= d \end{align}"


def test_a_tag_in_inline_maths_is_dropped_and_kept_in_the_annotation():
    _, render, _ = convert(
        r"see $$x \tag{2}$$ and $$\begin{equation}\begin{split}a&=b\end{split}\tag{5}\end{equation}$$"
    )
    assert render.calls[0] == ("x ", False, r"x \tag{2}")
    assert render.calls[1][0] == r"\begin{gathered}\begin{aligned}a&=b\end{aligned} \qquad\text{(5)}\end{gathered}"


def test_inline_environments_are_drawn_inline_with_katexs_own_numbering_too():
    _, render, _ = convert(r"so $$\begin{equation} x \tag{2} \end{equation}$$ and $$y \tag{3}$$", numbering="katex")
    assert [(t, a) for t, _, a in render.calls] == [
        (r"\begin{gathered} x   \qquad\text{(2)}\end{gathered}", r"\begin{equation} x \tag{2} \end{equation}"),
        ("y ", r"y \tag{3}"),
    ]


# Numbering and references ---------------------------------------------------------------------


NUMBERED = (
    "$$\\begin{align} a &= b \\label{r1} \\\\ c &= d \\nonumber \\\\ e &= f \\label{r3} \\\\ \\end{align}$$\n\n$$z$$"
)


@pytest.mark.parametrize(
    ("numbering", "tags", "last"),
    [("none", [], "z"), ("ams", ["1", "2"], "z"), ("all", ["1", "2"], r"z \tag{3}")],
)
def test_katex_draws_numbered_environments_starred_with_the_numbers_counted_here(numbering, tags, last):
    _, render, _ = convert(NUMBERED, numbering=numbering)
    first = render.calls[0][0]
    assert first.startswith(r"\begin{align*}") and first.endswith(r"\end{align*}") and r"\label" not in first
    assert re.findall(r"\\tag\{(\w+)\}", first) == tags  # no row for the trailing \\, none for \nonumber
    assert render.calls[1][0] == last
    assert render.calls[0][2] == NUMBERED.split("\n")[0][2:-2]  # the annotation: the author's TeX


def test_eqref_links_to_a_rows_number():
    out, _, warnings = convert(NUMBERED + "\n\nSee \\eqref{r3} and $\\ref{r1}$.", numbering="ams")
    assert '<a class="eqref" href="#eq-r3">(2)</a>' in out and '<a class="eqref" href="#eq-r1">1</a>' in out
    assert 'id="eq-r1"' in out and 'id="eq-r3"' in out and warnings == []


def test_eqref_to_an_unnumbered_or_unknown_label_shows_question_marks_and_warns_with_its_line():
    out, render, warnings = convert("$$x \\label{a}$$\n\nSee \\eqref{a}, \\eqref{nope} and $y + \\eqref{nope}$.")
    assert out.count('<span class="eqref">(???)</span>') == 2 and render.calls[1][0] == r"y + \text{(???)}"
    assert [line for line, _ in warnings] == [3, 3, 3]
    assert "without a number" in warnings[0][1] and "no equation has \\label{nope}" in warnings[1][1]


def test_an_author_tag_is_kept_and_referenced_with_no_numbering():
    out, render, _ = convert("\\begin{equation} y \\tag{1} \\label{eq:y}\\end{equation}\n\nSee \\eqref{eq:y}.")
    assert render.calls[0][0] == r"\begin{equation*} y \tag{1} \end{equation*}"
    assert '<a class="eqref" href="#eq-eq-y">(1)</a>' in out


def test_a_label_used_twice_warns_on_a_mathjax_site_and_fails_in_our_own_posts():
    text = "$$a \\tag{1} \\label{k}$$\n\n$$b \\tag{2} \\label{k}$$\n\n\\eqref{k}"
    out, _, warnings = convert(text)
    assert '<a class="eqref" href="#eq-k">(1)</a>' in out and warnings == [(3, warnings[0][1])]
    assert "used by two equations" in warnings[0][1]
    for numbering in ("ams", "katex"):
        with pytest.raises(MathError, match="used by two equations"):
            convert(text, MathOptions(numbering=numbering))


def test_an_unknown_reference_fails_in_our_own_posts_whatever_the_numbering():
    for numbering in ("katex", "none", "ams"):
        with pytest.raises(MathError, match="no equation has"):
            convert("$$x$$\n\nSee \\eqref{nope}.", MathOptions(numbering=numbering))


# Settings and size ----------------------------------------------------------------------------


def test_the_options_come_from_the_settings_and_default_to_our_own_posts():
    assert MathOptions.from_settings({}) == MathOptions()
    got = MathOptions.from_settings(
        {"MATH_SINGLE_DOLLAR": False, "MATH_ENVIRONMENTS": True, "MATH_NUMBERING": "ams", "MATH_COMPAT": 2}
    )
    assert got == MathOptions(single_dollar=False, environments=True, numbering="ams", compat=2)
    with pytest.raises(ValueError, match="MATH_NUMBERING"):
        MathOptions.from_settings({"MATH_NUMBERING": "AMS-ish"})


@pytest.mark.parametrize("unit", ["${ ", "\\begin{x}{ ", "\\\\( "])
def test_a_paragraph_of_unclosed_delimiters_takes_about_linear_time(unit):
    def seconds(n: int) -> float:
        start = time.perf_counter()
        convert(unit * n)
        return time.perf_counter() - start

    seconds(500)  # warm up
    small, large = seconds(5_000), seconds(20_000)
    assert large < 8 * small + 0.1, (small, large)  # 4× the text: about 4× the time (16× is quadratic)


def test_an_html_posts_equations_follow_the_sites_numbering_and_references_warn():
    from plugins.markdown.html_math import MathOptions as Delimiters
    from plugins.markdown.html_math import render_html_maths

    render, warnings = Fake(), []
    page = "<p>$$\\begin{align} a \\label{k} \\end{align}$$</p>\n<p>See \\eqref{k} and \\eqref{nope}.</p>"
    out = render_html_maths(page, render, Delimiters(), SITE, lambda *w: warnings.append(w))
    assert render.calls[0][0] == r"\begin{align*} a  \end{align*}"  # MathJax's 'none': no number
    assert out.count('<span class="eqref">(???)</span>') == 2 and [line for line, _ in warnings] == [2, 2]


def test_a_renderer_that_takes_no_annotation_gets_the_authors_tex_put_in_its_annotation():
    def render(latex: str, display: bool) -> str:  # KaTeX's shape, annotated with what it drew
        return f'<span class="katex"><annotation encoding="application/x-tex">{html.escape(latex)}</annotation></span>'

    md = markdown.Markdown(extensions=[KramdownMathExtension(render, SITE)])
    out = md.convert("$$\\begin{align} a &< b \\end{align}$$")
    assert '<annotation encoding="application/x-tex">\\begin{align} a &amp;&lt; b \\end{align}</annotation>' in out
