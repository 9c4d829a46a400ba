"""The text MathJax read on a kramdown site, and MathJax's way of finding maths in it.

`find_tex(string, …)` is MathJax 3's FindTeX (mathjax-full/js/input/tex/FindTeX.js) on one
string of text: the delimiters are tried longest first at the leftmost place one starts;
a formula's end is the first closing delimiter outside braces (``\\x`` pairs skipped);
an opening delimiter never closed is text; ``\\$`` and ``\\\\`` are a literal ``$`` and
``\\`` (processEscapes); ``\\eqref{…}``/``\\ref{…}`` is a reference (processRefs); with
`environments`, ``\\begin{env}…\\end{env}`` is display maths (processEnvironments).
Delimiters: ``\\(…\\)`` inline, ``$$…$$`` and ``\\[…\\]`` display, ``$…$`` inline when
`single_dollar`. The closing searches of one string read at most about 20 tokens per
character of it in all; past that, what is left unclosed stays text.

`raw_blocks(masked, parse_block_html)` finds the HTML elements kramdown copies to the
page without reading Markdown in them: an element whose start tag begins a line (after up
to 3 spaces) and is not one of kramdown's span elements, to its matching end tag (to the
end of the text if it has none, as kramdown auto-closes it), unless it has a ``markdown``
attribute or, with parse_block_html, an element whose content kramdown parses (div,
blockquote, p, li…: kramdown's block and span content models). `find(…)` reads such an
element as MathJax read it in the browser: one string of text between tags (``<br>``
joins, as a newline; other tags, code and comments end a string), entities decoded.
`kramdown_text(…)` is the text kramdown made of Markdown text, as the browser showed it to
MathJax: backslash escapes undone, typographic symbols made, a line break as a space.
"""

from __future__ import annotations

import html
import re

# kramdown/parser/html.rb
SPAN_ELEMENTS = set(
    "a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label option q rb rbc "
    "rp rt rtc ruby samp select small span strong sub sup textarea tt var".split()
)
PARSED_CONTENT = set(  # content models :block and :span: with parse_block_html, Markdown inside
    "applet button blockquote body colgroup dd div dl fieldset form iframe li map noscript object ol "
    "table tbody thead tfoot tr td ul a abbr acronym address b bdo big cite caption del dfn dt em h1 h2 "
    "h3 h4 h5 h6 i ins kbd label legend optgroup p q rb rbc rp rt rtc ruby samp select small span strong "
    "sub sup th tt var".split()
)
VOID = set("area base br col command embed hr img input keygen link meta param source track wbr".split())
SKIPPED = {"script", "noscript", "style", "textarea", "pre", "code", "annotation", "annotation-xml"}  # MathJax's

BLOCK_ELEMENTS = set(
    "address article aside applet body button blockquote caption col colgroup dd div dl dt fieldset figcaption "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr html head iframe legend listing menu li map nav ol optgroup p "
    "pre section summary table tbody td th thead tfoot tr ul".split()
)
START_TAG = re.compile(r"<([A-Za-z][\w:.-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*(/?)>")
MARKDOWN_ATTRIBUTE = re.compile(r"""\smarkdown\s*=\s*["']?(?:1|block|span)\b""")
TAG = re.compile(r"</?([A-Za-z][\w:.-]*)(?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*\s*/?>")
PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def raw_blocks(masked: str, parse_block_html: bool = False, start: int = 0, stop: int | None = None):
    """(start, end) of each stretch of masked[start:stop] that kramdown copies as raw HTML, in
    order: raw elements, less the content of elements inside them that have a `markdown`
    attribute (Markdown again, with its own raw elements)."""
    stop = len(masked) if stop is None else stop
    blocks, pos = [], start
    while m := START_TAG.search(masked, pos, stop):
        name = m.group(1).lower()
        pos = m.end()
        if m.group(3) or name in VOID or MARKDOWN_ATTRIBUTE.search(m.group(2) or ""):
            continue
        line_start, limit = masked.rfind("\n", 0, m.start()) + 1, stop
        if m.start() - line_start <= 3 and not masked[line_start : m.start()].strip() and name not in SPAN_ELEMENTS:
            if parse_block_html and name in PARSED_CONTENT:
                continue  # Markdown inside: its lines are read as the rest of the page (nested raw ones too)
        elif name in PARSED_CONTENT or name in BLOCK_ELEMENTS:
            continue  # in a paragraph: Markdown inside (a block element's tag there is text to kramdown)
        elif blank := PARAGRAPH_END.search(masked, m.end(), stop):
            limit = blank.start()  # an element in a paragraph ends with it at the latest
        end = min(element_end(masked, name, m.end())[1], limit)
        blocks += raw_element(masked, m.start(), m.end(), end, parse_block_html)
        pos = end
    return blocks


