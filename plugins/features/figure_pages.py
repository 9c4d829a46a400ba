"""A page of its own for each interactive figure, at full width: /figures/ID/.

The page shows the same figure as the posts (plot, slider, caption, static
fallback, CSV links) with the list of posts that use it. It is written by a
Pelican generator with the theme's `figure.html` template (`write_page`; a notebook's
figures get theirs the same way, plugins/notebooks/publish.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from pelican.generators import Generator

from figures.generate import read_meta
from figures.registry import FIGURE_IDS
from plugins.markdown.figure_tag import figure_ids, interactive_html


def save_as(figure_id: str) -> str:
    return f"figures/{figure_id}/index.html"


class FigurePagesGenerator(Generator):
    def interactive(self) -> list[tuple[str, dict]]:
        """(id, metadata) of each interactive figure: the ones with a page."""
        assets = Path(self.settings["PATH"]) / "assets"
        metas = [(figure_id, read_meta(figure_id, assets)) for figure_id in FIGURE_IDS]
        return [(figure_id, meta) for figure_id, meta in metas if meta and meta["kind"] == "interactive"]

    def output_paths(self) -> list[tuple[str, str]]:
        """The pages this generator writes (plugins/features/output_paths.py checks that no post takes one)."""
        return [(save_as(figure_id), f"the page of the figure {figure_id!r}") for figure_id, _ in self.interactive()]

    def generate_output(self, writer) -> None:
        if getattr(writer, "pages_only", False):  # the dev server's first answer: posts' pages only
            return
        assets = Path(self.settings["PATH"]) / "assets"
        site_url = self.settings.get("SITEURL", "")
        articles = self.context.get("articles", [])
        tags = {a.source_path: figure_ids(Path(a.source_path).read_text()) for a in articles}
        for figure_id, meta in self.interactive():
            used_by = [a for a in articles if figure_id in tags[a.source_path]]
            spec = json.loads((assets / "figures" / f"{figure_id}.json").read_text())
            figure = interactive_html(figure_id, meta, spec, site_url, own_page=True, assets=assets)
            write_page(self, writer, meta, figure, used_by)


def write_page(generator: Generator, writer, meta: dict, figure_html: str, used_by: list) -> None:
    """The figure's page (the theme's figure.html): its HTML, at full width, and the posts that show it."""
    writer.write_file(
        save_as(meta["id"]),
        generator.get_template("figure"),
        generator.context,
        figure_meta=meta,
        figure_html=figure_html,
        used_by=used_by,
        relative_urls=generator.settings["RELATIVE_URLS"],
        url=f"figures/{meta['id']}/",
    )


def get_generators(pelican):
    return FigurePagesGenerator
