"""A static SVG of an interactive figure's JSON, drawn with matplotlib (no browser).

For readers without JavaScript, for print and for download: the figure in one
slider state, drawn generically from the Plotly spec that `output.interactive()`
writes (subplots from axis domains, scatter lines and markers, heat maps, log
axes, annotations, legend), in the site's light theme.
"""

from __future__ import annotations

import copy
import html
import logging
import re
from contextlib import contextmanager

import numpy as np

from figures.style import FONT, svg_bytes

WIDTH = 640  # px: the post's column, the width the interactive figure is designed for
PX = 0.75  # points per CSS px (96 px = 72 pt per inch)
LIGHT = {"bg": "#ffffff", "fg": "#1f2328", "muted": "#59616b", "rule": "#e3e0d8"}  # the site's light theme
COLORWAY = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
DASHES = {"dot": [1, 1], "dash": [3, 3], "longdash": [5, 5], "dashdot": [3, 1, 1, 1], "longdashdot": [5, 2, 1, 2]}
SYMBOLS = {"circle": "o", "square": "s", "diamond": "D", "cross": "P", "x": "X", "triangle-up": "^"}
SYMBOLS |= {"triangle-down": "v", "star": "*"}
RASTER_DPI = 72  # the only raster parts are heat maps: smooth fields a browser upscales well, in small PNGs
MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}  # Plotly's defaults


# --- slider states ---------------------------------------------------------------------------------------------


def _set(obj, path: str, value) -> None:
    """Plotly attribute-string assignment: "line.color", "annotations[1].text"; None removes the key."""
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    for key, following in zip(keys, keys[1:], strict=False):
        if isinstance(key, int):
            while len(obj) <= key:
                obj.append({})
            obj = obj[key]
        else:
            obj = obj.setdefault(key, [] if isinstance(following, int) else {})
    if value is None and isinstance(obj, dict):
        obj.pop(keys[-1], None)
    elif isinstance(keys[-1], int):
        while len(obj) <= keys[-1]:
            obj.append({})
        obj[keys[-1]] = value
    else:
        obj[keys[-1]] = value


def apply_state(spec: dict, index: int | None = None) -> tuple[list[dict], dict]:
    """Copies of the spec's traces and layout in slider state `index` (default: the default state).

    Replays the state's Plotly.restyle calls (value k of a list goes to the k-th listed trace,
    cycling) and its relayout, as the site's figures.js does.
    """
    data, layout = copy.deepcopy(spec["data"]), copy.deepcopy(spec["layout"])
    slider = spec.get("slider")
    if not slider:
        return data, layout
    state = slider["states"][slider["default"] if index is None else index]
    for call in state.get("restyle", []):
        traces = call.get("traces")
        traces = range(len(data)) if traces is None else [traces] if isinstance(traces, int) else traces
        for attr, values in call["update"].items():
            for k, t in enumerate(traces):
                _set(data[t], attr, values[k % len(values)] if isinstance(values, list) else values)
    for key, value in (state.get("layout") or {}).items():
        _set(layout, key, copy.deepcopy(value))
    return data, layout


# --- small conversions ---------------------------------------------------------------------------------------


def color(c, default=None):
    """A Plotly colour ("#hex", a CSS name, "rgb(…)", "rgba(…)") as matplotlib understands it."""
    if c is None:
        return default
    match = re.fullmatch(r"\s*rgba?\(([^)]*)\)\s*", str(c))
    if not match:
        return c
    parts = [float(p) for p in match.group(1).split(",")]
    return (*[p / 255 for p in parts[:3]], parts[3] if len(parts) > 3 else 1.0)


def faded(c, opacity: float = 1.0):
    """A colour with the trace's opacity folded into its own alpha (matplotlib's alpha= would replace it)."""
    from matplotlib.colors import to_rgba

    r, g, b, a = to_rgba(color(c))
    return (r, g, b, a * opacity)


def colormap(scale):
    """A Plotly colorscale ([[position, colour], …] or a name) as a matplotlib colormap."""
    from matplotlib import colormaps
    from matplotlib.colors import LinearSegmentedColormap, to_rgba

    if isinstance(scale, list):
        return LinearSegmentedColormap.from_list("plotly", [(float(p), to_rgba(color(c))) for p, c in scale])
    name = str(scale or "viridis")
    return colormaps.get(name, colormaps.get(name.lower(), colormaps["viridis"]))


