"""An interactive figure's static picture, drawn by Plotly's own exporter (kaleido) from its spec.

For readers without JavaScript, for print and for feeds: the figure in one
slider state, in the site's light colours, drawn by the same plotly.js that
draws it on the page, so the picture is the same drawing. Figures without
heat maps become SVG (text stays text, a few KB); a heat map inside an SVG is
a large embedded PNG, so figures with one become a WebP at twice the size.

kaleido drives a Chromium: CHROMIUM_PATH (or BROWSER_PATH) names one,
otherwise `chromium` on PATH. One browser serves every export of a process.
"""

from __future__ import annotations

import asyncio
import copy
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from figures.spec import apply_state, set_path
from figures.theme import LIGHT

WIDTH = 640  # px: the post's column, the width the interactive figure is designed for
RASTER_SCALE = 2  # raster pictures at twice the size: sharp on high-density screens, still small as WebP
# px: the phone-shaped picture. Phone columns are 326-396 px wide (360-430 px screens less the page's
# margins); a picture 360 px wide is within 10 % of each one's shape, so letterboxing it costs little.
NARROW_WIDTH = 360


class ChromiumMissing(RuntimeError):
    pass


def chromium() -> str:
    """The browser kaleido drives: the project's one lookup (CHROMIUM_PATH, else chromium on
    PATH; tools/browser.py), or kaleido's own BROWSER_PATH."""
    from plugins.chromium import chromium_path

    for variable in ("CHROMIUM_PATH", "BROWSER_PATH"):
        if os.environ.get(variable) and not Path(os.environ[variable]).is_file():
            raise ChromiumMissing(f"{variable}={os.environ[variable]!r} is not a file")
    kaleidos_own = os.environ.get("BROWSER_PATH") if not os.environ.get("CHROMIUM_PATH") else None
    if found := kaleidos_own or chromium_path():
        return found
    raise ChromiumMissing(
        "a figure's static picture needs Chromium (Plotly's exporter kaleido drives it), and none was found: "
        "install it with `bash tools/setup.sh chromium` (Debian: `apt-get install chromium`), "
        "or set CHROMIUM_PATH=/path/to/chrome"
    )


def picture_format(spec: dict) -> str:
    """ "webp" for a figure with a heat map, "svg" otherwise."""
    return "webp" if any(t.get("type") == "heatmap" for t in spec["data"]) else "svg"


def has_narrow_picture(spec: dict) -> bool:
    """True unless the wide picture already has the shape of the phone's box (NARROW_WIDTH wide, the
    phone layout's height): a phone relayout that changes more than the height (stacked panels),
    or a box of another shape, would show the wide picture letterboxed, small and with tiny
    text, so phones get a picture of their own, drawn at their width."""
    narrow = spec.get("narrow", {})
    if any(key != "height" for key in narrow):
        return True
    wide = WIDTH / spec["layout"]["height"]
    phone = NARROW_WIDTH / narrow.get("height", spec["layout"]["height"])
    return abs(wide / phone - 1) > 0.1


def narrow_relayout(layout: dict, spec: dict) -> None:
    """Apply the spec's phone relayout to `layout`, as figures.js does under (max-width: 34rem)."""
    for key, value in spec["narrow"].items():
        set_path(layout, key, copy.deepcopy(value))


def export_figure(spec: dict, state: int | None = None, narrow: bool = False) -> dict:
    """The Plotly figure kaleido draws: slider state `state`, the site's light colours, fixed trace uids;
    `narrow`: with the phone relayout applied."""
    data, layout = apply_state(spec, state)
    if narrow:
        narrow_relayout(layout, spec)
    for i, trace in enumerate(data):
        trace["uid"] = f"trace{i}"  # plotly.js would pick random ones, which end up in the SVG
    # The same page colours figures.js gives the plot in the light theme.
    layout["paper_bgcolor"] = LIGHT["bg"]
    layout.setdefault("font", {})["color"] = LIGHT["fg"]
    layout.setdefault("legend", {}).setdefault("font", {})["color"] = LIGHT["fg"]
    for name in [k for k in layout if re.fullmatch(r"[xy]axis\d*", k)]:
        layout[name].update(color=LIGHT["muted"], gridcolor=LIGHT["rule"], zerolinecolor=LIGHT["muted"])
        layout[name]["linecolor"] = LIGHT["rule"]
    return {"data": data, "layout": layout}


def stable_ids(svg: bytes) -> bytes:
    """plotly.js names the SVG's clip paths after a random id per plot: replace it with a fixed one."""
    match = re.search(rb'id="defs-([0-9a-f]{6})"', svg)
    if not match:
        raise ValueError("plotly.js SVG without its defs-<id>: has the exporter changed?")
    uid = match.group(1)
    svg = re.sub(rb"(defs-|clip|legend)" + uid, rb"\1plot00", svg)
    if uid in svg:
        raise ValueError(f"plotly.js SVG still holds its random id {uid.decode()} after replacing it")
    return svg


