"""Numbered display equations: `\\label{key}` numbers an equation, `\\eqref{key}` links to it.

KaTeX knows `\\tag` but not `\\label`/`\\eqref`, so they are resolved here, at
build time, before KaTeX sees the formula: labelled display equations are
numbered 1, 2, … in order (an explicit `\\tag{…}` keeps its own text), the label
becomes a `\\tag`, and the equation's box gets the id `eq-key`. A reference that
is a whole formula or stands in prose (`\\eqref{key}`) becomes a link "(n)";
inside a larger formula it becomes the plain text "(n)". (That is MATH_NUMBERING's
default, `katex`; MathJax's numbering is plugins/markdown/equation_numbers.py's.)

A reference to a label no equation has fails the build (`UnknownLabel`), unless the
caller passes `warn`: then, as MathJax shows it, it reads "(???)" and `warn(message)`
is called. A label whose equation has no number (None in `numbers`) reads "(???)" too,
with a warning.
"""

from __future__ import annotations

import html
import re

LABEL = re.compile(r"\\label\{([^{}]+)\}")
TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
REF = re.compile(r"\\(eq)?ref\{([^{}]+)\}")
WHOLE_REF = re.compile(r"\s*\\(eq)?ref\{([^{}]+)\}\s*")


def anchor(key: str) -> str:
    return "eq-" + re.sub(r"[^\w-]+", "-", key).strip("-").lower()


class LabelError(ValueError):
    """A label used twice, or twice in one formula; `index` is the formula's position."""

    def __init__(self, index: int, message: str):
        self.index = index
        super().__init__(message)


def number_labels(display_formulas: list[str], duplicate=None) -> dict[str, str]:
    """key → the number (or explicit tag) its equation shows, in document order. A label
    used twice is a LabelError, unless `duplicate(index, key)` is given: the first one counts."""
    numbers, counter = {}, 0
    for index, latex in enumerate(display_formulas):
        labels = LABEL.findall(latex)
        if len(labels) > 1:
            raise LabelError(index, f"one display formula has {len(labels)} labels ({', '.join(labels)}); keep one")
        if not labels:
            continue
        m = LABEL.search(latex)
        if m.group(1) in numbers:
            if duplicate is None:
                raise LabelError(index, f"\\label{{{m.group(1)}}} is used by two equations")
            duplicate(index, m.group(1))
            continue
        tag = TAG.search(latex)
        if tag:
            numbers[m.group(1)] = tag.group(1)
        else:
            counter += 1
            numbers[m.group(1)] = str(counter)
    return numbers


def prepare_display(latex: str, numbers: dict[str, str], warn=None) -> tuple[str, str | None]:
    """(LaTeX for KaTeX, the box's id) for a display formula."""
    m = LABEL.search(latex)
    if not m:
        return resolve_inside(latex, numbers, warn), None
    latex = LABEL.sub("", latex)
    if not TAG.search(latex):
        latex += rf" \tag{{{numbers[m.group(1)]}}}"
    return resolve_inside(latex, numbers, warn), anchor(m.group(1))


def resolve_inside(latex: str, numbers: dict[str, str | None], warn=None) -> str:
    """References inside a formula become plain numbers (KaTeX cannot link without `trust`)."""

    def text(m: re.Match) -> str:
        n = lookup(m.group(2), numbers, warn)
        return rf"\text{{({n})}}" if m.group(1) else rf"\text{{{n}}}"

    return REF.sub(text, latex)


class UnknownLabel(KeyError):
    """An \\eqref or \\ref to a label no equation of the page has: the author's to fix."""


UNKNOWN = "???"  # what MathJax shows for a reference it cannot resolve


def lookup(key: str, numbers: dict[str, str | None], warn=None) -> str:
    if key not in numbers:
        known = ", ".join(sorted(numbers)) or "none"
        if warn is None:
            raise UnknownLabel(f"no equation has \\label{{{key}}} (labels: {known})")
        warn(f"no equation has \\label{{{key}}} (labels: {known}); the reference shows (???), as MathJax showed it")
        return UNKNOWN
    if numbers[key] is None:
        if warn is not None:
            warn(
                f"\\label{{{key}}} is on an equation without a number; the reference shows (???), as MathJax showed it"
            )
        return UNKNOWN
    return numbers[key]


def link(latex: str, numbers: dict[str, str | None], warn=None) -> str | None:
    """HTML link if the formula is only a reference (`$\\eqref{key}$`), else None; a reference
    that shows (???) is text, linking nowhere."""
    m = WHOLE_REF.fullmatch(latex)
    if not m:
        return None
    number = lookup(m.group(2), numbers, warn)
    n = html.escape(number)
    label = f"({n})" if m.group(1) else n
    if number is UNKNOWN:
        return f'<span class="eqref">{label}</span>'
    return f'<a class="eqref" href="#{anchor(m.group(2))}">{label}</a>'