def text(s) -> str:
    """Plotly's pseudo-HTML label as plain text (<br> a new line); '$' never starts mathtext."""
    if isinstance(s, dict):
        s = s.get("text")
    s = re.sub(r"<br\s*/?>", "\n", str(s or ""), flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", s)).replace("$", r"\$")


def floats(values) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def line_style(dash, width_pt: float):
    """Plotly's dash names (lengths in multiples of max(width, 3) px) as a matplotlib dash tuple."""
    if not dash or dash == "solid":
        return "-"
    if dash in DASHES:
        unit = max(width_pt, 3 * PX)
        seq = [d * unit for d in DASHES[dash]]
    else:  # "5px,10px,2px": lengths in px
        seq = [float(x.strip().rstrip("px%")) * PX for x in str(dash).split(",")]
    return (0, [s / width_pt for s in seq])  # matplotlib scales dashes by the line width


# --- drawing -------------------------------------------------------------------------------------------------


@contextmanager
def _quiet_fonts():
    """The SVG names Plotly's font stack; matplotlib measures with the first installed one, silently."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _rc(layout: dict) -> dict:
    families = [f.strip() for f in (layout.get("font", {}).get("family") or FONT).split(",")]
    families = [f for f in families if f != "sans-serif"] + ["DejaVu Sans"]
    size = layout.get("font", {}).get("size", 12) * PX
    return {
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "font.size": size,
        "text.color": LIGHT["fg"],
        "axes.unicode_minus": True,
        "axes.edgecolor": LIGHT["rule"],
        "axes.labelcolor": LIGHT["muted"],
        "xtick.color": LIGHT["muted"],
        "ytick.color": LIGHT["muted"],
        "xtick.labelsize": size,
        "ytick.labelsize": size,
        "axes.labelsize": size,
        "legend.fontsize": size,
        "image.interpolation_stage": "rgba",
    }


def _axis_names(trace: dict) -> tuple[str, str]:
    return trace.get("xaxis", "x"), trace.get("yaxis", "y")


def _layout_key(name: str) -> str:
    return name[0] + "axis" + name[1:]  # "x2" → "xaxis2"


def _plot_area(layout: dict, height: float) -> tuple[float, float, float, float]:
    """The area inside Plotly's margins, as figure fractions (x0, y0, x1, y1)."""
    m = {**MARGIN, **layout.get("margin", {})}
    return m["l"] / WIDTH, m["b"] / height, 1 - m["r"] / WIDTH, 1 - m["t"] / height


def _make_axes(fig, data: list[dict], layout: dict, area) -> dict[tuple[str, str], object]:
    pairs = list(dict.fromkeys(_axis_names(t) for t in data)) or [("x", "y")]
    x0, y0, x1, y1 = area
    axes = {}
    for xname, yname in pairs:
        dx = layout.get(_layout_key(xname), {}).get("domain", [0, 1])
        dy = layout.get(_layout_key(yname), {}).get("domain", [0, 1])
        rect = [
            x0 + dx[0] * (x1 - x0),
            y0 + dy[0] * (y1 - y0),
            (dx[1] - dx[0]) * (x1 - x0),
            (dy[1] - dy[0]) * (y1 - y0),
        ]
        ax = fig.add_axes(rect, label=f"{xname}{yname}")
        ax.set_facecolor("none")
        ax.set_axisbelow(True)
        axes[xname, yname] = ax
    return axes


def _draw_scatter(ax, trace: dict, index: int, colorway: list[str]) -> object | None:
    x, y = trace.get("x"), trace.get("y")
    if y is None:
        return None
    x = floats(range(len(y)) if x is None else x)
    mode = trace.get("mode") or ("lines+markers" if len(y) < 20 else "lines")
    line, marker = trace.get("line", {}), trace.get("marker", {})
    base = color(line.get("color") or marker.get("color") if "lines" in mode else marker.get("color"))
    base = base or colorway[index % len(colorway)]
    width = line.get("width", 2) * PX
    opacity = trace.get("opacity", 1)
    kwargs = {
        "color": faded(color(line.get("color"), base), opacity),
        "linewidth": width,
        "linestyle": line_style(line.get("dash"), width) if "lines" in mode else "none",
        "label": text(trace.get("name", f"trace {index}")),
        "zorder": 2 + index / 1000,
    }
    if "markers" in mode:
        symbol = str(marker.get("symbol", "circle"))
        edge = marker.get("line", {})
        opacity *= marker.get("opacity", 1)
        face = color(marker.get("color"), base)
        kwargs |= {
            "marker": SYMBOLS.get(symbol.removesuffix("-open"), "o"),
            "markersize": marker.get("size", 6) * PX,
            "markerfacecolor": "none" if symbol.endswith("-open") else faded(face, opacity),
            "markeredgecolor": faded(color(edge.get("color"), face), opacity),
            "markeredgewidth": edge.get("width", 2 if symbol.endswith("-open") else 0) * PX,
        }
    (artist,) = ax.plot(x, floats(y), **kwargs)
    return artist


def _edges(centres: list[float]) -> list[float]:
    """Cell edges halfway between Plotly's cell centres (and half a cell beyond the ends)."""
    c = np.asarray(centres, dtype=float)
    if c.size < 2:
        return [c[0] - 0.5, c[0] + 0.5] if c.size else [0.0, 1.0]
    mid = (c[1:] + c[:-1]) / 2
    return [2 * c[0] - mid[0], *mid, 2 * c[-1] - mid[-1]]


def _draw_heatmap(ax, trace: dict) -> None:
    z = np.array([floats(row) for row in trace["z"]])
    if trace.get("transpose"):
        z = z.T
    x = floats(trace.get("x", range(z.shape[1])))
    y = floats(trace.get("y", range(z.shape[0])))
    xe = x if len(x) == z.shape[1] + 1 else _edges(x)
    ye = y if len(y) == z.shape[0] + 1 else _edges(y)
    cmap = colormap(trace.get("colorscale"))
    if trace.get("reversescale"):
        cmap = cmap.reversed()
    style = {
        "cmap": cmap,
        "vmin": trace.get("zmin", np.nanmin(z)),
        "vmax": trace.get("zmax", np.nanmax(z)),
        "alpha": trace.get("opacity"),
        "rasterized": True,  # one embedded image, not a path per cell
        "zorder": 1,
    }
    z = np.ma.masked_invalid(z)
    if np.allclose(np.diff(xe), xe[1] - xe[0]) and np.allclose(np.diff(ye), ye[1] - ye[0]):
        smooth = "bilinear" if trace.get("zsmooth") else "nearest"  # zsmooth "best"/"fast": interpolated
        extent = (xe[0], xe[-1], ye[0], ye[-1])
        ax.imshow(z, extent=extent, origin="lower", aspect="auto", interpolation=smooth, **style)
    else:  # uneven cells: one quadrilateral each, still rasterised
        ax.pcolormesh(xe, ye, z, shading="flat", edgecolors="none", antialiased=False, **style)


def _power(v: float, fmt: str) -> str:
    """A power of ten as Plotly's exponentformat "e" writes it: 1, 1e−3, 1e6."""
    exponent = round(np.log10(v))
    return "1" if exponent == 0 else f"1{fmt}{exponent}".replace("-", "\u2212")


def _style_axis(ax, which: str, spec: dict, font_size: float) -> None:
    """Range, log scale, title, ticks, grid and zero line of one axis, as Plotly draws it on the site.

    The site's figures.js sets every axis's linecolor, which turns Plotly's axis lines on;
    without grid lines Plotly draws outside ticks instead.
    """
    from matplotlib import ticker

    axis = ax.xaxis if which == "x" else ax.yaxis
    log = spec.get("type") == "log"
    if log:
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    if "range" in spec:
        lo, hi = (10**r for r in spec["range"]) if log else spec["range"]
        (ax.set_xlim if which == "x" else ax.set_ylim)(lo, hi)
    elif spec.get("autorange") == "reversed":
        axis.set_inverted(True)
    showgrid = spec.get("showgrid", True) and spec.get("visible", True)
    ticks = spec.get("ticks", "" if showgrid else "outside")
    ax.tick_params(
        axis=which, length=5 * PX if ticks else 0, width=1 * PX, direction="in" if ticks == "inside" else "out", pad=3
    )
    side = spec.get("side", "bottom" if which == "x" else "left")
    for spine in ["bottom", "top"] if which == "x" else ["left", "right"]:
        ax.spines[spine].set_visible(spine == side and spec.get("showline", True) and spec.get("visible", True))
        ax.spines[spine].set_linewidth(spec.get("linewidth", 1) * PX)
    axis.set_ticks_position(side)
    axis.set_label_position(side)
    if spec.get("visible") is False or spec.get("showticklabels") is False:
        axis.set_ticklabels([])
    title = spec.get("title") if isinstance(spec.get("title"), dict) else {"text": spec.get("title")}
    size = title.get("font", {}).get("size", round(1.2 * font_size))  # Plotly's default title size
    axis.set_label_text(text(title), fontsize=size * PX)
    dtick, tick0 = spec.get("dtick"), spec.get("tick0", 0)
    if log:
        lo, hi = sorted(spec.get("range", [-300, 300]))
        if isinstance(dtick, int | float):
            start = tick0 + dtick * ((lo - tick0) // dtick + 1)
            axis.set_major_locator(
                ticker.FixedLocator([10 ** (start + k * dtick) for k in range(int((hi - start) / dtick) + 1)])
            )
        axis.set_minor_locator(ticker.NullLocator())
        fmt = spec.get("exponentformat", "power")
        if fmt in ("e", "E"):
            axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: _power(v, fmt)))
    else:
        if isinstance(dtick, int | float):
            axis.set_major_locator(ticker.MultipleLocator(dtick, offset=tick0))
        axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{round(v, 12) + 0:g}".replace("-", "−")))
    if showgrid:
        axis.grid(True, color=LIGHT["rule"], linewidth=1 * PX)
    else:
        axis.grid(False)
    if not log and spec.get("zeroline", True) and spec.get("visible", True):
        lo, hi = sorted(ax.get_xlim() if which == "x" else ax.get_ylim())
        if lo < 0 < hi:  # axhline/axvline leave the limits alone once they are set
            (ax.axvline if which == "x" else ax.axhline)(0, color=LIGHT["muted"], linewidth=1 * PX, zorder=1.5)


