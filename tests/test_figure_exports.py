"""Static pictures and CSV downloads of the interactive figures: right state, deterministic, readable, small.

The unit tests use beta-slider (made in a fraction of a second) and a small
spec with a heat map; the tests marked `build` export the real figures, trained
once per session into a temporary folder, in Chromium through kaleido.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from figures import beta_slider
from figures.export import csv_files
from figures.generate import read_meta
from figures.spec import SliderState, apply_state, float32, interactive, percent, values
from figures.static import NARROW_WIDTH, Exporter, compact_svg, export_figure, picture_format, stable_ids
from figures.theme import LIGHT
from plugins.markdown.figure_tag import interactive_html
from tests.conftest import INTERACTIVE

SVG = "{http://www.w3.org/2000/svg}"
MAX_PICTURE_BYTES = 40_000  # every static picture ≤ 40 KB (the reading budget)


@functools.cache
def beta_slider_spec() -> str:
    return beta_slider.make().files["figures/beta-slider.json"].decode()


def beta_spec() -> dict:
    return json.loads(beta_slider_spec())


def heatmap_spec() -> dict:
    """Two panels as the ellipse figure has them: a heat map and a line, with a state that relabels a panel."""
    data = [
        {"type": "heatmap", "x": [0, 1], "y": [0, 1], "z": [[0.1, 0.2], [0.3, None]], "name": "P"},
        {"x": [0, 1], "y": [1, 0], "name": "line", "xaxis": "x2", "yaxis": "y2"},
    ]
    layout = {"height": 200, "xaxis": {}, "yaxis": {}, "xaxis2": {}, "yaxis2": {}, "annotations": [{"text": "a"}]}
    states = [
        SliderState("n = 1", "one", [({"z": [[[0.5, 0.6], [0.7, 0.8]]]}, [0])], {"annotations[0].text": "b"}),
        SliderState("n = 2", "two", [({"y": [[None, 2]]}, [1])]),
    ]
    return json.loads(interactive(data, layout, "n", states, 1))


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def rows_of(files: dict[str, bytes], name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


# --- apply_state ----------------------------------------------------------------------------------------------


def test_apply_state_gives_the_arrays_the_states_hold():
    spec = beta_spec()
    data, _ = apply_state(spec, 0)
    assert values(data[3]["y"]) == [x / 2 for x in data[3]["x"]]  # β = 0: Swish is x/2 (exact in float32 here)
    assert data[3]["name"] == "Swish β = 0"
    for index, state in enumerate(spec["slider"]["states"]):
        data, _ = apply_state(spec, index)
        for call in state["restyle"]:
            for attr, new in call["update"].items():
                for k, trace in enumerate(call["traces"]):
                    assert data[trace][attr] == new[k]


def test_apply_state_defaults_to_the_default_state_and_leaves_the_spec_alone():
    spec = beta_spec()
    before = json.dumps(spec, sort_keys=True)
    data, layout = apply_state(spec)
    assert data == spec["data"] and layout == spec["layout"]  # the JSON's traces hold the default state
    apply_state(spec, 0)[0][3]["y"]["bdata"] = ""  # a copy: changing it leaves the spec alone
    assert json.dumps(spec, sort_keys=True) == before


def test_apply_state_applies_the_states_relayout():
    spec = heatmap_spec()
    assert apply_state(spec, 0)[1]["annotations"][0]["text"] == "b"
    assert apply_state(spec, 1)[1]["annotations"][0]["text"] == "a"
    assert apply_state(spec, 0)[0][0]["z"] == [[0.5, 0.6], [0.7, 0.8]]


# --- typed arrays ---------------------------------------------------------------------------------------------


def test_float32_arrays_decode_to_their_shortest_decimals():
    spec = float32([0.1, -1.975, 2, 1e-7])
    assert spec["dtype"] == "f4" and "shape" not in spec
    assert values(spec) == [0.1, -1.975, 2.0, 1e-7]
    with pytest.raises(ValueError, match="finite"):
        float32([1, float("nan")])


def test_percent_grids_are_one_byte_a_cell_in_plotlys_row_major_shape():
    spec = percent([[0.0, 0.534, 1.0], [0.5, 0.996, 0.004]])
    assert spec["dtype"] == "u1" and spec["shape"] == "2,3" and len(spec["bdata"]) == 8  # 6 bytes in base64
    assert values(spec) == [[0, 53, 100], [50, 100, 0]]
    assert values([1, None]) == [1, None]  # text lists pass through


# --- what kaleido is given ------------------------------------------------------------------------------------


def test_the_exported_figure_has_fixed_uids_and_the_sites_light_colours():
    figure = export_figure(heatmap_spec(), 0)
    assert [t["uid"] for t in figure["data"]] == ["trace0", "trace1"]
    assert figure["layout"]["paper_bgcolor"] == LIGHT["bg"] and figure["layout"]["font"]["color"] == LIGHT["fg"]
    for name in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        assert figure["layout"][name]["gridcolor"] == LIGHT["rule"]
    assert figure["layout"]["annotations"][0]["text"] == "b"  # the state asked for


def test_figures_with_a_heat_map_become_webp_the_others_svg():
    assert picture_format(heatmap_spec()) == "webp"
    assert picture_format(beta_spec()) == "svg"


def test_stable_ids_replaces_plotlys_random_plot_id_everywhere():
    svg = b'<svg><defs id="defs-a1b2c3"><clipPath id="clipa1b2c3xyplot"/></defs><g clip-path="url(#clipa1b2c3xyplot)"/>'
    svg += b'<g class="legenda1b2c3"/><rect fill="#a1b2c4"/></svg>'
    fixed = stable_ids(svg)
    assert b"a1b2c3" not in fixed and b'id="clipplot00xyplot"' in fixed and b"url(#clipplot00xyplot)" in fixed
    assert b"#a1b2c4" in fixed
    assert stable_ids(svg.replace(b"a1b2c3", b"0f0f0f")) == fixed  # any random id gives the same bytes
    with pytest.raises(ValueError, match="defs"):
        stable_ids(b"<svg/>")


# --- csv_files ------------------------------------------------------------------------------------------------


def check_csv(spec: dict, figure_id: str) -> None:
    files = csv_files(spec, figure_id)
    heatmaps = any(t.get("type") == "heatmap" for t in spec["data"])
    columns = {f"figures/{figure_id}.csv": ["state", "trace", "x", "y"]}
    if heatmaps:
        columns[f"figures/{figure_id}-grid.csv"] = ["state", "trace", "x", "y", "z"]
    assert sorted(files) == sorted(columns)
    tables = {name: rows_of(files, name) for name in files}
    labels = [s["label"] for s in spec["slider"]["states"]]
    for name, rows in tables.items():
        assert list(rows[0]) == columns[name]  # the header
        blocks = [row["state"] for i, row in enumerate(rows) if i == 0 or row["state"] != rows[i - 1]["state"]]
        assert blocks == labels  # each state once, in slider order
        assert all(all(value not in ("", "None") for value in row.values()) for row in rows)  # breaks left out
    traces_by_state = {}
    for row in tables[f"figures/{figure_id}.csv"]:
        traces_by_state.setdefault(row["state"], set()).add(row["trace"])
    for index, label in enumerate(labels):
        data, _ = apply_state(spec, index)
        expected = {  # a trace with no points this state (e.g. no boundary found) has no rows
            t.get("name", f"trace {i}")
            for i, t in enumerate(data)
            if t.get("type") != "heatmap" and any(v is not None for v in values(t["y"]))
        }
        assert traces_by_state[label] == expected, label
    assert csv_files(spec, figure_id) == files  # deterministic


def test_csv_has_a_header_one_block_per_state_and_rows_for_every_trace():
    check_csv(beta_spec(), "beta-slider")
    check_csv(heatmap_spec(), "toy")


def test_heat_map_csv_has_every_cell_of_every_state():
    rows = rows_of(csv_files(heatmap_spec(), "toy"), "figures/toy-grid.csv")
    assert [(r["state"], r["x"], r["y"], r["z"]) for r in rows if r["state"] == "n = 1"] == [
        ("n = 1", "0", "0", "0.5"),
        ("n = 1", "1", "0", "0.6"),
        ("n = 1", "0", "1", "0.7"),
        ("n = 1", "1", "1", "0.8"),
    ]
    assert len([r for r in rows if r["state"] == "n = 2"]) == 3  # the missing cell is left out


def test_beta_slider_csv_at_beta_0_has_y_equal_to_half_x_for_swish():
    spec = beta_spec()
    rows = rows_of(csv_files(spec, "beta-slider"), "figures/beta-slider.csv")
    swish = [r for r in rows if r["state"] == "β = 0" and r["trace"].startswith("Swish")]
    assert len(swish) == len(spec["data"][3]["x"])
    assert all(float(r["y"]) == float(r["x"]) / 2 for r in swish)
    assert {r["trace"] for r in swish} == {"Swish β = 0"}


def test_csv_numbers_are_written_as_the_json_writes_them():
    spec = beta_spec()
    rows = rows_of(csv_files(spec, "beta-slider"), "figures/beta-slider.csv")
    data, _ = apply_state(spec, 0)
    first = [r for r in rows if r["state"] == "β = 0"][: len(data[0]["x"])]
    assert [r["x"] for r in first] == [json.dumps(x) for x in data[0]["x"]]


# --- the real figures, exported in Chromium -------------------------------------------------------------------


def test_compact_svg_writes_each_style_once_and_drops_empty_groups_and_class_names():
    style = "stroke: rgb(1, 2, 3); stroke-width: 1px;"
    svg = (
        b'<svg class="main-svg" width="9" style=""><defs id="defs-plot00"><g class="gradients"/></defs>'
        b'<g class="x"><g class="tick"/></g>'
        + b"".join(b'<path class="xgrid crisp" d="M%d,0" style="%s"/>' % (i, style.encode()) for i in range(3))
        + b'<text class="ytitle" style="font-size: 13px;" y="-9.950000000000001">0.123456789</text></svg>'
    )
    small = compact_svg(svg)
    assert small == (
        b'<svg class="main-svg" width="9">'
        b"<style>.s0{stroke:rgb(1,2,3);stroke-width:1px}.s1{font-size:13px}</style>"
        b'<defs id="defs-plot00"></defs>'
        b'<path d="M0,0" class="s0"/><path d="M1,0" class="s0"/><path d="M2,0" class="s0"/>'
        b'<text class="s1" y="-9.95">0.123456789</text></svg>'  # attributes rounded, never the text
    )
    ET.fromstring(small)


def screenshots(svgs: list[bytes]) -> list[bytes]:
    """Each SVG drawn as an <img> in Chromium. Run in a thread of its own: Playwright's sync API
    leaves an asyncio loop running in its thread, and this module's last test needs none there."""
    from playwright.sync_api import sync_playwright

    from tools.browser import launch

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 700, "height": 450})
        shots = []
        for svg in svgs:
            page.set_content(f'<img id="p" src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}">')
            page.wait_for_function("document.getElementById('p').complete")
            shots.append(page.locator("#p").screenshot())
        browser.close()
    return shots