EMPTY_GROUP = re.compile(rb'<g(?: class="[^"]*")?/>')
CLASS = re.compile(rb' class="[^"]*"')
STYLE = re.compile(rb' style="([^"]*)"')
ATTRIBUTE = re.compile(rb'="[^"]*"')  # attribute values only: a label's text keeps every digit
LONG_NUMBER = re.compile(rb"-?\d+\.\d{9,}")  # floating-point noise: 12.319999999999993


def compact_svg(svg: bytes) -> bytes:
    """plotly.js's SVG, smaller and drawn the same: empty groups out, its class names out (an
    <img> applies no page CSS to them; the root keeps class="main-svg"), and each inline style
    written once, in a <style> rule of its own, that elements name by a short class (plotly.js
    repeats the same style on every tick label and grid line). Same input, same bytes."""
    root_end = svg.index(b">") + 1
    root, body = svg[:root_end].replace(b' style=""', b""), svg[root_end:]
    while EMPTY_GROUP.search(body):  # a group emptied by this may itself be empty now
        body = EMPTY_GROUP.sub(b"", body)
        body = re.sub(rb'<g(?: class="[^"]*")?></g>', b"", body)
    body = CLASS.sub(b"", body).replace(b' style=""', b"")
    names: dict[bytes, bytes] = {}
    for style in STYLE.findall(body):
        names.setdefault(style, b"s%d" % len(names))
    body = STYLE.sub(lambda m: b' class="' + names[m.group(1)] + b'"', body)
    body = ATTRIBUTE.sub(lambda m: LONG_NUMBER.sub(rounded, m.group(0)), body)
    rules = b"".join(b"." + name + b"{" + css_text(style) + b"}" for style, name in names.items())
    return root + (b"<style>" + rules + b"</style>" if rules else b"") + body


def css_text(style: bytes) -> bytes:
    """A declaration list without the spaces plotly.js writes after ':', ';' and ','."""
    return style.replace(b"; ", b";").replace(b": ", b":").replace(b", ", b",").rstrip(b";")


def rounded(match: re.Match) -> bytes:
    """A coordinate with floating-point noise (12.319999999999993) as the number it means (12.32):
    rounded to a millionth of a pixel, so that no pixel changes (a thousandth moved some)."""
    text = b"%.6f" % float(match.group(0))
    text = text.rstrip(b"0").rstrip(b".")
    return b"0" if text == b"-0" else text


class Exporter:
    """One kaleido browser session; `picture(spec)` → (extension, bytes). Use as a context manager.

    kaleido is asyncio code. Its event loop runs in a thread of its own, because the calling
    thread may already run one (Playwright's sync API does, in the tests and the bench), and
    asyncio refuses to run a second loop in the same thread."""

    def __init__(self):
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaleido")
        self._loop = asyncio.new_event_loop()
        self._kaleido = self._run_sync(self._make)

    @staticmethod
    def _make():
        import kaleido
        import plotly

        plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        # mathjax=False: no request to a CDN; our figures have no LaTeX labels.
        return kaleido.Kaleido(n=1, plotlyjs=str(plotly_js), mathjax=False, path=chromium())

    def _run_sync(self, function):
        return self._thread.submit(function).result()

    def _run(self, coroutine):
        return self._run_sync(lambda: self._loop.run_until_complete(coroutine))

    def __enter__(self) -> Exporter:
        self._run(self._kaleido.open())
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._run(self._kaleido.close())
        finally:
            self._run_sync(self._loop.close)
            self._thread.shutdown()

    def picture(
        self, spec: dict, state: int | None = None, narrow: bool = False, compact: bool = True
    ) -> tuple[str, bytes]:
        """The picture in slider state `state`; `narrow`: the phone-shaped one (NARROW_WIDTH, phone
        relayout); compact=False keeps plotly.js's SVG as it drew it (tests)."""
        fmt = picture_format(spec)
        figure = export_figure(spec, state, narrow)
        opts = {"format": fmt, "width": NARROW_WIDTH if narrow else WIDTH, "height": figure["layout"]["height"]}
        if fmt != "svg":
            opts["scale"] = RASTER_SCALE
        data = self._run(self._kaleido.calc_fig(figure, opts=opts))
        if fmt != "svg":
            return fmt, data
        return fmt, compact_svg(stable_ids(data)) if compact else stable_ids(data)


def static_picture(spec: dict, state: int | None = None) -> tuple[str, bytes]:
    """One picture in a browser session of its own (several: use one `Exporter`)."""
    with Exporter() as exporter:
        return exporter.picture(spec, state)