def _transform(fig, axes_by_name: dict, ref: str, paper):
    """The matplotlib transform for one coordinate of an annotation's Plotly reference."""
    name, _, domain = str(ref).partition(" ")
    if name == "paper" or name not in axes_by_name:
        return paper
    ax = axes_by_name[name]
    return ax.transAxes if domain else ax.transData


def _anchor(value: float, anchor: str | None, names: tuple[str, str, str], refs_data: bool) -> str:
    if anchor and anchor != "auto":
        return anchor
    if refs_data:
        return names[1]
    return names[0] if value <= 1 / 3 else names[2] if value >= 2 / 3 else names[1]


def _draw_annotations(fig, layout: dict, axes: dict, paper) -> None:
    from matplotlib.text import Annotation
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    xs = {x: ax for (x, _), ax in axes.items()}
    ys = {y: ax for (_, y), ax in axes.items()}
    for note in layout.get("annotations", []):
        xref, yref = note.get("xref", "paper"), note.get("yref", "paper")
        x, y = note.get("x", 0.5), note.get("y", 0.5)
        for ref, attr in ((xref, "x"), (yref, "y")):  # data coordinates on a log axis are log10
            if ref in (xs if attr == "x" else ys) and layout.get(_layout_key(ref), {}).get("type") == "log":
                x, y = (10**x, y) if attr == "x" else (x, 10**y)
        ha = _anchor(x, note.get("xanchor"), ("left", "center", "right"), " " not in xref and xref != "paper")
        va = _anchor(y, note.get("yanchor"), ("bottom", "middle", "top"), " " not in yref and yref != "paper")
        pad = 3 * PX / 72  # inches: Plotly's box padding between the anchor point and the text
        shift = ScaledTranslation(
            {"left": pad, "right": -pad}.get(ha, 0), {"bottom": pad, "top": -pad}.get(va, 0), fig.dpi_scale_trans
        )
        transform = blended_transform_factory(_transform(fig, xs, xref, paper), _transform(fig, ys, yref, paper))
        font = note.get("font", {})
        style = {
            "ha": ha,
            "va": "center" if va == "middle" else va,
            "fontsize": font.get("size", layout.get("font", {}).get("size", 12)) * PX,
            "color": color(font.get("color"), LIGHT["fg"]),
        }
        if note.get("showarrow", True):  # Plotly's default: text offset by (ax, ay) px, an arrow to the point
            arrow = {"arrowstyle": "-|>", "color": color(note.get("arrowcolor"), LIGHT["fg"]), "lw": PX}
            offset = (note.get("ax", -10) * PX, -note.get("ay", -30) * PX)
            style |= {"ha": "center", "va": "center", "arrowprops": arrow}
            fig.add_artist(Annotation(text(note.get("text")), (x, y), offset, transform, "offset points", **style))
        else:
            fig.text(x, y, text(note.get("text")), transform=transform + shift, **style)


