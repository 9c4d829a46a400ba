"""A drawing Mermaid made, as the page's inline SVG: both themes in one, only the CSS it uses.

Mermaid draws each diagram twice (its `default` and `dark` themes, plugins/mermaid/draw.mjs).
When the two drawings differ only in their <style>, one SVG serves both: the light rules,
and the dark ones that differ scoped under the site's dark theme (the toggle's
`data-theme="dark"`, and `prefers-color-scheme` when the reader has not chosen), so the
toggle needs no redraw. Otherwise both SVGs go in, and the site's CSS shows one. Each SVG
keeps only the rules that can match it, without what only Mermaid's runtime uses, with an
accessible name.
"""

from __future__ import annotations

import collections
import functools
import html
import itertools
import re

from plugins.assets.css import pruned, top_level_rules
from plugins.mermaid.chromium import MermaidError

FONT_FAMILY = "DiagramLabels"  # the name plugins/mermaid/draw.mjs lays labels out in
PLACEHOLDER = (
    "mermaid-svg-placeholder"  # rendered id, replaced per diagram: the cache does not depend on where a diagram sits
)
DARK = ':root[data-theme="dark"]'
SYSTEM_DARK = ':root:not([data-theme="light"])'
AUTHOR_TEXT = "#333"  # Mermaid's default text colour, kept on nodes the author filled (pale in both themes)

STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
DEFS_THAT_DIFFER = re.compile(r"<(filter|linearGradient)\b.*?</\1>", re.DOTALL)  # unused by the drawing
# What Mermaid writes for its own scripts or for every diagram type, which a static drawing
# never uses: data-* attributes (edge and node ids for interaction), empty style attributes,
# and arrowhead markers no edge points at (12 are defined; a flowchart uses one or two).
RUNTIME_DATA = re.compile(r' data-(?:id|et|edge|look|node|points)="[^"]*"')
EMPTY_STYLE = re.compile(r' style="[;\s]*"')
CLASS_LIST = re.compile(r'(?<=\s)class="([^"]*)"')
LABEL_DIV = re.compile(
    r'<div xmlns="http://www\.w3\.org/1999/xhtml"(?: class="(?P<classes>[^"]*)")? style="(?P<style>[^"]*)">'
)
SVG_ID = re.compile(r'<svg id="([^"]+)"')
MARKER = re.compile(r'<marker\b[^>]*\bid="(?P<id>[^"]+)"[^>]*>.*?</marker>', re.DOTALL)
CLASSDEF = re.compile(r"^\s*classDef\s+(\S+)\s+(.*)$", re.MULTILINE)


def drawing_text(svg: str) -> str:
    """The text a drawing shows (its labels), without markup or style."""
    return html.unescape(re.sub(r"<[^>]+>", " ", STYLE.sub("", svg)))


def used_rules(rules: list[str], drawing: str) -> list[str]:
    """The rules that can match something in this drawing: Mermaid's stylesheet styles
    every kind of diagram and look, and the SVG never changes after the build."""
    classes = {c for attr in re.findall(r'class="([^"]*)"', drawing) for c in attr.split()}

    def live(selector: str) -> bool:
        attributes = re.findall(r"\[([^\]]+)\]", selector)
        return set(re.findall(r"\.([\w-]+)", selector)) <= classes and all(a in drawing for a in attributes)

    kept = pruned(rules, live, keep_at_rule=lambda rule: True)
    if not any("animation" in r for r in kept if not r.startswith("@")):
        kept = [r for r in kept if not r.startswith("@keyframes")]
    return kept


def scoped(rule: str, scope: str) -> str:
    selectors, body = rule.split("{", 1)
    return ",".join(f"{scope} {s.strip()}" for s in selectors.split(",")) + "{" + body


def author_filled_classes(source: str) -> list[str]:
    """classDef names that set a fill but no text colour: their pale fills stay in dark, so must their dark text."""
    names = []
    for name, style in CLASSDEF.findall(source):
        if "fill:" in style and "color:" not in style.replace("-color:", ""):
            names += name.split(",")
    return names


def diagram_html(drawn: dict, source: str, svg_id: str, font_url: str) -> str:
    """The diagram as page HTML: one SVG for both themes when Mermaid's two drawings are the
    same but for colours in <style> (flowcharts, ER, Gantt…); otherwise (sequence, class,
    state and pie diagrams write some colours into the drawing) both SVGs, and the site's
    CSS shows the one for the current theme."""
    if same_drawing(drawn["light"], drawn["dark"]):
        return f'<div class="mermaid">{one_svg(drawn, source, svg_id, font_url)}</div>'
    face = font_face(font_url)
    light = themed_svg(drawn["light"], svg_id, face)
    dark = themed_svg(drawn["dark"], f"{svg_id}-dark", face)
    return f'<div class="mermaid mermaid-two-themes">{light}{dark}</div>'


@functools.lru_cache(maxsize=512)
def same_drawing(light: str, dark: str) -> bool:
    return DEFS_THAT_DIFFER.sub("", STYLE.sub("", light)) == DEFS_THAT_DIFFER.sub("", STYLE.sub("", dark))


def font_face(font_url: str) -> str:
    return f'@font-face{{font-family:{FONT_FAMILY};src:url("{font_url}") format("woff2");font-display:block;}}'


