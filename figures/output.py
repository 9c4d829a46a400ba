"""What a figure module returns, and how it is written to disk."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass
class FigureOutput:
    """A generated figure: its files (path relative to the assets folder → bytes) and words.

    `label` is the accessible name; `caption` says what to look at, with every
    number computed by the module. `kind` is "interactive" (Plotly JSON + slider
    states, drawn by the site's figures.js) or "static" (an image the post links).
    """

    id: str
    kind: str
    label: str
    caption: str
    files: dict[str, bytes] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)  # computed numbers, for tests and captions


def dumps(obj) -> bytes:
    """Compact, key-sorted JSON: the same figure always gives the same bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def signed(value: float, spec: str) -> str:
    """A number formatted for readers: a true minus sign (−), not a hyphen."""
    return format(value, spec).replace("-", "\u2212")


def rounded(values, digits: int = 5) -> list:
    """Floats for JSON, rounded: screen pixels need no more and the files shrink."""
    return [round(float(v), digits) for v in values]


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
    assert 0 <= default < len(states)
    assert "height" in layout and (narrow is None or "height" in narrow)
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
