"""Equation numbers as the old site's MathJax showed them (MATH_NUMBERING none, ams or all).

The page's formulas are numbered here, in order, and KaTeX is given each numbered
environment starred with an explicit ``\\tag{n}`` on each numbered row, so KaTeX's own
counter never numbers anything and the numbers agree with ``\\eqref``. What is numbered:

- ``none`` (MathJax's default): nothing; an author's ``\\tag{…}`` is shown;
- ``ams``: ``equation``, each row of ``align``, ``gather``, ``eqnarray``, ``alignat``,
  ``flalign``, one number for ``multline`` (and so for ``equation`` holding ``split``);
  starred forms, ``aligned`` and a display without environment: none;
- ``all``: as ams, and every other display formula gets one number.

A row with ``\\nonumber``/``\\notag`` has none; ``\\tag{x}`` replaces its number; a
trailing ``\\\\`` before ``\\end`` adds no row. A ``\\label`` names its row's number (or
tag); a label on a row without one is kept as unnumbered (``\\eqref`` then shows
``(???)``, as MathJax did). Counters run over the page, inline formulas included.

In an inline formula MathJax drops a ``\\tag`` outside environments and draws a display
environment as an inline table; KaTeX refuses both, so `inline_for_katex` rewrites the
environment as ``aligned``/``gathered``/``alignedat`` with each row's number as text.
The annotation (what check tools and copy-as-LaTeX read) keeps the author's TeX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plugins.markdown.equation_refs import LABEL, TAG

NUMBERED = {"equation", "align", "gather", "eqnarray", "alignat", "flalign", "multline", "xalignat", "xxalignat"}
ONE_NUMBER = {"equation", "multline"}
INLINE = {  # display environment → what KaTeX draws inline
    "equation": "gathered",
    "gather": "gathered",
    "multline": "gathered",
    "align": "aligned",
    "flalign": "aligned",
    "eqnarray": "aligned",
    "split": "aligned",
    "alignat": "alignedat",
    "xalignat": "alignedat",
    "xxalignat": "alignedat",
}
TOKEN = re.compile(
    r"\\(?P<which>begin|end)\s*\{(?P<name>[^{}]*)\}|(?P<row>\\\\|\\newline(?![A-Za-z]))|\\.|(?P<open>\{)|(?P<close>\})",
    re.S,
)
NO_NUMBER = re.compile(r"\\(?:nonumber|notag)(?![A-Za-z])")


@dataclass
class Environment:
    """A top-level environment of a formula: its name and where its rows are."""

    name: str
    begin: tuple[int, int]  # the \begin{name} token
    end: tuple[int, int]  # the \end{name} token
    rows: list[tuple[int, int]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.name.rstrip("*")

    @property
    def starred(self) -> bool:
        return self.name.endswith("*")


def environments(tex: str) -> list[Environment]:
    """The environments not inside another one, each with its rows (split on its own `\\\\` or
    `\\newline`, as MathJax splits them)."""
    found, stack, depth = [], [], 0
    for m in TOKEN.finditer(tex):
        if m.group("open"):
            depth += 1
        elif m.group("close"):
            depth = max(0, depth - 1)
        elif m.group("which") == "begin":
            stack.append((m.group("name"), m.span(), depth, [(m.end(), m.end())]))
        elif m.group("which") == "end" and stack:
            name, begin, _, breaks = stack.pop()
            if not stack:
                bounds = [*breaks, (m.start(), m.start())]
                rows = [(bounds[i][1], bounds[i + 1][0]) for i in range(len(bounds) - 1)]
                found.append(Environment(name, begin, m.span(), rows))
        elif m.group("row") and len(stack) == 1 and depth == stack[0][2]:
            stack[0][3].append(m.span())
    for env in found:  # the row after a trailing \\ is no row
        if len(env.rows) > 1 and not tex[slice(*env.rows[-1])].strip():
            env.rows.pop()
    return found


@dataclass
class Row:
    """One numbered place: its span in the formula, its number or tag, its labels."""

    span: tuple[int, int]
    number: str | None  # what \eqref shows inside its parentheses; None: no number
    automatic: bool  # numbered here (KaTeX gets \tag{number}); else the author's \tag or none
    starred_tag: bool = False
    labels: list[str] = field(default_factory=list)


@dataclass
class Formula:
    tex: str
    display: bool
    envs: list[Environment]
    rows: list[Row]  # in order; the envs' rows, or the whole formula as one row


def tag_of(text: str) -> tuple[str | None, bool]:
    m = TAG.search(text)
    return (m.group(1), m.group(0).startswith("\\tag*")) if m else (None, False)


def number_page(formulas: list[tuple[str, bool]], mode: str) -> list[Formula]:
    """Each formula's numbered rows, counting over the page in order."""
    counter, numbered = 0, []

    def row(span, text, automatic_ok, tags_ok=True) -> Row:
        nonlocal counter
        tag, starred = tag_of(text) if tags_ok else (None, False)
        labels = LABEL.findall(text)
        if tag is not None:
            return Row(span, tag, False, starred, labels)
        if automatic_ok and not NO_NUMBER.search(text):
            counter += 1
            return Row(span, str(counter), True, False, labels)
        return Row(span, None, False, False, labels)

    for tex, display in formulas:
        envs = [e for e in environments(tex) if e.base in NUMBERED]
        rows = []
        for env in envs:
            auto = mode in ("ams", "all") and not env.starred
            spans = env.rows if env.base not in ONE_NUMBER else [(env.rows[0][0], env.rows[-1][1])]
            rows += [row(span, tex[slice(*span)], auto) for span in spans]
        if not envs:  # the whole formula: numbered in 'all'; inline, a \tag outside environments is dropped
            rows.append(row((0, len(tex)), tex, display and mode == "all", tags_ok=display))
        numbered.append(Formula(tex, display, envs, rows))
    return numbered


