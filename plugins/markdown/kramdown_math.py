"""Maths delimiters as kramdown readers write them, rendered to HTML by KaTeX.

A Python-Markdown extension. It runs before any other block parsing, so Markdown never
sees the inside of a formula (`_`, `*`, `|`, `<`, `\\{` survive). Where the formulas are,
and what their TeX is, is plugins/markdown/maths_finder.py's (kramdown's `$$…$$`,
``\\\\(…\\\\)``, ``\\\\[…\\\\]``, ``$…$`` where the site has it, and with the site's
MathJax settings what MathJax found in the page); ``\\label{key}``/``\\eqref{key}`` are
plugins/markdown/equation_refs.py's and, for a MathJax site's numbering (MATH_NUMBERING
none, ams, all), plugins/markdown/equation_numbers.py's.

A display formula alone in its paragraph is a box of its own (`<div class="math-display">`);
one inside a paragraph or in raw HTML is KaTeX's display span there. On a MathJax site
(MATH_COMPAT) what MathJax showed without complaint is a warning (``md.author_warnings``,
with the line), never a failure: an ``\\eqref`` to a label no equation has reads "(???)",
a label used twice keeps its first equation; and a formula KaTeX is given in another form
than the author's (a starred environment with explicit tags, an inline environment drawn
inline) keeps the author's TeX as its annotation (`render(latex, display, annotation=…)`).

Rendering is delegated to a callable (plugins/katex/render.py's batched node process in
the site build), so the extension is testable on its own. A formula longer than the
renderer's `max_tex_bytes` (else MAX_TEX_BYTES) fails at once.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from html import escape

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from plugins.markdown import equation_numbers, equation_refs
from plugins.markdown.maths_finder import (  # noqa: F401 (the finder's names, used from here)
    DEFAULT,
    MARKDOWN_ESCAPE,
    Found,
    MathError,
    MathOptions,
    find_formulas,
    line_at,
    mask_indented_code,
    mask_protected,
)

# render(latex, display[, annotation=TeX]) -> HTML string; raises on invalid LaTeX.
Renderer = Callable[..., str]
MAX_TEX_BYTES = 64 * 1024  # a longer formula is refused before anything renders it
SHOWN = MathError.SHOWN  # characters of a formula an error message quotes


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


def find_math(text: str, options: MathOptions = DEFAULT) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, latex, display) for each formula; latex None means a literal `$`."""
    return [(f.start, f.end, f.latex, f.display) for f in find_formulas(text, options)]


class MathPreprocessor(Preprocessor):
    """Swap each formula for a stashed placeholder holding its rendered HTML."""

    def __init__(self, md: Markdown, render: Renderer, options: MathOptions = DEFAULT):
        super().__init__(md)
        self.render, self.options = render, options
        self.keywords = keywords(render)

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        formulas = find_formulas(text, self.options)
        limit = getattr(self.render, "max_tex_bytes", MAX_TEX_BYTES)
        for f in formulas:
            size = len(f.latex.encode()) if f.latex else 0
            if size > limit:
                reason = f"formula too long ({size:,} bytes of TeX; the limit is {limit:,}, KATEX_MAX_BYTES)"
                raise MathError(line_at(text, f.start), f.latex, reason)
        page = PagePlan(text, formulas, self.options, self.warn)
        prerender = getattr(self.render, "prerender", None)
        if prerender:  # one batch for the page's formulas; render() below then hits its memo
            annotated = "annotation" in self.keywords
            prerender(
                [
                    (p.latex, f.display, p.annotation)
                    if annotated and p.annotation not in (None, p.latex)
                    else (p.latex, f.display)
                    for f, p in zip(formulas, page.plans, strict=True)
                    if p and p.link is None
                ]
            )
        out, pos, line, counted = [], 0, 1, 0
        for f, plan in zip(formulas, page.plans, strict=True):
            out.append(text[pos : f.start])
            line, counted = line + text.count("\n", counted, f.start), f.start
            pos = f.end
            if f.latex is None:
                out.append(f.text)
                continue
            try:
                out.append(self.md.htmlStash.store(self.formula_html(f, plan, line)))
            except Exception as err:  # the renderer's own error type varies
                if is_latex_error(err):
                    raise MathError(line, f.latex, f"invalid LaTeX ({err})") from err
                if isinstance(err, FormulaRefused):
                    raise MathError(line, f.latex, str(err)) from err
                raise RendererCrash(line, f.latex, err) from err
        out.append(text[pos:])
        return "".join(out).split("\n")

    def warn(self, line: int, message: str) -> None:
        if getattr(self.md, "author_warnings", None) is None:
            self.md.author_warnings = []
        self.md.author_warnings.append((line, message))

    def draw(self, latex: str, display: bool, annotation: str | None, line: int | None) -> str:
        """The renderer's HTML; it is told the annotation and the line if it takes them (from a
        renderer that takes no annotation, the TeX annotation of its MathML is replaced)."""
        extra = {}
        annotate = annotation is not None and annotation != latex
        if annotate and "annotation" in self.keywords:
            extra["annotation"] = annotation
        if line is not None and "line" in self.keywords:
            extra["line"] = line
        drawn = self.render(latex, display, **extra)
        if annotate and "annotation" not in extra:
            return TEX_ANNOTATION.sub(lambda m: m.group(1) + escape(annotation) + m.group(2), drawn, count=1)
        return drawn

    def formula_html(self, f: Found, plan: Plan, line: int | None = None) -> str:
        if plan.link is not None:
            return plan.link
        html = self.draw(plan.latex, f.display, plan.annotation, line)
        if not html:  # a formula that only defines macros: nothing shown, its TeX kept
            return definitions_html(plan.annotation if plan.annotation is not None else plan.latex, f.display)
        if f.display and f.block:
            first, rest = (plan.ids[0], plan.ids[1:]) if plan.ids else (None, [])
            id_attr = f' id="{first}"' if first else ""
            return f'<div class="math-display"{id_attr}>{anchors(rest)}{html}</div>'
        return with_anchors(html, plan.ids)


