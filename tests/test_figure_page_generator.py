"""plugins/features/figure_pages.py in-process: Pelican's settings and the real theme, a small content
folder with made-up figure files, the real Writer; no full build."""

from __future__ import annotations

import json
from types import SimpleNamespace

from bs4 import BeautifulSoup
from pelican.settings import read_settings
from pelican.writers import Writer

from plugins.features.figure_pages import FigurePagesGenerator
from tests.conftest import ROOT

SPEC = {
    "data": [],
    "layout": {"height": 380},
    "narrow": {"height": 300},
    "slider": {"name": "β", "default": 0, "states": [{"label": "β = 0", "text": "x/2 exactly"}]},
}


def meta(figure_id: str, kind: str) -> dict:
    return {
        "id": figure_id,
        "kind": kind,
        "label": f"The {figure_id} figure",
        "caption": f"Caption of {figure_id}.",
        "files": [f"figures/{figure_id}.json", f"figures/{figure_id}.csv", f"figures/{figure_id}.svg"],
    }


INTERACTIVE_AND_STATIC = {"beta-slider": "interactive", "act": "static"}


def generate(tmp_path, posts: dict[str, str], kinds: dict[str, str] = INTERACTIVE_AND_STATIC):
    """Run the generator over `posts` (file name → Markdown) with the figures of `kinds` generated
    (id → "interactive" or "static"); return the output folder."""
    content, output = tmp_path / "content", tmp_path / "output"
    figures = content / "assets" / "figures"
    figures.mkdir(parents=True)
    for figure_id, kind in kinds.items():
        (figures / f"{figure_id}.meta.json").write_text(json.dumps(meta(figure_id, kind)))
        # The static picture the page shows until the figure is touched (its size is read).
        (figures / f"{figure_id}.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="380"/>')
    (figures / "beta-slider.json").write_text(json.dumps(SPEC))
    articles = []
    for name, text in posts.items():
        (content / name).write_text(text)
        articles.append(SimpleNamespace(source_path=str(content / name), url=f"{name[:-3]}/", title=f"Post {name}"))
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), "PLOTLY_DIR": "p"},
    )
    context = {**settings, "articles": articles}
    generator = FigurePagesGenerator(context, settings, str(content), settings["THEME"], str(output))
    generator.generate_output(Writer(str(output), settings=settings))
    return output


def test_each_interactive_figure_gets_a_page_listing_the_posts_that_use_it(tmp_path):
    output = generate(
        tmp_path,
        {
            "a.md": "Text.\n\n{% figure beta-slider %}\n",
            "b.md": "No figure here.\n",
            "c.md": "```\n{% figure beta-slider %}\n```\n",  # inside code: not a use
        },
    )
    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    assert pages == ["figures/beta-slider/index.html"]  # act is a static picture: no page of its own
    doc = BeautifulSoup((output / pages[0]).read_text(), "html.parser")
    assert doc.select_one("h1").get_text() == "The beta-slider figure"
    assert doc.select_one("#figure-beta-slider .figure-plot")["data-figure-src"] == "/assets/figures/beta-slider.json"
    assert [a["href"] for a in doc.select(".figure-used-by a")] == ["/a/#figure-beta-slider"]
    links = [a.get_text() for a in doc.select(".figure-links a")]
    assert links == ["Download data (CSV)"]  # no "Open full width" link on the full-width page


def test_a_figure_no_post_uses_still_gets_its_page_without_a_list(tmp_path):
    output = generate(tmp_path, {"b.md": "No figure here.\n"})
    doc = BeautifulSoup((output / "figures/beta-slider/index.html").read_text(), "html.parser")
    assert doc.select_one("#figure-beta-slider") and not doc.select(".figure-used-by")


def test_no_generated_figures_means_no_figure_pages(tmp_path):
    output = generate(tmp_path, {"a.md": "{% figure beta-slider %}\n"}, kinds={"act": "static"})
    assert not list(output.rglob("*.html"))
