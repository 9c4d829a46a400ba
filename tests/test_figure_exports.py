"""Static SVGs and CSV downloads of the interactive figures: right state, deterministic, readable, small."""

from __future__ import annotations

import csv
import functools
import io
import json
import xml.etree.ElementTree as ET

import pytest

from figures import beta_slider
from figures.export import csv_files
from figures.static import apply_state, static_svg
from tests.conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
MAX_SVG_BYTES = 150_000


@functools.cache
def beta_slider_json() -> bytes:
    return beta_slider.make().files["figures/beta-slider.json"]


def spec_of(figure_id: str) -> dict:
    """beta-slider is made fresh (fast); the trained figures are read from their generated JSON."""
    if figure_id == "beta-slider":
        return json.loads(beta_slider_json())
    path = ROOT / "content" / "assets" / "figures" / f"{figure_id}.json"
    if not path.exists():
        pytest.skip(f"{path} not generated (training takes minutes): run `python -m figures {figure_id}`")
    return json.loads(path.read_text())


@pytest.fixture(scope="module", params=["beta-slider", "x2-fit", "ellipse"])
def figure(request) -> tuple[str, dict, bytes]:
    """(id, spec, SVG of the default state), drawn once per figure."""
    spec = spec_of(request.param)
    return request.param, spec, static_svg(spec)


@pytest.fixture(scope="module")
def tables(figure) -> dict[str, list[dict]]:
    """The figure's CSV files, parsed once: file name → rows."""
    figure_id, spec, _ = figure
    files = csv_files(spec, figure_id)
    return {name: rows_of(files, name) for name in files}


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def rows_of(files: dict[str, bytes], name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


# --- apply_state ----------------------------------------------------------------------------------------------


def test_apply_state_gives_the_arrays_the_states_hold():
    spec = spec_of("beta-slider")
    data, _ = apply_state(spec, 0)
    assert data[3]["y"] == [round(x / 2, 5) for x in data[3]["x"]]  # β = 0: Swish is x/2
    assert data[3]["name"] == "Swish β = 0"
    for index, state in enumerate(spec["slider"]["states"]):
        data, _ = apply_state(spec, index)
        for call in state["restyle"]:
            for attr, values in call["update"].items():
                for k, trace in enumerate(call["traces"]):
                    assert data[trace][attr] == values[k]


def test_apply_state_defaults_to_the_default_state_and_leaves_the_spec_alone():
    spec = spec_of("beta-slider")
    before = json.dumps(spec, sort_keys=True)
    data, layout = apply_state(spec)
    assert data == spec["data"] and layout == spec["layout"]  # the JSON's traces hold the default state
    apply_state(spec, 0)
    assert json.dumps(spec, sort_keys=True) == before


def test_apply_state_applies_the_states_relayout():
    spec = spec_of("ellipse")
    for index, state in enumerate(spec["slider"]["states"]):
        _, layout = apply_state(spec, index)
        assert [a["text"] for a in layout["annotations"]] == [
            state["layout"][f"annotations[{k}].text"] for k in range(len(layout["annotations"]))
        ]


# --- static_svg -----------------------------------------------------------------------------------------------


def test_static_svg_is_deterministic(figure):
    _, spec, svg = figure
    assert static_svg(spec) == svg


def test_static_svg_is_valid_svg_with_text_kept_as_text(figure):
    _, _, svg = figure
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert svg_texts(svg), "svg.fonttype must be 'none' so labels stay <text>"


def test_static_svg_shows_the_axis_titles_legend_names_and_panel_titles(figure):
    _, spec, svg = figure
    data, layout = apply_state(spec)
    texts = set(svg_texts(svg))
    titles = {layout[k]["title"]["text"] for k in layout if k.startswith(("xaxis", "yaxis"))} - {""}
    assert titles <= texts
    if layout.get("showlegend") is not False:
        names = {t["name"] for t in data if t.get("showlegend") is not False and t.get("type") != "heatmap"}
        assert names <= texts
    assert {a["text"] for a in layout.get("annotations", [])} <= texts


def test_static_svg_draws_the_requested_state():
    spec = spec_of("beta-slider")
    texts = set(svg_texts(static_svg(spec, 0)))
    assert "Swish β = 0" in texts and "Swish β = 1" not in texts


def test_static_svg_is_small_and_rasterises_heat_maps(figure):
    figure_id, spec, svg = figure
    assert len(svg) < MAX_SVG_BYTES, f"{figure_id}.svg is {len(svg)} bytes"
    images = list(ET.fromstring(svg).iter(f"{SVG}image"))
    assert len(images) == sum(t.get("type") == "heatmap" for t in spec["data"])


# --- csv_files ------------------------------------------------------------------------------------------------


def test_csv_has_a_header_one_block_per_state_and_rows_for_every_trace(figure, tables):
    figure_id, spec, _ = figure
    heatmaps = any(t.get("type") == "heatmap" for t in spec["data"])
    columns = {f"figures/{figure_id}.csv": ["state", "trace", "x", "y"]}
    if heatmaps:
        columns[f"figures/{figure_id}-grid.csv"] = ["state", "trace", "x", "y", "z"]
    assert sorted(tables) == sorted(columns)
    labels = [s["label"] for s in spec["slider"]["states"]]
    for name, rows in tables.items():
        assert list(rows[0]) == columns[name]  # the header
        blocks = [row["state"] for i, row in enumerate(rows) if i == 0 or row["state"] != rows[i - 1]["state"]]
        assert blocks == labels  # each state once, in slider order
    traces_by_state = {}
    for row in tables[f"figures/{figure_id}.csv"]:
        traces_by_state.setdefault(row["state"], set()).add(row["trace"])
    for index, label in enumerate(labels):
        data, _ = apply_state(spec, index)
        expected = {  # a trace with no points this state (e.g. no boundary found) has no rows
            t.get("name", f"trace {i}")
            for i, t in enumerate(data)
            if t.get("type") != "heatmap" and any(v is not None for v in t["y"])
        }
        assert traces_by_state[label] == expected, label


def test_csv_is_deterministic_and_skips_line_breaks(figure, tables):
    figure_id, spec, _ = figure
    files = csv_files(spec, figure_id)
    assert csv_files(spec, figure_id) == files
    for rows in tables.values():
        assert all(all(value not in ("", "None") for value in row.values()) for row in rows)


def test_beta_slider_csv_at_beta_0_has_y_equal_to_half_x_for_swish():
    spec = spec_of("beta-slider")
    rows = rows_of(csv_files(spec, "beta-slider"), "figures/beta-slider.csv")
    swish = [r for r in rows if r["state"] == "β = 0" and r["trace"].startswith("Swish")]
    assert len(swish) == len(spec["data"][3]["x"])
    assert all(float(r["y"]) == round(float(r["x"]) / 2, 5) for r in swish)
    assert {r["trace"] for r in swish} == {"Swish β = 0"}


def test_csv_numbers_are_written_as_the_json_writes_them():
    spec = spec_of("beta-slider")
    rows = rows_of(csv_files(spec, "beta-slider"), "figures/beta-slider.csv")
    data, _ = apply_state(spec, 0)
    first = [r for r in rows if r["state"] == "β = 0"][: len(data[0]["x"])]
    assert [r["x"] for r in first] == [json.dumps(x) for x in data[0]["x"]]
