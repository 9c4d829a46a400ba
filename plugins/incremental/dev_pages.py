"""The dev server's first answer to a save: only the edited posts' pages are written.

On a 1,000-post blog a full rebuild takes seconds (every page rendered and
written, the search index redone). When the author saves a post, the dev
server (tools/serve/) first runs a build with `DEV_ONLY_SOURCES` set to the
saved files: every source is still read (from the reader cache), so links,
neighbours and Liquid see the whole site, but only the pages made from those
sources are rendered and written, and nothing site-wide is redone (search
index, feeds, social cards). tools/build.py moves those pages into the served
site, the open browser reloads, and the full build follows and swaps in the
complete site.

Pelican 4.12 removed its own WRITE_SELECTED setting; this is its replacement
for the dev server, by way of Pelican's `get_writer` signal.
"""

from __future__ import annotations

import os
from pathlib import Path

from pelican.writers import Writer

WRITTEN_LIST = ".dev-pages"  # in the staging folder: the pages written, one per line


def only_sources(settings: dict) -> set[str] | None:
    """The sources whose pages a dev build writes, or None for a full build."""
    sources = settings.get("DEV_ONLY_SOURCES")
    return {os.path.realpath(s) for s in sources} if sources else None


class SelectedPagesWriter(Writer):
    """Writes the pages of the selected sources; skips every other page and every feed."""

    pages_only = True  # plugins that write site-wide files skip them (social_cards, search)

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.selected = only_sources(settings)
        self.names = {os.path.basename(s) for s in self.selected}
        self.written: list[str] = []

    def _selected(self, source: str) -> bool:
        # By name first: resolving each of 1,000 paths would cost more than writing the page.
        return os.path.basename(source) in self.names and os.path.realpath(source) in self.selected

    def write_feed(self, *args, **kwargs):
        return None

    def write_file(self, name, template, context, *args, **kwargs):
        content = kwargs.get("article") or kwargs.get("page")
        if content is None or not self._selected(content.source_path):
            return
        super().write_file(name, template, context, *args, **kwargs)
        self.written.append(name)
        # Pelican makes one writer per build: the list is rewritten after each page.
        Path(self.output_path, WRITTEN_LIST).write_text("".join(f"{n}\n" for n in self.written))


def get_writer(pelican):
    return SelectedPagesWriter if only_sources(pelican.settings) else None
