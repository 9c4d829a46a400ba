"""Build the real site into a temporary folder and read the HTML a reader gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import POST_URL, ROOT, run_build, write_settings


def soup(site: Path, url: str) -> BeautifulSoup:
    path = site / url.strip("/") / "index.html" if not url.endswith(".html") else site / url.strip("/")
    return BeautifulSoup(path.read_text(), "html.parser")


@pytest.fixture(scope="module")
def post(site):
    return soup(site, POST_URL)


@pytest.mark.build
def test_the_post_is_at_its_jekyll_date_and_slug(site):
    assert (site / "2026/11/26/swiglu-intuition/index.html").is_file()


@pytest.mark.build
def test_every_visible_formula_is_rendered(post):
    body = post.select_one(".post-body")
    displays = body.select(".math-display > .katex-display")
    inline = [k for k in body.select(".katex") if not k.find_parent(class_="katex-display")]
    assert len(displays) == 4
    assert len(inline) == 19
    assert not body.select(".katex-error")


@pytest.mark.build
def test_no_raw_delimiters_reach_the_reader(post):
    text = post.select_one(".post-body").get_text()
    visible = re.sub(r"\s+", " ", text)
    for katex in post.select(".katex-mathml"):
        visible = visible.replace(katex.get_text(), "")
    assert "$$" not in visible
    assert "\\(" not in visible and "\\)" not in visible


@pytest.mark.build
def test_maths_has_mathml_for_screen_readers(post):
    assert len(post.select(".post-body math")) == 23
    assert post.select_one("annotation[encoding='application/x-tex']").get_text().startswith("\\sigma(x)")


@pytest.mark.build
def test_front_matter_is_shown(post, site):
    assert post.select_one(".post-header h1").get_text() == "SwiGLU Intuition"
    assert post.select_one(".post-header .subtitle").get_text() == "SwiGLY wiggly networks"
    meta = post.select_one(".post-meta")
    assert meta.select_one("time")["datetime"].startswith("2026-11-26")
    links = {a.get_text(): a["href"] for a in meta.select("a")}
    assert links["theory"] == "/category/theory/"
    assert links["#maths"] == "/tag/maths/" and links["#probability"] == "/tag/probability/"
    for page in ("category/theory", "tag/maths", "tag/probability", "archives"):
        assert "SwiGLU Intuition" in (site / page / "index.html").read_text(), page
    assert "#maths" in (site / "tags/index.html").read_text()
    assert "theory" in (site / "categories/index.html").read_text()
    assert post.title.get_text() == "SwiGLU Intuition · Wiggly Networks"


@pytest.mark.build
def test_katex_css_and_fonts_are_served_from_the_site(post, site):
    css_link = post.select_one("link[href$='katex.min.css']")["href"]
    css = (site / css_link.lstrip("/")).read_text()
    fonts = re.findall(r"url\((fonts/[^)]+)\)", css)
    assert fonts and all(f.endswith(".woff2") for f in fonts)
    for font in fonts:
        assert (site / css_link.lstrip("/")).parent.joinpath(font).is_file(), font


@pytest.mark.build
def test_the_served_katex_css_comes_from_the_package_the_renderer_runs(site):
    from plugins.katex import render as katex_render

    server = katex_render.new_server()  # the build's node process is given this package to load
    server.close()
    assert server.process.args[2] == str(katex_render.KATEX_PACKAGE)
    package_css = (katex_render.KATEX_PACKAGE / "dist" / "katex.min.css").read_text()
    served = (site / "theme/vendor/katex/katex.min.css").read_text()
    for rule in re.findall(r"[^{}]+\{[^{}]*\}", served):
        if not rule.startswith("@font-face"):
            selectors, body = rule.split("{")
            assert all(f"{sel}," in package_css or f"{sel}{{" in package_css for sel in selectors.split(",")), rule
            assert "{" + body in package_css, rule


@pytest.mark.build
def test_no_katex_javascript_is_shipped(site):
    assert not list(site.rglob("katex*.js"))


@pytest.mark.build
def test_the_page_points_at_no_other_host(site):
    for page in site.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(), "html.parser")
        for tag in doc.select("script[src], link[href], img[src], iframe, source[src]"):
            url = tag.get("src") or tag.get("href")
            if tag.name == "link" and tag.get("rel") == ["alternate"]:
                continue
            assert url.startswith("/"), f"{page}: {tag}"


@pytest.mark.build
def test_mermaid_blocks_become_inline_svg_and_no_mermaid_is_shipped(site, post):
    assert len(post.select(".post-body div.mermaid > svg")) == 1
    assert not post.select("script[type=module]")
    assert not list(site.glob("theme/vendor/mermaid*"))


def test_fenced_mermaid_becomes_a_diagram_div():
    import markdown

    from pelicanconf import MARKDOWN

    out = markdown.markdown("```mermaid\ngraph LR\n  a --> b\n```", **MARKDOWN)
    assert '<div class="mermaid">graph LR\n  a --&gt; b</div>' in out


@pytest.mark.build
def test_the_cited_blockquote_is_an_epigraph(post):
    epigraph = post.select_one(".post-body figure.epigraph")
    assert "divine benevolence" in epigraph.blockquote.get_text()
    assert epigraph.figcaption.get_text() == "— Noam Shazeer"


@pytest.mark.build
def test_fig_1_is_served_with_alt_text(post, site):
    img = post.select_one(".post-body figure img[src$='act.svg']")
    assert img["src"] == "/assets/images/theory/act.svg"
    assert "ReLU" in img["alt"]
    assert (site / "assets/images/theory/act.svg").is_file()


@pytest.mark.build
def test_every_placeholder_is_now_a_figure(post):
    text = post.select_one(".post-body").get_text()
    for placeholder in ("[interactive beta slider", "[1d x^2", "[2d ellipse]", "{%"):
        assert placeholder not in text
    ids = [f["id"] for f in post.select(".post-body figure.figure-interactive")]
    assert ids == ["figure-beta-slider", "figure-x2-fit", "figure-ellipse"]


def test_bare_urls_become_links_as_in_jekyll():
    import markdown

    from pelicanconf import MARKDOWN

    out = markdown.markdown("GLUs (https://arxiv.org/pdf/1612.08083) introduced", **MARKDOWN)
    assert '<a href="https://arxiv.org/pdf/1612.08083">https://arxiv.org/pdf/1612.08083</a>' in out


@pytest.mark.build
def test_paper_links_become_numbered_citations_with_a_references_list(post):
    citations = [(a.get_text(), a["href"]) for a in post.select(".post-body a.citation")]
    assert citations == [
        ("[1]", "#ref-dauphin2017glu"),
        ("[2]", "#ref-shazeer2020glu"),
        ("[3]", "#ref-zhang2024relu2"),
        ("[4]", "#ref-gidon2020dendritic"),
        ("[3]", "#ref-zhang2024relu2"),
    ]
    first = post.select_one("a.citation")
    assert first["title"] == (
        "Yann N. Dauphin, Angela Fan, Michael Auli and David Grangier (2017). "
        "Language Modeling with Gated Convolutional Networks"
    )
    refs = post.select(".references li")
    assert [li["id"] for li in refs] == [
        "ref-dauphin2017glu",
        "ref-shazeer2020glu",
        "ref-zhang2024relu2",
        "ref-gidon2020dendritic",
    ]
    assert refs[3].select_one(".ref-title").get_text().startswith("Dendritic action potentials")
    assert len(refs[2].select("a.backref")) == 2
    text = post.select_one(".post-body").get_text()
    assert "GLUs [1] introduced" in text and "https://arxiv.org/pdf" not in text


@pytest.mark.build
def test_every_page_type_exists(site):
    for path in (
        "index.html",
        "404.html",
        "archives/index.html",
        "tags/index.html",
        "categories/index.html",
        "favicon.ico",
        "favicon.svg",
    ):
        assert (site / path).is_file(), path


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("publish")
    output = folder / "public"
    result = run_build(
        write_settings(folder, ROOT / "content", base="publishconf"), output, env={"SITEURL": "https://example.org"}
    )
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.build
def test_publishing_makes_absolute_urls_and_feeds(published):
    feed = (published / "feeds/all.atom.xml").read_text()
    assert '<link href="https://example.org/2026/11/26/swiglu-intuition/" rel="alternate"/>' in feed
    assert (published / "feeds/theory.atom.xml").is_file()
    page = BeautifulSoup((published / "2026/11/26/swiglu-intuition/index.html").read_text(), "html.parser")
    assert page.select_one(".post-meta a")["href"] == "https://example.org/category/theory/"
    url = "https://example.org/2026/11/26/swiglu-intuition/"
    assert page.select_one("link[rel=canonical]")["href"] == url
    assert page.select_one('meta[property="og:url"]')["content"] == url
    assert page.select_one('meta[property="og:image"]')["content"] == "https://example.org/social/swiglu-intuition.png"
    assert "Sitemap: https://example.org/sitemap.xml" in (published / "robots.txt").read_text()
    assert "<loc>https://example.org/2026/11/26/swiglu-intuition/</loc>" in (published / "sitemap.xml").read_text()


@pytest.mark.build
def test_publishing_names_static_assets_by_content_hash(published):
    import hashlib

    page = (published / "2026/11/26/swiglu-intuition/index.html").read_text()
    urls = re.findall(r'(?:href|src|data-figure-src)="https://example.org/((?:theme|assets)/[^"]+)"', page)
    hashed = [u for u in urls if "/vendor/mermaid-" not in u and "/vendor/plotly-" not in u]
    assert len(hashed) >= 10
    for url in hashed:
        digest = Path(url).name.split(".")[-2]
        assert hashlib.sha256((published / url).read_bytes()).hexdigest()[:10] == digest, url
    css = next(published.glob("theme/vendor/katex/katex.min.*.css")).read_text()
    for font in re.findall(r"url\((fonts/[^)]+)\)", css):
        assert (published / "theme/vendor/katex" / font).is_file()


@pytest.mark.build
def test_publishing_precompresses_every_text_file(published):
    import gzip

    import brotli

    texts = [p for p in published.rglob("*") if p.suffix in {".html", ".css", ".js", ".json", ".xml"}]
    assert len(texts) > 10
    for path in texts:
        data = path.read_bytes()
        for kind, decompress, compress in (
            ("gz", gzip.decompress, lambda d: gzip.compress(d, 9, mtime=0)),
            ("br", brotli.decompress, lambda d: brotli.compress(d, quality=11)),
        ):
            packed = path.with_name(f"{path.name}.{kind}")
            if packed.exists():
                assert decompress(packed.read_bytes()) == data, packed
            else:  # left out only where compressing would not make the file smaller
                assert len(compress(data)) >= len(data), f"{path} has no .{kind}"


@pytest.mark.build
def test_two_builds_are_byte_identical_even_with_an_empty_cache(site, tmp_path):
    """The second build starts from an empty build cache, so every cached step (font
    subsets, social cards, diagram checks, the bibliography) is computed again."""
    again, cold = tmp_path / "again", tmp_path / "cold-cache"
    result = run_build(write_settings(tmp_path, ROOT / "content"), again, env={"SITE_BUILD_CACHE": str(cold)})
    assert result.returncode == 0, result.stderr
    assert list((cold / "katex-fonts").iterdir()), "the build did not use the empty cache it was given"
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    different = [f for f in files if (site / f).read_bytes() != (again / f).read_bytes()]
    assert different == []


@pytest.mark.build
def test_every_interactive_figure_has_a_static_picture_csv_data_and_a_page_of_its_own(post, site):
    for figure in post.select(".post-body figure.figure-interactive"):
        figure_id = figure["id"].removeprefix("figure-")
        img = figure.select_one("img.figure-static")
        assert img["src"] in (f"/assets/figures/{figure_id}.svg", f"/assets/figures/{figure_id}.webp") and img["alt"]
        picture = (site / img["src"].lstrip("/")).read_bytes()
        assert picture.startswith(b"<svg ") or picture[8:12] == b"WEBP"
        links = {a.get_text(): a["href"] for a in figure.select(".figure-links a")}
        assert links["Open full width"] == f"/figures/{figure_id}/"
        assert (site / f"assets/figures/{figure_id}.csv").read_text().startswith("state,trace,x,y")
        own = soup(site, f"/figures/{figure_id}/")
        assert own.select_one(f"figure#figure-{figure_id} .figure-plot[data-figure-src]")
        assert own.select_one(".figure-used-by a")["href"] == f"{POST_URL}#figure-{figure_id}"
        assert not own.select(".figure-links a[href^='/figures/']")  # no link to itself


@pytest.mark.build
def test_the_feed_shows_static_figures(published):
    feed = (published / "feeds/all.atom.xml").read_text()
    assert feed.count('class="figure-static"') == 3
    assert "https://example.org/assets/figures/" in feed
