"""An interactive figure's data as CSV files, every slider state included, for readers to download.

Long tables, one row per point: `figures/ID.csv` (state, trace, x, y) holds the
line and marker traces; `figures/ID-grid.csv` (state, trace, x, y, z) the heat
maps, if the figure has any, in the units the figure shows (the ellipse's z is a
percentage). Line breaks (null points) are left out. Typed arrays are decoded,
float32 values written as their shortest decimal.
"""

from __future__ import annotations

import csv
import io

from figures.spec import apply_state, values

LINE_COLUMNS = ["state", "trace", "x", "y"]
GRID_COLUMNS = ["state", "trace", "x", "y", "z"]


def cell(value) -> str:
    """A number as the JSON writes it (shortest round-trip repr), anything else as text."""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _states(spec: dict) -> list[tuple[str, int | None]]:
    slider = spec.get("slider")
    if not slider:
        return [("default", None)]
    return [(state["label"], i) for i, state in enumerate(slider["states"])]


def _table(columns: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue().encode()


def _line_rows(label: str, index: int, trace: dict) -> list[list]:
    y = values(trace.get("y")) or []
    x = values(trace.get("x")) or list(range(len(y)))
    name = trace.get("name", f"trace {index}")
    return [[label, name, xi, yi] for xi, yi in zip(x, y, strict=False) if xi is not None and yi is not None]


def _grid_rows(label: str, index: int, trace: dict) -> list[list]:
    z = values(trace["z"])
    if trace.get("transpose"):
        z = [list(col) for col in zip(*z, strict=True)]
    x = values(trace.get("x")) or list(range(len(z[0]) if z else 0))
    y = values(trace.get("y")) or list(range(len(z)))
    name = trace.get("name", f"trace {index}")
    return [
        [label, name, xi, yj, zij]
        for yj, row in zip(y, z, strict=False)
        for xi, zij in zip(x, row, strict=False)
        if zij is not None
    ]


def csv_files(spec: dict, figure_id: str) -> dict[str, bytes]:
    """`{"figures/ID.csv": …, "figures/ID-grid.csv": …}` (paths under content/assets), every state in order."""
    lines, grids = [], []
    for label, index in _states(spec):
        data, _ = apply_state(spec, index)
        for i, trace in enumerate(data):
            if trace.get("type", "scatter") == "heatmap":
                grids += _grid_rows(label, i, trace)
            elif "z" not in trace:
                lines += _line_rows(label, i, trace)
    files = {f"figures/{figure_id}.csv": _table(LINE_COLUMNS, lines)}
    if any(t.get("type") == "heatmap" for t in spec["data"]):
        files[f"figures/{figure_id}-grid.csv"] = _table(GRID_COLUMNS, grids)
    return files
