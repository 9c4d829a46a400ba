"""Maths delimiters as kramdown readers write them, rendered to HTML by KaTeX.

A Python-Markdown extension. It runs before any other block parsing, so
Markdown never sees the inside of a formula (`_`, `*`, `|`, `<`, `\\{` survive):

- ``$$…$$`` alone in a paragraph (possibly over several lines) is display maths;
- ``$$…$$`` inside a sentence is inline maths (kramdown's rule);
- ``\\\\(…\\\\)`` is inline and ``\\\\[…\\\\]`` display (kramdown needs the doubled
  backslash because Markdown eats one);
- ``$…$`` is inline when it looks like maths: no space inside the delimiters,
  not glued to a word or digit, so ``5$`` and ``$5 and $6`` stay prose;
- ``\\$`` is a literal dollar;
- ``\\label{key}`` numbers a display equation and ``\\eqref{key}`` links to it
  (see plugins/equation_refs.py).

Fenced, indented and inline code, HTML comments and raw ``<pre>``/``<script>``/Mermaid
blocks are left alone. Rendering is delegated to a callable (plugins/katex_render.py's
batched node process in the site build), so the extension is testable on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from plugins import equation_refs

# render(latex, display) -> HTML string; raises on invalid LaTeX.
Renderer = Callable[[str, bool], str]


class MathError(ValueError):
    """A formula that could not be rendered, with its line in the Markdown text given."""

    def __init__(self, line: int, latex: str, reason: str):
        self.line, self.latex, self.reason = line, latex, reason
        super().__init__(f"line {line}: {reason}: {latex.strip()!r}")


class RendererCrash(RuntimeError):
    """The renderer failed for another reason than the formula (node died, a timeout, a bug):
    not the author's fault, so it is reported with its traceback, never as invalid LaTeX."""

    def __init__(self, line: int, latex: str, err: BaseException):
        self.line, self.latex = line, latex
        self.reason = f"the maths renderer failed ({type(err).__name__}: {err}); this is not a LaTeX error"
        super().__init__(f"line {line}: {self.reason}: {latex.strip()!r}")


def is_latex_error(err: BaseException) -> bool:
    """KaTeX's own ParseError (its message starts "KaTeX parse error"): bad LaTeX in the post."""
    return str(err).lstrip().startswith("KaTeX parse error")


# Regions where dollars are text, never maths. Their characters are masked
# before the maths scan so that positions (and so line numbers) stay exact.
PROTECTED = re.compile(
    r"""
      ^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n(?:.*?\n)??[ ]{0,3}(?P=fence)[`~]*[ \t]*$  # fenced code
    | <!--.*?-->                                                     # HTML comment
    | <(?P<raw>pre|script|style|textarea)\b.*?</(?P=raw)\s*>         # raw text elements
    | <div\b[^>]*\bclass="[^"]*\bmermaid\b[^"]*"[^>]*>.*?</div\s*>    # Mermaid source
    | (?<!`)(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)  # inline code (within a paragraph)
    """,
    re.DOTALL | re.MULTILINE | re.VERBOSE,
)

# One alternation, tried left to right; the first delimiter found wins.
MATH = re.compile(
    r"""
      (?P<escaped>\\\$)
    | (?P<prose_ref>\\(?:eq)?ref\{[^{}\n]+\})
    | \$\$(?P<dollars2>(?:[^$\\]|\\.|\$(?!\$))+?)\$\$
    | \\\\\((?P<paren>.+?)\\\\\)
    | \\\\\[(?P<bracket>.+?)\\\\\]
    | (?<![\w\\$])\$(?![\s$])(?P<dollar1>(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?)(?<![\s\\])\$(?![\w$])
    | (?P<unterminated>\$\$|\\\\\(|\\\\\[)
    """,
    re.DOTALL | re.VERBOSE,
)

BLANK_LINE = re.compile(r"\n[ \t]*\n")
# kramdown's escapable characters (kramdown/parser/kramdown/escaped_chars.rb).
MARKDOWN_ESCAPE = re.compile(r"""\\([\\.*_+`<>()\[\]{}#!:|"'$=-])""")


LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d+[.)])[ \t]")


def mask_indented_code(text: str) -> str:
    """Mask indented code blocks: 4+ spaces after a blank line, outside a list."""
    lines, in_code, in_list, previous_blank = text.split("\n"), False, False, True
    for i, line in enumerate(lines):
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        if not blank and not indented:
            in_list = bool(LIST_ITEM.match(line)) or (in_list and not previous_blank)
        if not blank:  # blank lines neither start nor end a code block
            in_code = indented and not in_list and (in_code or previous_blank)
        if in_code and not blank:
            lines[i] = "\0" * len(line)
        previous_blank = blank
    return "\n".join(lines)


