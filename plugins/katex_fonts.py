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
def _font_changes(class_attr: str) -> tuple[dict, ...]:
    """The font changes of the rules an element with these classes matches, in CSS order
    (KaTeX repeats a few class combinations thousands of times: computed once each)."""
    classes = set(class_attr.split())
    return tuple(changes for required, changes in katex_css_model()[0] if required <= classes)


def _fonts_of(roots) -> dict[str, set[str]]:
    """Walk KaTeX's `.katex-html` trees, applying its CSS font rules: font file → characters."""
    faces = katex_css_model()[1]
    used: dict[tuple, set[str]] = {}

    def walk(element, font):
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                continue
            if child.tag == "svg":  # stretchy braces and roots are drawn, not typeset
                continue
            family, style, weight = font
            for changes in _font_changes(child.get("class") or ""):
                family = changes.get("family", family)
                style = changes.get("style", style)
                weight = changes.get("weight", weight)
            child_font = (family, style, weight)
            # The element's own text: before its first child and after each child.
            text = ((child.text or "") + "".join(c.tail or "" for c in child)).strip()
            if text:
                used.setdefault(child_font, set()).update(text)
            walk(child, child_font)

    for root in roots:
        walk(root, BASE_FONT)
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
    return _fonts_of(_parse(html).xpath(_has_class("katex-html")))


def formula_facts(html: str) -> tuple[set[str], dict[str, set[str]]]:
    """(classes, characters per font file) of one formula as KaTeX rendered it.

    The renderer records these once per formula (and caches them with it), so no
    later step parses a finished page to find out which CSS rules and fonts it needs.
    """
    doc = _parse(html)
    classes = {c for element in doc.xpath("//*[@class]") for c in element.get("class").split()}
    return classes, _fonts_of(doc.xpath(_has_class("katex-html")))


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
