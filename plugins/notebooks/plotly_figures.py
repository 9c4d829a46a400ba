"""A notebook's Plotly output as one of the site's interactive figures.

The figure gets the site's look (`site_spec`): Plotly's template (its lavender plot
area, its colours) gives way to the layout the site's own figures use (transparent
background, the site's font and trace colours, no drag-zoom), while what the author set
(titles, axes, trace colours, a height) stays; the width follows the column. Long data
arrays become float32 typed arrays where that loses less than a hundredth of a pixel (else
they stay numbers). Its files are those of a `{% figure %}` figure: the JSON that figures.js
draws once a reader shows intent, a static picture drawn by kaleido (SVG, WebP with a heat
map) in the box reserved for the plot, and the data as CSV, shown by the figure tag's own
HTML. The pictures are cached by the spec's hash (plugins/build_cache.py), so an unchanged figure is
never drawn again. A trace type that the site's plotly.js bundle (tools/plotly_bundle.js)
does not register fails the post, naming the type.
"""

from __future__ import annotations

import base64
import copy
import re
from pathlib import Path

import numpy as np

from figures.output import dumps
from figures.spec import plotly_layout
from figures.style import COLORS
from plugins.build_cache import cached, fingerprint
from plugins.notebooks.outputs import SITE, Outputs

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_ENTRY = ROOT / "tools" / "plotly_bundle.js"
CORE_TRACES = {"scatter"}  # plotly.js/lib/core registers scatter and no other trace
DEFAULT_HEIGHT = 450  # px: plotly.js's own default height
TYPED = {"f8": "<f8", "f4": "<f4", "i1": "i1", "u1": "u1", "i2": "<i2", "u2": "<u2", "i4": "<i4", "u4": "<u4"}
LONG = 32  # values: shorter arrays stay JSON numbers
PRECISION = 1e-5  # of an array's range: what float32 may lose (a hundredth of a pixel at 640 px)


class TraceNotBundled(ValueError):
    pass


def bundled_traces(entry: Path = BUNDLE_ENTRY) -> set[str]:
    """The trace types the site's plotly.js bundle registers (its entry's plotly.js/lib requires)."""
    return CORE_TRACES | set(re.findall(r'require\("plotly\.js/lib/(\w+)"\)', entry.read_text())) - {"core"}


def decoded(value) -> np.ndarray | None:
    """A plotly.js typed array ({dtype, bdata, shape}) as a NumPy array; None if it is not one."""
    if not (isinstance(value, dict) and "bdata" in value and value.get("dtype") in TYPED):
        return None
    array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=TYPED[value["dtype"]])
    if value.get("shape"):
        array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
    return array


def as_array(value) -> np.ndarray | None:
    """A long numeric data array (typed, or lists of numbers, 1-D or 2-D) as float64, else None."""
    array = decoded(value)
    if array is not None:
        return array.astype(float)
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        if len({len(row) for row in value}) != 1:
            return None
        rows = [as_array(row) if len(row) >= LONG else _numbers(row) for row in value]
        return np.stack(rows) if all(r is not None for r in rows) else None
    return _numbers(value) if isinstance(value, list) and len(value) >= LONG else None


def _numbers(values: list) -> np.ndarray | None:
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    array = np.asarray(values, dtype=float)
    return array if np.all(np.isfinite(array)) else None


def compact(value):
    """A data array in its smallest faithful form: float32 typed if close enough, else numbers."""
    array = as_array(value)
    if array is None:
        if isinstance(value, dict):
            return {k: compact(v) for k, v in value.items()} if "bdata" not in value else value
        return value
    single = array.astype("<f4")
    finite = np.isfinite(array)
    span = float(np.ptp(array[finite])) if finite.any() else 0.0
    scale = span or float(np.max(np.abs(array[finite]), initial=0.0)) or 1.0
    if np.all(np.abs(single[finite] - array[finite]) <= PRECISION * scale):
        typed = {"dtype": "f4", "bdata": base64.b64encode(np.ascontiguousarray(single).tobytes()).decode("ascii")}
        if array.ndim > 1:
            typed["shape"] = ",".join(str(n) for n in array.shape)
        return typed
    return array.tolist()


