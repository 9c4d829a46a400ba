"""Algorithms, sidenotes, "Cite this post", copy buttons and related posts on the demo site
(conftest's `demo_site`: the real content plus tests/fixtures/ posts), in the HTML and in Chromium."""

from __future__ import annotations

import re

import pytest

from tests.conftest import POST_URL, open_page, wait_until
from tests.test_accessibility import axe_violations
from tests.test_reader_features import DEMO_URL, page_of

EXTRAS_URL = "/2026/11/18/reader-extras/"


# ------------------------------------------------------------------ built HTML


@pytest.mark.build
def test_the_algorithm_is_typeset_at_build_time_and_sends_no_script(demo_site):
    doc = page_of(demo_site, EXTRAS_URL)
    block = doc.select_one(".pseudocode .ps-algorithm")
    assert "Algorithm 1" in block.get_text() and "Gated unit" in block.get_text()
    assert len(block.select(".ps-linenum")) == 9 and len(block.select(".katex")) == 6
    assert not [s for s in doc.select("script") if "pseudo" in (s.get("src", "") + s.get_text())]
    assert doc.select('link[href*="css/pseudocode"]')
    assert not page_of(demo_site, POST_URL).select('link[href*="css/pseudocode"]')  # only pages with one


@pytest.mark.build
def test_each_post_carries_scholar_tags_and_a_bibtex_entry(demo_site):
    doc = page_of(demo_site, POST_URL)
    meta = {m["name"]: m["content"] for m in doc.select('meta[name^="citation_"]')}
    assert meta["citation_title"] == "SwiGLU Intuition" and meta["citation_author"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", meta["citation_publication_date"])
    bibtex = doc.select_one(".cite-post pre.bibtex").get_text()
    assert bibtex.startswith("@online{") and "title = {{SwiGLU Intuition}}" in bibtex
    assert f"url = {{{POST_URL}}}" in bibtex and "year = {2026}" in bibtex
    assert doc.select_one(".cite-post h2").get_text() == "Cite this post"


@pytest.mark.build
def test_related_posts_share_tags_or_category(demo_site):
    extras, demo = page_of(demo_site, EXTRAS_URL), page_of(demo_site, DEMO_URL)
    assert [a["href"] for a in extras.select(".related-posts a")] == [DEMO_URL]
    assert [a["href"] for a in demo.select(".related-posts a")] == [EXTRAS_URL]
    assert not page_of(demo_site, POST_URL).select(".related-posts")  # it shares neither


# ------------------------------------------------------------------ in the browser


def opened(browser, demo_server, path=EXTRAS_URL, **kwargs):
    context, page, watch = open_page(browser, demo_server, **kwargs)
    page.goto(demo_server + path)
    wait_until(page, "document.readyState === 'complete'")
    return context, page, watch


LAYOUT_SHIFT = """() => new Promise(done => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(total), 500);
})"""


@pytest.mark.browser
def test_footnotes_sit_in_the_margin_beside_their_mark_on_wide_screens(browser, demo_server):
    context, page, watch = opened(browser, demo_server, width=1440, height=900)
    mark = page.locator('sup[id="fnref:switch"]').bounding_box()
    note = page.locator(".sidenote").first
    assert note.is_visible()
    box, body = note.bounding_box(), page.locator(".post-body").bounding_box()
    assert box["x"] >= body["x"] + body["width"] and box["x"] + box["width"] <= 1440
    assert abs(box["y"] - mark["y"]) < 40  # beside the line that cites it
    assert "logistic function" in note.inner_text() and note.locator("a").get_attribute("tabindex") == "-1"
    assert page.evaluate(LAYOUT_SHIFT) == 0
    page.emulate_media(media="print")
    assert not note.is_visible() and page.locator(".footnote").is_visible()  # print keeps footnotes
    context.close()
    assert watch.problems == []


@pytest.mark.browser
def test_narrower_screens_keep_footnotes_only(browser, demo_server):
    for width in (1280, 375):
        context, page, watch = opened(browser, demo_server, width=width)
        assert not page.locator(".sidenote").first.is_visible() and page.locator(".footnote").is_visible()
        context.close()
        assert watch.problems == []


@pytest.mark.browser
def test_the_copy_button_copies_the_code(browser, demo_server):
    context, page, watch = opened(browser, demo_server, permissions=["clipboard-read", "clipboard-write"])
    wait_until(page, "document.querySelectorAll('.copy-button').length === 2")  # the code and the BibTeX
    where = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top + scrollY, r.width, r.height]; }"
    before = page.locator(".highlight pre").evaluate(where)
    button = page.locator(".highlight .copy-button")
    button.click()
    wait_until(page, "document.querySelector('.copy-status').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("def gate(x, w_i, w_j):") and copied.endswith("(x @ w_j)")
    assert button.get_attribute("aria-label") == "Copy code"
    page.locator(".cite-post .copy-button").click()
    wait_until(page, "document.querySelector('.cite-post .copy-button').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()").startswith("@online{")
    assert page.locator(".highlight pre").evaluate(where) == before  # the button moved nothing
    context.close()
    assert watch.problems == []


@pytest.mark.browser
def test_without_javascript_code_has_no_button_and_stays_selectable(browser, demo_server):
    context, page, watch = open_page(browser, demo_server, js=False)
    page.goto(demo_server + EXTRAS_URL)
    assert page.locator(".copy-button").count() == 0
    style = page.locator(".highlight pre").evaluate("e => getComputedStyle(e).userSelect")
    assert style != "none"
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1440, 375])
def test_no_accessibility_violations_on_the_extras(browser, demo_server, scheme, width):
    context, page, watch = open_page(browser, demo_server, width=width, scheme=scheme, bypass_csp=True)
    page.goto(demo_server + EXTRAS_URL)
    wait_until(page, "document.querySelectorAll('.copy-button').length === 2")
    violations = axe_violations(page)
    context.close()
    assert violations == []
