"""The interactive figures' spec: Plotly layout helpers, slider states, and replaying a state.

`interactive()` writes the JSON the site's figures.js draws; `apply_state()`
replays one slider state in Python exactly as figures.js does in the browser,
for the static picture and the CSV downloads.

Long arrays use plotly.js's typed-array encoding (base64 of little-endian
numbers, decoded by plotly.js itself): `float32()` for curves (7 significant
digits, far below a pixel, 5.3 bytes a value against 7-8 as text), `percent()`
for probabilities on a heat map (one byte a value). `values()` decodes them.
"""

from __future__ import annotations

import base64
import copy
import re
from dataclasses import dataclass

import numpy as np

from figures.output import dumps
from figures.style import FONT

DTYPES = {"f4": "<f4", "u1": "u1"}  # the plotly.js dtypes used here, as NumPy's


def _typed(array: np.ndarray, dtype: str) -> dict:
    array = np.ascontiguousarray(array, dtype=DTYPES[dtype])
    spec = {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ",".join(str(n) for n in array.shape)
    return spec


def float32(values) -> dict:
    """A curve's values as a float32 typed array (no missing values: use text lists for line breaks)."""
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError("float32(): values must be finite numbers")
    return _typed(array, "f4")


def percent(probabilities) -> dict:
    """Probabilities (a 2-D grid) as whole percentages 0-100, one byte each: colour cannot show more."""
    return _typed(np.rint(100 * np.asarray(probabilities, dtype=float)), "u1")


def is_typed(value) -> bool:
    return isinstance(value, dict) and "dtype" in value and "bdata" in value


def values(value):
    """A data array as Python lists: typed arrays decoded (float32 to its shortest decimal), lists as they are."""
    if not is_typed(value):
        return value
    array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=DTYPES[value["dtype"]])
    if "shape" in value:
        array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
    return _python(array)


def _python(array: np.ndarray) -> list:
    if array.ndim > 1:
        return [_python(row) for row in array]
    if array.dtype.kind == "f":
        return [float(str(v)) for v in array]  # str of a float32 is its shortest round-trip decimal
    return [int(v) for v in array]


def plotly_layout(**overrides) -> dict:
    """Base Plotly layout: transparent background, no mode bar clutter, tight margins."""
    layout = {
        "font": {"family": FONT, "size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 60, "r": 12, "t": 28, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hovermode": "x unified",
        "dragmode": False,
    }
    layout.update(overrides)
    return layout


def axis(title: str, **overrides) -> dict:
    spec = {"title": {"text": title}, "zeroline": True, "fixedrange": True, "automargin": True}
    spec.update(overrides)
    return spec


@dataclass
class SliderState:
    """One slider position: new data for some traces, and the words a reader hears and sees."""

    label: str  # the value as read aloud and shown by the slider, e.g. "β = 0.5"
    text: str  # the current state in words, e.g. "β = 0: exactly x/2"
    restyle: list[tuple[dict, list[int]]]  # Plotly.restyle calls: (update, trace indices)
    layout: dict | None = None  # optional Plotly relayout (e.g. panel titles)


def interactive(
    data: list[dict],
    layout: dict,
    slider_name: str,
    states: list[SliderState],
    default: int,
    narrow: dict | None = None,
) -> bytes:
    """The JSON the site's figures.js draws: a Plotly figure plus slider states.

    The figure's traces hold the default state, so the page is right before any
    slider moves; every state carries the full arrays it changes. `layout.height`
    is the height on wide screens; `narrow` is a Plotly relayout (with its own
    "height") for phone-width columns, e.g. panels stacked instead of side by side.
    """
    if not 0 <= default < len(states):
        raise ValueError(f"default state {default} is not one of the {len(states)} states")
    if "height" not in layout or (narrow is not None and "height" not in narrow):
        raise ValueError("layout and narrow must each set a height (the page reserves it before drawing)")
    return dumps(
        {
            "data": data,
            "layout": layout,
            "narrow": narrow or {"height": layout["height"]},
            "slider": {
                "name": slider_name,
                "default": default,
                "states": [
                    {
                        "label": s.label,
                        "text": s.text,
                        "restyle": [{"update": u, "traces": t} for u, t in s.restyle],
                        **({"layout": s.layout} if s.layout else {}),
                    }
                    for s in states
                ],
            },
        }
    )


def set_path(obj, path: str, value) -> None:
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
                set_path(data[t], attr, copy.deepcopy(values[k % len(values)] if isinstance(values, list) else values))
    for key, value in (state.get("layout") or {}).items():
        set_path(layout, key, copy.deepcopy(value))
    return data, layout
