"""Mermaid diagrams drawn at build time: each becomes an inline SVG, and readers get no Mermaid JavaScript.

Every diagram of the build is drawn by Mermaid itself in one headless Chromium
(plugins/mermaid_render.mjs), twice: with Mermaid's `default` and `dark`
themes under one svg id. The drawings are the same; we keep one, with the light
<style> and the dark rules scoped under the site's dark theme (the toggle's
`data-theme="dark"`, and `prefers-color-scheme` when the reader has not chosen),
so switching theme needs no redraw. Labels are laid out in a subset of DejaVu
Sans that the site serves, so their widths do not depend on the machine.

Results are cached by the diagram's source, the Mermaid version, the font and
the render script (which holds the theme settings): a no-change rebuild never
starts a browser. A syntax error fails the build with the file and the line of the
diagram's own fence; so does a diagram Mermaid has not drawn within MERMAID_TIME_LIMIT
seconds (60), and the drawing process stops (plugins/mermaid_chromium.py).
"""

from __future__ import annotations

import collections
import functools
import hashlib
import html
import itertools
import json
import logging
import re
from pathlib import Path

from pelican import signals

from plugins import font_subset, mermaid_chromium
from plugins.build_cache import cached, fingerprint
from plugins.mermaid_chromium import SCRIPT, DiagramTimeout, MermaidError
from plugins.mermaid_sources import DIAGRAM, diagrams_in

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
FONT_SOURCE = NODE_MODULES / "@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff2"
FONT_FAMILY = "DiagramLabels"  # the name mermaid_render.mjs lays labels out in
FONT_DIR = "theme/vendor/diagrams"  # under OUTPUT_PATH
# Text Mermaid may write that is not in a diagram's source (numbers of pie charts, sequence numbers…).
ALWAYS = " 0123456789%.,:;-+()"
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


def find_chromium() -> str | None:
    from tools.browser import chromium_path  # the project's one lookup: CHROMIUM_PATH, else PATH

    return chromium_path()


def drawing_text(svg: str) -> str:
    """The text a drawing shows (its labels), without markup or style."""
    return html.unescape(re.sub(r"<[^>]+>", " ", STYLE.sub("", svg)))


def label_font(texts: list[str]) -> bytes:
    """DejaVu Sans cut down to the characters the build's diagrams show (about 2 KB). Glyph
    widths do not depend on the subset, so diagrams are drawn with the whole font and a
    new character somewhere changes this file but redraws nothing."""
    chars = "".join(sorted(set(ALWAYS).union(*map(set, texts)) - set("\n\r\t")))

    def subset() -> bytes:
        # FFTM: FontForge's timestamp; fontTools would warn about it, and warnings fail builds.
        return font_subset.woff2_subset(
            require(FONT_SOURCE), chars, ("FFTM",), layout_features=["kern", "liga"], hinting=False
        )

    inputs = [chars, FONT_SOURCE.read_bytes(), fingerprint(__file__), font_subset.fingerprint()]
    return cached("diagram-font", inputs, subset, ".woff2")


def require(path: Path) -> Path:
    if not path.exists():
        raise MermaidError(f"{path} is missing: run `npm ci` (or `make install`)")
    return path


class _Miss(Exception):
    pass


def _raise_miss() -> bytes:
    raise _Miss


def render_all(
    sources: list[str], font: bytes, where: list[str] | None = None, time_limit: float = mermaid_chromium.TIME_LIMIT
) -> list[dict]:
    """{light, dark} or {error} for each source, from the cache or from one Chromium run.
    `font` is the woff2 the labels are measured in (the whole DejaVu Sans); `where` says
    where each source is ("path:line"); each diagram is drawn within `time_limit` seconds."""
    version = json.loads(require(NODE_MODULES / "mermaid/package.json").read_text())["version"]
    keys = [[source, f"mermaid={version}", font, SCRIPT.read_bytes()] for source in sources]
    results: list[dict | None] = []
    for key in keys:
        try:
            results.append(json.loads(cached("mermaid-svg", key, _raise_miss)))
        except _Miss:
            results.append(None)
    missing = sorted({s for s, r in zip(sources, results, strict=True) if r is None})
    if not missing:
        return results  # a no-change rebuild: no browser
    try:
        drawn = draw_in_chromium(missing, time_limit)
    except DiagramTimeout as error:
        from plugins.jekyll_reader import SourceError  # an author error: one message, no traceback

        at = next((w for w, s in zip(where or [], sources, strict=False) if s == missing[error.index]), "a post")
        message = f"Mermaid had not drawn this diagram after {time_limit:g} s (MERMAID_TIME_LIMIT): make it smaller"
        raise SourceError(at, None, message) from None
    except MermaidError as error:
        changed = sorted({w for w, r in zip(where or [], results, strict=False) if r is None})
        raise MermaidError(f"{error}\n    changed: {', '.join(changed)}" if changed else str(error)) from None
    for i, (source, key) in enumerate(zip(sources, keys, strict=True)):
        if results[i] is None:
            results[i] = json.loads(cached("mermaid-svg", key, lambda s=source: json.dumps(drawn[s]).encode()))
    return results


