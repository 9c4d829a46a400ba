"""Which KaTeX font files a page's formulas use, so the page can preload exactly those.

KaTeX's CSS declares its fonts with `font-display: block`: text is laid out
with fallback metrics until a font arrives, then moves (layout shift). Preloading
the fonts a page needs makes them arrive with the CSS. The fonts are worked out
from KaTeX's own stylesheet: each element inside `.katex-html` inherits its
parent's font and applies the rules whose classes it carries; an element with
text uses that font. Preloading a font the page does not use would make
Chromium warn, so the answer must be exact, and a browser test checks it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pelican import signals

from plugins.katex_render import KATEX_PACKAGE

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


def _has_class(name: str) -> str:
    return f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


@cache
def _xpath(expression: str):
    """A compiled XPath (a formula's facts run a few of them on hundreds of formulas a build)."""
    from lxml import etree

    return etree.XPath(expression)


@cache
def _font_changes(class_attr: str) -> tuple[dict, ...]:
    """The font changes of the rules an element with these classes matches, in CSS order
    (KaTeX repeats a few class combinations thousands of times: computed once each)."""
    classes = set(class_attr.split())
    return tuple(changes for required, changes in katex_css_model()[0] if required <= classes)


def _font_of(element, fonts: dict) -> tuple | None:
    """The element's font from its ancestors' classes (memo: `fonts`, which starts with the
    root's), or None inside an <svg>."""
    if element in fonts:
        return fonts[element]
    parent_font = _font_of(element.getparent(), fonts)
    if parent_font is None or element.tag == "svg" or not isinstance(element.tag, str):
        fonts[element] = None
        return None
    family, style, weight = parent_font
    for changes in _font_changes(element.get("class") or ""):
        family = changes.get("family", family)
        style = changes.get("style", style)
        weight = changes.get("weight", weight)
    fonts[element] = (family, style, weight)
    return fonts[element]


def _fonts_of(roots) -> dict[str, set[str]]:
    """Walk KaTeX's `.katex-html` trees, applying its CSS font rules: font file → characters.

    Only elements with text are visited, from their text up through their ancestors (most
    of KaTeX's spans are empty struts and boxes: walking every element took twice as long).
    An element's own text (its text and its children's tails) is drawn in its font; the
    root's own font rules are not applied, and nothing inside an <svg> is text."""
    faces = katex_css_model()[1]
    used: dict[tuple, set[str]] = {}
    for root in roots:
        fonts: dict = {root: BASE_FONT}  # holds the elements: lxml keeps one proxy per node

        texts: dict = {}  # element → its own text pieces, in document order
        for text in _xpath(".//text()")(root):
            owner = text.getparent()
            if text.is_tail:
                owner = owner.getparent()
            if owner is not None and owner is not root:
                texts.setdefault(owner, []).append(str(text))
        for owner, pieces in texts.items():
            text = "".join(pieces).strip()
            font = _font_of(owner, fonts) if text else None
            if font is not None:
                used.setdefault(font, set()).update(text)
    return {faces[f]: chars for f, chars in used.items() if f in faces}


def _parse(html: str):
    from lxml import etree  # a C parser: html.parser took 0.2 s a page

    return etree.fromstring(html, _html_parser())


@cache
def _html_parser():
    from lxml import etree

    return etree.HTMLParser()


def font_usage(html: str) -> dict[str, set[str]]:
    """For each KaTeX woff2 file an HTML page's formulas use: the characters drawn with it."""
    if "katex-html" not in html:
        return {}
    return _fonts_of(_xpath(_has_class("katex-html"))(_parse(html)))


def fonts_for(html: str) -> list[str]:
    """The woff2 file names the page's KaTeX HTML needs, sorted."""
    return sorted(font_usage(html))


def attach_fonts(content) -> None:
    """Templates preload content.katex_fonts: from the renderer's record when the reader kept
    one (plugins/katex_render.py), from the HTML only for content other readers made."""
    recorded = content.metadata.get("katex_font_chars")
    content.katex_fonts = sorted(recorded) if recorded is not None else fonts_for(content._content or "")


def register():
    # content_object_init: once per article/page; templates read katex_fonts.
    signals.content_object_init.connect(attach_fonts)
