"""The Markdown step's side of a notebook: each marker line becomes the HTML of its code cell and outputs.

A preprocessor that runs right after Markdown's whitespace step (so before the figure tag,
the maths and every block parser) swaps each marker line plugins/notebooks/convert.py wrote
for one stashed placeholder holding the HTML, one line for one line, so later errors keep
their lines. A LaTeX output is drawn here by the page's KaTeX renderer; an invalid formula
is a `MathError` at the marker's line, as one in a Markdown cell would be.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from plugins.markdown.kramdown_math import FormulaRefused, MathError, Renderer, RendererCrash, is_latex_error
from plugins.notebooks.outputs import Latex


class NotebookPartsPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, parts: dict[str, list], render: Renderer):
        super().__init__(md)
        self.parts, self.render = parts, render

    def run(self, lines: list[str]) -> list[str]:
        out = []
        for number, line in enumerate(lines, start=1):
            pieces = self.parts.get(line)
            out.append(line if pieces is None else self.md.htmlStash.store(self.html(pieces, number)))
        return out

    def html(self, pieces: list, line: int) -> str:
        return "".join(self.formula(p.tex, line) if isinstance(p, Latex) else p.html for p in pieces)

    def formula(self, latex: str, line: int) -> str:
        try:
            return f'<div class="notebook-output math-display">{self.render(latex, True)}</div>'
        except Exception as err:  # the renderer's own error type varies
            if is_latex_error(err):
                raise MathError(line, latex, f"invalid LaTeX ({err})") from err
            if isinstance(err, FormulaRefused):
                raise MathError(line, latex, str(err)) from err
            raise RendererCrash(line, latex, err) from err


class NotebookPartsExtension(Extension):
    def __init__(self, parts: dict[str, list], render: Renderer):
        super().__init__()
        self.parts, self.render = parts, render

    def extendMarkdown(self, md: Markdown) -> None:
        # 29.9: after normalize_whitespace (30), which would strip the stash's markers, before
        # kramdown's blocks (29.8), the figure tag (29.5) and the maths (29).
        md.preprocessors.register(NotebookPartsPreprocessor(md, self.parts, self.render), "notebook_parts", 29.9)
