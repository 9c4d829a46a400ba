"""Phone-shaped static pictures: a figure whose phone box has another shape than its wide picture (its
phone layout stacks its panels, or only its height is kept on a narrow column) gets a picture drawn at the
phone's width in that layout, served by <picture><source media> to phones; the wide one stays for
desktops, print and feeds.

Unit tests run in-process on small specs and fake files; the `build`/`browser` tests export the real
ellipse figure and look at the built post in Chromium.
"""

from __future__ import annotations

import json
import types

import pytest
from bs4 import BeautifulSoup

from figures.generate import add_narrow_picture
from figures.output import FigureOutput
from figures.spec import SliderState, interactive
from figures.static import NARROW_WIDTH, WIDTH, export_figure, has_narrow_picture
from plugins.markdown.figure_tag import NARROW_MEDIA, feed_pictures, interactive_html, plain_img, static_picture
from tests.conftest import POST_URL, wait_until

STACKED = {"height": 600, "xaxis.domain": [0, 1], "yaxis.domain": [0.54, 1], "xaxis2.domain": [0, 1]}


def two_panel_spec(narrow: dict | None) -> dict:
    data = [{"x": [0, 1], "y": [1, 0], "name": "a"}, {"x": [0, 1], "y": [0, 1], "xaxis": "x2", "yaxis": "y2"}]
    layout = {"height": 300, "xaxis": {"domain": [0, 0.47]}, "yaxis": {}, "xaxis2": {"domain": [0.53, 1]}}
    states = [SliderState("n = 1", "one", [({"name": ["b"]}, [0])]), SliderState("n = 2", "two", [])]
    return json.loads(interactive(data, layout, "n", states, 0, narrow=narrow))


# --- which figures get one, and what kaleido is given -----------------------------------------------------------


def test_a_phone_box_of_another_shape_than_the_wide_picture_gets_a_picture_of_its_own():
    assert has_narrow_picture(two_panel_spec(STACKED))
    assert has_narrow_picture(two_panel_spec({"height": 500}))  # beta-slider, x2-fit: a taller box on phones
    assert has_narrow_picture(two_panel_spec(None))  # the same height on a column half as wide
    same_shape = round(300 * NARROW_WIDTH / WIDTH)
    assert not has_narrow_picture(two_panel_spec({"height": same_shape}))  # the wide picture fits as it is


def test_the_narrow_export_applies_the_phone_relayout_after_the_state():
    spec = two_panel_spec(STACKED)
    wide, narrow = export_figure(spec), export_figure(spec, narrow=True)
    assert wide["layout"]["height"] == 300 and wide["layout"]["xaxis"]["domain"] == [0, 0.47]
    assert narrow["layout"]["height"] == 600
    assert narrow["layout"]["xaxis"]["domain"] == narrow["layout"]["xaxis2"]["domain"] == [0, 1]
    assert narrow["layout"]["yaxis"]["domain"] == [0.54, 1]
    assert narrow["data"] == wide["data"] and narrow["data"][0]["name"] == "b"  # same state, same traces
    assert spec["layout"]["height"] == 300  # the spec itself is left alone


def test_the_narrow_picture_is_drawn_for_phone_columns():
    assert 360 <= NARROW_WIDTH <= 430 < WIDTH


class FakeExporter:
    def __init__(self):
        self.calls = []

    def picture(self, spec, state=None, narrow=False):
        self.calls.append(narrow)
        return "svg", b"<svg narrow/>" if narrow else b"<svg/>"


@pytest.mark.parametrize(
    ("narrow", "expected"),
    [(STACKED, ["figures/toy-narrow.svg"]), ({"height": 500}, ["figures/toy-narrow.svg"]), ({"height": 169}, [])],
)
def test_the_narrow_picture_is_listed_with_the_figures_files(narrow, expected):
    out = FigureOutput("toy", "interactive", "label", "caption")
    exporter = FakeExporter()
    add_narrow_picture(out, two_panel_spec(narrow), exporter)
    assert sorted(out.files) == expected and exporter.calls == [True] * len(expected)


