"""Where the formulas of a Markdown page are, as kramdown and the old site's MathJax found them.

`find_formulas(text, options)` lists each formula (`Found`) with its TeX, its kind (display or
inline) and whether it stands alone as a block. Positions are offsets in `text`, so the
caller swaps formulas for rendered HTML and error messages name exact lines.

Always (kramdown's syntax, our own posts included):

- ``$$…$$`` alone in a paragraph (possibly over several lines, blank lines allowed) is a
  display block; ``$$…$$`` inside a sentence is inline maths; ``\\\\(…\\\\)`` is inline and
  ``\\\\[…\\\\]`` display (kramdown needs the doubled backslash: Markdown eats one, and the
  Markdown escapes inside are undone as kramdown undoes them);
- in a ``>`` blockquote the quote markers of a formula's lines are not part of its TeX,
  and a ``$$…$$`` alone in a quote's paragraph is a display block;
- ``\\$`` is a literal dollar; ``\\eqref{key}``/``\\ref{key}`` in prose is a reference;
- an image's alt text, a link's URL and title, a link definition and the attributes of an
  HTML tag are text, as kramdown reads them; code (fenced, indented, inline), HTML comments
  and raw ``<pre>``/``<script>``/``<style>``/``<textarea>``/Mermaid blocks are left alone.

`options.single_dollar` (else ``$`` is text): ``$…$`` is inline maths. Our own posts (no
`compat`) use a rule for prose: no space inside the delimiters, not glued to a word or digit,
so ``5$`` and ``$5 and $6`` stay prose. `options.environments`: a bare
``\\begin{env}…\\end{env}`` in the text is display maths (MathJax's processEnvironments),
a block when it stands alone in its paragraph.

With `options.compat` (posts from a MathJax site) the page reads as it did there: kramdown
made the HTML and MathJax found the maths in its text, so

- ``$$`` follows kramdown's span rule: it pairs with the next ``$$`` of the same paragraph
  (across lines; ``$$$$`` is an empty formula) and an unpaired one is text, not an error;
- ``$…$``, bare environments and ``\\\\(``/``\\\\[`` are MathJax's (FindTeX's rules: the
  closing delimiter is the first one outside braces, a space inside is fine, a formula ends
  with its paragraph, an unclosed one is text) and their TeX is the text after kramdown's
  backslash escapes (``\\*`` → ``*``, ``\\\\`` → ``\\``, ``\\{`` → ``{``…): what MathJax saw;
- inside a raw HTML block (an element kramdown leaves as it is, plugins/markdown/maths_in_html.py)
  MathJax's delimiters are found in the element's text: ``$$…$$``/``\\[…\\]`` display,
  ``\\(…\\)`` inline.

Finding the formulas takes time linear in the page's length (except a paragraph scanned
again after an unclosed ``$``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.markdown import maths_in_html


@dataclass(frozen=True)
class MathOptions:
    """What the site's MathJax did (content/_config.yml's `katex:`, read by plugins/jekyll/config.py)."""

    single_dollar: bool = True  # MATH_SINGLE_DOLLAR
    environments: bool = False  # MATH_ENVIRONMENTS
    numbering: str = "katex"  # MATH_NUMBERING: katex (KaTeX's own), none, ams, all
    compat: int | None = None  # MATH_COMPAT: the old site's MathJax version; None = our own posts, strict
    parse_block_html: bool = False  # kramdown's parse_block_html (KRAMDOWN_PARSE_BLOCK_HTML)

    @classmethod
    def from_settings(cls, settings: dict) -> MathOptions:
        numbering = settings.get("MATH_NUMBERING") or "katex"
        if numbering not in ("katex", "none", "ams", "all"):
            raise ValueError(f"MATH_NUMBERING: {numbering!r} is not one of katex, none, ams, all")
        return cls(
            single_dollar=bool(settings.get("MATH_SINGLE_DOLLAR", True)),
            environments=bool(settings.get("MATH_ENVIRONMENTS", False)),
            numbering=numbering,
            compat=settings.get("MATH_COMPAT"),
            parse_block_html=bool(settings.get("KRAMDOWN_PARSE_BLOCK_HTML", False)),
        )


DEFAULT = MathOptions()


@dataclass(frozen=True)
class Found:
    """A formula at text[start:end]; `latex` None is a literal: `text` stands there instead."""

    start: int
    end: int
    latex: str | None
    display: bool
    block: bool = False  # a display formula alone in its paragraph: a box of its own
    text: str = "$"  # what a literal stands for
    kramdown: bool = False  # kramdown's own maths ($$); else maths MathJax found in the text


class MathError(ValueError):
    """A formula that could not be rendered, with its line in the Markdown text given."""

    SHOWN = 200  # characters of a formula an error message quotes

    def __init__(self, line: int, latex: str, reason: str):
        latex = latex.strip()
        self.line, self.reason = line, reason
        self.latex = latex if len(latex) <= self.SHOWN else latex[: self.SHOWN] + "…"
        super().__init__(f"line {line}: {reason}: {self.latex!r}")


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

# What kramdown copies into an attribute as written, never parsing it for maths.
TEXT = r"""
      !\[(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*\](?=[(\[])                   # an image's alt text
    | \]\([ \t]*(?:<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)                     # a link's URL,
      (?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)                          # and title
    | ^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$  # link definition
    | <[A-Za-z][\w:-]*(?:\s+[A-Za-z_:][\w:.-]*                                         # an HTML tag
        (?:\s*=\s*(?:"(?:[^"\n]|\n(?![ \t]*\n))*"|'(?:[^'\n]|\n(?![ \t]*\n))*'))?)*\s*/?>  # and its attributes
"""
ENVIRONMENT = r"\\begin\s*\{(?P<env_name>[^{}]*)\}"
FLAGS = re.DOTALL | re.MULTILINE | re.VERBOSE

# Our own posts: one alternation, tried left to right; the first delimiter found wins.
MATH_PARTS = [
    rf"(?P<text>{TEXT})",
    r"(?P<escaped>\\\$)",
    r"(?P<prose_ref>\\(?:eq)?ref\{[^{}\n]+\})",
    r"\$\$(?P<dollars2>(?:[^$\\]|\\.|\$(?!\$))+?)\$\$",
    r"\\\\\((?P<paren>.+?)\\\\\)",
    r"\\\\\[(?P<bracket>.+?)\\\\\]",
    rf"(?P<env>{ENVIRONMENT})",
    r"(?<![\w\\$])\$(?![\s$])(?P<dollar1>(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?)(?<![\s\\])\$(?![\w$])",
    r"(?P<unterminated>\$\$|\\\\\(|\\\\\[)",
]
PATTERNS: dict[tuple, re.Pattern] = {}


def pattern(parts: list[str], options: MathOptions) -> re.Pattern:
    """The alternation of `parts` without the kinds the options turn off."""
    key = (id(parts), options.single_dollar, options.environments)
    if key not in PATTERNS:
        off = set()
        if not options.single_dollar:
            off.add("dollar1")
        if not options.environments:
            off.add("env")
        kept = [p for p in parts if not any(f"?P<{name}>" in p for name in off)]
        PATTERNS[key] = re.compile("\n|".join(kept), FLAGS)
    return PATTERNS[key]


BLANK_LINE = re.compile(r"\n[ \t]*\n")
MARKDOWN_ESCAPE = re.compile(r"""\\([\\.*_+`<>()\[\]{}#!:|"'$=-])""")
QUOTE_MARKERS = re.compile(r"^(?:[ ]{0,3}>[ ]?)+", re.MULTILINE)
LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d+[.)])[ \t]")


def unquote(text: str) -> str:
    """`text` with blockquote markers (`> `, nested too) turned into spaces: same positions, and
    a formula's TeX and its place in its paragraph read as kramdown reads them inside the quote."""
    return QUOTE_MARKERS.sub(lambda m: " " * len(m.group(0)), text)


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
    return mask_indented_code(mask_spans(text))


def mask_spans(text: str) -> str:
    """mask_protected without the indented code blocks."""

    def blank(m: re.Match) -> str:
        return re.sub(r"[^\n]", "\0", m.group(0))

    return PROTECTED.sub(blank, text)


def alone_in_paragraph(text: str, start: int, end: int, tags: bool = False) -> bool:
    """True if only whitespace separates [start, end) from blank lines or the text's ends (with
    `tags`, from an HTML start tag alone on the line above: the element's content starts
    there). Only the lines around the formula are read, so a page stays linear."""
    before = blank_back(text, start)
    if before > 0:
        if text[before - 1] != "\n":
            return False  # text before the formula on its line
        above = blank_back(text, before - 1)
        if above > 0 and text[above - 1] != "\n" and not (tags and start_tag_line(text, before - 1)):
            return False  # the line above is not blank
    after = blank_forward(text, end)
    if after < len(text):
        if text[after] != "\n":
            return False  # text after the formula on its line
        below = blank_forward(text, after + 1)
        if below < len(text) and text[below] != "\n":
            return False  # the line below is not blank
    return True


START_TAG_LINE = re.compile(r"[ ]{0,3}<[A-Za-z][^<>]*>[ \t]*")


def start_tag_line(text: str, end: int) -> bool:
    """Whether the line that ends at `end` is one HTML start tag alone."""
    return bool(START_TAG_LINE.fullmatch(text, text.rfind("\n", 0, end) + 1, end))


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


def line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def find_formulas(text: str, options: MathOptions = DEFAULT) -> list[Found]:
    """Every formula and literal dollar of a Markdown page, in order."""
    quoted = unquote(text)
    if options.compat is None:
        return list(own_posts(quoted, mask_protected(quoted), options))
    # kramdown: no indented code inside an HTML block (its indented lines are HTML); a start tag
    # in indented code is code, not HTML.
    spans = mask_spans(quoted)
    masked = mask_indented_code(spans)
    raw = [(a, b) for a, b in maths_in_html.raw_blocks(spans, options.parse_block_html) if masked[a] != "\0"]
    if raw:
        pieces, pos = [], 0
        for a, b in raw:
            pieces += [masked[pos:a], spans[a:b]]
            pos = b
        masked = "".join([*pieces, masked[pos:]])
    return sorted(mathjax_site(quoted, masked, options, raw), key=lambda f: f.start)


def own_posts(text: str, masked: str, options: MathOptions):
    """Our own posts: the delimiters as the module docstring says, each formula closed or an error."""
    math, pos, environments = pattern(MATH_PARTS, options), 0, {}
    while m := math.search(masked, pos):
        pos = m.end()
        if m.group("text"):
            continue
        if m.group("escaped"):
            yield Found(m.start(), m.end(), None, False)
            continue
        if m.group("prose_ref"):  # \eqref{key} in a sentence, as MathJax readers write it
            yield Found(m.start(), m.end(), m.group("prose_ref"), False)
            continue
        if m.group("unterminated"):
            raise MathError(line_at(text, m.start()), text[m.start() : m.start() + 40], "unterminated maths")
        if options.environments and m.group("env"):
            stop = run_end(masked, m.start(), len(masked))
            if stop not in environments:  # the paragraph's environments, read once
                run = text_run(masked, m.start(), stop, options, environments_only=True)
                environments = {stop: {f.start: f for f in run}}
            if found := environments[stop].get(m.start()):
                yield found
                pos = found.end
            continue
        kind = next(k for k in ("dollars2", "paren", "bracket", "dollar1") if m.group(k))
        latex = text[m.start(kind) : m.end(kind)]
        # kramdown: a `$$` block standing alone is display maths and may hold blank lines;
        # any other `$$…$$` is a span, which cannot cross a paragraph break.
        alone = alone_in_paragraph(masked, m.start(), m.end())
        display = kind == "bracket" or (kind == "dollars2" and alone)
        if not display and BLANK_LINE.search(latex):
            raise MathError(line_at(text, m.start()), latex, "unterminated maths (a blank line inside a formula)")
        if kind in ("paren", "bracket"):
            # To kramdown `\\(…\\)` is text, not maths: its Markdown escapes (`\_`, `\*`) are undone.
            latex = MARKDOWN_ESCAPE.sub(r"\1", latex)
        yield Found(m.start(), m.end(), latex, display, block=display, kramdown=kind == "dollars2")


# kramdown's own syntax on a MathJax site: attribute text, `$$`; the rest is text for MathJax.
KRAMDOWN_PARTS = [rf"(?P<text>{TEXT})", r"(?P<dollars2>\$\$)"]
# Where MathJax's strings of text end: a paragraph, a heading or a list item ends.
STRING_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ ]{0,3}(?:#{1,6}[ \t]|[-*+][ \t]+\S|\d+[.)][ \t]))")


def mathjax_site(text: str, masked: str, options: MathOptions, raw: list[tuple[int, int]]):
    """A MathJax site's page: kramdown's `$$`, then what MathJax found in kramdown's HTML: the
    text between them after kramdown's escapes, and the text of `raw` HTML elements."""
    kramdown = pattern(KRAMDOWN_PARTS, options)
    pos, n = 0, len(masked)
    for block_start, block_end in [*raw, (n, n)]:
        while pos < block_start:
            m = kramdown.search(masked, pos, block_start)
            stop = m.start() if m else block_start
            yield from text_run(masked, pos, stop, options)
            if not m:
                pos = block_start
                break
            pos = m.end()
            if m.group("dollars2") and (found := kramdown_dollars(text, masked, m.start(), block_start)):
                yield found
                pos = found.end
        yield from html_block(masked, block_start, block_end, options)
        pos = max(pos, block_end)


def kramdown_dollars(text: str, masked: str, start: int, limit: int) -> Found | None:
    """kramdown's `$$` at `start`: a block if it stands alone with its closing `$$` (blank lines
    allowed), else a span to the next `$$` of its paragraph; None if there is none (text)."""
    close = masked.find("$$", start + 2, limit)
    if close >= 0 and alone_in_paragraph(masked, start, close + 2, tags=True):
        return Found(start, close + 2, text[start + 2 : close], True, block=True, kramdown=True)
    if close < 0 or BLANK_LINE.search(masked, start, close):
        return None
    return Found(start, close + 2, text[start + 2 : close], False, kramdown=True)


def run_end(masked: str, start: int, stop: int) -> int:
    """The end of the string of text MathJax saw that starts at `start` (at most `stop`)."""
    m = STRING_BREAK.search(masked, start, stop)
    return m.start() if m else stop


def text_run(masked: str, start: int, stop: int, options: MathOptions, environments_only: bool = False):
    """The maths MathJax found in masked[start:stop], Markdown text: kramdown's HTML of it is its
    text with the backslash escapes undone and entities decoded; masked characters (code) and
    the end of a paragraph, heading or list item end a string of it."""
    pos = start
    while pos < stop:
        end = run_end(masked, pos, stop)
        code = masked.find("\0", pos, end)
        end = code if code >= 0 else end
        if end > pos:
            seen, first, last, dollars = maths_in_html.kramdown_text(masked, pos, end)
            covered = []
            for i, j, kind, value in maths_in_html.find_tex(
                seen, options.single_dollar and not environments_only, options.environments
            ):
                if environments_only and not (kind == "maths" and seen.startswith("\\begin", i)):
                    continue
                a, b = first[i], last[j - 1] + 1
                covered.append((a, b))
                if kind == "maths":
                    tex, display = value
                    yield Found(a, b, tex, display, block=display and alone_in_paragraph(masked, a, b, tags=True))
                elif kind == "ref":
                    yield Found(a, b, value, False)
                else:
                    yield Found(a, b, None, False, text="$" if value == "$" else "&#92;")
            # kramdown's `\$` is a dollar; Python-Markdown would leave its backslash.
            if not environments_only:
                yield from (Found(d, d + 2, None, False) for d in dollars if not any(a <= d < b for a, b in covered))
        if code >= 0:
            while code < stop and masked[code] == "\0":
                code += 1
            end = code
        pos = max(end, pos + 1)


def html_block(masked: str, start: int, end: int, options: MathOptions):
    """The maths MathJax found in a raw HTML element kramdown copied to the page."""
    for string, offsets in maths_in_html.html_strings(masked, start, end):
        for i, j, kind, value in maths_in_html.find_tex(string, options.single_dollar, options.environments):
            a, b = offsets[i][0], offsets[j - 1][1] + 1
            if kind == "maths":
                yield Found(a, b, value[0], value[1])  # display or not, inside the element's own text
            elif kind == "ref":
                yield Found(a, b, value, False)
            else:
                yield Found(a, b, None, False, text="$" if value == "$" else "&#92;")