def definitions_html(tex: str, display: bool) -> str:
    """The page's element for a formula that only defines (macros, colours): hidden, taking no space
    and read by no screen reader, as MathJax's empty element for it; its TeX stays in the page for
    what reads formulas' TeX (copy-as-LaTeX, checks against the old site)."""
    maths = (
        '<span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML">'
        f'<semantics><mrow></mrow><annotation encoding="application/x-tex">{escape(tex)}</annotation>'
        "</semantics></math></span></span>"
    )
    return f'<span class="{"katex-display " if display else ""}math-definitions" hidden>{maths}</span>'


TEX_ANNOTATION = re.compile(r'(<annotation encoding="application/x-tex">)[^<]*(</annotation>)')


def keywords(render: Renderer) -> set[str]:
    """Which of the optional keywords (annotation, line) the renderer takes."""
    try:
        params = inspect.signature(render).parameters.values()
    except (TypeError, ValueError):
        return set()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return {"annotation", "line"}
    return {"annotation", "line"} & {p.name for p in params}


def anchors(ids: list[str]) -> str:
    return "".join(f'<span id="{i}"></span>' for i in ids)


def with_anchors(html: str, ids: list[str]) -> str:
    """KaTeX's HTML with an empty element per id just inside its outer element (a display
    formula in a paragraph, an inline one with a label): `\\eqref` links land there."""
    if not ids:
        return html
    end = html.find(">") + 1
    return html[:end] + anchors(ids) + html[end:]


class Plan:
    """What one formula becomes: the TeX KaTeX draws, its annotation (None: the same), the
    ids of its labels, or the HTML of a reference standing alone."""

    def __init__(self, latex: str = "", annotation: str | None = None, ids=(), link: str | None = None):
        self.latex, self.annotation, self.ids, self.link = latex, annotation, list(ids), link


