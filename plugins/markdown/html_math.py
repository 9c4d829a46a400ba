"""Maths in a page that is HTML already (a Jekyll `.html` post), found as MathJax 3 finds it.

No Markdown runs on such a page (Jekyll's `.html` posts, Jupyter notebooks exported with
nbconvert), so the TeX is still in its text, and the old site's MathJax drew it in the
browser. Here it is found by MathJax's own rules (a port of `FindTeX` of MathJax 3.2) and
drawn at build time by the same renderer as the Markdown step's formulas:

- the text MathJax reads is each run of text between tags (`<br>` is a line break in it,
  `<wbr>` and comments are nothing), with entities decoded (`&lt;` is `<` to TeX); text in
  `script`, `noscript`, `style`, `textarea`, `pre`, `code` (MathJax's `skipHtmlTags`) and
  in inline `svg` and `math` is left alone;
- `$$…$$` and `\\[…\\]` are display maths, `\\(…\\)` inline, and `$…$` inline where the site
  enables it (`MathOptions.single_dollar`); a closing delimiter counts only outside braces,
  and `\\x` never closes; `$ y $` is maths (MathJax has no "no space inside" rule);
- `\\$` is a dollar and `\\\\` a backslash (`escapes`, MathJax 3's default `processEscapes`);
- `\\begin{env}…\\end{env}` is display maths where `environments` is set;
- `\\ref{key}`/`\\eqref{key}` in text link to a numbered equation (plugins/markdown/equation_refs.py).

Everything else is left byte for byte as it was. A display formula inside a paragraph (or
another element that holds only phrasing content) is a `<span class="math-display">`, so
the paragraph stays one.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from plugins.markdown import maths_finder
from plugins.markdown.kramdown_math import (
    DEFAULT,
    MAX_TEX_BYTES,
    FormulaRefused,
    MathError,
    MathPreprocessor,
    PagePlan,
    Renderer,
    RendererCrash,
    is_latex_error,
)

SKIPPED = {"script", "noscript", "style", "textarea", "pre", "code", "annotation", "annotation-xml", "svg", "math"}
IN_TEXT = {"br": "\n", "wbr": ""}  # tags MathJax reads as part of the text around them
# Elements whose content is phrasing only: a display formula in one is a <span>, not a <div>.
PHRASING = {"p", "span", "a", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "label", "q", "cite"}
PHRASING |= {"h1", "h2", "h3", "h4", "h5", "h6", "abbr", "mark", "button", "dt", "caption", "figcaption"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
DELIMITERS = re.compile(r"\$|\\[(\[]|\\begin|\\(?:eq)?ref")


@dataclass(frozen=True)
class MathOptions:
    """Which delimiters the old site's MathJax read (its `tex` options)."""

    single_dollar: bool = True
    environments: bool = False
    escapes: bool = True
    refs: bool = True


@dataclass(frozen=True)
class Found:
    """What FindTeX found in one string: maths (`latex`, `display`) or text for an escape."""

    start: int
    end: int
    latex: str | None = None
    display: bool = False
    text: str | None = None  # `\$` → "$": not maths