def draw_in_chromium(sources: list[str], time_limit: float = mermaid_chromium.TIME_LIMIT) -> dict[str, dict]:
    """Each source drawn by Mermaid in one headless Chromium, labels measured in FONT_SOURCE;
    DiagramTimeout (its index in `sources`) if one is not drawn within `time_limit` seconds."""
    chromium = find_chromium()
    if not chromium:
        raise MermaidError(
            f"{len(sources)} Mermaid diagram(s) changed and must be drawn, but no Chromium was found: "
            "install it (`sudo apt-get install chromium`, or `bash tools/setup.sh chromium`) "
            "or set CHROMIUM_PATH to a Chrome or Chromium binary"
        )
    try:
        results = mermaid_chromium.draw(chromium, FONT_SOURCE, sources, PLACEHOLDER, time_limit)
    except DiagramTimeout:
        raise
    except MermaidError as error:
        raise MermaidError(f"Mermaid could not draw the diagrams with {chromium} (is `npm ci` done?) {error}") from None
    return {sources[int(r["key"])]: r for r in results}


def css_rules(css: str) -> list[str]:
    """Top-level rules of a minified stylesheet, @-blocks kept whole."""
    rules, depth, start = [], 0, 0
    for i, ch in enumerate(css):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                rules.append(css[start : i + 1].strip())
                start = i + 1
    return [r for r in rules if r]


def used_rules(rules: list[str], drawing: str) -> list[str]:
    """The rules that can match something in this drawing: Mermaid's stylesheet styles
    every kind of diagram and look, and the SVG never changes after the build."""
    classes = {c for attr in re.findall(r'class="([^"]*)"', drawing) for c in attr.split()}
    kept = []
    for rule in rules:
        if rule.startswith("@"):
            kept.append(rule)
            continue
        selectors, body = rule.split("{", 1)
        live = [
            s
            for s in selectors.split(",")
            if set(re.findall(r"\.([\w-]+)", s)) <= classes
            and all(a in drawing for a in re.findall(r"\[([^\]]+)\]", s))
        ]
        if live:
            kept.append(",".join(live) + "{" + body)
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
    rules = used_rules(css_rules(STYLE.search(svg).group(1)), STYLE.sub("", svg))
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
    light_rules = used_rules(css_rules(STYLE.search(light).group(1)), drawing)
    seen = set(light_rules)
    dark_rules = [r for r in used_rules(css_rules(STYLE.search(dark).group(1)), drawing) if r not in seen]
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


def diagram_id(slug: str, index: int) -> str:
    """Short (it prefixes every rule and element id of the SVG) and unique on any page, even an
    index page showing several posts: a hash of the post's slug and the diagram's number."""
    return f"d{hashlib.sha256(slug.encode()).hexdigest()[:6]}-{index + 1}"


def render_diagrams(generators) -> None:
    contents = []
    for generator in generators:
        contents += getattr(generator, "articles", []) + getattr(generator, "pages", [])
        contents += getattr(generator, "drafts", []) + getattr(generator, "hidden_pages", [])
    diagrams = [d for content in contents for d in diagrams_in(content)]
    settings = generators[0].settings
    context = generators[0].context  # the templates' context, shared by all generators
    settings["DIAGRAM_FONT"] = context["DIAGRAM_FONT_URL"] = None  # per build: the next may have no diagram
    if not diagrams:
        return
    where = [f"{d['path']}:{d['line'] or '?'}" for d in diagrams]
    time_limit = settings.get("MERMAID_TIME_LIMIT", mermaid_chromium.TIME_LIMIT)
    drawn = render_all([d["source"] for d in diagrams], require(FONT_SOURCE).read_bytes(), where, time_limit)
    font = label_font([drawing_text(r["light"]) for r in drawn if "light" in r])
    font_name = f"labels-{hashlib.sha256(font).hexdigest()[:10]}.woff2"
    settings["DIAGRAM_FONT"] = (font_name, font)  # site_assets writes it into the output
    font_url = context["DIAGRAM_FONT_URL"] = f"{settings.get('SITEURL', '')}/{FONT_DIR}/{font_name}"  # preloaded
    svgs: dict[int, list[str | None]] = {}
    for d, result in zip(diagrams, drawn, strict=True):
        content = d["content"]
        if "error" in result:
            # The diagram's first line; Mermaid's message counts lines within the diagram
            # (and past its end when a bracket is left open), so it is quoted as it is.
            message = " ".join(result["error"].split())
            logger.error("%s:%s: Mermaid diagram does not parse: %s", d["path"], d["line"] or "?", message)
            svg = None
        else:
            svg_id = diagram_id(content.slug, d["index"])
            svg = diagram_html(result, d["source"], svg_id, font_url)
        svgs.setdefault(id(content), []).append(svg)
    for content in contents:
        if id(content) in svgs:
            content._content = replace_diagrams(content._content, svgs[id(content)])


def replace_diagrams(text: str, svgs: list[str | None]) -> str:
    """Each diagram div by its SVG, in order; a diagram that failed stays as it was."""
    drawn = iter(svgs)
    return DIAGRAM.sub(lambda m: next(drawn) or m.group(0), text)


def register():
    # all_generators_finalized: every article and page is read, none written yet; one
    # Chromium draws every diagram that the cache does not have.
    signals.all_generators_finalized.connect(render_diagrams)