def mask_protected(text: str) -> str:
    """Replace protected characters (not newlines) with NUL, keeping positions."""

    def blank(m: re.Match) -> str:
        return re.sub(r"[^\n]", "\0", m.group(0))

    return mask_indented_code(PROTECTED.sub(blank, text))


def alone_in_paragraph(text: str, start: int, end: int) -> bool:
    """True if only whitespace separates [start, end) from blank lines or the text's ends."""
    before = text[:start]
    line_start = before.rfind("\n") + 1
    if before[line_start:].strip():
        return False
    if line_start > 0 and text[: line_start - 1][text[: line_start - 1].rfind("\n") + 1 :].strip():
        return False
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[end:line_end].strip():
        return False
    next_end = text.find("\n", line_end + 1)
    next_line = text[line_end + 1 : len(text) if next_end == -1 else next_end]
    return line_end >= len(text) or not next_line.strip()


def find_math(text: str) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, latex, display) for each formula; latex None means a literal `$`."""
    masked = mask_protected(text)
    found = []
    for m in MATH.finditer(masked):
        line = masked.count("\n", 0, m.start()) + 1
        if m.group("escaped"):
            found.append((m.start(), m.end(), None, False))
            continue
        if m.group("prose_ref"):  # \eqref{key} in a sentence, as MathJax readers write it
            found.append((m.start(), m.end(), m.group("prose_ref"), False))
            continue
        if m.group("unterminated"):
            raise MathError(line, text[m.start() : m.start() + 40], "unterminated maths")
        kind = next(k for k in ("dollars2", "paren", "bracket", "dollar1") if m.group(k))
        latex = text[m.start(kind) : m.end(kind)]
        # kramdown: a `$$` block standing alone is display maths and may hold blank lines;
        # any other `$$…$$` is a span, which cannot cross a paragraph break.
        display = kind == "bracket" or (kind == "dollars2" and alone_in_paragraph(masked, m.start(), m.end()))
        if not display and BLANK_LINE.search(latex):
            raise MathError(line, latex, "unterminated maths (a blank line inside a formula)")
        if kind in ("paren", "bracket"):
            # To kramdown `\\(…\\)` is text, not maths: its Markdown escapes (`\_`, `\*`) are undone.
            latex = MARKDOWN_ESCAPE.sub(r"\1", latex)
        found.append((m.start(), m.end(), latex, display))
    return found


class MathPreprocessor(Preprocessor):
    """Swap each formula for a stashed placeholder holding its rendered HTML."""

    def __init__(self, md: Markdown, render: Renderer):
        super().__init__(md)
        self.render = render

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        out, pos = [], 0
        formulas = find_math(text)
        displays = [(start, latex) for start, _, latex, display in formulas if display]
        try:
            numbers = equation_refs.number_labels([latex for _, latex in displays])
        except equation_refs.LabelError as err:
            start, latex = displays[err.index]
            raise MathError(text.count("\n", 0, start) + 1, latex, str(err)) from err
        prerender = getattr(self.render, "prerender", None)
        if prerender:  # one batch for the page's formulas; render() below then hits its memo
            prerender([(latex, display) for _, _, latex, display in formulas if latex is not None])
        for start, end, latex, display in formulas:
            out.append(text[pos:start])
            pos = end
            if latex is None:
                out.append("$")
                continue
            try:
                out.append(self.md.htmlStash.store(self.formula_html(latex, display, numbers)))
            except equation_refs.UnknownLabel as err:  # a KeyError from a bug is a crash, below
                raise MathError(text.count("\n", 0, start) + 1, latex, err.args[0]) from err
            except Exception as err:  # the renderer's own error type varies
                line = text.count("\n", 0, start) + 1
                if is_latex_error(err):
                    raise MathError(line, latex, f"invalid LaTeX ({err})") from err
                raise RendererCrash(line, latex, err) from err
        out.append(text[pos:])
        return "".join(out).split("\n")

    def formula_html(self, latex: str, display: bool, numbers: dict[str, str]) -> str:
        if display:
            latex, box_id = equation_refs.prepare_display(latex, numbers)
            id_attr = f' id="{box_id}"' if box_id else ""
            return f'<div class="math-display"{id_attr}>{self.render(latex, True)}</div>'
        return equation_refs.link(latex, numbers) or self.render(equation_refs.resolve_inside(latex, numbers), False)


class KramdownMathExtension(Extension):
    """Register the maths preprocessor right after whitespace normalisation."""

    def __init__(self, render: Renderer):
        super().__init__()
        self.render = render

    def extendMarkdown(self, md: Markdown) -> None:
        # 29: after normalize_whitespace (30), before raw fences (31 is earlier),
        # superfences (25) and html_block (20), which would hide line numbers.
        md.preprocessors.register(MathPreprocessor(md, self.render), "kramdown_math", 29)