class PagePlan:
    """The page's numbers and each formula's plan, for the site's numbering (MATH_NUMBERING)."""

    def __init__(self, text: str, formulas: list[Found], options: MathOptions, warn):
        self.text, self.options, self.compat = text, options, options.compat is not None
        self.warn_at = warn
        maths = [(i, f) for i, f in enumerate(formulas) if f.latex is not None]
        self.plans: list[Plan | None] = [None] * len(formulas)
        if options.numbering == "katex":
            self.katex_numbers(maths)
        else:
            self.mathjax_numbers(maths)

    def warner(self, f: Found):
        """The warning callback for references in formula f: None (they fail) on our own posts."""
        line = line_at(self.text, f.start)
        return (lambda message: self.warn_at(line, message)) if self.compat else None

    def error(self, f: Found, message: str) -> MathError:
        return MathError(line_at(self.text, f.start), f.latex, message)

    def katex_numbers(self, maths: list[tuple[int, Found]]) -> None:
        displays = [f for _, f in maths if f.display]
        duplicate = None
        if self.compat:

            def duplicate(index: int, key: str) -> None:
                self.warn_at(line_at(self.text, displays[index].start), duplicate_message(key))

        try:
            numbers = equation_refs.number_labels([f.latex for f in displays], duplicate)
        except equation_refs.LabelError as err:
            raise self.error(displays[err.index], str(err)) from err
        for i, f in maths:
            try:
                self.plans[i] = self.katex_plan(f, numbers)
            except equation_refs.UnknownLabel as err:  # a KeyError from a bug is a crash
                raise self.error(f, err.args[0]) from err

    def katex_plan(self, f: Found, numbers: dict) -> Plan:
        warn = self.warner(f)
        annotation = equation_refs.resolve_inside(f.latex, numbers, silent) if self.compat else None
        if f.display:
            latex, box_id = equation_refs.prepare_display(f.latex, numbers, warn)
            return Plan(latex, annotation, [box_id] if box_id else [])
        link = equation_refs.link(f.latex, numbers, warn)
        if link is not None:
            return Plan(link=link)
        latex = f.latex
        if self.compat and needs_inline_rewrite(latex):
            latex = equation_numbers.inline_for_katex(equation_numbers.number_page([(latex, False)], "none")[0])
        return Plan(equation_refs.resolve_inside(latex, numbers, warn), annotation)

    def mathjax_numbers(self, maths: list[tuple[int, Found]]) -> None:
        refs = {i for i, f in maths if not f.display and equation_refs.WHOLE_REF.fullmatch(f.latex)}
        numbered = [(i, f) for i, f in maths if i not in refs]
        page = equation_numbers.number_page([(f.latex, f.display) for _, f in numbered], self.options.numbering)
        numbers: dict[str, str | None] = {}
        ids: dict[int, list[str]] = {}
        for (i, f), formula in zip(numbered, page, strict=True):
            for row in formula.rows:
                for key in row.labels:
                    if key in numbers:
                        if not self.compat:
                            raise self.error(f, f"\\label{{{key}}} is used by two equations")
                        self.warn_at(line_at(self.text, f.start), duplicate_message(key))
                        continue
                    numbers[key] = row.number
                    ids.setdefault(i, []).append(equation_refs.anchor(key))
        formulas = dict(zip((i for i, _ in numbered), page, strict=True))
        for i, f in maths:
            line = line_at(self.text, f.start)

            def warn(message: str, line=line) -> None:
                self.warn_at(line, message)

            if not self.compat:  # our own posts: a reference to no label fails
                for m in equation_refs.REF.finditer(f.latex):
                    if m.group(2) not in numbers:
                        try:
                            equation_refs.lookup(m.group(2), numbers)
                        except equation_refs.UnknownLabel as err:
                            raise self.error(f, err.args[0]) from err
            if i in refs:
                self.plans[i] = Plan(link=equation_refs.link(f.latex, numbers, warn))
                continue
            latex = equation_numbers.for_katex(formulas[i])
            self.plans[i] = Plan(
                equation_refs.resolve_inside(latex, numbers, warn),
                equation_refs.resolve_inside(f.latex, numbers, silent),
                ids.get(i, []),
            )


def silent(message: str) -> None:
    """A reference's warning already given (the annotation resolves the same references)."""


def duplicate_message(key: str) -> str:
    return f"\\label{{{key}}} is used by two equations; references go to the first, as MathJax did"


NUMBERED_INLINE = re.compile(r"\\begin\s*\{(?:" + "|".join(sorted(equation_numbers.INLINE)) + r")\*?\}|\\tag\b")


def needs_inline_rewrite(latex: str) -> bool:
    """An inline formula holding a display environment or a \\tag, which KaTeX refuses inline."""
    return bool(NUMBERED_INLINE.search(latex))


class KramdownMathExtension(Extension):
    """Register the maths preprocessor right after whitespace normalisation."""

    def __init__(self, render: Renderer, options: MathOptions = DEFAULT):
        super().__init__()
        self.render, self.options = render, options

    def extendMarkdown(self, md: Markdown) -> None:
        # 29: after normalize_whitespace (30), before raw fences (31 is earlier),
        # superfences (25) and html_block (20), which would hide line numbers.
        md.preprocessors.register(MathPreprocessor(md, self.render, self.options), "kramdown_math", 29)


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
