"""Figures are static until touched: plotly.js and figure JSON load on intent, never on scroll."""

from __future__ import annotations

import json

import pytest

from tests.conftest import POST_URL, wait_until
from tools.browser import scroll_through

pytestmark = pytest.mark.browser


def is_plotly_or_figure_data(url: str) -> bool:
    return "plotly" in url or ("/assets/figures/" in url and url.endswith(".json"))


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 740)])
def test_reading_to_the_end_loads_no_plotly_and_shows_every_static_picture(reader, width, height):
    page, watch = reader(POST_URL, width=width, height=height)
    scroll_through(page, pause_ms=40, past_end=500)
    page.wait_for_load_state("networkidle")
    assert not [u for u in watch.requests if is_plotly_or_figure_data(u) or "mermaid" in u]
    pictures = page.locator(".figure-interactive .figure-static")
    assert pictures.count() == 3
    for i in range(3):
        picture = pictures.nth(i)
        assert picture.is_visible()
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
        box, plot = (
            picture.bounding_box(),
            picture.evaluate("i => i.closest('figure').querySelector('.figure-plot').getBoundingClientRect().height"),
        )
        assert abs(box["height"] - plot) < 1  # the picture fills the plot's reserved box


def test_a_pointer_over_a_figure_makes_it_interactive(reader):
    page, watch = reader(POST_URL)
    figure = page.locator(".figure-interactive").first
    figure.scroll_into_view_if_needed()
    assert not [u for u in watch.requests if is_plotly_or_figure_data(u)]
    figure.hover()
    wait_until(page, "document.querySelector('.figure-interactive .figure-plot').dataset.ready === 'true'")
    assert [u for u in watch.requests if "plotly" in u]
    assert not figure.locator(".figure-static").is_visible()  # the plot took its place
    # Only the touched figure's data was fetched.
    assert len([u for u in watch.requests if u.endswith(".json")]) == 1


def test_a_tap_on_a_phone_makes_a_figure_interactive(reader):
    page, _ = reader(POST_URL, width=375, height=740, has_touch=True, is_mobile=True)
    figure = page.locator(".figure-interactive").nth(1)
    figure.scroll_into_view_if_needed()
    figure.locator(".figure-static").tap()
    wait_until(page, "document.querySelectorAll('.figure-interactive .figure-plot')[1].dataset.ready === 'true'")


def test_a_slider_moved_before_plotly_arrives_opens_the_figure_there(reader, site):
    page, watch = reader(POST_URL)
    held = []
    page.route("**/plotly.min.js", lambda route: held.append(route))  # plotly.js is "on its way"
    figure = page.locator(".figure-interactive").first
    slider = figure.locator("input[type=range]")
    slider.focus()  # focus is a sign of intent: plotly.js is requested
    for _ in range(200):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "focus on the slider did not request plotly.js"
    start = int(slider.input_value())
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert int(slider.input_value()) == start + 3
    held[0].continue_()
    wait_until(page, "document.querySelector('.figure-interactive .figure-plot').dataset.ready === 'true'")
    figure_id = figure.get_attribute("id").removeprefix("figure-")
    spec = json.loads((site / "assets" / "figures" / f"{figure_id}.json").read_text())
    state = spec["slider"]["states"][start + 3]
    assert figure.locator(".figure-plot").get_attribute("data-state") == str(start + 3)
    assert figure.locator("output").text_content() == state["text"]
    assert slider.get_attribute("aria-valuetext") == state["label"]
    assert watch.problems == []


def test_without_javascript_the_static_pictures_show_at_their_own_size(reader):
    page, _ = reader(POST_URL, js=False)
    pictures = page.locator(".figure-interactive .figure-static")
    for i in range(pictures.count()):
        picture = pictures.nth(i)
        picture.scroll_into_view_if_needed()
        assert picture.is_visible()
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".figure-plot").first.is_hidden()


def test_a_figure_on_its_own_page_is_interactive_at_once(reader):
    page, watch = reader("/figures/x2-fit/")
    wait_until(page, "document.querySelector('.figure-plot').dataset.ready === 'true'")
    assert [u for u in watch.requests if "plotly" in u]
