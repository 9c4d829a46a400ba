"""axe-core (npm, pinned) finds no violation on any page, in light and in dark."""

from __future__ import annotations

import pytest

from tests.conftest import POST_URL, ROOT, open_page
from tools.browser import scroll_through

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    POST_URL,
    "/archives/",
    "/tags/",
    "/categories/",
    "/category/theory/",
    "/tag/maths/",
    "/404.html",
]


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(f"{n['target'][0]}: {n['failureSummary']}" for n in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(browser, server, path, scheme):
    # bypass_csp: only so that the test can inject axe itself; the page's own scripts obey the policy.
    context, page, watch = open_page(browser, server, scheme=scheme, bypass_csp=True)
    page.goto(server + path)
    if path == POST_URL:  # let every figure and the diagram draw: they must pass too
        scroll_through(page, pause_ms=60)
        page.wait_for_selector(".mermaid svg")
        for figure_id in ("beta-slider", "x2-fit", "ellipse"):
            page.locator(f"#figure-{figure_id}").hover()  # figures are static until touched
            page.wait_for_selector(f"#figure-{figure_id} .figure-plot[data-ready]")
    violations = axe_violations(page)
    context.close()
    assert violations == []


@pytest.mark.build
def test_headings_are_in_order(site):
    from bs4 import BeautifulSoup

    for page in site.rglob("*.html"):
        levels = [
            int(h.name[1])
            for h in BeautifulSoup(page.read_text(), "html.parser").find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
        ]
        assert levels[:1] == [1], page
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (page, levels)
