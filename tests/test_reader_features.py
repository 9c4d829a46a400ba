"""Reader features on a demo post: contents, citations, footnotes, equation links, copy as LaTeX,
previous/next, sharing metadata. Read from conftest's `demo_site`: the real content plus
tests/fixtures/ posts."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import POST_URL, open_page, wait_until

pytestmark = pytest.mark.build  # every test reads the demo site, a full build

DEMO_URL = "/2026/11/20/reader-features/"


def page_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url.strip("/") / "index.html").read_text(), "html.parser")


# ------------------------------------------------------------------ built HTML


def test_the_contents_list_every_heading(demo_site):
    doc = page_of(demo_site, DEMO_URL)
    for toc in (doc.select_one("nav.toc-side"), doc.select_one("details.toc-top")):
        assert [a.get_text() for a in toc.select("a")] == ["Gates", "The exact square", "Diagrams", "Papers"]
        assert all(doc.find(id=a["href"][1:]) for a in toc.select("a"))


def test_a_post_without_headings_has_no_contents(demo_site):
    assert page_of(demo_site, POST_URL).select(".toc") == []


def test_headings_have_anchor_links(demo_site):
    heading = page_of(demo_site, DEMO_URL).select_one("h2#gates")
    assert heading.select_one("a.headerlink")["href"] == "#gates"


def test_labelled_equations_are_numbered_and_linked(demo_site):
    doc = page_of(demo_site, DEMO_URL)
    assert doc.select_one("#eq-eq-gate .katex-tag").get_text() == "(1)"
    assert doc.select_one("#eq-eq-square .katex-tag").get_text() == "(2)"
    assert [(a["href"], a.get_text()) for a in doc.select("a.eqref")] == [
        ("#eq-eq-gate", "(1)"),
        ("#eq-eq-square", "(2)"),
    ]


def test_footnotes_are_listed_with_back_links(demo_site):
    doc = page_of(demo_site, DEMO_URL)
    assert len(doc.select(".footnote li")) == 2
    assert doc.select_one(".footnote .katex")  # maths inside a footnote is rendered too


def test_reading_time_updated_date_and_neighbours(demo_site):
    demo, swiglu = page_of(demo_site, DEMO_URL), page_of(demo_site, POST_URL)
    meta = demo.select_one(".post-meta").get_text(" ", strip=True)
    assert "updated" in meta and "25 November 2026" in meta and "min read" in meta
    assert demo.select_one(".post-nav a[rel=next]")["href"] == POST_URL
    assert swiglu.select_one(".post-nav a[rel=prev]")["href"] == DEMO_URL
    minutes = int(swiglu.select_one(".post-meta").get_text().split(" min read")[0].split("·")[-1])
    assert 3 <= minutes <= 15


def test_sharing_metadata_canonical_url_sitemap_and_robots(demo_site):
    doc = page_of(demo_site, POST_URL)
    og = {m["property"]: m["content"] for m in doc.select("meta[property]")}
    assert og["og:title"] == "SwiGLU Intuition" and og["og:type"] == "article"
    assert "og:url" not in og and not doc.select("link[rel=canonical]")  # relative would be wrong: publish only
    card = demo_site / og["og:image"].lstrip("/")
    assert card.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert doc.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
    sitemap = (demo_site / "sitemap.xml").read_text()
    assert f"<loc>{POST_URL}</loc>" in sitemap and f"<loc>{DEMO_URL}</loc>" in sitemap
    assert "Sitemap" not in (demo_site / "robots.txt").read_text()  # needs an absolute URL: publish only


# ------------------------------------------------------------------ in the browser


@pytest.fixture
def demo_reader(browser, demo_server):
    opened = []

    def open_(path=DEMO_URL, **kwargs):
        context, page, watch = open_page(browser, demo_server, **kwargs)
        opened.append((context, watch))
        page.goto(demo_server + path)
        return page

    yield open_
    for context, watch in opened:
        context.close()
        assert watch.problems == [] and watch.other_hosts() == []


@pytest.mark.browser
def test_the_contents_sit_beside_the_text_on_wide_screens_and_fold_on_phones(demo_reader):
    wide = demo_reader(width=1400)
    assert wide.locator("nav.toc-side").is_visible() and not wide.locator("details.toc-top").is_visible()
    side, body = wide.locator("nav.toc-side").bounding_box(), wide.locator(".post-body").bounding_box()
    assert side["x"] + side["width"] <= body["x"]
    phone = demo_reader(width=375)
    assert not phone.locator("nav.toc-side").is_visible()
    details = phone.locator("details.toc-top")
    assert details.is_visible() and not details.locator("nav").is_visible()
    details.locator("summary").click()
    assert details.locator("nav").is_visible()


@pytest.mark.browser
def test_the_current_section_is_highlighted(demo_reader):
    page = demo_reader(width=1400, height=700)
    page.locator("#papers").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.getElementById('papers').offsetTop - 100)")
    wait_until(page, "document.querySelector('nav.toc-side a[aria-current]')?.getAttribute('href') === '#papers'")


@pytest.mark.browser
def test_hovering_a_citation_shows_title_authors_and_year(demo_reader):
    page = demo_reader()
    page.locator("a.citation").first.hover()
    tip = page.locator("#preview")
    tip.wait_for(state="visible")  # previews.js arrives on this first hover
    text = tip.inner_text()
    assert "Language Modeling with Gated Convolutional Networks" in text and "Dauphin" in text and "2017" in text
    page.keyboard.press("Escape")
    assert not tip.is_visible()


@pytest.mark.browser
def test_previews_load_on_the_first_focus_of_a_citation_not_before(browser, demo_server):
    """Reading loads only previews-open.js; previews.js comes with the first hover, focus or
    tap on a citation or footnote mark, and the link that asked shows its preview."""
    context, page, watch = open_page(browser, demo_server)
    page.goto(demo_server + DEMO_URL)
    page.wait_for_load_state("load")
    assert any(u.endswith("/theme/js/previews-open.js") for u in watch.requests)
    assert not [u for u in watch.requests if u.endswith("/theme/js/previews.js")]
    page.mouse.wheel(0, 400)  # scrolling over the text is not a request for a preview
    page.locator("a.citation").first.focus()
    page.locator("#preview").wait_for(state="visible")
    assert "Dauphin" in page.locator("#preview").inner_text()
    assert page.locator("a.citation").first.get_attribute("aria-describedby") == "preview"
    assert [u for u in watch.requests if u.endswith("/theme/js/previews.js")]
    context.close()
    assert watch.problems == []


@pytest.mark.browser
def test_tapping_a_footnote_previews_it_then_a_second_tap_follows(browser, demo_server):
    context, page, watch = open_page(browser, demo_server, width=375, has_touch=True, is_mobile=True)
    page.goto(demo_server + DEMO_URL)
    mark = page.locator("sup a.footnote-ref").first
    mark.tap()  # the tap that fetches previews.js shows the preview once it arrives
    wait_until(page, "(document.getElementById('preview') || {}).hidden === false")
    assert page.locator("#preview").inner_text().strip().startswith("The first footnote")
    assert "#fn" not in page.url
    mark.tap()
    wait_until(page, "location.hash.startsWith('#fn')")
    context.close()
    assert watch.problems == []


@pytest.mark.browser
def test_copying_rendered_maths_copies_its_latex(browser, demo_server):
    """copy-tex arrives when the reader starts selecting (colour-scheme.js); then a copy gives the LaTeX."""
    context, page, watch = open_page(browser, demo_server, permissions=["clipboard-read", "clipboard-write"])
    page.goto(demo_server + DEMO_URL)
    wait_until(page, "document.readyState === 'complete'")
    page.wait_for_load_state("networkidle")
    assert not [u for u in watch.requests if "copy-tex" in u], "copy-tex loaded before any selection"
    formula = page.locator("#eq-eq-square .katex").first
    formula.scroll_into_view_if_needed()
    box = formula.bounding_box()
    page.mouse.move(box["x"] + 1, box["y"] + box["height"] / 2)  # select it as a reader does: drag over it
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    copy = """() => {
          const formula = document.querySelector('#eq-eq-square .katex');
          const range = document.createRange();
          range.selectNode(formula);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          const data = new DataTransfer();
          const event = new ClipboardEvent('copy', {clipboardData: data, bubbles: true, cancelable: true});
          formula.dispatchEvent(event);
          return data.getData('text/plain');
        }"""
    copied = ""
    for _ in range(50):  # until copy-tex has arrived and runs
        copied = page.evaluate(copy)
        if "t^2" in copied:
            break
        page.wait_for_timeout(100)
    context.close()
    assert any("copy-tex" in u for u in watch.requests)
    assert "t^2\\sigma(t) + t^2\\sigma(-t) = t^2" in copied
    assert watch.problems == []


@pytest.mark.browser
def test_equation_links_jump_to_the_equation(demo_reader):
    page = demo_reader()
    page.locator("a.eqref").first.click()
    wait_until(page, "location.hash === '#eq-eq-gate'")
    assert page.locator("#eq-eq-gate").is_visible()


@pytest.mark.browser
def test_without_javascript_figures_show_their_static_pictures(reader):
    page, _ = reader(POST_URL, js=False)
    for figure_id in ("beta-slider", "x2-fit", "ellipse"):
        img = page.locator(f"#figure-{figure_id} img.figure-static")
        img.scroll_into_view_if_needed()
        assert img.is_visible()
        wait_until(page, f"document.querySelector('#figure-{figure_id} img.figure-static').naturalWidth > 0")
        assert not page.locator(f"#figure-{figure_id} .figure-plot").is_visible()


@pytest.mark.browser
def test_printing_shows_static_figures_and_hides_controls(reader):
    page, _ = reader(POST_URL)
    page.emulate_media(media="print")
    assert page.locator("#figure-ellipse img.figure-static").is_visible()
    assert not page.locator("#figure-ellipse .figure-controls").is_visible()
    assert not page.locator(".theme-toggle").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "none"


@pytest.mark.browser
def test_a_figure_page_shows_the_figure_at_full_width(reader):
    page, _ = reader("/figures/ellipse/", width=1400)
    wait_until(page, "!!document.querySelector('#figure-ellipse .figure-plot[data-ready]')")
    assert page.locator("#figure-ellipse").bounding_box()["width"] > 1000
