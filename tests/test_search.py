"""Search: the Pagefind index (plugins/features/search.py), the opener (theme/static/js/search-open.js) and
the search dialog it loads on first use (theme/static/js/search.js)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from plugins.features.search import DEFAULTS, build_index
from tests.conftest import POST_URL, open_page, run_build, wait_until, write_settings
from tests.test_accessibility import axe_violations

KATEX_SIGMA = (
    '<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>σ</mi></mrow>'
    '<annotation encoding="application/x-tex">\\sigma(x)</annotation></semantics></math></span>'
    '<span class="katex-html" aria-hidden="true"><span class="mord mathnormal">σ</span></span></span>'
)


def fragments(index_dir: Path) -> dict[str, dict]:
    """Pagefind's per-page records (gzip, a signature, then JSON), by URL."""
    records = {}
    for path in sorted((index_dir / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{") :])
        records[record["url"]] = record
    return records


def test_the_index_keeps_tex_and_drops_glyphs_navigation_and_references(tmp_path):
    page = f"""<html lang="en"><body><header>Site navigation words</header>
    <article class="post"><h1>Gates</h1><nav class="toc">Contents tocword</nav>
    <p>The sigmoid {KATEX_SIGMA} squashes.</p>
    <figure><figcaption>Caption about ellipses</figcaption></figure>
    <section class="references">Referenced paperword</section>
    <nav class="post-nav">Nextpostword</nav></article></body></html>"""
    source = tmp_path / "gates.html"
    source.write_text(page)
    build_index(tmp_path / "pagefind", [("gates/index.html", source)], DEFAULTS)
    [record] = fragments(tmp_path / "pagefind").values()
    assert record["url"] == "/gates/"
    assert record["meta"]["title"] == "Gates"
    text = record["content"]
    assert "sigmoid" in text and "\\sigma(x)" in text and "Caption about ellipses" in text
    assert "σ" not in text  # neither KaTeX's glyph spans nor the MathML presentation
    for left_out in ("navigation", "tocword", "paperword", "Nextpostword"):
        assert left_out not in text


@pytest.mark.build
def test_the_site_index_holds_the_post_only(site):
    records = fragments(site / "pagefind")
    assert list(records) == [POST_URL]
    record = records[POST_URL]
    assert record["meta"]["title"] == "SwiGLU Intuition"
    text = record["content"]
    assert "\\sigma(x)" in text and "sigmoid" in text and "Shazeer" in text
    assert "#maths" in text  # tags
    assert "Move β" in text  # a figure caption
    assert "graph LR" not in text  # Mermaid source
    assert (site / "pagefind" / "pagefind.js").is_file()


@pytest.mark.build
def test_two_builds_write_identical_index_bytes(site, tmp_path):
    from tests.conftest import ROOT

    again = tmp_path / "output"
    result = run_build(write_settings(tmp_path, ROOT / "content"), again)
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(site): p.read_bytes() for p in sorted((site / "pagefind").rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted((again / "pagefind").rglob("*")) if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


@pytest.mark.browser
def test_search_loads_nothing_until_opened_then_finds_the_post(reader, server):
    """Before search is opened, a page loads only the opener (search-open.js, under 1 KB):
    neither the dialog's code (search.js) nor anything of Pagefind (JS, wasm, index)."""
    page, watch = reader("/")
    assert any(u.endswith("/theme/js/search-open.js") for u in watch.requests)
    assert not [u for u in watch.requests if "/pagefind/" in u or u.endswith(("/js/search.js", "/css/search.css"))]
    page.keyboard.press("/")
    page.wait_for_selector(".search-dialog[open]")
    assert page.evaluate("document.activeElement.id") == "search-input"
    assert any(u.endswith("/theme/js/search.js") for u in watch.requests)
    assert any(u.endswith("/theme/css/search.css") for u in watch.requests)
    assert page.evaluate("getComputedStyle(document.querySelector('.search-dialog')).borderTopLeftRadius") != "0px"
    for query, hit in (("ellipse", "ellipse"), ("Shazeer", "Shazeer"), ("sigmoid", "sigmoid"), ("\\sigma", "sigma")):
        page.fill("#search-input", query)
        wait_until(page, f"document.querySelector('.search-status').textContent.includes({json.dumps(query)})")
        first = page.locator(".search-results li").first
        assert first.locator("a").inner_text() == "SwiGLU Intuition"
        marks = [m.lower() for m in first.locator("mark").all_inner_texts()]
        assert any(hit.lower() in m for m in marks), (query, marks)
    assert any(u.endswith(".pagefind") for u in watch.requests)  # the wasm ran under the CSP
    page.fill("#search-input", "sigmoid")
    wait_until(page, "document.querySelector('.search-results a') !== null")
    page.locator(".search-results a").first.click()
    page.wait_for_url(server + POST_URL)


@pytest.mark.browser
def test_keys_typed_while_the_dialog_loads_are_kept(reader):
    """search.js arrives after the click: what the reader typed meanwhile lands in the field."""
    page, _ = reader(POST_URL)
    held = []
    page.route("**/theme/js/search.js", lambda route: held.append(route))
    page.click(".search-toggle")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "search.js was not requested on click"
    page.keyboard.type("sigmoix")
    page.keyboard.press("Backspace")
    page.keyboard.type("d")
    assert page.locator(".search-dialog").count() == 0
    held[0].continue_()
    page.wait_for_selector(".search-dialog[open]")
    assert page.input_value("#search-input") == "sigmoid"
    assert page.evaluate("document.activeElement.id") == "search-input"
    wait_until(page, "document.querySelector('.search-status').textContent.includes('sigmoid')")


@pytest.mark.browser
def test_the_button_opens_search_and_escape_returns_focus(reader):
    page, _ = reader(POST_URL)
    page.click(".search-toggle")
    page.wait_for_selector(".search-dialog[open]")
    page.keyboard.type("swiglu")
    wait_until(page, "document.querySelector('.search-results a') !== null")
    page.keyboard.press("Escape")
    wait_until(page, "!document.querySelector('.search-dialog').open")
    assert page.evaluate("document.activeElement.className") == "search-toggle"


@pytest.mark.browser
def test_search_still_opens_when_its_stylesheet_cannot_be_fetched(reader):
    page, watch = reader("/")
    page.route("**/css/search.css", lambda route: route.abort())
    page.keyboard.press("/")
    page.wait_for_selector(".search-dialog[open]")  # unstyled, but there
    page.keyboard.type("ellipse")
    wait_until(page, "document.querySelector('.search-results a') !== null")
    watch.problems.clear()  # the aborted stylesheet is the console error this test causes
    assert page.locator(".search-dialog").count() == 1


@pytest.mark.browser
def test_down_arrow_reaches_the_first_result_and_enter_opens_it(reader):
    page, _ = reader("/")
    page.keyboard.press("/")
    page.wait_for_selector(".search-dialog[open]")
    page.keyboard.type("ellipse")
    wait_until(page, "document.querySelector('.search-results a') !== null")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement === document.querySelector('.search-results a')")
    page.focus("#search-input")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # from the field: the first result
    assert page.url.endswith(POST_URL)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_search_dialog_passes_axe(browser, server, scheme):
    context, page, watch = open_page(browser, server, scheme=scheme, bypass_csp=True)
    page.goto(server + "/")
    page.click(".search-toggle")
    page.keyboard.type("sigmoid")
    wait_until(page, "document.querySelector('.search-results mark') !== null")
    violations = axe_violations(page)
    context.close()
    assert violations == [] and watch.problems == []


def test_an_index_is_stored_once_and_a_failed_build_leaves_no_pagefind_or_scratch(tmp_path, monkeypatch):
    from plugins.features import search

    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    page = tmp_path / "post.html"
    page.write_text('<html lang="en"><body><article class="post"><h1>Gates</h1><p>sigmoid</p></article></body></html>')
    pending = search.start_index(tmp_path / "abandoned", [("post/index.html", page)], DEFAULTS)
    [piece] = pending.pieces
    assert piece.command  # nothing stored yet: Pagefind runs
    pending.abandon()  # what a build that fails before `finalized` does
    assert piece.process is None or piece.process.poll() is not None
    assert list((tmp_path / "cache" / "search-index").iterdir()) == []
    assert not (tmp_path / "abandoned").exists()
    build_index(tmp_path / "first", [("post/index.html", page)], DEFAULTS)
    again = search.start_index(tmp_path / "second", [("post/index.html", page)], DEFAULTS)
    assert [p.command for p in again.pieces] == [[]]  # the same documents: the stored index, no Pagefind
    again.finish()
    assert fragments(tmp_path / "first") == fragments(tmp_path / "second")
    assert len(list((tmp_path / "cache" / "search-index").iterdir())) == 1


def test_editing_one_post_reindexes_only_its_piece_and_every_piece_is_listed(tmp_path, monkeypatch):
    from plugins.features import search

    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    config = {**DEFAULTS, "SEARCH_PIECES": 4}
    pages = []
    for i in range(12):
        page = tmp_path / "site" / f"p{i}.html"
        page.parent.mkdir(exist_ok=True)
        page.write_text(
            f'<html lang="en"><body><article class="post"><h1>Post {i}</h1><p>sigmoid {i}</p></article></body></html>'
        )
        pages.append((f"p{i}/index.html", page))
    first = search.start_index(tmp_path / "out", pages, config)
    assert len(first.pieces) == 4 and all(p.command for p in first.pieces)
    first.finish()
    names = json.loads((tmp_path / "out" / search.PIECES_FILE).read_text())
    assert names == [f"{name}/" for name in first.names[1:]] and len(names) == 3
    urls = set(fragments(tmp_path / "out"))
    for name in names:
        assert not (tmp_path / "out" / name / "pagefind.js").exists()  # the runtime is loaded once
        urls |= set(fragments(tmp_path / "out" / name))
    assert urls == {f"/p{i}/" for i in range(12)}
    # A post added or edited changes its own piece; the others are the stored ones.
    rel, page = pages[5]
    page.write_text(page.read_text().replace("sigmoid", "ellipse"))
    added = tmp_path / "site" / "new.html"
    added.write_text(pages[0][1].read_text().replace("Post 0", "New"))
    again = search.start_index(tmp_path / "again", [*pages, ("new/index.html", added)], config, later=True)
    changed = {search.piece_of("p5/index.html", 4), search.piece_of("new/index.html", 4)}
    rerun = [name for name, piece in zip(again.names, again.pieces, strict=True) if piece.command]
    assert rerun == [f"piece-{n:02d}" for n in sorted(changed)]
    again.finish()
    assert "ellipse" in json.dumps(
        sorted(fragments(tmp_path / "again").items())
        + [
            fragments(tmp_path / "again" / n) for n in json.loads((tmp_path / "again" / search.PIECES_FILE).read_text())
        ],
        default=str,
    )
