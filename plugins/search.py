"""A Pagefind search index over the posts, written to `output/pagefind/`.

Only articles are indexed, and only their `<article>` (title, subtitle, date,
category and tags, body, figure captions). Navigation, the table of contents,
the previous/next links and the References list are left out. Maths is indexed
by its TeX: KaTeX's glyph spans and MathML presentation are skipped and the
MathML `<annotation encoding="application/x-tex">` is kept, so `\\sigma` and
"sigmoid" find the post and excerpts show the TeX a reader would type.

Settings (defaults below): SEARCH_INDEX (False turns indexing off),
SEARCH_ROOT_SELECTOR, SEARCH_EXCLUDE_SELECTORS. The browser side is
theme/static/js/search.js, which loads nothing until search is opened.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

from pelican import signals

log = logging.getLogger(__name__)

OUTPUT_SUBDIR = "pagefind"  # theme/templates/_search.html points the browser here
DEFAULTS = {
    "SEARCH_INDEX": True,
    # The post as a reader sees it, without the site's header and footer.
    "SEARCH_ROOT_SELECTOR": "article.post",
    "SEARCH_EXCLUDE_SELECTORS": [
        ".toc",  # contents: headings are indexed where they stand
        ".post-nav",  # previous/next post titles belong to those posts
        ".references",  # a list of paper titles would match every search for them
        ".katex-html",  # glyph spans: "σ(x)=11+e−x" is noise
        ".katex-mathml semantics > :not(annotation)",  # MathML presentation; the TeX stays
        ".mermaid",  # diagram source code
        ".headerlink",  # the "#" permalinks
    ],
}


def search_settings(settings: dict) -> dict:
    return {key: settings.get(key, default) for key, default in DEFAULTS.items()}


async def write_index(index_dir: Path, pages: list[tuple[str, str]], config: dict) -> None:
    """Index `pages` ((path relative to the output, HTML)) into `index_dir` (output/pagefind/)."""
    from pagefind.index import IndexConfig, PagefindIndex

    index_config = IndexConfig(
        root_selector=config["SEARCH_ROOT_SELECTOR"],
        exclude_selectors=config["SEARCH_EXCLUDE_SELECTORS"],
        force_language="en",  # one index, whatever a post's lang attribute says
        output_path=str(index_dir),
    )
    async with PagefindIndex(config=index_config) as index:
        for rel, html in pages:  # sorted by the caller: the same order gives the same bytes
            url = "/" + rel.removesuffix("index.html")
            await index.add_html_file(content=html, url=url)


def build_index(index_dir: Path, pages: list[tuple[str, str]], config: dict) -> None:
    """write_index from synchronous code. In a thread of its own: asyncio.run() refuses to
    start inside a thread that already runs an event loop (Playwright's, in tests and bench)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(write_index(index_dir, pages, config))
        except BaseException as err:  # re-raised in the caller's thread
            errors.append(err)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def index_articles(generator, writer=None) -> None:
    """Index every written article. Runs once the article pages are on disk."""
    config = search_settings(generator.settings)
    if not config["SEARCH_INDEX"]:
        return
    output = Path(generator.output_path)
    pages = []
    for article in sorted(generator.articles, key=lambda a: a.save_as):
        path = output / article.save_as
        pages.append((article.save_as, path.read_text(encoding="utf-8")))
    try:
        build_index(output / OUTPUT_SUBDIR, pages, config)
    except FileNotFoundError as err:  # pagefind_bin missing
        raise RuntimeError(
            f"search index: {err}. Install the locked packages (make install) or set SEARCH_INDEX = False"
        ) from err
    log.debug("search index: %d articles", len(pages))


def register():
    # article_writer_finalized: every article page has been written, so the
    # index reads the exact HTML readers get (after all content plugins ran).
    signals.article_writer_finalized.connect(index_articles)