def themed_svg(svg: str, svg_id: str, face: str) -> str:
    """One theme's drawing alone, its unused rules dropped."""
    rules = used_rules(top_level_rules(STYLE.search(svg).group(1)), STYLE.sub("", svg))
    svg = STYLE.sub(lambda _: f"<style>{face}{''.join(rules)}</style>", svg, count=1)
    return accessible(compact(svg.replace(PLACEHOLDER, svg_id)))


def one_svg(drawn: dict, source: str, svg_id: str, font_url: str) -> str:
    """The light drawing with its style, the dark theme's differing rules scoped, and an accessible name."""
    return _one_svg(drawn["light"], drawn["dark"], source, font_url).replace(PLACEHOLDER, svg_id)


@functools.lru_cache(maxsize=512)
def _one_svg(light: str, dark: str, source: str, font_url: str) -> str:
    """one_svg before the diagram's id is filled in: the same diagram on many pages (or in
    copies of a post) has its stylesheet cut down once a build (~2 ms each time)."""
    if not same_drawing(light, dark):
        raise MermaidError("Mermaid drew this diagram differently in its dark theme; one SVG cannot serve both")
    drawing = STYLE.sub("", light)
    light_rules = used_rules(top_level_rules(STYLE.search(light).group(1)), drawing)
    seen = set(light_rules)
    dark_rules = [r for r in used_rules(top_level_rules(STYLE.search(dark).group(1)), drawing) if r not in seen]
    dark_rules = [r for r in dark_rules if not r.startswith("@")]
    dark_rules += [
        f"#{PLACEHOLDER} .{name} span{{color:{AUTHOR_TEXT};fill:{AUTHOR_TEXT};}}"
        for name in author_filled_classes(source)
    ]
    style = (
        font_face(font_url)
        + "".join(light_rules)
        # screen only: print is always light, as the site's print stylesheet is.
        + "@media screen{"
        + "".join(scoped(r, DARK) for r in dark_rules)
        + "}@media screen and (prefers-color-scheme: dark){"
        + "".join(scoped(r, SYSTEM_DARK) for r in dark_rules)
        + "}"
    )
    svg = STYLE.sub(lambda _: f"<style>{style}</style>", light, count=1)
    return accessible(compact(svg))


def compact(svg: str) -> str:
    """The drawing without what only Mermaid's runtime uses (a quarter of a flowchart's bytes),
    each class list without the names Mermaid repeats in it (a list is a set), and the inline
    style Mermaid writes on every label written once (labels_once)."""
    svg = EMPTY_STYLE.sub("", RUNTIME_DATA.sub("", svg))
    svg = CLASS_LIST.sub(lambda m: 'class="' + " ".join(dict.fromkeys(m.group(1).split())) + '"', svg)
    svg = labels_once(svg)
    return MARKER.sub(lambda m: m.group(0) if f"url(#{m['id']})" in svg else "", svg)


def labels_once(svg: str) -> str:
    """Mermaid writes the same inline style on each label's <div> (105 bytes, 13 times in the
    XOR diagram): each style used more than once becomes a rule of the diagram's own
    stylesheet, scoped to its id, that those <div>s name by class. Nothing else matches the
    rule, and no rule of Mermaid's sets these properties on a label's <div>: drawn the same
    (tests/test_diagrams.py compares screenshots)."""
    counts = collections.Counter(m["style"] for m in LABEL_DIV.finditer(svg))
    taken = {c for m in CLASS_LIST.finditer(svg) for c in m.group(1).split()}  # an author's classDef l1, say
    fresh = (name for name in (f"l{i}" for i in itertools.count()) if name not in taken)
    names = {style: next(fresh) for style, n in counts.items() if n > 1}
    if not names:
        return svg

    def named(m: re.Match) -> str:
        if m["style"] not in names:
            return m.group(0)
        classes = " ".join(filter(None, [m["classes"], names[m["style"]]]))
        return f'<div xmlns="http://www.w3.org/1999/xhtml" class="{classes}">'

    svg_id = SVG_ID.search(svg).group(1)
    rules = "".join(f"#{svg_id} .{name}{{{style}}}" for style, name in names.items())
    return LABEL_DIV.sub(named, svg).replace("</style>", rules.replace(": ", ":").replace("; ", ";") + "</style>", 1)


def accessible(svg: str) -> str:
    """role="img" with a name: the author's accTitle if any, else the node labels."""
    head_end = svg.index(">")
    head, rest = svg[:head_end], svg[head_end:]
    head = re.sub(r'\s(role|aria-roledescription)="[^"]*"', "", head)
    if "aria-labelledby=" not in head:
        nodes = re.findall(r'<g class="node\b.*?<span class="nodeLabel"[^>]*>(.*?)</span>', rest, re.DOTALL)
        names = [html.unescape(re.sub(r"<[^>]+>", "", n)).strip() for n in nodes]
        if not names:  # not a flowchart: the words it shows, in order
            words = " ".join(drawing_text(rest[1:]).split())
            names = [words if len(words) <= 200 else words[:199] + "…"]
        head += f' aria-label="{html.escape("Diagram of " + ", ".join(names))}"'
    return head + ' role="img"' + rest