# --- the HTML ---------------------------------------------------------------------------------------------------


def svg(width: int, height: int) -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>'.encode()


def figure_soup(tmp_path, narrow_picture: bool, site_url: str = "") -> BeautifulSoup:
    (tmp_path / "figures").mkdir()
    files = {"figures/toy.svg": svg(640, 300), "figures/toy.csv": b"state\n"}
    if narrow_picture:
        files["figures/toy-narrow.svg"] = svg(400, 600)
    for rel, data in files.items():
        (tmp_path / rel).write_bytes(data)
    meta = {"id": "toy", "label": "A toy", "caption": "Look.", "files": sorted(files)}
    spec = two_panel_spec(STACKED if narrow_picture else None)
    return BeautifulSoup(interactive_html("toy", meta, spec, site_url, assets=tmp_path), "html.parser")


def test_a_figure_with_a_phone_picture_serves_it_in_a_picture_element_both_with_their_sizes(tmp_path):
    soup = figure_soup(tmp_path, narrow_picture=True, site_url="https://example.org")
    (picture,) = soup.select("figure picture.figure-static-picture")
    (source,) = picture.select("source")
    img = picture.select_one("img.figure-static")
    assert picture.contents == [source, img]  # the <source> first, then the <img> fallback
    assert source["media"] == NARROW_MEDIA == "screen and (max-width: 34rem)"
    assert source["srcset"] == "https://example.org/assets/figures/toy-narrow.svg"
    assert (source["width"], source["height"]) == ("400", "600")
    assert img["src"] == "https://example.org/assets/figures/toy.svg" and img["alt"] == "A toy"
    assert (img["width"], img["height"]) == ("640", "300")
    # The picture sits where the <img> sat: after the controls, before the caption.
    assert picture.find_previous_sibling().get("class") == ["figure-controls"]
    assert picture.find_next_sibling().name == "figcaption"


def test_a_figure_without_one_keeps_a_lone_img(tmp_path):
    soup = figure_soup(tmp_path, narrow_picture=False)
    assert not soup.select("picture, source")
    img = soup.select_one("figure > img.figure-static")
    assert img["src"] == "/assets/figures/toy.svg" and (img["width"], img["height"]) == ("640", "300")


def test_two_phone_pictures_are_an_error_naming_the_figure(tmp_path):
    meta = {"id": "toy", "files": ["figures/toy-narrow.svg", "figures/toy-narrow.webp", "figures/toy.svg"]}
    with pytest.raises(ValueError, match="figure 'toy': expected one phone-shaped picture"):
        static_picture(meta, tmp_path, narrow=True)


def test_feeds_get_the_plain_img(tmp_path):
    html = str(figure_soup(tmp_path, narrow_picture=True, site_url="https://example.org"))
    plain = plain_img(html)
    soup = BeautifulSoup(plain, "html.parser")
    assert not soup.select("picture, source") and "toy-narrow" not in plain
    img = soup.select_one("figure > img.figure-static")
    assert img["src"] == "https://example.org/assets/figures/toy.svg" and img["width"] == "640"
    feed = types.SimpleNamespace(items=[{"content": html, "description": None}, {"content": "<p>x</p>"}])
    feed_pictures({}, feed)
    assert feed.items[0]["content"] == plain and feed.items[0]["description"] is None
    assert feed.items[1]["content"] == "<p>x</p>"


# --- in Chromium, on the built post ---------------------------------------------------------------------------


def static_shape(page, figure_id: str = "ellipse") -> dict:
    """The visible static picture of a figure (which file, its natural size) and the box it is shown in."""
    selector = f"#figure-{figure_id} img.figure-static"
    img = page.locator(selector)
    img.scroll_into_view_if_needed()  # loading="lazy"
    wait_until(
        page,
        f"(() => {{ const i = document.querySelector('{selector}'); return i.complete && i.naturalWidth > 0; }})()",
    )
    return page.evaluate(
        """(selector) => {
          const img = document.querySelector(selector);
          const box = img.getBoundingClientRect();
          return {src: img.currentSrc, natural: img.naturalWidth / img.naturalHeight, width: box.width,
                  box: box.width / box.height, visible: getComputedStyle(img).visibility};
        }""",
        selector,
    )