def for_katex(formula: Formula) -> str:
    """The formula as KaTeX should draw it: numbered environments starred, labels and
    \\nonumber gone, an explicit \\tag on each row this module numbered."""
    if not formula.display:
        return inline_for_katex(formula)
    tex, edits = formula.tex, []
    for env in formula.envs:
        if not env.starred:
            edits += [(env.begin, f"\\begin{{{env.name}*}}"), (env.end, f"\\end{{{env.name}*}}")]
    for r in formula.rows:
        edits.append((r.span, clean(tex[slice(*r.span)]) + (f" \\tag{{{r.number}}}" if r.automatic else "")))
    return apply(tex, edits)


def inline_for_katex(formula: Formula) -> str:
    """An inline formula as KaTeX draws it inline: a display environment becomes its inline
    form (every one, nested `split` too), a row's number or tag text after it, a \\tag outside
    environments dropped."""
    tex, edits = formula.tex, []
    for env in formula.envs:
        for r in (r for r in formula.rows if env.begin[1] <= r.span[0] and r.span[1] <= env.end[0]):
            text = TAG.sub("", clean(tex[slice(*r.span)]))
            if r.number is not None:
                text += rf" \qquad\text{{{r.number if r.starred_tag else f'({r.number})'}}}"
            edits.append((r.span, text))
    if not formula.envs:
        edits.append(((0, len(tex)), TAG.sub("", clean(tex))))
    out = apply(tex, edits)
    return TOKEN.sub(lambda m: inline_token(m), out)


def inline_token(m: re.Match) -> str:
    if not m.group("which"):
        return m.group(0)
    name = m.group("name").rstrip("*")
    return f"\\{m.group('which')}{{{INLINE[name]}}}" if name in INLINE else m.group(0)


def clean(text: str) -> str:
    return NO_NUMBER.sub("", LABEL.sub("", text))


def apply(tex: str, edits: list[tuple[tuple[int, int], str]]) -> str:
    """tex with each (span, replacement) made; spans do not overlap."""
    out, pos = [], 0
    for (a, b), new in sorted(edits, key=lambda e: e[0]):
        out += [tex[pos:a], new]
        pos = b
    return "".join(out + [tex[pos:]])
