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
