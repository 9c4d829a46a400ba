"""Mermaid diagrams drawn at build time: each becomes an inline SVG, and readers get no Mermaid JavaScript.

Every diagram of the build is drawn by Mermaid itself in one headless Chromium
(plugins/mermaid/draw.mjs), twice: with Mermaid's `default` and `dark`
themes under one svg id. The drawings are the same; we keep one, with the light
<style> and the dark rules scoped under the site's dark theme (the toggle's
`data-theme="dark"`, and `prefers-color-scheme` when the reader has not chosen),
so switching theme needs no redraw. Labels are laid out in a subset of DejaVu
Sans that the site serves, so their widths do not depend on the machine.

Results are cached by the diagram's source, the Mermaid version, the font and
the render script (which holds the theme settings): a no-change rebuild never
starts a browser. A syntax error fails the build with the file and the line of the
diagram's own fence; so does a diagram Mermaid has not drawn within MERMAID_TIME_LIMIT
seconds (60), and the drawing process stops (plugins/mermaid/chromium.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from plugins import build_state
from plugins.build_cache import cached
from plugins.chromium import chromium_path
from plugins.mermaid import chromium as mermaid_chromium
from plugins.mermaid.chromium import SCRIPT, DiagramTimeout, MermaidError
from plugins.mermaid.font import FOLDER, FONT_SOURCE, font_name, label_font, require
from plugins.mermaid.sources import DIAGRAM, diagrams_in
from plugins.mermaid.svg import PLACEHOLDER, diagram_html, drawing_text

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"


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
        from plugins.jekyll.reader import SourceError  # an author error: one message, no traceback

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
    chromium = chromium_path()
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


def diagram_id(slug: str, index: int) -> str:
    """Short (it prefixes every rule and element id of the SVG) and unique on any page, even an
    index page showing several posts: a hash of the post's slug and the diagram's number."""
    return f"d{hashlib.sha256(slug.encode()).hexdigest()[:6]}-{index + 1}"


def render_diagrams(generators) -> None:
    """Each page's diagrams drawn into it, and the labels' font chosen for all of them. Running
    it again on the same contents (the dev server's warm site does) changes nothing: a page's
    diagrams are read once per build, before they are drawn over."""
    contents = build_state.contents_of(generators)
    settings = generators[0].settings
    state = build_state.of(settings)
    diagrams = [d for content in contents for d in state.kept("diagrams", content, diagrams_in)]
    context = generators[0].context  # the templates' context, shared by all generators
    context["DIAGRAM_FONT_URL"] = None
    if not diagrams:
        return
    where = [f"{d['path']}:{d['line'] or '?'}" for d in diagrams]
    time_limit = settings.get("MERMAID_TIME_LIMIT", mermaid_chromium.TIME_LIMIT)
    drawn = render_all([d["source"] for d in diagrams], require(FONT_SOURCE).read_bytes(), where, time_limit)
    font = label_font([drawing_text(r["light"]) for r in drawn if "light" in r])
    name = font_name(font)
    build_state.of(settings).diagram_font = (name, font)  # written into the output at `finalized`
    static = settings.get("THEME_STATIC_DIR", "theme")
    font_url = context["DIAGRAM_FONT_URL"] = f"{settings.get('SITEURL', '')}/{static}/vendor/{FOLDER}/{name}"
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
