"""Mermaid diagrams drawn at build time: inline SVG, one for both themes, no Mermaid JavaScript."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from plugins.mermaid import render as mermaid_render
from plugins.mermaid import svg as mermaid_svg
from tests.conftest import POST_URL, copy_content, run_build, wait_until, write_settings

LIGHT = (
    '<svg id="P" class="flowchart" role="graphics-document document" aria-roledescription="flowchart-v2">'
    "<style>#P{fill:#333;}#P .node rect{fill:#ECECFF;}#P .cluster rect{fill:#ffffde;}"
    "#P .x&gt;*{fill:#e1f5ff!important;}@keyframes dash{to{stroke-dashoffset:0;}}</style>"
    '<filter id="P-shadow"><feDropShadow flood-color="#000000"></feDropShadow></filter>'
    '<g class="node default x"><rect></rect><span class="nodeLabel"><p>h<sub>1</sub></p></span></g></svg>'
)
DARK = LIGHT.replace("#P{fill:#333;}", "#P{fill:#ccc;}").replace("#ECECFF", "#1f2020").replace("#000000", "#FFFFFF")


def one_svg(light=LIGHT, dark=DARK, source="graph LR\n  a\n  classDef x fill:#e1f5ff\n"):
    drawn = {
        "light": light.replace("P", mermaid_svg.PLACEHOLDER),
        "dark": dark.replace("P", mermaid_svg.PLACEHOLDER),
    }
    return mermaid_svg.one_svg(drawn, source, "diagram-post-1", "/font.woff2")


def test_dark_rules_are_scoped_under_the_dark_theme_and_the_system_preference():
    style = re.search(r"<style>(.*)</style>", one_svg()).group(1)
    assert "#diagram-post-1{fill:#333;}" in style  # light, unscoped
    assert ':root[data-theme="dark"] #diagram-post-1{fill:#ccc;}' in style
    assert (
        '@media screen and (prefers-color-scheme: dark){:root:not([data-theme="light"]) #diagram-post-1{fill:#ccc;}'
        in style
    )
    assert style.count("#1f2020") == 2  # once per dark scope, never unscoped
    assert '@font-face{font-family:DiagramLabels;src:url("/font.woff2")' in style
    assert mermaid_svg.PLACEHOLDER not in one_svg()


def test_rules_for_parts_the_drawing_lacks_are_dropped():
    style = re.search(r"<style>(.*)</style>", one_svg()).group(1)
    assert ".cluster" not in style  # no subgraph in the drawing
    assert "@keyframes" not in style  # no animated edge
    assert ".node rect" in style


def test_what_only_mermaids_runtime_uses_is_dropped():
    markers = (
        '<marker id="P_flowchart-v2-pointEnd"><path></path></marker>'
        '<marker id="P_flowchart-v2-circleEnd"><path></path></marker>'
    )
    edge = (
        '<path d="M0,0L1,1" style="" data-edge="true" data-et="edge" data-id="L_a_b_0" data-look="classic"'
        ' data-points="W3siJ" marker-end="url(#P_flowchart-v2-pointEnd)"></path>'
    )
    svg = one_svg(LIGHT.replace("</svg>", markers + edge + "</svg>"), DARK.replace("</svg>", markers + edge + "</svg>"))
    assert 'id="diagram-post-1_flowchart-v2-pointEnd"' in svg  # an edge points at it
    assert "circleEnd" not in svg
    assert not re.search(r' data-[\w-]+="', svg) and 'style=""' not in svg
    assert 'marker-end="url(#diagram-post-1_flowchart-v2-pointEnd)"' in svg


def test_nodes_the_author_filled_keep_dark_text_in_the_dark_theme():
    style = re.search(r"<style>(.*)</style>", one_svg()).group(1)
    assert ':root[data-theme="dark"] #diagram-post-1 .x span{color:#333;fill:#333;}' in style
    assert "color:#333" not in re.search(
        r"<style>(.*)</style>", one_svg(source="graph LR\n a\n classDef x fill:#000,color:#fff")
    ).group(1)


LABEL = '<div xmlns="http://www.w3.org/1999/xhtml" style="display: table-cell; max-width: 200px;"><span>a</span></div>'


def test_a_style_every_label_repeats_is_written_once_and_class_lists_lose_repeats():
    lone = '<div xmlns="http://www.w3.org/1999/xhtml" style="display: block;"><span>z</span></div>'
    edge_label = LABEL.replace('xhtml" style', 'xhtml" class="labelBkg" style')
    edges = '<path class="edge-a edge-b edge-a flowchart-link"></path>'
    svg = one_svg(
        LIGHT.replace("</svg>", LABEL * 2 + edge_label + lone + edges + "</svg>"),
        DARK.replace("</svg>", LABEL * 2 + edge_label + lone + edges + "</svg>"),
    )
    assert svg.count('<div xmlns="http://www.w3.org/1999/xhtml" class="l0">') == 2
    assert svg.count('<div xmlns="http://www.w3.org/1999/xhtml" class="labelBkg l0">') == 1
    assert "#diagram-post-1 .l0{display:table-cell;max-width:200px;}" in svg  # scoped to this diagram
    assert 'style="display: block;"' in svg  # a style used once stays where it is
    assert 'class="edge-a edge-b flowchart-link"' in svg
    # An author's `classDef l0` keeps its name to itself: the label class takes a free one.
    taken = '<g class="node l0"><rect></rect></g>'
    svg = one_svg(
        LIGHT.replace("</svg>", taken + LABEL * 2 + "</svg>"), DARK.replace("</svg>", taken + LABEL * 2 + "</svg>")
    )
    assert svg.count('xhtml" class="l1">') == 2 and "#diagram-post-1 .l1{" in svg and "#diagram-post-1 .l0{" not in svg


def test_the_svg_is_an_image_named_after_its_nodes():
    head = one_svg().split(">", 1)[0]
    assert 'role="img"' in head and "aria-roledescription" not in head and "graphics-document" not in head
    assert 'aria-label="Diagram of h1"' in head


def test_a_drawing_that_differs_between_themes_comes_as_two_svgs():
    with pytest.raises(mermaid_render.MermaidError, match="differently"):
        one_svg(dark=DARK.replace("<rect>", '<rect x="1">'))
    drawn = {"light": LIGHT.replace("P", mermaid_svg.PLACEHOLDER)}
    drawn["dark"] = DARK.replace("<rect>", '<rect fill="#1f2020">').replace("P", mermaid_svg.PLACEHOLDER)
    page = BeautifulSoup(mermaid_svg.diagram_html(drawn, "", "d1", "/f.woff2"), "html.parser")
    assert page.div["class"] == ["mermaid", "mermaid-two-themes"]
    assert [svg["id"] for svg in page.select("div > svg")] == ["d1", "d1-dark"]
    assert all(svg["role"] == "img" and svg["aria-label"] for svg in page.select("svg"))
    assert "#d1-dark{fill:#ccc;}" in page.select("svg")[1].style.string


def test_a_cached_diagram_never_starts_a_browser(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path))
    drawn = {"graph LR\n a": {"key": "0", "light": LIGHT, "dark": DARK}}
    monkeypatch.setattr(mermaid_render, "draw_in_chromium", lambda sources, time_limit: drawn)
    first = mermaid_render.render_all(["graph LR\n a"], b"font")

    def no_browser(sources, time_limit):
        raise AssertionError("a browser was started for a cached diagram")

    monkeypatch.setattr(mermaid_render, "draw_in_chromium", no_browser)
    assert mermaid_render.render_all(["graph LR\n a"], b"font") == first
    with pytest.raises(AssertionError):  # a changed font (or source) is drawn again
        mermaid_render.render_all(["graph LR\n a"], b"other font")


def test_a_changed_diagram_without_chromium_says_how_to_get_one_and_where_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path))
    monkeypatch.setattr(mermaid_render, "chromium_path", lambda: None)
    with pytest.raises(mermaid_render.MermaidError) as error:
        mermaid_render.render_all(["graph LR\n a"], b"font", ["posts/x.md:12"])
    assert "apt-get install chromium" in str(error.value) and "CHROMIUM_PATH" in str(error.value)
    assert "changed: posts/x.md:12" in str(error.value)


AFTER_OTHER_CODE = """---
title: t
---