@pytest.mark.build
@pytest.mark.browser
def test_a_compacted_picture_draws_the_same_pixels_as_plotlys_own(exporter):
    """compact_svg must not change a pixel: plotly.js's SVG and ours, screenshots compared."""
    _, drawn = exporter.picture(beta_spec(), compact=False)
    small = compact_svg(drawn)
    assert len(small) < 0.6 * len(drawn)
    with ThreadPoolExecutor(max_workers=1) as thread:
        plotlys, ours = thread.submit(screenshots, [drawn, small]).result()
    assert plotlys == ours


@pytest.fixture(scope="module")
def exporter():
    with Exporter() as one:
        yield one


def picture_of(assets, figure_id: str, narrow: bool = False):
    """The figure's static picture; `narrow`: its phone-shaped one (None if it has none)."""
    pictures = [f for f in read_meta(figure_id, assets)["files"] if f.endswith((".svg", ".webp"))]
    rels = [f for f in pictures if f.rsplit(".", 1)[0].endswith("-narrow") == narrow]
    if narrow and not rels:
        return None
    (rel,) = rels
    return assets / rel


@pytest.mark.build
@pytest.mark.parametrize("figure_id", INTERACTIVE)
def test_each_static_picture_is_small_and_the_exporters_own_drawing(generated, exporter, figure_id):
    spec = json.loads((generated / "figures" / f"{figure_id}.json").read_text())
    path = picture_of(generated, figure_id)
    assert path.stat().st_size <= MAX_PICTURE_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    assert exporter.picture(spec) == (path.suffix[1:], path.read_bytes())  # same bytes from another session
    if path.suffix == ".svg":
        root = ET.fromstring(path.read_bytes())
        assert root.tag == f"{SVG}svg" and root.get("class") == "main-svg"  # plotly.js drew it
        data, layout = apply_state(spec)
        texts = set(svg_texts(path.read_bytes()))
        titles = {layout[k]["title"]["text"] for k in layout if k.startswith(("xaxis", "yaxis"))} - {""}
        assert titles <= texts
        names = {t["name"] for t in data if t.get("showlegend") is not False}
        assert names <= texts
    else:
        with Image.open(path) as image:
            assert image.format == "WEBP" and image.size == (1280, 2 * spec["layout"]["height"])