def raw_element(masked: str, start: int, content: int, end: int, parse_block_html: bool):
    """The raw stretches of the element masked[start:end] whose content starts at `content`."""
    spans, raw_from, pos = [], start, content
    while m := TAG.search(masked, pos, end):
        pos = m.end()
        if m.group(0).startswith("</") or m.group(0).endswith("/>") or not MARKDOWN_ATTRIBUTE.search(m.group(0)):
            continue
        close_start, close_end = element_end(masked, m.group(1).lower(), m.end())
        close_start, close_end = min(close_start, end), min(close_end, end)
        spans.append((raw_from, m.end()))
        spans += raw_blocks(masked, parse_block_html, m.end(), close_start)
        raw_from = pos = close_start
    spans.append((raw_from, end))
    return [(a, b) for a, b in spans if b > a]


def element_end(masked: str, name: str, pos: int) -> tuple[int, int]:
    """Where the end tag of the `name` element whose start tag ends at `pos` starts and ends
    (nested ones counted; the end of the text if there is none)."""
    tags = re.compile(rf"<(/?)({re.escape(name)})\b[^>]*?(/?)>", re.I)
    depth = 1
    for m in tags.finditer(masked, pos):
        if m.group(1):
            depth -= 1
            if depth == 0:
                return m.start(), m.end()
        elif not m.group(3):
            depth += 1
    return len(masked), len(masked)


def html_strings(masked: str, start: int, end: int):
    """(string, offsets) for each string of text MathJax read in masked[start:end]: tags end a
    string (`<br>` is a newline in it), entities are decoded, a skipped element's content and
    masked characters (code, comments) are left out. offsets[i] = (first, last) source offset."""
    chars, offsets = [], []

    def flush():
        if chars:
            yield "".join(chars), list(offsets)
            chars.clear()
            offsets.clear()

    i = start
    while i < end:
        c = masked[i]
        if c == "<" and (m := TAG.match(masked, i, end)):
            name = m.group(1).lower()
            if name == "br" and not m.group(0).startswith("</"):
                chars.append("\n")
                offsets.append((i, m.end() - 1))
            elif name != "wbr":
                yield from flush()
                if name in SKIPPED and not m.group(0).startswith("</") and not m.group(0).endswith("/>"):
                    close = re.compile(rf"</{re.escape(name)}\s*>", re.I).search(masked, m.end(), end)
                    i = close.end() if close else end
                    continue
            i = m.end()
        elif c == "\0":
            yield from flush()
            i += 1
        elif c == "&" and (m := ENTITY.match(masked, i, end)):
            for ch in html.unescape(m.group(0)):
                chars.append(ch)
                offsets.append((i, m.end() - 1))
            i = m.end()
        else:
            chars.append(c)
            offsets.append((i, i))
            i += 1
    yield from flush()


def find_tex(s: str, single_dollar: bool, environments: bool) -> list[tuple]:
    """MathJax's FindTeX on one string: (start, end, kind, value) with kind "maths" (value:
    (tex, display)), "escape" (value: the literal character) or "ref" (value: the reference)."""
    found, pos = [], 0
    budget = [20 * len(s) + 10_000]  # token steps for the closing searches of this string
    starts = starts_pattern(single_dollar, environments)
    while m := starts.search(s, pos):
        pos = m.end()
        if m.group("escape"):
            found.append((m.start(), m.end(), "escape", m.group("escape")[1]))
            continue
        if m.group("ref"):
            found.append((m.start(), m.end(), "ref", m.group("ref")))
            continue
        if environments and m.group("env") is not None:
            close = close_of(s, m.end(), environment_end(m.group("env")), budget)
            if close:
                found.append((m.start(), close[1], "maths", (s[m.start() : close[1]], True)))
                pos = close[1]
            continue
        opener = m.group("delim")
        closing, display = DELIMITERS[opener]
        close = close_of(s, m.end(), closing, budget)
        if close:
            found.append((m.start(), close[1], "maths", (s[m.end() : close[0]], display)))
            pos = close[1]
    return found


DELIMITERS = {"$$": ("$$", True), "\\[": ("\\]", True), "\\(": ("\\)", False), "$": ("$", False)}
_STARTS: dict[tuple, re.Pattern] = {}


