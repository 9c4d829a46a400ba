"""Real Jekyll posts (../shared/jekyll-corpus) build together with the SwiGLU post and read
as they did under Jekyll 4.3.1 + kramdown 2.4.0: the same maths, nothing raw left over."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, copy_content, run_build, write_settings

# ../shared next to the project (CI); JEKYLL_CORPUS points elsewhere (a git worktree).
CORPUS = Path(os.environ.get("JEKYLL_CORPUS") or ROOT.parent / "shared" / "jekyll-corpus")
pytestmark = pytest.mark.skipif(
    not (CORPUS / "expected.json").is_file(), reason=f"the Jekyll corpus is not at {CORPUS} (../shared is absent)"
)

IMAGE_PATH = re.compile(r"""(?:src=["']|\]\(|\{\{\s*['"])(/[^"'()\s]+\.(?:png|jpe?g|gif|svg))""")


def one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")


def add_corpus(content: Path) -> list[str]:
    """Copy the corpus posts into content/_posts (a temporary copy) with stand-in images."""
    posts = content / "_posts"
    posts.mkdir()
    names = []
    for post in sorted((CORPUS / "posts").iterdir()):
        shutil.copyfile(post, posts / post.name)
        names.append(post.name)
        for path in IMAGE_PATH.findall(post.read_text(encoding="utf-8")):
            target = content / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(one_pixel_png())
    return names


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    content = copy_content(folder / "content")
    names = add_corpus(content)
    result = run_build(write_settings(folder, content), folder / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "out", names


def page_of(out: Path, name: str) -> BeautifulSoup:
    stem = Path(name).stem
    date, slug = stem[:10], stem[11:]
    html = (out / date.replace("-", "/") / slug / "index.html").read_text()
    return BeautifulSoup(html, "html.parser")


def collapse(tex: str) -> str:
    return re.sub(r"\s+", " ", tex).strip()


@pytest.mark.build
def test_every_corpus_post_and_the_swiglu_post_build_in_one_site(corpus_site):
    out, names = corpus_site
    assert (out / "2026/11/26/swiglu-intuition/index.html").is_file()
    for name in names:
        assert page_of(out, name).find("article"), name


@pytest.mark.build
def test_a_post_in_posts_takes_its_category_from_front_matter_never_from_the_folder(corpus_site):
    out, names = corpus_site
    for name in names:
        categories = [a["href"] for a in page_of(out, name).select("a[href*='/category/']")]
        assert categories and not any("_posts" in href for href in categories), (name, categories)
    assert not (out / "category" / "_posts").exists()


@pytest.mark.build
def test_each_page_has_exactly_jekylls_maths(corpus_site):
    out, names = corpus_site
    expected = json.loads((CORPUS / "expected.json").read_text())
    for name in names:
        body = page_of(out, name).find(class_="post-body")
        assert not body.select(".katex-error"), name
        tex = 'annotation[encoding="application/x-tex"]'
        display = [collapse(a.get_text()) for a in body.select(f".math-display {tex}")]
        inline = [collapse(a.get_text()) for a in body.select(tex) if not a.find_parent(class_="math-display")]
        assert (len(display), len(inline)) == (expected[name]["display"], expected[name]["inline"]), name
        assert display == expected[name]["display_tex"], name
        assert inline == expected[name]["inline_tex"], name


RAW = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\$|\\\\\(|\{:\s*[.#]?[\w-]+[^}]*\}|\{:toc\}")


@pytest.mark.build
def test_nothing_raw_is_left_in_the_text(corpus_site):
    out, names = corpus_site
    for name in names:
        soup = page_of(out, name)
        body = soup.find("article")
        for hidden in body.select(".katex, pre, code, script, style"):
            hidden.decompose()
        jekyll = (CORPUS / "jekyll-html" / (Path(name).stem + ".html")).read_text()
        allowed = set(RAW.findall(BeautifulSoup(jekyll, "html.parser").get_text()))
        left = [m for m in RAW.findall(body.get_text()) if m not in allowed]
        assert not left, (name, left[:5])


@pytest.mark.build
def test_links_with_anchors_land_on_our_heading_ids(corpus_site):
    """`{% post_url … %}#anchor` and `#anchor` links, written against kramdown's ids."""
    out, names = corpus_site
    checked = 0
    for name in names:
        page = page_of(out, name)
        for a in page.select(".post-body a[href*='#']"):
            path, _, anchor = a["href"].partition("#")
            if path.startswith(("http:", "https:")) or not anchor:
                continue
            target = BeautifulSoup((out / path.lstrip("/") / "index.html").read_text(), "html.parser") if path else page
            assert target.find(id=anchor), (name, a["href"])
            checked += 1
    assert checked > 20  # the corpus has dozens (its own contents lists are replaced by ours)


@pytest.mark.build
def test_images_at_jekyll_paths_are_copied_to_the_same_paths(corpus_site):
    out, _ = corpus_site
    assert (out / "assets/images/GAN.png").is_file()
    assert (out / "assets/rl/pong.gif").is_file()


STRUCTURE = ["p", "ul", "ol", "li", "table", "tr", "img", "blockquote", "pre", "h2", "h3", "h4", "em", "strong", "a"]
STRUCTURE += ["code", "sup", "hr"]


@pytest.mark.build
def test_each_page_has_jekylls_structure(corpus_site):
    """As many paragraphs, lists, items, tables, rows, images, links… as Jekyll's own HTML
    (its inline `* TOC` list aside: ours is the contents box; our heading anchors aside;
    another host's iframe is a paragraph with a link here)."""
    out, names = corpus_site
    for name in names:
        jekyll = BeautifulSoup((CORPUS / "jekyll-html" / (Path(name).stem + ".html")).read_text(), "html.parser")
        for toc in jekyll.select("#markdown-toc"):
            toc.decompose()
        for embed in jekyll.select("iframe[src^='http']"):  # ours links it: a paragraph with a link
            embed.replace_with(BeautifulSoup('<p class="embed-link"><a href="#">link</a></p>', "html.parser"))
        ours = page_of(out, name).find(class_="post-body")
        for extra in ours.select(".katex, a.headerlink"):
            extra.decompose()
        counts = {tag: (len(jekyll.find_all(tag)), len(ours.find_all(tag))) for tag in STRUCTURE}
        assert {t: c for t, c in counts.items() if c[0] != c[1]} == {}, name
        headings = "h1, h2, h3, h4, h5, h6"
        assert [h.get("id") for h in ours.select(headings)] == [h.get("id") for h in jekyll.select(headings)], name


@pytest.mark.browser
@pytest.mark.build
def test_corpus_pages_load_in_chromium_without_errors(corpus_site, browser):
    """No console error at all: the RL post's YouTube player became a link at build time."""
    import threading

    from tests.conftest import open_page
    from tools.serve.server import make_server

    out, names = corpus_site
    httpd = make_server(out, "127.0.0.1", 0, generation=None)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        for name in names:
            stem = Path(name).stem
            context, page, watch = open_page(browser, base)
            page.goto(f"{base}/{stem[:10].replace('-', '/')}/{stem[11:]}/", wait_until="load")
            context.close()
            assert watch.problems == [], (name, watch.problems)
            assert watch.other_hosts() == [], name
    finally:
        httpd.shutdown()


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 1376, 1600])
def test_the_side_contents_never_leave_the_window_or_cover_the_text(corpus_site, browser, width):
    """The GAN post has a long contents list: beside the column only where it fits."""
    import threading

    from tests.conftest import open_page
    from tools.serve.server import make_server

    out, _ = corpus_site
    httpd = make_server(out, "127.0.0.1", 0, generation=None)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        context, page, _ = open_page(browser, base, width=width)
        page.goto(f"{base}/2017/08/20/from-GAN-to-WGAN/", wait_until="load")
        side = page.locator(".toc-side").bounding_box()  # None when it is folded on top instead
        text = page.locator("main").bounding_box()
        context.close()
        if side is not None:
            assert side["x"] >= 0 and side["x"] + side["width"] <= text["x"] + 1, (side, text)
        if width >= 1600:
            assert side is not None, "a wide window shows the contents beside the text"
    finally:
        httpd.shutdown()
