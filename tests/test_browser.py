"""The published post in real headless Chromium, as a reader sees it, served by the README's server."""

from __future__ import annotations

import pytest

from tests.conftest import POST_URL, open_page
from tools.browser import CLS_SO_FAR, scroll_through

pytestmark = pytest.mark.browser


def show_diagram(page):
    """Bring the XOR diagram into view: an inline SVG drawn at build time."""
    page.locator(".mermaid").scroll_into_view_if_needed()
    return page.wait_for_selector(".mermaid svg")


def touch_every_figure(page):
    """Figures are static until touched: a pointer over each makes it interactive."""
    for figure_id in ("beta-slider", "x2-fit", "ellipse"):
        page.locator(f"#figure-{figure_id}").hover()


def test_the_post_loads_with_no_error_and_no_other_host(reader):
    page, watch = reader(POST_URL)
    scroll_through(page, pause_ms=50)
    touch_every_figure(page)
    page.wait_for_selector(".figure-plot[data-ready]", state="attached")
    assert page.title() == "SwiGLU Intuition · Wiggly Networks"
    assert page.locator(".post-body .katex").count() == 23
    # `reader` also fails the test on any console error or request to another host.
    assert all(u.startswith(watch.base) for u in watch.requests)


def test_katex_fonts_load_and_exactly_the_used_ones_are_preloaded(reader):
    page, watch = reader(POST_URL)
    page.evaluate("document.fonts.ready")
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.startsWith('KaTeX') && f.status === 'loaded').map(f => f.family)"
    )
    assert "KaTeX_Main" in loaded and "KaTeX_Math" in loaded
    preloaded = page.eval_on_selector_all("link[rel=preload][as=font]", "ls => ls.map(l => l.href)")
    fetched = [u for u in watch.requests if u.endswith(".woff2")]
    assert sorted(set(fetched)) == sorted(preloaded)


def test_the_xor_diagram_becomes_an_svg_with_six_nodes_and_seven_edges(reader):
    page, _ = reader(POST_URL)
    svg = show_diagram(page)
    assert svg.evaluate("s => s.querySelectorAll('g.node').length") == 6
    assert svg.evaluate("s => s.querySelectorAll('.edgePaths path').length") == 7
    labels = svg.evaluate("s => [...s.querySelectorAll('g.node')].map(n => n.textContent.trim())")
    assert "h₁ = [x+y]+" in labels and "z = h₁-2h₂" in labels
    fills = svg.evaluate(
        "s => [...s.querySelectorAll('g.node')].map(n => getComputedStyle(n.querySelector('rect')).fill)"
    )
    assert "rgb(225, 245, 255)" in fills and "rgb(225, 255, 225)" in fills  # the draft's classDef colours


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagram_text_is_readable_in_both_themes(reader, scheme):
    page, _ = reader(POST_URL, scheme=scheme)
    svg = show_diagram(page)
    colours = svg.evaluate("s => [...s.querySelectorAll('g.node .nodeLabel')].map(l => getComputedStyle(l).color)")
    assert colours and all(c == "rgb(51, 51, 51)" for c in colours), colours  # Mermaid's dark text on pale fills
    page_fg = page.evaluate("getComputedStyle(document.body).color")
    edges = svg.evaluate("s => [...s.querySelectorAll('.edgeLabel p')].map(l => getComputedStyle(l).color)")
    assert edges and set(edges) == {page_fg}  # edge labels sit on the page: page colours