@pytest.mark.build
@pytest.mark.parametrize("figure_id", INTERACTIVE)
def test_every_interactive_figure_has_a_phone_shaped_picture_small_and_the_exporters_own(
    generated, exporter, figure_id
):
    spec = json.loads((generated / "figures" / f"{figure_id}.json").read_text())
    path = picture_of(generated, figure_id, narrow=True)
    assert path is not None and path.stem == f"{figure_id}-narrow"  # a phone's box is not the wide picture's shape
    assert path.stat().st_size <= MAX_PICTURE_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    assert exporter.picture(spec, narrow=True) == (
        path.suffix[1:],
        path.read_bytes(),
    )  # same bytes from another session
    size = (NARROW_WIDTH, spec["narrow"]["height"])
    if path.suffix == ".webp":
        with Image.open(path) as image:  # at 2x, the phone layout's height
            assert image.format == "WEBP" and image.size == (2 * size[0], 2 * size[1])
            size = image.size
    meta = read_meta(figure_id, generated)
    html = interactive_html(figure_id, meta, spec, "", assets=generated)
    source = BeautifulSoup(html, "html.parser").select_one("picture > source")
    assert source["srcset"] == f"/assets/figures/{path.name}"
    assert (source["width"], source["height"]) == (str(size[0]), str(size[1]))