class FindTeX:
    """MathJax 3's FindTeX (input/tex/FindTeX.ts): one pattern for every opening delimiter
    (longest first), then the matching close, skipping escaped characters and braces."""

    def __init__(self, options: MathOptions):
        inline = [("\\(", "\\)")] + ([("$", "$")] if options.single_dollar else [])
        display = [("$$", "$$"), ("\\[", "\\]")]
        self.ends: dict[str, tuple[str, bool, re.Pattern]] = {}
        starts = []
        for delimiters, is_display in ((inline, False), (display, True)):
            for open_, close in delimiters:
                starts.append(re.escape(open_))
                self.ends[open_] = (close, is_display, end_pattern(re.escape(close)))
        parts = ["|".join(sorted(set(starts), key=lambda p: (-len(p), p)))]
        self.env = self.sub = 0
        group = 1
        if options.environments:
            parts.append(r"\\begin\s*\{([^}]*)\}")
            self.env = group
            group += 1
        subparts = []
        if options.escapes:
            subparts.append(r"\\([\\$])")
        if options.refs:
            subparts.append(r"(\\(?:eq)?ref\s*\{[^}]*\})")
        if subparts:
            parts.append("(" + "|".join(subparts) + ")")
            self.sub = group
        self.start = re.compile("|".join(parts))

    def find(self, text: str) -> list[Found]:
        found, at = [], 0
        while (start := self.start.search(text, at)) is not None:
            match = None
            if self.env and start.group(self.env) is not None:
                name = start.group(self.env)
                close = self.find_end(text, start, "{" + name + "}", end_pattern(rf"\\end\s*(\{{{re.escape(name)}\}})"))
                if close is not None:  # the environment is part of the TeX
                    match = Found(start.start(), close.end(), text[start.start() : close.end()], True)
            elif self.sub and start.group(self.sub) is not None:
                sub = start.group(self.sub)
                end = start.start() + len(sub)
                match = Found(start.start(), end, text=sub[1]) if len(sub) == 2 else Found(start.start(), end, sub)
            else:
                delimiter, display, pattern = self.ends[start.group(0)]
                close = self.find_end(text, start, delimiter, pattern)
                if close is not None:
                    match = Found(start.start(), close.end(), text[start.end() : close.start()], display)
            if match is not None:
                found.append(match)
                at = match.end
            else:
                at = start.end()
        return found

    @staticmethod
    def find_end(text: str, start: re.Match, delimiter: str, pattern: re.Pattern) -> re.Match | None:
        """The close delimiter that matches `start`, at brace depth 0; None if there is none."""
        braces = 0
        for m in pattern.finditer(text, start.end()):
            token = (m.group(1) if pattern.groups else None) or m.group(0)
            if token == delimiter and braces == 0:
                return m
            if token == "{":
                braces += 1
            elif token == "}" and braces:
                braces -= 1
        return None


def end_pattern(close: str) -> re.Pattern:
    # JavaScript's `.` (FindTeX's pattern) matches no line terminator.
    return re.compile(close + r"|\\(?:[a-zA-Z]|[^\n\r\u2028\u2029])|[{}]")


@dataclass
class Piece:
    """A piece of one string of text: where it is in the HTML and what it reads as."""

    src_start: int
    src_end: int
    text: str
    exact: bool  # the text is the source itself (not an entity, a <br>, a comment)
    phrasing: bool  # inside a paragraph or another element of phrasing content


class TextRuns(HTMLParser):
    """The strings MathJax reads in a page: runs of text, entities, <br>, <wbr> and comments
    between other tags, outside skipped elements; each piece with its place in the source."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.events: list[tuple[int, str, str, bool]] = []  # (offset, kind, text, phrasing)
        self.skipping = 0
        self.open_phrasing = 0
        self.stack: list[str] = []
        self.feed(source)
        self.close()

    def at(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def event(self, kind: str, text: str = "") -> None:
        self.events.append((self.at(), kind, text, self.open_phrasing > 0))

    def handle_starttag(self, tag, attrs):
        if tag in IN_TEXT and not self.skipping:
            self.event("text", IN_TEXT[tag])
            return
        self.event("tag")
        if tag in VOID:
            return
        self.stack.append(tag)
        self.skipping += tag in SKIPPED
        self.open_phrasing += tag in PHRASING

    def handle_startendtag(self, tag, attrs):
        self.event("text", IN_TEXT[tag]) if tag in IN_TEXT and not self.skipping else self.event("tag")

    def handle_endtag(self, tag):
        self.event("tag")
        if tag in self.stack:  # close it and any left open inside it, as a browser does
            while self.stack:
                inner = self.stack.pop()
                self.skipping -= inner in SKIPPED
                self.open_phrasing -= inner in PHRASING
                if inner == tag:
                    break

    def handle_data(self, data):
        self.event("tag" if self.skipping else "data", data)

    def handle_entityref(self, name):
        self.event("tag" if self.skipping else "text", html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self.event("tag" if self.skipping else "text", html.unescape(f"&#{name};"))

    def handle_comment(self, data):
        self.event("tag" if self.skipping else "text", "")

    def handle_decl(self, decl):
        self.event("tag")

    def handle_pi(self, data):
        self.event("tag")

    def unknown_decl(self, data):
        self.event("tag")

    def runs(self) -> list[list[Piece]]:
        """Consecutive text pieces, each run one string for FindTeX."""
        runs, run = [], []
        for i, (offset, kind, text, phrasing) in enumerate(self.events):
            end = self.events[i + 1][0] if i + 1 < len(self.events) else len(self.source)
            if kind == "tag":
                if run:
                    runs.append(run)
                run = []
                continue
            exact = kind == "data"
            run.append(Piece(offset, end, self.source[offset:end] if exact else text, exact, phrasing))
        if run:
            runs.append(run)
        return runs


def source_span(run: list[Piece], starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The source offsets of the run's text [start, end)."""
    first = run[bisect.bisect_right(starts, start) - 1]
    at = first.src_start + (start - starts[run.index(first)]) if first.exact else first.src_start
    index = bisect.bisect_right(starts, end - 1) - 1
    last = run[index]
    until = last.src_start + (end - starts[index]) if last.exact else last.src_end
    return at, until


