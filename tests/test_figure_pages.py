"""Each interactive figure in Chromium: it renders, its slider works by mouse and keyboard, it follows the theme."""

from __future__ import annotations

import json

import numpy as np
import pytest

from figures.activations import relu, swish_relu_gap_constant
from tests.conftest import POST_URL, ROOT, wait_until

pytestmark = pytest.mark.browser


def open_figure(reader, figure_id, **kwargs):
    page, watch = reader(POST_URL, **kwargs)
    figure = page.locator(f"#figure-{figure_id}")
    figure.scroll_into_view_if_needed()
    figure.hover()  # figures are static until touched
    page.wait_for_selector(f"#figure-{figure_id} .figure-plot[data-ready]")
    return page, figure


def trace(page, figure_id, index):
    """The trace as plotly.js holds it after decoding (typed arrays in the JSON become Float32Arrays)."""
    return page.evaluate(
        f"(() => {{ const t = document.querySelector('#figure-{figure_id} .figure-plot')._fullData[{index}];"
        " return {x: Array.from(t.x), y: Array.from(t.y), name: t.name}; })()"
    )


def set_slider(page, figure_id, index):
    """Move the range input as a pointer would: set its value and fire `input`."""
    page.eval_on_selector(
        f"#figure-{figure_id} input[type=range]",
        f"el => {{ el.value = {index}; el.dispatchEvent(new Event('input', {{bubbles: true}})); }}",
    )
    wait_until(page, f"document.querySelector('#figure-{figure_id} .figure-plot').dataset.state === '{index}'")


def states(figure_id):
    return json.loads((ROOT / "content/assets/figures" / f"{figure_id}.json").read_text())["slider"]["states"]


@pytest.mark.parametrize("figure_id", ["beta-slider", "x2-fit", "ellipse"])
def test_each_figure_renders_with_its_accessible_name_and_caption(reader, figure_id):
    page, figure = open_figure(reader, figure_id)
    plot = figure.locator(".figure-plot")
    assert plot.get_attribute("role") == "img" and len(plot.get_attribute("aria-label")) > 20
    assert figure.locator(".main-svg").count() >= 1
    assert len(figure.locator("figcaption").inner_text()) > 60
    assert figure.locator("input[type=range]").is_enabled()
    reserved = dict(part.split(":") for part in plot.get_attribute("style").split(";"))
    assert plot.bounding_box()["height"] == float(reserved["--plot-height"].rstrip("px"))
    assert (
        page.evaluate(f"document.querySelector('#figure-{figure_id} .main-svg').getBoundingClientRect().height")
        == (plot.bounding_box()["height"])
    )


def test_beta_at_zero_is_exactly_half_x_and_at_its_largest_nearly_relu(reader):
    page, figure = open_figure(reader, "beta-slider")
    set_slider(page, "beta-slider", 0)
    curve = trace(page, "beta-slider", 3)
    x, y = np.array(curve["x"]), np.array(curve["y"])
    np.testing.assert_allclose(y, x / 2, atol=1e-5)
    assert "x/2 exactly" in figure.locator("output").inner_text()
    last = len(states("beta-slider")) - 1
    set_slider(page, "beta-slider", last)
    y = np.array(trace(page, "beta-slider", 3)["y"])
    c, _ = swish_relu_gap_constant()
    assert np.max(np.abs(y - relu(x))) <= c / 10 + 1e-4
    assert "β = 10" in figure.locator("output").inner_text()


def test_the_limits_are_always_drawn_semi_transparent(reader):
    page, _ = open_figure(reader, "beta-slider")
    opacities = page.evaluate(
        "document.querySelector('#figure-beta-slider .figure-plot').data.slice(0, 2).map(t => t.opacity)"
    )
    assert all(0 < o < 1 for o in opacities)


@pytest.mark.parametrize("figure_id", ["beta-slider", "x2-fit", "ellipse"])
def test_the_keyboard_moves_every_slider(reader, figure_id):
    page, figure = open_figure(reader, figure_id)
    slider = figure.locator("input[type=range]")
    start = int(slider.input_value())
    before = figure.locator("output").inner_text()
    slider.focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, f"document.querySelector('#figure-{figure_id} .figure-plot').dataset.state === '{start + 1}'")
    expected = states(figure_id)[start + 1]
    assert figure.locator("output").inner_text() == expected["text"] != before
    assert slider.get_attribute("aria-valuetext") == expected["label"]
    page.keyboard.press("Home")
    wait_until(page, f"document.querySelector('#figure-{figure_id} .figure-plot').dataset.state === '0'")
    page.keyboard.press("End")
    last = len(states(figure_id)) - 1
    wait_until(page, f"document.querySelector('#figure-{figure_id} .figure-plot').dataset.state === '{last}'")


def test_the_neuron_slider_changes_both_fits(reader):
    page, _ = open_figure(reader, "x2-fit")
    set_slider(page, "x2-fit", 0)
    one = [trace(page, "x2-fit", i)["y"] for i in (1, 2)]
    set_slider(page, "x2-fit", 7)
    eight = [trace(page, "x2-fit", i)["y"] for i in (1, 2)]
    assert one[0] != eight[0] and one[1] != eight[1]


@pytest.mark.parametrize("figure_id", ["beta-slider", "x2-fit", "ellipse"])
def test_a_mouse_click_on_every_slider_moves_it(reader, figure_id):
    page, figure = open_figure(reader, figure_id)
    slider = figure.locator("input[type=range]")
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 3, box["y"] + box["height"] / 2)
    last = len(states(figure_id)) - 1
    wait_until(page, f"document.querySelector('#figure-{figure_id} .figure-plot').dataset.state === '{last}'")
    assert figure.locator("output").inner_text() == states(figure_id)[last]["text"]


def test_the_ellipse_panel_titles_follow_the_slider(reader):
    page, figure = open_figure(reader, "ellipse")
    set_slider(page, "ellipse", len(states("ellipse")) - 1)
    assert "n = 8 neurons" in figure.locator("output").inner_text()
    titles = page.evaluate("document.querySelector('#figure-ellipse .figure-plot').layout.annotations.map(a => a.text)")
    assert titles[0].startswith("ReLU: ") and titles[1].startswith("SwiGLU: ")


def test_switching_the_theme_restyles_figures_in_place(reader):
    page, _ = open_figure(reader, "beta-slider", scheme="light")
    font = "document.querySelector('#figure-beta-slider .figure-plot')._fullLayout.font.color"
    light = page.evaluate(font)
    page.locator(".theme-toggle").click()
    wait_until(page, f"{font} !== '{light}'")
    assert page.evaluate(font) != light


@pytest.mark.parametrize("width", [360, 1280])
def test_figures_fit_the_column(reader, width):
    page, figure = open_figure(reader, "ellipse", width=width)
    svg = page.evaluate("document.querySelector('#figure-ellipse .main-svg').getBoundingClientRect().toJSON()")
    plot = figure.locator(".figure-plot").bounding_box()
    assert svg["width"] <= figure.bounding_box()["width"] + 1
    assert svg["height"] == plot["height"]  # drawn in exactly the space reserved for it
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    layout = page.evaluate("document.querySelector('#figure-ellipse .figure-plot')._fullLayout")
    stacked = layout["yaxis2"]["domain"][1] < layout["yaxis"]["domain"][0]
    side_by_side = layout["xaxis"]["domain"][1] < layout["xaxis2"]["domain"][0]
    assert stacked == (width < 544) and side_by_side == (width >= 544)  # panels stack on a phone