def site_spec(figure: dict) -> dict:
    """The notebook's figure as the site draws its own (see the module's docstring): {data, layout, narrow}."""
    author = copy.deepcopy(figure.get("layout") or {})
    author.pop("template", None)
    for key in ("width", "autosize"):
        author.pop(key, None)
    layout = plotly_layout(colorway=list(COLORS.values()))
    layout.update({k: v for k, v in author.items() if k not in ("font", "margin")})
    layout["font"] = {**layout["font"], **(author.get("font") or {})}
    title = author.get("title")
    has_title = bool(title.get("text") if isinstance(title, dict) else title)
    layout["margin"] = {**layout["margin"], **({"t": 64} if has_title else {}), **(author.get("margin") or {})}
    if "legend" in author:
        layout["legend"] = author["legend"]
    layout["height"] = int(author.get("height") or DEFAULT_HEIGHT)
    layout["images"] = [i for i in layout.get("images") or [] if str(i.get("source", "")).startswith("data:image/")]
    if not layout["images"]:
        del layout["images"]
    data = [{key: compact(value) for key, value in trace.items()} for trace in figure.get("data") or []]
    return {"data": data, "layout": layout, "narrow": {"height": layout["height"]}}


def trace_types(spec: dict) -> set[str]:
    return {str(trace.get("type", "scatter")) for trace in spec["data"]}


def check_traces(spec: dict, where: str) -> None:
    missing = sorted(trace_types(spec) - bundled_traces())
    if missing:
        names = ", ".join(repr(t) for t in missing)
        drawn = ", ".join(sorted(bundled_traces()))
        raise TraceNotBundled(
            f"{where}: a Plotly figure with {names} trace{'s' if len(missing) > 1 else ''}, which the site's "
            f"plotly.js bundle does not draw (it draws {drawn}): add "
            + " and ".join(f'require("plotly.js/lib/{t}")' for t in missing)
            + " to tools/plotly_bundle.js and run `npm run build:plotly`, or show the figure as a picture"
        )


def _code() -> bytes:
    from figures import static
    from figures.theme import LIGHT

    return (
        fingerprint(static.__file__, ["kaleido", "plotly"])
        + fingerprint(__file__)
        + repr(sorted(LIGHT.items())).encode()
    )


def picture(spec: dict, exporter) -> tuple[str, bytes]:
    """(extension, bytes): the static picture, from the cache or drawn by `exporter()` (an open
    figures.static.Exporter, started only when a picture is missing)."""
    from figures.static import picture_format

    extension = picture_format(spec)
    data = cached(
        "notebook-figures", [dumps(spec), _code()], lambda: exporter().picture(spec)[1], suffix=f".{extension}"
    )
    return extension, data


def figure_id(slug: str, cell: int, label: str, several: int | None) -> str:
    if label:
        return re.sub(r"[^\w-]+", "-", label.lower()).strip("-") or f"{slug}-cell{cell}"
    return f"{slug}-cell{cell}" + (f"-{several}" if several else "")


def add_figure(figure: dict, out: Outputs, fid: str, rel_stem: str, label: str, caption: str, exporter) -> str:
    """The figure's files into `out`, its entry for a page of its own, and its HTML in the post: the
    `{% figure %}` tag's own (plugins/markdown/figure_tag.py), without a slider."""
    from figures.export import csv_files
    from figures.static import WIDTH
    from plugins.markdown.figure_tag import interactive_html

    spec = site_spec(figure)
    rel = f"{out.folder}/{rel_stem}"
    files = {f"{rel}.json": dumps(spec)}
    extension, data = picture(spec, exporter)
    files[f"{rel}.{extension}"] = data
    for name, table in csv_files(spec, "x").items():
        files[f"{rel}{'-grid' if name.endswith('-grid.csv') else ''}.csv"] = table
    out.files.update(files)
    height = spec["layout"]["height"]
    meta = {
        "id": fid,
        "kind": "interactive",
        "label": label,
        "caption": caption,
        "spec": f"{rel}.json",
        "files": sorted(files),
        "sizes": {f"{rel}.{extension}": [WIDTH, height]},
    }
    page = interactive_html(fid, meta, spec, SITE, own_page=True)
    out.figures.append({**meta, "page_html": page})
    return interactive_html(fid, meta, spec, SITE)
