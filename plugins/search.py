"""A Pagefind search index over the posts, written to `output/pagefind/`.

Only articles are indexed, and only their `<article>` (title, subtitle, date,
category and tags, body, figure captions). Navigation, the table of contents,
the previous/next links and the References list are left out. Maths is indexed
by its TeX: KaTeX's glyph spans and MathML presentation are skipped and the
MathML `<annotation encoding="application/x-tex">` is kept, so `\\sigma` and
"sigmoid" find the post and excerpts show the TeX a reader would type.

What is indexed is chosen by CSS selectors given to Pagefind (its root and
exclude selectors) rather than by data-pagefind-* attributes in the pages:
KaTeX's and Mermaid's markup is generated, and one list here is easier to
read than attributes spread over templates.

Settings (defaults below): SEARCH_INDEX (False turns indexing off),
SEARCH_ROOT_SELECTOR, SEARCH_EXCLUDE_SELECTORS. The browser side is
theme/static/js/search.js, which loads nothing until search is opened.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pelican import signals

log = logging.getLogger(__name__)

OUTPUT_SUBDIR = "pagefind"  # theme/templates/_search.html points the browser here
# Pagefind's ready-made UIs: the site's own dialog (theme/static/js/search.js) uses only the
# search API (pagefind.js, its worker, wasm and index), so these are not published.
UNUSED_BUNDLE_FILES = [
    f"pagefind-{ui}.{ext}" for ui in ("ui", "component-ui", "modular-ui") for ext in ("js", "css")
] + ["pagefind-highlight.js"]
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


def pagefind_binary() -> str:
    """The pagefind binary from the pagefind_bin wheel (pinned in pyproject.toml)."""
    try:
        from pagefind_bin import get_executable

        return str(get_executable())
    except (ImportError, FileNotFoundError) as err:
        raise RuntimeError(
            f"search index: no pagefind binary ({err}). Install the locked packages "
            "(make install) or set SEARCH_INDEX = False"
        ) from err


def build_index(index_dir: Path, pages: list[tuple[str, Path]], config: dict) -> None:
    """Index `pages` ((path relative to the site, file)) into `index_dir`.

    Pagefind's CLI indexes a folder, so the pages are hard-linked into a scratch
    folder of their own: only posts are indexed, with the URLs they have on the
    site. (Its Python API would take them one by one, but it waits 0.1 s per
    page: 100 s for 1,000 posts, against a few seconds for the CLI.)
    """
    with tempfile.TemporaryDirectory(prefix="search-") as scratch:
        for rel, path in pages:
            target = Path(scratch) / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:  # another file system
                shutil.copyfile(path, target)
        command = [pagefind_binary(), "--site", scratch, "--output-path", str(index_dir)]
        command += ["--root-selector", config["SEARCH_ROOT_SELECTOR"], "--force-language", "en", "--quiet"]
        for selector in config["SEARCH_EXCLUDE_SELECTORS"]:
            command += ["--exclude-selectors", selector]
        shutil.rmtree(index_dir, ignore_errors=True)  # no stale fragments from an earlier index
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"search index: pagefind failed:\n{result.stdout}{result.stderr}")
    for name in UNUSED_BUNDLE_FILES:
        (index_dir / name).unlink(missing_ok=True)


def index_articles(generator, writer=None) -> None:
    """Index every written article. Runs once the article pages are on disk."""
    config = search_settings(generator.settings)
    if not config["SEARCH_INDEX"]:
        return
    output = Path(generator.output_path)
    pages = [(a.save_as, output / a.save_as) for a in sorted(generator.articles, key=lambda a: a.save_as)]
    build_index(output / OUTPUT_SUBDIR, pages, config)
    log.debug("search index: %d articles", len(pages))


def register():
    # article_writer_finalized: every article page has been written, so the
    # index reads the exact HTML readers get (after all content plugins ran).
    signals.article_writer_finalized.connect(index_articles)
