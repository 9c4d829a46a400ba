"""Which KaTeX font files a page's formulas use, so the page can preload exactly those.

KaTeX's CSS declares its fonts with `font-display: block`: text is laid out
with fallback metrics until a font arrives, then moves (layout shift). Preloading
the fonts a page needs makes them arrive with the CSS. The fonts are worked out
from KaTeX's own stylesheet, read here (`katex_css_model`) and applied by the node
renderer to the tree KaTeX builds (plugins/katex/server.mjs): each element inside
`.katex-html` inherits its parent's font and applies the rules whose classes it
carries; an element with text uses that font. Preloading a font the page does not
use would make Chromium warn, so the answer must be exact, and a browser test checks it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from plugins.katex.process import KATEX_PACKAGE

RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
FACE = re.compile(r"@font-face\{([^}]*)\}")
DECL = re.compile(r"(font-family|font-style|font-weight):([^;}]+)")
BASE_FONT = ("KaTeX_Main", "normal", "400")


def _decls(body: str) -> dict:
    found = {k: v.strip() for k, v in DECL.findall(body)}
    weight = {"bold": "700", "normal": "400"}.get(found.get("font-weight", ""), found.get("font-weight"))
    return {"family": found.get("font-family"), "style": found.get("font-style"), "weight": weight}


@cache
def katex_css_model(css_path: Path = KATEX_PACKAGE / "dist" / "katex.min.css"):
    """(rules, faces): class rules as (required classes, font changes); faces as font → file."""
    css = css_path.read_text()
    faces = {}
    for body in FACE.findall(css):
        d = _decls(body)
        src = re.search(r"url\(fonts/([^)]+\.woff2)\)", body).group(1)
        faces[(d["family"], d["style"] or "normal", d["weight"] or "400")] = src
    rules = []
    for selectors, body in RULE.findall(FACE.sub("", css)):
        changes = {k: v for k, v in _decls(body).items() if v}
        if not changes:
            continue
        for selector in selectors.split(","):
            selector = selector.strip()
            if not selector.startswith(".katex ") or not re.fullmatch(r"[.\w\s>-]+", selector):
                continue
            last = re.split(r"[\s>]+", selector)[-1]  # the element's own compound selector
            classes = frozenset(re.findall(r"\.([\w-]+)", last))
            if classes and re.fullmatch(r"(\.[\w-]+)+", last):
                rules.append((classes, changes))
    return rules, faces


def attach_fonts(content) -> None:
    """Templates preload content.katex_fonts: the fonts the renderer recorded for the page's
    formulas (plugins/katex/render.py; content from another reader has no KaTeX)."""
    content.katex_fonts = sorted(content.metadata.get("katex_font_chars") or {})
