"""TeX macro definitions as MathJax reads them, and includes that only define macros.

`read_definitions(tex)` reads a run of `\\newcommand`, `\\renewcommand`, `\\providecommand`
(`*` forms too), `\\def`/`\\gdef` with `#1#2…` parameters, `\\let`, and
`\\DeclareMathOperator` (`\\operatorname{…}`; `*`: `\\operatorname*{…}`) into the
`katex: macros` form: {name without backslash: body, or [body, nargs]}. `hidden_macro_block`
tells whether an include's visible text is nothing but maths delimiters around such
definitions (a `display:none` block that a layout pulls in to give every formula macros).
"""

from __future__ import annotations

import html
import re

DEFINER = re.compile(
    r"\\(?P<cmd>newcommand|renewcommand|providecommand|DeclareMathOperator|def|gdef|let)(?![A-Za-z])(?P<star>\*?)"
)
# Preamble commands a macro block may hold that define no macro: skipped, and said so.
SKIPPED = {"definecolor": 3, "require": 1}
SKIP = re.compile(r"\\(?P<cmd>definecolor|require)(?![A-Za-z])")
CONTROL = re.compile(r"\\(?:[A-Za-z]+|.)", re.S)
SPACE = re.compile(r"(?:\s|%[^\n]*(?:\n|$))*")
DELIMITERS = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$"))


class NotDefinitions(ValueError):
    """The text holds something other than macro definitions."""


def group(tex: str, pos: int) -> tuple[str, int]:
    """The text inside the brace group at `pos` (escaped braces skipped), and the index after it."""
    if pos >= len(tex) or tex[pos] != "{":
        raise NotDefinitions(f"expected {{ at {pos}")
    depth, i = 0, pos
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return tex[pos + 1 : i], i + 1
        i += 1
    raise NotDefinitions("unbalanced braces")


def skip_space(tex: str, pos: int) -> int:
    return SPACE.match(tex, pos).end()


def control_name(tex: str, pos: int) -> tuple[str, int]:
    """`\\name` or `{\\name}` at `pos`: (name without backslash, index after)."""
    pos = skip_space(tex, pos)
    if tex.startswith("{", pos):
        inner, end = group(tex, pos)
        m = CONTROL.fullmatch(inner.strip())
        if not m:
            raise NotDefinitions(f"not a command name: {inner!r}")
        return m.group(0)[1:], end
    m = CONTROL.match(tex, pos)
    if not m:
        raise NotDefinitions(f"expected a command name at {pos}")
    return m.group(0)[1:], m.end()


def optional(tex: str, pos: int) -> tuple[str | None, int]:
    """An optional `[…]` argument at `pos` (after spaces)."""
    at = skip_space(tex, pos)
    if not tex.startswith("[", at):
        return None, pos
    end = tex.find("]", at)
    if end < 0:
        raise NotDefinitions("unclosed [")
    return tex[at + 1 : end].strip(), end + 1


def read_definitions(tex: str) -> tuple[dict, list[str]]:
    """(macros, notes) for a text of definitions only; NotDefinitions if it holds anything else."""
    macros: dict = {}
    notes: list[str] = []
    pos = skip_space(tex, 0)
    while pos < len(tex):
        m = DEFINER.match(tex, pos)
        if not m:
            skip = SKIP.match(tex, pos)
            if not skip:
                raise NotDefinitions(f"not a definition: {tex[pos : pos + 40]!r}")
            pos = skip.end()
            for _ in range(SKIPPED[skip.group("cmd")]):
                _, pos = group(tex, skip_space(tex, pos))
            notes.append(f"\\{skip.group('cmd')} skipped (no macro)")
            pos = skip_space(tex, pos)
            continue
        cmd, star = m.group("cmd"), m.group("star")
        name, pos = control_name(tex, m.end())
        if cmd == "DeclareMathOperator":
            text, pos = group(tex, skip_space(tex, pos))
            macros[name] = f"\\operatorname{star}{{{text}}}"
        elif cmd == "let":
            at = skip_space(tex, pos)
            at = skip_space(tex, at + 1) if tex.startswith("=", at) else at
            target = CONTROL.match(tex, at)
            if not target:
                raise NotDefinitions(f"\\let\\{name} to what?")
            macros[name], pos = target.group(0), target.end()
        elif cmd in ("def", "gdef"):
            brace = tex.find("{", pos)
            params = tex[pos:brace] if brace >= 0 else ""
            if brace < 0 or not re.fullmatch(r"\s*(?:#\d\s*)*", params):
                raise NotDefinitions(f"\\{cmd}\\{name}: delimited parameters {params!r}")
            body, pos = group(tex, brace)
            nargs = params.count("#")
            macros[name] = [body, nargs] if nargs else body
        else:
            count, pos = optional(tex, pos)
            default, pos = optional(tex, pos) if count is not None else (None, pos)
            body, pos = group(tex, skip_space(tex, pos))
            nargs = int(count) if count and count.isdigit() else 0
            if cmd == "providecommand" and name in macros:
                pass
            else:
                macros[name] = [body, nargs] if nargs else body
            if default is not None:
                notes.append(f"\\{name}: the optional argument's default [{default}] is dropped")
        pos = skip_space(tex, pos)
    return macros, notes


COMMENTS = re.compile(r"<!--.*?-->|{%-?\s*comment\s*-?%}.*?{%-?\s*endcomment\s*-?%}", re.S)
MATH_SCRIPT = re.compile(
    r"<script[^>]*type\s*=\s*[\"']?math/tex(?P<display>; *mode=display)?[^>]*>(?P<tex>.*?)</script>", re.S
)
TAG = re.compile(r"<[^>]*>|{%-?.*?-?%}", re.S)


def maths_segments(text: str) -> list[str] | None:
    """The insides of the maths delimiters that make up all of `text`, or None if anything
    else (words, other markup) is there too."""
    segments, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return segments
        for left, right in DELIMITERS:
            if text.startswith(left, pos):
                end = text.find(right, pos + len(left))
                if end < 0:
                    return None
                segments.append(text[pos + len(left) : end])
                pos = end + len(right)
                break
        else:
            return None


def hidden_macro_block(text: str) -> tuple[dict, list[str]] | None:
    """(macros, notes) if an include's visible text is only maths delimiters around macro
    definitions (at least one); None otherwise."""
    if "{{" in text:
        return None
    text = COMMENTS.sub("", text)
    text = MATH_SCRIPT.sub(lambda m: f"\\[{m.group('tex')}\\]", text)
    if re.search(r"<(script|style)\b", text, re.I):
        return None
    segments = maths_segments(html.unescape(TAG.sub(" ", text)))
    if not segments:
        return None
    macros: dict = {}
    notes: list[str] = []
    try:
        for segment in segments:
            found, more = read_definitions(segment)
            macros.update(found)
            notes += more
    except NotDefinitions:
        return None
    return (macros, notes) if macros else None