```python
graph LR  # not a diagram
```

~~~~markdown
```mermaid
graph LR
```
<div class="mermaid">
</div>
~~~~

```mermaid
graph LR
  a --> b[[unclosed
```

<div class="mermaid">
graph LR
  c --> d
</div>

- In a list:

  ``` mermaid
  graph LR
  ```
"""


def test_each_diagram_is_named_by_its_own_fence_whatever_code_comes_before():
    sources = ["graph LR\n  a --> b[[unclosed", "graph LR\n  c --> d", "graph LR"]
    assert mermaid_render_lines(AFTER_OTHER_CODE, sources) == [17, 22, 29]


def test_when_liquid_changed_the_diagrams_each_is_found_after_the_one_before():
    text = "a\n\n{% include diagram.md %}\n\n```mermaid\ngraph TD\n  x\n```\n"
    assert mermaid_render_lines(text, ["graph LR\n  a", "graph TD\n  x"]) == [None, 6]


def mermaid_render_lines(text: str, sources: list[str]) -> list[int | None]:
    from plugins.mermaid.sources import diagram_lines

    return diagram_lines(text, sources)


def test_a_diagram_mermaid_does_not_draw_in_time_fails_naming_its_post(tmp_path, monkeypatch):
    from plugins.jekyll.reader import SourceError
    from plugins.mermaid.chromium import DiagramTimeout

    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path))

    def slow(sources, time_limit):
        raise DiagramTimeout(sources.index("graph LR\n  slow"), time_limit)

    monkeypatch.setattr(mermaid_render, "draw_in_chromium", slow)
    with pytest.raises(SourceError) as error:
        mermaid_render.render_all(["graph LR\n  a", "graph LR\n  slow"], b"font", ["a.md:3", "b.md:9"], 2)
    assert (
        str(error.value) == "b.md:9: Mermaid had not drawn this diagram after 2 s (MERMAID_TIME_LIMIT): make it smaller"
    )


@pytest.mark.build
def test_chromium_draws_the_same_svg_twice_and_reports_bad_syntax():
    """Without the cache: two runs of Mermaid in Chromium give the same bytes (builds are deterministic)."""
    if not mermaid_render.chromium_path():
        pytest.skip("no Chromium: install it or set CHROMIUM_PATH")
    sources = ["graph LR\n  a[x₁] -->|1| b", "graph LR\n  a --> b[[unclosed"]
    first = mermaid_render.draw_in_chromium(sources)
    second = mermaid_render.draw_in_chromium(sources)
    assert first == second
    assert first[sources[0]]["light"].startswith(f'<svg id="{mermaid_svg.PLACEHOLDER}"')
    assert "Parse error on line" in first[sources[1]]["error"]


# Mermaid's largest flowchart (500 edges is its limit): several seconds to draw.
SLOW_DIAGRAM = "graph LR\n" + "\n".join(
    f"  n{i}[node {i} label] -->|edge {i}| n{(i * 7 + 3) % 250}" for i in range(499)
)


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Chromium's browser runs in its own process group, under node)."""
    from pathlib import Path

    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # not a process, or one that just ended
            continue
        children.setdefault(ppid, []).append(int(proc.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def gone_within(pids: set[int], seconds: float) -> set[int]:
    """The pids still running after `seconds`."""
    import time

    from tests.test_katex_startup import alive

    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


@pytest.mark.build
def test_a_diagram_that_takes_too_long_stops_node_and_chromium(monkeypatch):
    """The time limit covers Chromium's start and the drawing; past it nothing is left running."""
    import threading

    from plugins import child_process
    from plugins.mermaid.chromium import DiagramTimeout

    if not mermaid_render.chromium_path():
        pytest.skip("no Chromium: install it or set CHROMIUM_PATH")
    started, seen, done = [], set(), threading.Event()
    real_start = child_process.start
    monkeypatch.setattr(child_process, "start", lambda *a, **k: started.append(real_start(*a, **k)) or started[-1])

    def watch():
        while not done.is_set():
            seen.update(descendants(started[0].pid) if started else ())
            done.wait(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with pytest.raises(DiagramTimeout) as error:
            mermaid_render.draw_in_chromium([SLOW_DIAGRAM, "graph LR\n  a --> b"], 2)
    finally:
        done.set()
        watcher.join()
    assert error.value.index == 0
    assert seen, "Chromium never started"
    assert not gone_within({started[0].pid} | seen, 5), "node or Chromium outlived the time limit"


@pytest.mark.build
def test_drawing_ends_with_a_build_killed_by_sigkill(tmp_path):
    import signal
    import subprocess
    import sys
    import textwrap
    import time

    if not mermaid_render.chromium_path():
        pytest.skip("no Chromium: install it or set CHROMIUM_PATH")
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(mermaid_render.ROOT)!r})
        from plugins.mermaid import render as mermaid_render
        mermaid_render.draw_in_chromium([{SLOW_DIAGRAM!r}], 600)
        """
    )
    build = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = descendants(build.pid)
        if any(b"--type=renderer" in open(f"/proc/{p}/cmdline", "rb").read() for p in running if _exists(p)):
            break
        time.sleep(0.05)
    time.sleep(1)  # drawing
    running = descendants(build.pid)
    assert build.poll() is None and len(running) > 2, "the drawing finished before the build could be killed"
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert not gone_within(running, 5), "node or Chromium outlived the killed build"


def _exists(pid: int) -> bool:
    import os

    return os.path.exists(f"/proc/{pid}/cmdline")


TWO_DIAGRAMS = """---
title: Two diagrams
---

```mermaid
graph LR
  a --> b
  classDef pale fill:#e1f5ff
  class a pale
```

<div class="mermaid">
graph TD
  c --> d
</div>

```mermaid
sequenceDiagram
  Alice->>Bob: Hello
```
"""


@pytest.fixture(scope="module")
def diagrams_site(tmp_path_factory):
    """The real content plus a post with three diagrams, one of a type drawn per theme."""
    folder = tmp_path_factory.mktemp("diagrams")
    content = copy_content(folder / "content")
    (content / "posts" / "2026-11-28-two-diagrams.md").write_text(TWO_DIAGRAMS)
    hidden = "---\ntitle: Hidden\nstatus: hidden\n---\n\n```mermaid\ngraph LR\n  h1 --> h2\n```\n"
    (content / "posts" / "2026-11-29-hidden.md").write_text(hidden)  # not listed anywhere, still a page
    output = folder / "output"
    result = run_build(write_settings(folder, content), output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.mark.build
def test_a_diagram_in_a_hidden_article_is_drawn(diagrams_site):
    page = BeautifulSoup((diagrams_site / "2026/11/29/hidden/index.html").read_text(), "html.parser")
    assert page.select_one(".post-body .mermaid > svg") is not None
    assert "h1 -->" not in page.get_text()


@pytest.mark.build
def test_diagrams_on_a_page_have_their_own_ids_and_styles(diagrams_site):
    output = diagrams_site
    page = BeautifulSoup((output / "2026/11/28/two-diagrams/index.html").read_text(), "html.parser")
    svgs = page.select(".post-body .mermaid > svg")
    first, second, third = (mermaid_render.diagram_id("two-diagrams", i) for i in range(3))
    # The sequence diagram has colours in its drawing: a light and a dark SVG.
    assert [s["id"] for s in svgs] == [first, second, third, f"{third}-dark"] and first != second
    assert svgs[3].parent["class"] == ["mermaid", "mermaid-two-themes"]
    for svg in svgs:
        ids = set(re.findall(r"#(d[0-9a-f]{6}-\d+(?:-dark)?)", svg.style.string))
        assert ids == {svg["id"]}, ids  # every rule is scoped to its own diagram
    assert not page.select("script[src*=mermaid], script[src*=diagrams]")
    assert not list(output.glob("theme/vendor/mermaid*"))
    font = page.select_one("link[rel=preload][href*='/vendor/diagrams/']")["href"]
    assert (output / font.lstrip("/")).stat().st_size < 4_000


@pytest.mark.build
def test_the_post_has_its_diagram_as_an_accessible_inline_svg(site):
    page = BeautifulSoup((site / POST_URL.strip("/") / "index.html").read_text(), "html.parser")
    svg = page.select_one(".post-body .mermaid > svg")
    assert svg["role"] == "img" and svg["aria-label"].startswith("Diagram of x, y, 1, h₁")
    assert ':root[data-theme="dark"]' in svg.style.string
    assert not [s["src"] for s in page.select("script[src]") if "mermaid" in s["src"] or "diagrams" in s["src"]]


@pytest.mark.build
def test_the_atom_feed_carries_the_diagram(tmp_path):
    output = tmp_path / "output"
    settings = write_settings(
        tmp_path, mermaid_render.ROOT / "content", base="publishconf", SITEURL="https://example.org"
    )
    result = run_build(settings, output)
    assert result.returncode == 0, result.stdout + result.stderr
    feed = next(output.glob("feeds/*.xml")).read_text()
    assert mermaid_render.diagram_id("swiglu-intuition", 0) in feed and "&lt;svg" in feed


@pytest.mark.browser
@pytest.mark.parametrize("js", [True, False])
def test_the_diagram_shows_with_or_without_javascript(reader, js):
    page, watch = reader(POST_URL, js=js)
    svg = page.locator(".mermaid svg")
    svg.scroll_into_view_if_needed()
    assert svg.is_visible()
    assert svg.evaluate("s => s.querySelectorAll('g.node').length") == 6
    box = svg.bounding_box()
    assert 400 < box["width"] <= 712 and box["height"] > 200
    page.wait_for_load_state("networkidle")
    assert not [u for u in watch.requests if "mermaid" in u]


@pytest.mark.browser
def test_the_theme_toggle_recolours_the_diagram_without_redrawing_it(reader):
    page, watch = reader(POST_URL, scheme="light")
    page.evaluate("document.querySelector('.mermaid svg').dataset.marker = 'same element'")
    stroke = "getComputedStyle(document.querySelector('.mermaid .flowchart-link')).stroke"
    light = page.evaluate(stroke)
    requests = len(watch.requests)
    page.locator(".theme-toggle").click()
    wait_until(page, f"{stroke} !== {json.dumps(light)}")
    assert page.evaluate(stroke) == "rgb(211, 211, 211)"  # Mermaid's dark theme: lightgrey
    assert page.evaluate("document.querySelector('.mermaid svg').dataset.marker") == "same element"
    assert len(watch.requests) == requests


@pytest.mark.browser
def test_without_javascript_the_system_dark_preference_applies_and_print_is_light(reader):
    page, _ = reader(POST_URL, scheme="dark", js=False)
    stroke = "getComputedStyle(document.querySelector('.mermaid .flowchart-link')).stroke"
    assert page.evaluate(stroke) == "rgb(211, 211, 211)"
    page.emulate_media(media="print")
    assert page.evaluate(stroke) == "rgb(51, 51, 51)"


@pytest.mark.browser
def test_labels_use_the_served_font_so_widths_match_the_build(reader):
    page, watch = reader(POST_URL)
    page.evaluate("document.fonts.ready")
    family = page.evaluate("getComputedStyle(document.querySelector('.mermaid .nodeLabel')).fontFamily")
    assert family == "DiagramLabels"
    assert page.evaluate("document.fonts.check('16px DiagramLabels', 'h₁ = [x+y]')")
    # Each label fits the box Mermaid measured for it at build time.
    fits = page.evaluate(
        "[...document.querySelectorAll('.mermaid g.node foreignObject')].map(f => "
        "f.firstElementChild.scrollWidth <= Math.ceil(f.width.baseVal.value) + 1)"
    )
    assert fits and all(fits), fits
    assert [u for u in watch.requests if "/vendor/diagrams/labels-" in u]


@pytest.mark.browser
@pytest.mark.parametrize("scheme,js", [("light", True), ("dark", True), ("dark", False)])
def test_a_diagram_drawn_per_theme_shows_the_one_for_the_theme(browser, diagrams_site, scheme, js):
    import threading

    from tests.conftest import open_page
    from tools.serve.server import make_server

    httpd = make_server(diagrams_site, "127.0.0.1", 0, generation=None)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        context, page, watch = open_page(browser, base, scheme=scheme, js=js)
        page.goto(base + "/2026/11/28/two-diagrams/")

        def shown():
            return [s.get_attribute("id") for s in page.locator(".mermaid-two-themes > svg").all() if s.is_visible()]

        assert shown() == [f"{mermaid_render.diagram_id('two-diagrams', 2)}{'-dark' if scheme == 'dark' else ''}"]
        if js:
            page.locator(".theme-toggle").click()
            assert shown() == [f"{mermaid_render.diagram_id('two-diagrams', 2)}{'' if scheme == 'dark' else '-dark'}"]
        context.close()
        assert watch.problems == []
    finally:
        httpd.shutdown()


@pytest.mark.browser
def test_the_diagram_with_its_label_style_written_once_is_drawn_as_mermaid_wrote_it(browser, site, monkeypatch):
    """The XOR diagram as the build writes it, and with Mermaid's inline label styles kept:
    the same pixels in both themes."""
    import html

    post = (mermaid_render.ROOT / "content" / "posts" / "2026-11-26-swiglu-intuition.md").read_text()
    source = html.unescape(mermaid_render.DIAGRAM.search(post).group(1)).strip("\n")  # as diagrams_in reads it
    [drawn] = mermaid_render.render_all(
        [source], mermaid_render.FONT_SOURCE.read_bytes()
    )  # from the site build's cache
    font = f"file://{mermaid_render.FONT_SOURCE}"
    written = mermaid_svg.one_svg(drawn, source, "d", font)
    mermaid_svg._one_svg.cache_clear()
    monkeypatch.setattr(mermaid_svg, "labels_once", lambda svg: svg)
    inline = mermaid_svg.one_svg(drawn, source, "d", font)
    mermaid_svg._one_svg.cache_clear()
    assert len(written) < len(inline) - 1000  # 13 labels: 6 nodes, 7 edges
    shots = []
    for svg in (written, inline):
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 800, "height": 600}, color_scheme=scheme)
            page = context.new_page()
            page.set_content(f"<!DOCTYPE html><html><body style='margin:0'>{svg}</body></html>")
            page.evaluate("document.fonts.ready")
            shots.append(page.locator("svg").first.screenshot())
            context.close()
    assert shots[:2] == shots[2:]
