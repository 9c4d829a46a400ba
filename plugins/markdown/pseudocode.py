"""```` ```pseudocode ```` fences typeset at build time: an algorithm with its caption, line numbers and maths.

The fence holds what pseudocode.js reads (al-folio's syntax, LaTeX's `algorithm` and
`algorithmic`): `\\begin{algorithm}`, `\\caption{…}`, `\\PROCEDURE{Name}{$args$}`, `\\IF`,
`\\FOR`, `\\WHILE`, `\\STATE`, `\\CALL`, `\\RETURN`, `\\COMMENT`, `$…$` maths. npm's
pseudocode.js typesets it in node (plugins/markdown/pseudocode.mjs) into HTML that needs
no script, only the theme's `pseudocode.css`; its formulas are drawn by the page's own
renderer (the build's KaTeX: same options, trust list, cache and font facts as every other
formula). Algorithms are numbered per page, in order, as pseudocode.js numbers them in a
browser. The site's `PSEUDOCODE_OPTIONS` (pseudocode.js's options: `lineNumber`, `noEnd`,
`indentSize`, `commentDelimiter`, `titlePrefix`, `scopeLines`…) override `OPTIONS`.

A syntax error is a `PseudocodeError` (a `MathError`: the reader names the file, the line
the parser stopped at and that line's text); invalid maths inside is a formula's error.
Each typeset block is cached (plugins/build_cache.py) by its source, number, options, the
pseudocode.js version and this code; one node process typesets a page's uncached blocks and
ends with them, or with the build (plugins/child_process.py). A fence inside another fence,
an HTML comment or an indented code block stays text. The fence's lines become one stashed
block and blank lines: later steps count lines as before.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from plugins import build_cache, child_process
from plugins.markdown.kramdown_math import (
    FormulaRefused,
    MathError,
    RendererCrash,
    is_latex_error,
    mask_indented_code,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("pseudocode.mjs")
PACKAGE = ROOT / "node_modules" / "pseudocode"
OPTIONS = {"lineNumber": True}  # pseudocode.js's own default hides line numbers
MAX_BYTES = 64 * 1024  # of one algorithm's source
TIME_LIMIT = 60  # seconds for one page's uncached algorithms

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
PLACEHOLDER = re.compile("\x02(\\d+)\x03")  # pseudocode.mjs's mark for its Nth formula
LONG_EM = re.compile(r"\d+\.\d{4,}(?=em)")  # 1.7999999999999998em: floating-point noise


class PseudocodeError(MathError):
    """An algorithm pseudocode.js cannot read: `line` is 1-based in the Markdown, `latex` that line's text."""


def version() -> str:
    """The pseudocode.js version the build runs (a clear error if npm has not installed it)."""
    package = PACKAGE / "package.json"
    if not package.exists():
        raise RuntimeError(f"pseudocode.js is not installed at {PACKAGE}: run `npm ci` (or `make install`)")
    return json.loads(package.read_text())["version"]


