"""Notebook posts' files into the output: each output's files under assets/notebooks/<post>/, and a page
of its own for each Plotly figure (/figures/ID/, written by plugins/features/figure_pages.py's
`write_page`, as the site's own figures are). `only_posts` keeps notebooks not named as posts out
of the articles: they are files.

A Pelican generator: it lists what it writes (`output_paths`, which plugins/features/
output_paths.py checks against every other file of the build before anything is written)
and writes it after the posts. The files' bytes come from the build cache, where the reader
kept them by hash; a file missing there (a cache emptied by hand) is made again by reading
the notebook once more.
"""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from plugins.build_state import CONTENT_KINDS
from plugins.features.figure_pages import save_as as figure_save_as
from plugins.features.figure_pages import write_page
from plugins.notebooks.reader import NotebookReader, load


class NotebookOutputsGenerator(Generator):
    def notebooks(self) -> list:
        """Every notebook post, page and draft this build writes, each once."""
        seen, found = set(), []
        for kind in CONTENT_KINDS:
            for content in self.context.get(kind) or []:
                if "notebook_files" in content.metadata and id(content) not in seen:
                    seen.add(id(content))
                    found.append(content)
        return found

    def output_paths(self) -> list[tuple[str, str]]:
        paths = []
        for content in self.notebooks():
            paths += [(f"assets/{rel}", f"an output of {content.source_path}") for rel, _ in content.notebook_files]
            paths += [
                (figure_save_as(f["id"]), f"the page of a figure of {content.source_path}")
                for f in content.notebook_figures
            ]
        return paths

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        if getattr(writer, "pages_only", False):
            return  # the dev server's pages-only build (plugins/incremental/dev_pages.py): the full build follows
        output = Path(writer.output_path)
        for content in self.notebooks():
            made = None
            for rel, digest in content.notebook_files:
                data = load(digest)
                if data is None:
                    made = made or dict(NotebookReader(self.settings).read(content.source_path)[1]["notebook_files"])
                    data = load(made[rel])
                target = output / "assets" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            for figure in content.notebook_figures:
                write_page(self, writer, figure, figure["page_html"], [content])


def only_posts(generator) -> None:
    """The articles generator reads a notebook only if it is named as a post is (YYYY-MM-DD-title,
    or any name in `_drafts/`): any other notebook is a file, as in Jekyll (a download a post links)."""
    from plugins.jekyll.site import NOTEBOOK_SUFFIXES, is_post_source

    find = generator.get_files

    def get_files(paths, exclude=None, extensions=None):
        found = find(paths, exclude, extensions)
        return type(found)(
            f for f in found if Path(f).suffix.lower() not in NOTEBOOK_SUFFIXES or is_post_source(Path(f), set())
        )

    generator.get_files = get_files


def get_generators(pelican):
    return NotebookOutputsGenerator
