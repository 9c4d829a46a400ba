"""MathJax's equation numbering (none, ams, all), counted in Python: what each row shows.

The expected numbers are MathJax 3.2's own for the same page (its `tags` option)."""

from __future__ import annotations

import pytest

from plugins.markdown.equation_numbers import environments, for_katex, number_page


def shown(formulas: list[tuple[str, bool]], mode: str) -> list[list[str | None]]:
    return [[r.number for r in f.rows] for f in number_page(formulas, mode)]


PAGE = [
    (r"\begin{equation} a \end{equation}", True),
    (r"\begin{align} a&=b\\c&=d\\ \end{align}", True),  # a trailing \\ adds no row
    (r"\begin{align} a&=b \nonumber\\c&=d \notag\\e \end{align}", True),
    (r"\begin{align} a&=b \tag{x}\\c&=d \end{align}", True),
    (r"\begin{align*} a&=b \tag{y}\\c&=d \end{align*}", True),
    (r"\begin{gather} a\\b \end{gather}", True),
    (r"\begin{multline} a\\b \end{multline}", True),  # one number
    (r"\begin{equation}\begin{split} a&=b\\&=c \end{split}\end{equation}", True),  # one number
    (r"\begin{aligned} a&=b\\c&=d \end{aligned}", True),
    ("a = b", True),
    (r"\begin{align} a \newline b \end{align}", True),  # \newline ends a row, as in MathJax
    (r"x \tag{1}", False),  # inline: a \tag outside environments is dropped
    (r"\begin{equation} w \end{equation}", False),  # an inline environment is numbered too
]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "none",
            [[None], [None, None], [None, None, None], ["x", None], ["y", None], [None, None], [None], [None],
             [None], [None], [None, None], [None], [None]],
        ),
        (
            "ams",
            [["1"], ["2", "3"], [None, None, "4"], ["x", "5"], ["y", None], ["6", "7"], ["8"], ["9"],
             [None], [None], ["10", "11"], [None], ["12"]],
        ),
        (
            "all",
            [["1"], ["2", "3"], [None, None, "4"], ["x", "5"], ["y", None], ["6", "7"], ["8"], ["9"],
             ["10"], ["11"], ["12", "13"], [None], ["14"]],
        ),
    ],
)  # fmt: skip
def test_rows_are_numbered_as_mathjax_numbers_them(mode, expected):
    assert shown(PAGE, mode) == expected


def test_labels_belong_to_their_row():
    (formula,) = number_page([(r"\begin{align} a \label{p} \nonumber\\ b \label{q} \end{align}", True)], "ams")
    assert [(r.number, r.labels) for r in formula.rows] == [(None, ["p"]), ("1", ["q"])]


def test_katex_gets_the_starred_environment_and_an_explicit_tag_per_numbered_row():
    (formula,) = number_page(
        [(r"\begin{align} a &= b \label{p} \\ c \nonumber \\ d \tag{z} \\ \end{align}", True)], "ams"
    )
    assert for_katex(formula) == r"\begin{align*} a &= b   \tag{1}\\ c  \\ d \tag{z} \\ \end{align*}"


def test_a_display_without_environment_gets_its_number_at_the_end_in_all_mode():
    (formula,) = number_page([(r"x = 1 \label{x}", True)], "all")
    assert for_katex(formula) == r"x = 1  \tag{1}"


def test_nested_environments_and_braces_do_not_split_rows():
    (env,) = environments(r"\begin{align} \begin{cases} a \\ b \end{cases} \\ {c \\ d} \end{align}")
    assert len(env.rows) == 2


def test_an_inline_environment_becomes_its_inline_form_with_its_numbers_as_text():
    (formula,) = number_page([(r"\begin{gather} a \tag{3} \\ b \label{k} \end{gather}", False)], "ams")
    assert for_katex(formula) == r"\begin{gathered} a   \qquad\text{(3)}\\ b   \qquad\text{(1)}\end{gathered}"
    (formula,) = number_page([(r"\begin{alignat}{2} a &= b \end{alignat}", False)], "none")
    assert for_katex(formula) == r"\begin{alignedat}{2} a &= b \end{alignedat}"


NUMBER_LAYOUT = """[...document.querySelectorAll('.katex-html')].map(h => {
  const box = e => e.getBoundingClientRect();
  const tag = box(h.querySelector(':scope > .katex-tag .mord.text'));
  const bases = [...h.querySelectorAll(':scope > .katex-base')].map(box);
  return {gap: tag.left - Math.max(...bases.map(b => b.right)), centre: (bases[0].left + bases.at(-1).right) / 2,
          column: (box(h).left + box(h).right) / 2, scrolls: h.closest('.math-display').scrollWidth > h.clientWidth};
})"""


@pytest.mark.browser
def test_an_equation_number_never_overlaps_its_formula_at_1280_px(browser, tmp_path):
    """A number follows its formula: a narrow formula stays centred with the number at the right,
    a formula wider than the column pushes the number after it and both scroll in the box."""
    import json
    import subprocess

    from tests.conftest import ROOT

    wide = r"\begin{align*} a &= " + "x_{i} + " * 40 + r"b \tag{1} \\ c &= d \tag{2} \end{align*}"
    script = (
        "const k = require('katex'); console.log(JSON.parse(process.argv[1]).map(t => '<div class=\"math-display\">'"
        " + k.renderToString(t, {displayMode: true}) + '</div>').join(''))"
    )
    formulas = subprocess.run(
        ["node", "-e", script, json.dumps([r"x = 1 \tag{3}", wide])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    css = [ROOT / "node_modules/katex/dist/katex.css", ROOT / "theme/static/css/site.css"]
    links = "".join(f'<link rel="stylesheet" href="{c.as_uri()}">' for c in css)
    page_file = tmp_path / "numbers.html"
    page_file.write_text(f'<!doctype html>{links}<main style="max-width: 42rem; margin: auto">{formulas}</main>')
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    narrow, wide_one = page.evaluate(NUMBER_LAYOUT)
    page.close()
    assert narrow["gap"] > 0 and abs(narrow["centre"] - narrow["column"]) < 1 and not narrow["scrolls"]
    assert wide_one["gap"] > 0 and wide_one["scrolls"]
