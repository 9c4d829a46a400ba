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

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pelican import signals

from plugins import build_cache
from plugins.build_cache import cached, fingerprint

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


# Generated markup that the exclude selectors drop anyway, removed from the documents
# given to Pagefind (XPath, so no CSS-selector library is needed): KaTeX's glyph spans
# and MathML presentation are four fifths of a maths-heavy page, and Pagefind's time
# grows with the bytes it parses (1,000 posts: 13 s for whole pages, 4 s for these).
PRESTRIP = {
    ".katex-html": "//*[contains(concat(' ', normalize-space(@class), ' '), ' katex-html ')]",
    ".katex-mathml semantics > :not(annotation)": (
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' katex-mathml ')]//semantics/*[not(self::annotation)]"
    ),
    ".mermaid": "//*[contains(concat(' ', normalize-space(@class), ' '), ' mermaid ')]",
}
ROOT_XPATH = {"article.post": "//article[contains(concat(' ', normalize-space(@class), ' '), ' post ')]"}
KEEP_INDEXES = 3  # cached indexes kept (the current one and a few to go back to)


def search_document(page: bytes, config: dict) -> bytes:
    """What Pagefind needs of a page: its root element (the post), without the generated
    markup that the exclude selectors would skip. Pagefind still applies the root and
    exclude selectors, so this only saves it parsing; it changes nothing in the index."""
    import lxml.html

    doc = lxml.html.document_fromstring(page.decode("utf-8"))
    root_xpath = ROOT_XPATH.get(config["SEARCH_ROOT_SELECTOR"])
    roots = doc.xpath(root_xpath) if root_xpath else []
    if not roots:  # another root selector, or none on the page: give Pagefind the whole page
        return page
    root = roots[0]
    for selector in config["SEARCH_EXCLUDE_SELECTORS"]:
        for element in root.xpath("." + PRESTRIP[selector]) if selector in PRESTRIP else []:
            element.drop_tree()
    for element in root.xpath(".//script | .//style"):
        element.drop_tree()
    lang = doc.get("lang") or "en"
    body = lxml.html.tostring(root, encoding="unicode")
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode()


def build_index(index_dir: Path, pages: list[tuple[str, Path]], config: dict) -> None:
    """Index `pages` ((path relative to the site, file)) into `index_dir`.

    Each page is cut down to a small document (search_document, cached by the page's
    bytes), and the index of those documents is cached by their digests: a rebuild
    that changes no post links the stored index into the output in milliseconds, and
    one edited post re-indexes small documents only. Pagefind's CLI indexes a folder,
    so the documents are written to a scratch folder with the URLs they have on the
    site. (Its Python API would take them one by one, but it waits 0.1 s per page.)
    """
    code = fingerprint(__file__, ["pagefind", "pagefind_bin", "lxml"])
    settings = repr(sorted((k, repr(v)) for k, v in config.items())).encode()
    documents = []
    whole = hashlib.sha256(code + settings)
    for rel, path in pages:
        page = path.read_bytes()
        document = cached("search-doc", [page, settings, code], lambda page=page: search_document(page, config))
        documents.append((rel, document))
        whole.update(f"\0{rel}\0".encode() + hashlib.sha256(document).digest())
    stored = build_cache.CACHE / "search-index" / whole.hexdigest()[:32]
    if not stored.is_dir():
        run_pagefind(stored, documents, config)
    os.utime(stored)  # recently used: kept by prune_indexes
    shutil.rmtree(index_dir, ignore_errors=True)
    link_tree(stored, index_dir)
    prune_indexes(stored.parent)


def run_pagefind(stored: Path, documents: list[tuple[str, bytes]], config: dict) -> None:
    """Index the documents into `stored`, which appears whole or not at all."""
    stored.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="search-", dir=stored.parent) as scratch:
        site, index = Path(scratch) / "site", Path(scratch) / "index"
        for rel, document in documents:
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document)
        command = [pagefind_binary(), "--site", str(site), "--output-path", str(index)]
        command += ["--root-selector", config["SEARCH_ROOT_SELECTOR"], "--force-language", "en", "--quiet"]
        for selector in config["SEARCH_EXCLUDE_SELECTORS"]:
            command += ["--exclude-selectors", selector]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"search index: pagefind failed:\n{result.stdout}{result.stderr}")
        for name in UNUSED_BUNDLE_FILES:
            (index / name).unlink(missing_ok=True)
        try:
            index.rename(stored)
        except OSError:  # another build stored the same index first
            if not stored.is_dir():
                raise


def link_tree(source: Path, target: Path) -> None:
    """Hard-link a stored index into the output (later steps write new files, never into these)."""
    for folder, _, files in os.walk(source):
        out = target / Path(folder).relative_to(source)
        out.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(folder) / name, out / name)
            except OSError:  # another file system
                shutil.copyfile(Path(folder) / name, out / name)


def prune_indexes(folder: Path) -> None:
    stored = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("search-")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in stored[:-KEEP_INDEXES]:
        shutil.rmtree(old, ignore_errors=True)


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
