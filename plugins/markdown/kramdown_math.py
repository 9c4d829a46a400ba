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
- an image's alt text, a link's URL and title, a link definition and the attributes of an
  HTML tag are text, as kramdown reads them: a `$` there stays a dollar;
- ``\\label{key}`` numbers a display equation and ``\\eqref{key}`` links to it
  (see plugins/markdown/equation_refs.py).

Fenced, indented and inline code, HTML comments and raw ``<pre>``/``<script>``/Mermaid
blocks are left alone. Rendering is delegated to a callable (plugins/katex/render.py's
batched node process in the site build), so the extension is testable on its own. A
formula longer than the renderer's `max_tex_bytes` (else MAX_TEX_BYTES) fails at once.
Finding the formulas takes time linear in the page's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from plugins.markdown import equation_refs

# render(latex, display) -> HTML string; raises on invalid LaTeX.
Renderer = Callable[[str, bool], str]
MAX_TEX_BYTES = 64 * 1024  # a longer formula is refused before anything renders it
SHOWN = 200  # characters of a formula an error message quotes


class MathError(ValueError):
    """A formula that could not be rendered, with its line in the Markdown text given."""

    def __init__(self, line: int, latex: str, reason: str):
        latex = latex.strip()
        self.line, self.latex, self.reason = line, latex if len(latex) <= SHOWN else latex[:SHOWN] + "…", reason
        super().__init__(f"line {line}: {reason}: {self.latex!r}")


class FormulaRefused(Exception):
    """What a renderer raises for a formula the author must change though it may be valid
    LaTeX (a command the site does not trust, too slow to draw): the message says why."""


class RendererCrash(RuntimeError):
    """The renderer failed for another reason than the formula (node died, a timeout, a bug):
    not the author's fault, so it is reported with its traceback, never as invalid LaTeX."""

    def __init__(self, line: int, latex: str, err: BaseException):
        latex = latex.strip()
        self.line, self.latex = line, latex if len(latex) <= SHOWN else latex[:SHOWN] + "…"
        self.reason = f"the maths renderer failed ({type(err).__name__}: {err}); this is not a LaTeX error"
        super().__init__(f"line {line}: {self.reason}: {self.latex!r}")


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

