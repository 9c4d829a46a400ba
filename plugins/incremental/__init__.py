"""The speed layer: the same site, built faster on a large blog. `INCREMENTAL = False` turns it off.

Nothing here changes what the build makes (tests/test_incremental.py builds a blog both
ways and compares every byte); it changes how Pelican gets there, through names Pelican
does not promise to keep (compat.py lists them and checks the Pelican version once; on
any other version the layer stays off).

| signal | handler | does |
|---|---|---|
| `initialized` | `start` | Pelican's link search replaced by one with the same matches, in linear time (intrasite_links) |
| `readers_init` | `content_cache.attach` | a source converted before is read from the cache, keyed on all it depends on |
| `article_generator_init`, `…_pretaxonomy` | `parallel_reads.start`, `.finish` | posts the cache lacks converted by helper processes on the other cores |
| `all_generators_finalized` | `content_urls.keep_urls` | each post's URL worked out once |
| `article_writer_finalized` | `intrasite_links.release_rewritten` | Pelican's copies of the written pages let go |
| `get_writer` | `writer` | a page whose key is unchanged not rendered, and pages with unchanged bytes kept or linked (unchanged_outputs, page_keys); the dev server's pages-only build (dev_pages) |
| `get_generators` | `unchanged_outputs.get_generators` | after the pages (figure pages too: this package is later in PLUGINS), the spare's stale pages removed |

The runner (tools/build.py) stages a build in the site before last when `reuses_spare(settings)`
(`reuse_spare`), and moves a pages-only build's pages with `pages_written`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from plugins import build_state
from plugins.incremental import (
    compat,
    content_cache,
    content_urls,
    dev_pages,
    intrasite_links,
    parallel_reads,
    unchanged_outputs,
)

logger = logging.getLogger(__name__)


def enabled(settings: dict) -> bool:
    """Whether this build runs with the speed layer: INCREMENTAL (default on) and a Pelican it supports."""
    return bool(settings.get("INCREMENTAL", True)) and compat.problem() is None


def start(pelican) -> None:
    on = enabled(pelican.settings)
    intrasite_links.install(on)
    if on:  # once Pelican has returned, its copies of the pages go before the search index starts
        build_state.of(pelican.settings).defer(intrasite_links.release_rewritten, lambda: None)
    elif pelican.settings.get("INCREMENTAL", True):
        logger.info("%s: the speed layer is off", compat.problem())


def attach_cache(readers) -> None:
    if enabled(readers.settings):
        content_cache.attach(readers)


def start_reads(generator) -> None:
    if enabled(generator.settings):
        parallel_reads.start(generator)


def keep_urls(generators) -> None:
    if generators and enabled(generators[0].settings):
        content_urls.keep_urls(generators)


def release(generator, writer=None) -> None:
    if enabled(generator.settings):
        intrasite_links.release_rewritten(generator, writer)


def writer(pelican):
    """The dev server's pages-only writer when it asks for one, else the unchanged-outputs writer."""
    return dev_pages.get_writer(pelican) or (
        unchanged_outputs.get_writer(pelican) if enabled(pelican.settings) else None
    )


def finish_pages(pelican):
    return unchanged_outputs.get_generators(pelican) if enabled(pelican.settings) else None


def reuses_spare(settings: dict) -> bool:
    """Whether the runner may stage this build in the site before last (the spare)."""
    return enabled(settings) and not settings.get("DEV_ONLY_SOURCES")


def reuse_spare(spare: Path, staging: Path) -> None:
    """The spare becomes the staging folder, holding only the pages it had (plugins write the rest)."""
    spare.rename(staging)
    unchanged_outputs.keep_only_pages(staging)


def pages_written(staging: Path) -> list[str]:
    """The pages a pages-only build wrote, relative to its staging folder, in order."""
    listed = staging / dev_pages.WRITTEN_LIST
    return list(dict.fromkeys(listed.read_text().splitlines() if listed.exists() else []))


def register():
    signals.initialized.connect(start)
    signals.readers_init.connect(attach_cache)
    signals.article_generator_init.connect(start_reads)
    signals.article_generator_pretaxonomy.connect(parallel_reads.finish)
    signals.all_generators_finalized.connect(keep_urls)
    signals.article_writer_finalized.connect(release)
    signals.get_writer.connect(writer)
    signals.get_generators.connect(finish_pages)