def test_mermaid_and_plotly_load_only_where_needed(reader):
    page, watch = reader("/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in watch.requests if "mermaid" in u or "plotly" in u or "katex" in u]


def test_plotly_waits_until_a_figure_is_touched_and_mermaid_never_loads(reader):
    page, watch = reader(POST_URL, width=412, height=823)
    page.wait_for_load_state("networkidle")
    show_diagram(page)
    page.locator("#figure-beta-slider").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    assert not [u for u in watch.requests if "plotly" in u or "mermaid" in u or u.endswith(".json")]
    page.locator("#figure-beta-slider").hover()
    page.wait_for_selector("#figure-beta-slider .figure-plot[data-ready]")
    assert [u for u in watch.requests if u.endswith("plotly.min.js")]


@pytest.mark.parametrize("width", [375, 360])
def test_no_horizontal_scroll_on_a_phone(reader, width):
    page, _ = reader(POST_URL, width=width, height=800)
    scroll_through(page, pause_ms=50)
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # wide display maths scrolls inside its own box instead
    boxes = page.evaluate("[...document.querySelectorAll('.math-display')].map(b => b.getBoundingClientRect().right)")
    assert max(boxes) <= width


def test_the_theme_toggle_switches_and_persists(reader):
    page, _ = reader(POST_URL, scheme="light")
    button = page.locator(".theme-toggle")
    assert button.is_visible()
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    button.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert button.get_attribute("aria-pressed") == "true"
    dark_bg = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert dark_bg != light_bg
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == dark_bg
    page.locator(".theme-toggle").click()
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"


def test_without_javascript_text_maths_and_layout_still_work(reader):
    page, _ = reader(POST_URL, js=False, width=375)
    assert page.locator(".post-body .katex").count() == 23
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not page.locator(".theme-toggle").is_visible()
    assert not page.locator(".figure-controls").first.is_visible()


def test_the_404_page_is_served_for_unknown_paths(reader):
    page, watch = reader("/")
    response = page.goto(page.url + "no/such/page/")
    assert response.status == 404
    assert "Page not found" in page.content()
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # its CSS loaded from any depth
    expected = "console error: Failed to load resource: the server responded with a status of 404 (Not Found)"
    watch.problems.remove(expected)  # Chromium logs the page's own 404 status; that one is the point


@pytest.mark.parametrize("width", [375, 1280])
def test_nothing_shifts_while_diagrams_and_figures_arrive(reader, width):
    page, _ = reader(POST_URL, width=width)
    show_diagram(page)
    scroll_through(page, pause_ms=50)
    touch_every_figure(page)
    for figure_id in ("beta-slider", "x2-fit", "ellipse"):
        page.wait_for_selector(f"#figure-{figure_id} .figure-plot[data-ready]")
    assert page.evaluate(CLS_SO_FAR) == 0  # the same measure `make bench` reports


def test_pruned_katex_css_and_subset_fonts_render_like_the_full_ones(browser, server):
    """Every formula, against npm's complete KaTeX assets: same boxes, same pixels but anti-aliasing."""
    import io

    import matplotlib.image as image
    import numpy as np

    from plugins.katex.process import KATEX_PACKAGE

    def shoot(full: bool) -> list[np.ndarray]:
        context, page, watch = open_page(browser, server, width=800)
        if full:
            dist = KATEX_PACKAGE / "dist"

            def serve_full(route):
                name = route.request.url.split("/vendor/katex/", 1)[1]
                route.fulfill(path=dist / name, content_type="font/woff2" if name.endswith("woff2") else "text/css")

            page.route("**/vendor/katex/**/*.{css,woff2}", serve_full)
        page.goto(server + POST_URL)
        page.evaluate("document.fonts.ready")
        shots = [image.imread(io.BytesIO(f.screenshot())) for f in page.locator(FORMULA_BLOCKS).all()]
        context.close()
        assert watch.problems == []
        return shots

    ours, full = shoot(False), shoot(True)
    assert len(ours) == len(full) == 11  # 4 display formulas, 6 paragraphs and 1 list item
    for i, (a, b) in enumerate(zip(ours, full, strict=True)):
        assert a.shape == b.shape, f"block {i} changed size"
        changed = (np.abs(a - b).sum(axis=2) > 0.3).mean()
        assert changed < 0.01, f"block {i}: {changed:.1%} of pixels differ"


FORMULA_BLOCKS = ".post-body :is(p, li):has(.katex), .math-display"