def render_html_maths(
    page: str, render: Renderer, options: MathOptions, site: maths_finder.MathOptions = DEFAULT, warn=None
) -> str:
    """The page with each formula drawn by `render`; MathError (the line is the page's) for one
    that cannot be, RendererCrash when the renderer fails for another reason. Equations are
    numbered and referenced by the site's settings (`site`: MATH_NUMBERING, and with
    MATH_COMPAT a reference to no label is a `warn(line, message)`, as in the Markdown step)."""
    if not DELIMITERS.search(page):
        return page
    finder = FindTeX(options)
    items = []  # (source start, source end, Found, phrasing)
    for run in TextRuns(page).runs():
        text = "".join(piece.text for piece in run)
        if not DELIMITERS.search(text):
            continue
        starts, at = [], 0
        for piece in run:
            starts.append(at)
            at += len(piece.text)
        for found in finder.find(text):
            begin, until = source_span(run, starts, found.start, found.end)
            phrasing = run[bisect.bisect_right(starts, found.start) - 1].phrasing
            items.append((begin, until, found, phrasing))
    formulas = [(begin, found) for begin, _, found, _ in items if found.latex is not None]
    limit = getattr(render, "max_tex_bytes", MAX_TEX_BYTES)
    for begin, found in formulas:
        if len(found.latex.encode()) > limit:
            reason = f"formula too long ({len(found.latex.encode()):,} bytes of TeX; the limit is {limit:,})"
            raise MathError(line_at(page, begin), found.latex, reason)
    # The Markdown step's numbering and drawing, display boxes included.
    maths = {begin: maths_finder.Found(begin, until, f.latex, f.display, block=True) for begin, until, f, _ in items}
    maths = {begin: f for begin, f in maths.items() if f.latex is not None}
    plan_of = dict(zip(maths, PagePlan(page, list(maths.values()), site, warn).plans, strict=True))
    prerender = getattr(render, "prerender", None)
    if prerender:  # one batch for the page's formulas
        prerender([(p.latex, maths[b].display) for b, p in plan_of.items() if p.link is None])
    drawing = MathPreprocessor(None, render)  # the Markdown step's display boxes and equation links
    out, pos = [], 0
    for begin, until, found, phrasing in items:
        out.append(page[pos:begin])
        pos = until
        if found.latex is None:
            out.append(html.escape(found.text, quote=False))
            continue
        try:
            drawn = drawing.formula_html(maths[begin], plan_of[begin])
        except Exception as err:  # the renderer's own error type varies
            if is_latex_error(err):
                raise MathError(line_at(page, begin), found.latex, f"invalid LaTeX ({err})") from err
            if isinstance(err, FormulaRefused):
                raise MathError(line_at(page, begin), found.latex, str(err)) from err
            raise RendererCrash(line_at(page, begin), found.latex, err) from err
        if phrasing and drawn.startswith("<div"):
            drawn = "<span" + drawn[4:-6] + "</span>"  # `<div …>…</div>` → `<span …>…</span>`
        out.append(drawn)
    out.append(page[pos:])
    return "".join(out)


def line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