@pytest.mark.build
def test_a_static_picture_draws_the_requested_state(exporter):
    spec = beta_spec()
    texts = set(svg_texts(exporter.picture(spec, 0)[1]))
    assert "Swish β = 0" in texts and "Swish β = 1" not in texts


@pytest.mark.build
@pytest.mark.parametrize("figure_id", INTERACTIVE)
def test_the_img_declares_the_pictures_own_size(generated, figure_id):
    meta = read_meta(figure_id, generated)
    spec = json.loads((generated / "figures" / f"{figure_id}.json").read_text())
    img = BeautifulSoup(interactive_html(figure_id, meta, spec, "", assets=generated), "html.parser").select_one(
        "img.figure-static"
    )
    path = picture_of(generated, figure_id)
    assert img["src"] == f"/assets/figures/{path.name}"
    if path.suffix == ".svg":
        root = ET.fromstring(path.read_bytes())
        size = (root.get("width"), root.get("height"))
    else:
        with Image.open(path) as image:
            size = tuple(str(v) for v in image.size)
    assert (img["width"], img["height"]) == size


@pytest.mark.build
@pytest.mark.parametrize("figure_id", ["x2-fit", "ellipse"])
def test_csv_of_the_trained_figures(generated, figure_id):
    check_csv(json.loads((generated / "figures" / f"{figure_id}.json").read_text()), figure_id)


@pytest.mark.build
def test_the_three_figures_json_is_at_most_120_kb_together(generated):
    sizes = {i: (generated / "figures" / f"{i}.json").stat().st_size for i in INTERACTIVE}
    assert sum(sizes.values()) <= 120_000, sizes  # typed arrays, simplified boundaries


@pytest.mark.build  # starts Chromium
def test_a_picture_is_drawn_even_where_an_event_loop_already_runs():
    """Playwright's sync API (tests, bench) keeps an asyncio loop running in the main thread;
    kaleido must not try to run its own loop there."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from figures.static import static_picture

    async def inside_a_running_loop():
        return static_picture(beta_spec())

    # A thread of its own: this test's thread may already run Playwright's loop.
    with ThreadPoolExecutor(1) as thread:
        fmt, data = thread.submit(asyncio.run, inside_a_running_loop()).result()
    assert fmt == "svg" and data.startswith(b"<svg")