def font_sizes(node) -> list[float]:
    """Every font size (px) set in a Plotly layout: `font`, `tickfont`, `title.font`, annotations'."""
    if isinstance(node, list):
        return [size for item in node for size in font_sizes(item)]
    if not isinstance(node, dict):
        return []
    sizes = []
    for key, value in node.items():
        if key.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), int | float):
            sizes.append(value["size"])
        sizes += font_sizes(value)
    return sizes


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("figure_id", ["beta-slider", "x2-fit", "ellipse"])
@pytest.mark.parametrize(("width", "height", "narrow"), [(375, 740, True), (1280, 900, False)])
def test_the_visible_static_picture_fills_its_box_with_legible_text(reader, figure_id, width, height, narrow):
    """Before touch the plot's box shows the static picture (object-fit: contain): on a phone the wide
    drawing left a small picture between empty bands, its text a few pixels high. Its shape must match
    the box, and its smallest text, scaled to the box, must stay at least 10 CSS px."""
    from tests.conftest import ROOT

    page, _ = reader(POST_URL, width=width, height=height)
    shape = static_shape(page, figure_id)
    name = shape["src"].rsplit("/", 1)[1]
    assert name.startswith(f"{figure_id}-narrow." if narrow else f"{figure_id}.") and shape["visible"] == "visible"
    box = page.locator(f"#figure-{figure_id} .figure-plot").bounding_box()
    assert abs(box["width"] / box["height"] / shape["box"] - 1) < 0.01  # the img fills the plot's box
    assert abs(shape["natural"] / shape["box"] - 1) < 0.15, shape
    spec = json.loads((ROOT / "content" / "assets" / "figures" / f"{figure_id}.json").read_text())
    drawn_at = NARROW_WIDTH if narrow else WIDTH  # CSS px the picture was exported at
    smallest = min(font_sizes(spec["layout"]))
    assert smallest * shape["width"] / drawn_at >= 10, (figure_id, smallest, shape["width"])


@pytest.mark.browser
@pytest.mark.build
def test_without_javascript_a_phone_shows_the_phone_picture_at_its_own_shape(reader):
    page, _ = reader(POST_URL, width=375, height=740, js=False)
    shape = static_shape(page)
    assert shape["src"].endswith("/assets/figures/ellipse-narrow.webp")
    assert abs(shape["natural"] / shape["box"] - 1) < 0.01  # height: auto, no letterbox


@pytest.mark.browser
@pytest.mark.build
def test_printing_from_a_phone_prints_the_wide_picture(reader):
    page, _ = reader(POST_URL, width=375, height=740)
    page.emulate_media(media="print")
    shape = static_shape(page)
    assert shape["src"].endswith("/assets/figures/ellipse.webp")
    assert abs(shape["natural"] / shape["box"] - 1) < 0.01  # print: height auto, the picture's own shape


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The site as published: absolute URLs, hashed asset names, Atom feeds."""
    from tests.conftest import ROOT, run_build, write_settings

    folder = tmp_path_factory.mktemp("publish-narrow")
    output = folder / "public"
    settings = write_settings(folder, ROOT / "content", base="publishconf")
    result = run_build(settings, output, env={"SITEURL": "https://example.org"})
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.build
def test_published_pages_point_at_the_phone_picture_and_feeds_keep_a_plain_img(published):
    post = BeautifulSoup((published / POST_URL.strip("/") / "index.html").read_text(), "html.parser")
    source = post.select_one("#figure-ellipse picture > source")
    assert source["srcset"].startswith("https://example.org/assets/figures/ellipse-narrow.")
    assert (published / source["srcset"].removeprefix("https://example.org/")).is_file()  # renamed with the file
    feed = (published / "feeds/all.atom.xml").read_text()
    assert "ellipse-narrow" not in feed and "&lt;picture" not in feed and "<picture" not in feed
    assert feed.count('class="figure-static"') == 3  # each figure's <img> is still there