def _draw_legend(fig, layout: dict, data: list[dict], handles: list, paper) -> None:
    entries = [h for t, h in zip(data, handles, strict=True) if h is not None and t.get("showlegend") is not False]
    named = [h for t, h in zip(data, handles, strict=True) if h is not None and t.get("showlegend") is True]
    show = layout.get("showlegend")
    if not entries or show is False or (show is None and len(entries) < 2 and not named):
        return
    spec = layout.get("legend", {})
    horizontal = spec.get("orientation") == "h"
    x, y = spec.get("x", 0 if horizontal else 1.02), spec.get("y", -0.1 if horizontal else 1)
    ha = spec.get("xanchor", "left")
    va = _anchor(y, spec.get("yanchor"), ("bottom", "middle", "top"), False)
    h = {"left": "left", "center": "center", "right": "right"}.get(ha, "left")
    v = {"bottom": "lower", "middle": "center", "top": "upper"}[va]
    loc = "center" if (h, v) == ("center", "center") else f"{v} {h}"
    ncol = len(entries) if horizontal else 1
    while True:
        legend = fig.legend(
            handles=entries,
            loc=loc,
            bbox_to_anchor=(x, y),
            bbox_transform=paper,
            ncols=ncol,
            frameon=False,
            borderaxespad=0,
            borderpad=0.2,
            handlelength=3,
            columnspacing=1.5,
        )
        fits = legend.get_window_extent(fig.canvas.get_renderer()).width <= fig.bbox.width
        if fits or ncol == 1:
            return
        legend.remove()
        ncol -= 1