def find_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first line, line after the closing fence, source) of each ```pseudocode fence (0-based).
    Other fences are skipped whole, and so are HTML comments and indented code."""
    masked = mask_indented_code(COMMENT.sub(lambda m: re.sub(r"[^\n]", "\0", m.group(0)), "\n".join(lines)))
    seen = masked.split("\n")
    blocks, i = [], 0
    while i < len(seen):
        opened = FENCE.match(seen[i])
        if not opened:
            i += 1
            continue
        fence, indent = opened.group("fence"), len(opened.group("indent"))
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(seen)) if closing.match(seen[j])), None)
        if end is None:  # never closed: kramdown reads no code block, so no algorithm either
            i += 1
            continue
        info = opened.group("info").strip().lstrip("{").lstrip(".").split()
        if info[:1] == ["pseudocode"]:
            body = [line[indent:] if line[:indent].strip() == "" else line.lstrip() for line in lines[i + 1 : end]]
            blocks.append((i, end + 1, "\n".join(body)))
        i = end + 1
    return blocks


def cache_inputs(source: str, number: int, options: dict) -> list:
    return [
        source,
        str(number),
        json.dumps(options, sort_keys=True),
        version(),
        SCRIPT.read_bytes(),
        Path(__file__).read_bytes(),
    ]


class _Miss(Exception):
    pass


def _miss() -> bytes:
    raise _Miss


def typeset(blocks: list[tuple[str, int]], options: dict, time_limit: float = TIME_LIMIT) -> list[dict]:
    """pseudocode.js's answer for each (source, number): {"html", "maths"} or {"error", "position"},
    from the cache or from one node process for all that are not there."""
    answers: list[dict | None] = []
    for source, number in blocks:
        try:
            answers.append(json.loads(build_cache.cached("pseudocode", cache_inputs(source, number, options), _miss)))
        except _Miss:
            answers.append(None)
    missing = [n for n, answer in enumerate(answers) if answer is None]
    if missing:
        request = {"options": options, "blocks": [[blocks[n][0], blocks[n][1] - 1] for n in missing]}
        for n, answer in zip(missing, run_node(request, time_limit), strict=True):
            answers[n] = answer
            if "error" not in answer:  # errors are not cached: the post must change anyway
                data = json.dumps(answer, sort_keys=True).encode()
                build_cache.cached("pseudocode", cache_inputs(*blocks[n], options), lambda data=data: data)
    return answers


def run_node(request: dict, time_limit: float) -> list[dict]:
    """One node process for one page's algorithms: a request in, an answer line per block out."""
    version()
    process = child_process.start(
        ["node", str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    try:
        out, err = process.communicate(json.dumps(request).encode(), timeout=time_limit)
    except subprocess.TimeoutExpired:
        child_process.stop(process)
        raise TimeoutError(f"pseudocode.js had not typeset this page's algorithms after {time_limit:g} s") from None
    lines = out.decode().splitlines()
    if process.returncode != 0 or len(lines) != len(request["blocks"]):
        raise RuntimeError(f"pseudocode.js exited with {process.returncode}: {err.decode().strip()[-2000:]}")
    return [json.loads(line) for line in lines]


class PseudocodePreprocessor(Preprocessor):
    """Each ```pseudocode fence → the typeset algorithm, stashed; its other lines blank."""

    def __init__(self, md: Markdown, render: Callable[[str, bool], str], options: dict):
        super().__init__(md)
        self.render, self.options = render, options

    def run(self, lines: list[str]) -> list[str]:
        if not any("pseudocode" in line for line in lines):
            return lines
        blocks = find_blocks(lines)
        if not blocks:
            return lines
        for start, _, source in blocks:
            if not source.strip():
                raise PseudocodeError(start + 1, lines[start], "an empty pseudocode block")
            if len(source.encode()) > MAX_BYTES:
                reason = f"pseudocode block too long ({len(source.encode()):,} bytes; the limit is {MAX_BYTES:,})"
                raise PseudocodeError(start + 1, lines[start], reason)
        try:
            answers = typeset([(source, n) for n, (_, _, source) in enumerate(blocks, start=1)], self.options)
        except (TimeoutError, RuntimeError) as err:
            raise RendererCrash(blocks[0][0] + 1, blocks[0][2], err) from err
        out = list(lines)
        for (start, end, source), answer in zip(blocks, answers, strict=True):
            html = self.algorithm_html(start, source, answer)
            indent = FENCE.match(lines[start]).group("indent")
            # A blank line, then the block: a paragraph just above never swallows it.
            out[start:end] = ["", indent + self.md.htmlStash.store(html)] + [""] * (end - start - 2)
        return out

    def algorithm_html(self, start: int, source: str, answer: dict) -> str:
        """The block's HTML with its formulas drawn; an error names the source line it is on."""
        source_lines = source.split("\n")
        if "error" in answer:
            at = answer.get("position")
            offset = source[:at].count("\n") if isinstance(at, int) else 0
            offset = min(offset, len(source_lines) - 1)
            raise PseudocodeError(start + 2 + offset, source_lines[offset], f"invalid pseudocode ({answer['error']})")
        maths = answer["maths"]
        prerender = getattr(self.render, "prerender", None)
        if prerender:
            prerender([(tex, False) for tex in maths])
        drawn = [self.formula(tex, start, source_lines) for tex in maths]
        html = PLACEHOLDER.sub(
            lambda m: drawn[int(m.group(1))], LONG_EM.sub(lambda m: f"{float(m.group(0)):g}", answer["html"])
        )
        return f'<div class="pseudocode">{html}</div>'

    def formula(self, tex: str, start: int, source_lines: list[str]) -> str:
        try:
            return self.render(tex, False)
        except Exception as err:  # the renderer's own error type varies, as in kramdown_math
            offset = next((n for n, line in enumerate(source_lines) if tex in line), 0)
            line = start + 2 + offset
            if is_latex_error(err):
                raise MathError(line, tex, f"invalid LaTeX ({err})") from err
            if isinstance(err, FormulaRefused):
                raise MathError(line, tex, str(err)) from err
            raise RendererCrash(line, tex, err) from err


class PseudocodeExtension(Extension):
    def __init__(self, render: Callable[[str, bool], str], options: dict | None = None):
        super().__init__()
        self.render, self.options = render, {**OPTIONS, **(options or {})}

    def extendMarkdown(self, md: Markdown) -> None:
        # 29.6: while the fence is whole and its lines are the author's: before the figure tags
        # (29.5), the maths (29) and the fences (25).
        md.preprocessors.register(PseudocodePreprocessor(md, self.render, self.options), "pseudocode", 29.6)
