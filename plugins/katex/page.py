"""One page's maths: its formulas drawn in page order, the page's definitions carried from one to the next.

The Markdown step (plugins/markdown/kramdown_math.py) calls a `PageRenderer` (its contract
is in plugins/katex/render.py's docstring); the reader stores `facts()` in the page's
metadata, the formulas MathJax drew (`mathjax_formulas`, as file:line: `note_mathjax` lists
them in one build note) and MathJax's refusals among the post's warnings.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from plugins import build_state
from plugins.katex.formula import Formula, changed
from plugins.katex.process import KaTeXError
from plugins.markdown.kramdown_math import SHOWN


@dataclass(frozen=True)
class Drawn:
    """What the page renderer drew for the formula it was given last."""

    html: str  # the element KaTeX (or MathJax) made, even for a formula that only defines
    definitions_only: bool  # it defines (macros, colours) and draws nothing: the page shows no element
    mathjax: bool  # drawn by MathJax (MATH_COMPAT: KaTeX cannot draw it)
    warning: str | None  # MathJax refused it too: its message (the page shows MathJax's error)


class PageRenderer:
    """The renderer one page's Markdown conversion uses (plugins/markdown/kramdown_math.py calls it):
    draws the page's formulas in order, in batches, and records which classes and fonts they use,
    which formulas MathJax drew and what it refused."""

    def __init__(self, renderer):  # the build's plugins/katex/render.Renderer
        self.renderer = renderer
        self.max_tex_bytes = self.renderer.max_bytes  # plugins/markdown/kramdown_math.py refuses longer formulas
        self.classes: set[str] = set()
        self.fonts: dict[str, set[str]] = {}
        self.done = renderer.cursor()  # after the formulas drawn so far
        self.plan: deque = deque()  # (item, result) rendered ahead by prerender, in page order
        self.end = self.done.copy()  # after the plan
        self.last: Drawn | None = None
        self.mathjax_formulas: list[tuple[int | None, str, bool]] = []  # (line, latex, display)
        self.warnings: list[tuple[int | None, str]] = []  # (line in the Markdown, message)

    def prerender(self, items: list[tuple]) -> None:
        """The formulas the page will ask for next, in the order it will: (latex, display) or
        (latex, display, annotation). Drawn now, in one batch; a call that differs from the plan
        is drawn on its own (and when the definitions differ, the rest of the plan is dropped)."""
        wanted = [(item[0], bool(item[1]), item[2] if len(item) > 2 else None) for item in items]
        self.plan.extend(zip(wanted, self.renderer.run(self.end, wanted), strict=False))

    def __call__(self, latex: str, display: bool, annotation: str | None = None, *, line: int | None = None) -> str:
        """The formula's HTML ("" for one that only defines); see render.py's docstring."""
        item = (latex, bool(display), annotation)
        if self.plan and self.plan[0][0] == item:
            result = self.plan.popleft()[1]
        else:
            if self.plan and changed(self.plan.popleft()[1]):
                self.plan.clear()  # the plan's later formulas were drawn with its definitions
            result = self.renderer.run(self.done.copy(), [item])[0]
            if changed(result):
                self.plan.clear()
        self.done.advance(item, result)
        if not self.plan:
            self.end = self.done.copy()
        if isinstance(result, KaTeXError):
            raise result
        return self.record(result, item, line)

    def record(self, formula: Formula, item: tuple, line: int | None) -> str:
        latex, display, annotation = item
        self.last = Drawn(formula.html, formula.empty, formula.mathjax, formula.warning)
        if formula.mathjax:
            self.mathjax_formulas.append((line, latex, display))
        if formula.warning:
            tex = (annotation if annotation is not None else latex).strip()
            tex = tex if len(tex) <= SHOWN else tex[:SHOWN] + "…"
            self.warnings.append((line, f"MathJax cannot draw this formula either ({formula.warning}): {tex!r}"))
        if formula.empty:
            return ""
        self.classes |= formula.classes
        for font, chars in formula.fonts.items():
            self.fonts.setdefault(font, set()).update(chars)
        return formula.html

    def facts(self) -> dict:
        """Metadata for the page: KaTeX classes and characters per font of its formulas."""
        return {
            "katex_classes": sorted(self.classes),
            "katex_font_chars": {font: "".join(sorted(chars)) for font, chars in sorted(self.fonts.items())},
        }


def note_mathjax(generators) -> None:
    """One build note listing (file:line) every formula MathJax drew, KaTeX cannot (MATH_COMPAT)."""
    from plugins.jekyll.front_matter import build_note  # the reader's package imports this one

    places = [
        p for content in build_state.contents_of(generators) for p in content.metadata.get("mathjax_formulas") or ()
    ]
    if places:
        build_note(f"{len(places)} formula(s) drawn by MathJax, which KaTeX cannot draw: {', '.join(places)}")