def static_svg(spec: dict, state: int | None = None) -> bytes:
    """The figure in slider state `state` (default: the spec's default) as deterministic SVG bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox, BboxTransformTo, TransformedBbox

    data, layout = apply_state(spec, state)
    height = layout.get("height", 450)
    with matplotlib.rc_context(_rc(layout)), _quiet_fonts():
        fig = Figure(figsize=(WIDTH / 96, height / 96), dpi=RASTER_DPI)
        FigureCanvasAgg(fig)
        fig.patch.set_facecolor(LIGHT["bg"])
        area = _plot_area(layout, height)
        paper = BboxTransformTo(TransformedBbox(Bbox([area[:2], area[2:]]), fig.transFigure))
        axes = _make_axes(fig, data, layout, area)
        colorway = layout.get("colorway", COLORWAY)
        handles = []
        for i, trace in enumerate(data):
            ax = axes[_axis_names(trace)]
            handle = None
            if trace.get("visible", True) is True:
                if trace.get("type", "scatter") == "heatmap":
                    _draw_heatmap(ax, trace)
                elif trace.get("type", "scatter") in ("scatter", "scattergl"):
                    handle = _draw_scatter(ax, trace, i, colorway)
            handles.append(handle)
        for (xname, yname), ax in axes.items():
            xspec, yspec = layout.get(_layout_key(xname), {}), layout.get(_layout_key(yname), {})
            _style_axis(ax, "x", xspec, layout.get("font", {}).get("size", 12))
            _style_axis(ax, "y", yspec, layout.get("font", {}).get("size", 12))
            if yspec.get("scaleanchor") == xname:
                ax.set_aspect(yspec.get("scaleratio", 1), adjustable="box")
            elif xspec.get("scaleanchor") == yname:
                ax.set_aspect(1 / xspec.get("scaleratio", 1), adjustable="box")
        _draw_annotations(fig, layout, axes, paper)
        _draw_legend(fig, layout, data, handles, paper)
        if layout.get("title"):
            title = layout["title"] if isinstance(layout["title"], dict) else {"text": layout["title"]}
            size = title.get("font", {}).get("size", 1.4 * layout.get("font", {}).get("size", 12))
            fig.text(0.5, (1 + area[3]) / 2, text(title), ha="center", va="center", fontsize=size * PX)
        return svg_bytes(fig)