# One alternation, tried left to right; the first delimiter found wins. `text` is what
# kramdown copies into an attribute as written, never parsing it for maths.
MATH = re.compile(
    r"""
      (?P<text>
          !\[(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*\](?=[(\[])                   # an image's alt text
        | \]\([ \t]*(?:<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)                     # a link's URL,
          (?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)                          # and title
        | ^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$  # link definition
        | <[A-Za-z][\w:-]*(?:\s+[A-Za-z_:][\w:.-]*                                         # an HTML tag
            (?:\s*=\s*(?:"(?:[^"\n]|\n(?![ \t]*\n))*"|'(?:[^'\n]|\n(?![ \t]*\n))*'))?)*\s*/?>  # and its attributes
      )
    | (?P<escaped>\\\$)
    | (?P<prose_ref>\\(?:eq)?ref\{[^{}\n]+\})
    | \$\$(?P<dollars2>(?:[^$\\]|\\.|\$(?!\$))+?)\$\$
    | \\\\\((?P<paren>.+?)\\\\\)
    | \\\\\[(?P<bracket>.+?)\\\\\]
    | (?<![\w\\$])\$(?![\s$])(?P<dollar1>(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?)(?<![\s\\])\$(?![\w$])
    | (?P<unterminated>\$\$|\\\\\(|\\\\\[)
    """,
    re.DOTALL | re.MULTILINE | re.VERBOSE,
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
    """True if only whitespace separates [start, end) from blank lines or the text's ends.
    Only the whitespace around the formula is read, so a page of formulas stays linear."""
    before = blank_back(text, start)
    if before > 0:
        if text[before - 1] != "\n":
            return False  # text before the formula on its line
        above = blank_back(text, before - 1)
        if above > 0 and text[above - 1] != "\n":
            return False  # the line above is not blank
    after = blank_forward(text, end)
    if after < len(text):
        if text[after] != "\n":
            return False  # text after the formula on its line
        below = blank_forward(text, after + 1)
        if below < len(text) and text[below] != "\n":
            return False  # the line below is not blank
    return True


def blank_back(text: str, i: int) -> int:
    """The start of the run of whitespace other than newlines that ends at i."""
    while i > 0 and text[i - 1] != "\n" and text[i - 1].isspace():
        i -= 1
    return i


def blank_forward(text: str, i: int) -> int:
    """The end of the run of whitespace other than newlines that starts at i."""
    while i < len(text) and text[i] != "\n" and text[i].isspace():
        i += 1
    return i


def find_math(text: str) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, latex, display) for each formula; latex None means a literal `$`."""
    masked = mask_protected(text)
    found = []
    for m in MATH.finditer(masked):
        if m.group("text"):
            continue
        if m.group("escaped"):
            found.append((m.start(), m.end(), None, False))
            continue
        if m.group("prose_ref"):  # \eqref{key} in a sentence, as MathJax readers write it
            found.append((m.start(), m.end(), m.group("prose_ref"), False))
            continue
        if m.group("unterminated"):
            raise MathError(line_at(text, m.start()), text[m.start() : m.start() + 40], "unterminated maths")
        kind = next(k for k in ("dollars2", "paren", "bracket", "dollar1") if m.group(k))
        latex = text[m.start(kind) : m.end(kind)]
        # kramdown: a `$$` block standing alone is display maths and may hold blank lines;
        # any other `$$…$$` is a span, which cannot cross a paragraph break.
        display = kind == "bracket" or (kind == "dollars2" and alone_in_paragraph(masked, m.start(), m.end()))
        if not display and BLANK_LINE.search(latex):
            raise MathError(line_at(text, m.start()), latex, "unterminated maths (a blank line inside a formula)")
        if kind in ("paren", "bracket"):
            # To kramdown `\\(…\\)` is text, not maths: its Markdown escapes (`\_`, `\*`) are undone.
            latex = MARKDOWN_ESCAPE.sub(r"\1", latex)
        found.append((m.start(), m.end(), latex, display))
    return found


def line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


class MathPreprocessor(Preprocessor):
    """Swap each formula for a stashed placeholder holding its rendered HTML."""

    def __init__(self, md: Markdown, render: Renderer):
        super().__init__(md)
        self.render = render

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        out, pos = [], 0
        formulas = find_math(text)
        limit = getattr(self.render, "max_tex_bytes", MAX_TEX_BYTES)
        for start, _, latex, _ in formulas:
            size = len(latex.encode()) if latex else 0
            if size > limit:
                reason = f"formula too long ({size:,} bytes of TeX; the limit is {limit:,}, KATEX_MAX_BYTES)"
                raise MathError(line_at(text, start), latex, reason)
        displays = [(start, latex) for start, _, latex, display in formulas if display]
        try:
            numbers = equation_refs.number_labels([latex for _, latex in displays])
        except equation_refs.LabelError as err:
            start, latex = displays[err.index]
            raise MathError(line_at(text, start), latex, str(err)) from err
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
                raise MathError(line_at(text, start), latex, err.args[0]) from err
            except Exception as err:  # the renderer's own error type varies
                line = line_at(text, start)
                if is_latex_error(err):
                    raise MathError(line, latex, f"invalid LaTeX ({err})") from err
                if isinstance(err, FormulaRefused):
                    raise MathError(line, latex, str(err)) from err
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


KATEX_SPAN = '<span class="katex">'
SPAN_TAG = re.compile(r"<span\b|</span>")
LINK_TAG = re.compile(r"</?a\b[^>]*>")
ID_ATTRIBUTE = re.compile(r'\sid="[^"]*"')
TAG = re.compile(r"<[^>]*>")


def toc_entry(token: dict) -> str:
    """A table-of-contents entry (HTML) for one of Markdown's toc tokens: the heading's text
    with each formula as KaTeX drew it, once. (Markdown's own `name` is the text of KaTeX's
    HTML, MathML and TeX annotation: each formula three times.) A formula keeps its MathML
    for screen readers and its aria-hidden HTML for the eye, as in the page; it loses any
    link and id (an entry is a link, and the heading has the id)."""
    heading = token.get("html") or ""
    if token.get("data-toc-label") or KATEX_SPAN not in heading:
        return token["name"]
    parts, pos = [], 0
    while (start := heading.find(KATEX_SPAN, pos)) >= 0:
        end = span_end(heading, start)
        parts.append(text_of(heading[pos:start]))
        parts.append(ID_ATTRIBUTE.sub("", LINK_TAG.sub("", heading[start:end])))
        pos = end
    parts.append(text_of(heading[pos:]))
    parts[0], parts[-1] = parts[0].lstrip(), parts[-1].rstrip()
    return "".join(parts)


def text_of(html: str) -> str:
    """HTML without its tags, whitespace collapsed (entities stay: the result is HTML)."""
    return re.sub(r"\s+", " ", TAG.sub("", html))


def span_end(html: str, start: int) -> int:
    """The end of the <span> element that starts at `start` (its spans are balanced)."""
    depth = 0
    for m in SPAN_TAG.finditer(html, start):
        depth += 1 if m.group(0) == "<span" else -1
        if depth == 0:
            return m.end()
    return len(html)
