"""A rendered formula, and where a page's drawing stands (the definitions in force)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

# KaTeX's class attributes: `class="…"` on HTML elements, `class ="…"` on MathML ones.
CLASS_ATTRIBUTE = re.compile(r'\sclass ?="([^"]*)"')


@dataclass(frozen=True)
class Formula:
    """One rendered formula and what it needs from KaTeX's CSS and fonts."""

    html: str
    classes: frozenset[str]
    fonts: dict[str, str]  # woff2 file name → the characters drawn with it (sorted)
    changed: bool = False  # it changed the page's definitions: the page's later formulas depend on it
    empty: bool = False  # it only defines (macros, colours) and draws nothing
    mathjax: bool = False  # drawn by MathJax (MATH_COMPAT), KaTeX cannot
    warning: str | None = None  # MathJax's message: it refused the formula too and drew its error

    EXTRAS = ("changed", "empty", "mathjax", "warning")

    def to_json(self) -> bytes:
        extras = {k: getattr(self, k) for k in self.EXTRAS if getattr(self, k)}
        return json.dumps({"html": self.html, "classes": sorted(self.classes), "fonts": self.fonts, **extras}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Formula:
        d = json.loads(data)
        return cls(d["html"], frozenset(d["classes"]), d["fonts"], **{k: d[k] for k in cls.EXTRAS if k in d})

    @classmethod
    def from_answer(cls, answer: dict) -> Formula:
        """The node server's answer: the HTML, and the fonts it read from KaTeX's tree. The class
        names are read off the HTML (KaTeX escapes every '"' in text and attribute values, so
        each `class="…"` is an attribute), while node renders the next formulas."""
        classes = frozenset(c for value in CLASS_ATTRIBUTE.findall(answer["html"]) for c in value.split())
        fonts = {f: "".join(sorted(c)) for f, c in sorted(answer["fonts"].items())}  # by code point, as Python sorts
        extras = {k: answer[k] for k in cls.EXTRAS if answer.get(k)}
        return cls(answer["html"], classes, fonts, **extras)


Item = tuple[str, bool, "str | None"]  # (latex, display, annotation)


def changed(result) -> bool:
    """The formula (drawn, or refused after defining something) changed the page's definitions."""
    return getattr(result, "changed", False)


class Cursor:
    """Where a page's drawing stands: the digest of the definitions in force (b"": the site's
    alone) and the formulas that made them, in order."""

    def __init__(self, page: int, state: bytes = b"", defs: tuple = ()):
        self.page, self.state, self.defs = page, state, list(defs)

    def copy(self) -> Cursor:
        return Cursor(self.page, self.state, self.defs)

    def advance(self, item: Item, result) -> None:
        if changed(result):
            self.state = hashlib.sha256(b"\0".join([self.state, item[0].encode(), b"D" if item[1] else b"I"])).digest()
            self.defs.append((item[0], item[1]))