def starts_pattern(single_dollar: bool, environments: bool) -> re.Pattern:
    if (single_dollar, environments) not in _STARTS:
        delims = [r"\$\$", r"\\\[", r"\\\("] + ([r"\$"] if single_dollar else [])  # longest first
        parts = [f"(?P<delim>{'|'.join(delims)})"]
        if environments:
            parts.append(r"\\begin\s*\{(?P<env>[^}]*)\}")
        parts.append(r"(?P<escape>\\[\\$])|(?P<ref>\\(?:eq)?ref\s*\{[^}]*\})")
        _STARTS[single_dollar, environments] = re.compile("|".join(parts))
    return _STARTS[single_dollar, environments]


def environment_end(name: str) -> re.Pattern:
    return re.compile(r"\\end\s*\{" + re.escape(name) + r"\}")


_END_CACHE: dict[str, re.Pattern] = {}


def close_of(s: str, pos: int, closing: str | re.Pattern, budget: list[int]) -> tuple[int, int] | None:
    """(start, end) of the closing delimiter MathJax takes for a formula whose body starts at
    `pos`: the first one outside braces, a backslash and the character after it skipped.
    Each token read spends one of `budget`; with none left, nothing closes any more (a hostile
    string of unclosed delimiters would otherwise take time quadratic in its length)."""
    if isinstance(closing, str):
        if closing not in _END_CACHE:
            _END_CACHE[closing] = re.compile(re.escape(closing))
        closing = _END_CACHE[closing]
    token = re.compile(f"(?P<close>{closing.pattern})|\\\\(?:[a-zA-Z]|.)|[{{}}]")
    braces = 0
    for m in token.finditer(s, pos):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        if m.group("close") is not None:
            if braces == 0:
                return m.start(), m.end()
        elif m.group(0) == "{":
            braces += 1
        elif m.group(0) == "}" and braces:
            braces -= 1
    return None


# kramdown's escapable characters (kramdown/parser/kramdown/escaped_chars.rb).
ESCAPABLE = set("\\.*_+`<>()[]{}#!:|\"'$=-")
ESCAPABLE_GFM = ESCAPABLE | {"~"}  # kramdown-parser-gfm's, Jekyll's default input
# kramdown's typographic symbols (kramdown/parser/kramdown/typographic_symbol.rb), as a browser shows them.
TYPOGRAPHIC = re.compile(r"---|--|\.\.\.|\\<<|\\>>|<< | >>|<<|>>")
SYMBOLS = {
    "---": "—",
    "--": "–",
    "...": "…",
    "\\<<": "<<",
    "\\>>": ">>",
    "<< ": "«\xa0",
    " >>": "\xa0»",
    "<<": "«",
    ">>": "»",
}
LINE_BREAK = re.compile(r"\\+(?=\n)")


def kramdown_text(src: str, start: int, stop: int) -> tuple[str, list[int], list[int], list[int]]:
    """src[start:stop] as kramdown's HTML has it, read by a browser: backslash escapes undone
    (GFM's set), typographic symbols made (`...` → `…`), `\\\\` at a line's end a line break
    (a space to MathJax), entities decoded; the first and last source offset of each
    character, and where the escaped dollars (`\\$`) are."""
    out, first, last, dollars, i = [], [], [], [], start

    def put(text: str, a: int, b: int) -> None:
        for ch in text:
            out.append(ch)
            first.append(a)
            last.append(b)

    while i < stop:
        c = src[i]
        if c == "\\" and (run := LINE_BREAK.match(src, i, stop + 1)) and run.end() - i >= 2:
            for j in range(i, run.end() - 3, 2):  # the backslashes before the last two: escapes
                put("\\", j, j + 1)
            if (run.end() - i) % 2:
                put("\\", run.end() - 3, run.end() - 3)
            put(" ", run.end() - 2, run.end() - 1)
            i = run.end()
        elif (m := TYPOGRAPHIC.match(src, i, stop)) and (c != "\\" or m.group(0)[0] == "\\"):
            put(SYMBOLS[m.group(0)], i, m.end() - 1)
            i = m.end()
        elif c == "\\" and i + 1 < stop and src[i + 1] in ESCAPABLE_GFM:
            put(src[i + 1], i, i + 1)
            if src[i + 1] == "$":
                dollars.append(i)
            i += 2
        elif c == "&" and (m := ENTITY.match(src, i, stop)):
            put(html.unescape(m.group(0)), i, m.end() - 1)
            i = m.end()
        else:
            put(c, i, i)
            i += 1
    return "".join(out), first, last, dollars
