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

The index is in pieces (start_index), merged in the browser, so that editing one post
re-indexes one piece, not the whole site.

Settings (defaults below): SEARCH_INDEX (False turns indexing off), SEARCH_PIECES,
SEARCH_ROOT_SELECTOR, SEARCH_EXCLUDE_SELECTORS. The browser side is
theme/static/js/search.js, which loads nothing until search is opened.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from plugins import build_cache, build_state
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
    # Pagefind indexes merged in the browser: editing a post re-indexes its piece only.
    "SEARCH_PIECES": 8,
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
# The class attributes as KaTeX and plugins/mermaid/render.py write them, compared whole:
# testing every element's class list for a word took half of a document's time. An
# element these miss is still excluded by Pagefind's own selectors.
PRESTRIP = {
    ".katex-html": "//span[@class='katex-html']",
    ".katex-mathml semantics > :not(annotation)": "//span[@class='katex-mathml']//semantics/*[not(self::annotation)]",
    ".mermaid": "//div[@class='mermaid' or starts-with(@class, 'mermaid ')]",
}
ROOT_XPATH = {"article.post": "//article[contains(concat(' ', normalize-space(@class), ' '), ' post ')]"}
KEEP_INDEXES = 3  # cached indexes kept, in pieces (the current one and a few to go back to)
PIECES_FILE = "pieces.json"  # the pieces' folders besides the first, for theme/static/js/search.js
# Pagefind's runtime: the browser loads it once, from the first piece; the others leave it out.
RUNTIME_FILES = frozenset({"pagefind.js", "pagefind-worker.js", "wasm.en.pagefind", "wasm.unknown.pagefind"})


def search_document(page: bytes, config: dict) -> bytes:
    """What Pagefind needs of a page: its root element (the post), without the generated
    markup that the exclude selectors would skip. Pagefind still applies the root and
    exclude selectors, so this only saves it parsing; it changes nothing in the index."""
    import lxml.html

    doc = lxml.html.document_fromstring(page.decode("utf-8"), parser=_thread_parser())
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


_parsers = threading.local()


def _thread_parser():
    """An HTML parser per thread: lxml serialises the threads that share one (as the module's
    default parser is shared), and search documents are made in two."""
    if not hasattr(_parsers, "parser"):
        import lxml.html

        _parsers.parser = lxml.html.HTMLParser()
    return _parsers.parser


def build_index(index_dir: Path, pages: list[tuple[str, Path]], config: dict) -> None:
    """Index `pages` ((path relative to the site, file)) into `index_dir`."""
    start_index(index_dir, pages, config).finish()


def piece_of(rel: str, pieces: int) -> int:
    """The piece of the index a page belongs to: from a hash of its path on the site, so a
    post stays in its piece whatever other posts are added, edited or removed."""
    return int.from_bytes(hashlib.sha256(rel.encode()).digest()[:4], "big") % pieces


def start_index(index_dir: Path, pages: list[tuple[str, Path]], config: dict, later: bool = False) -> PendingPieces:
    """Start indexing `pages`; the returned PendingPieces' finish() puts the index in place.

    The index is SEARCH_PIECES Pagefind indexes (piece_of), merged in the browser with
    Pagefind's mergeIndex: the first piece with pages is the bundle at `index_dir` (with
    Pagefind's JS and wasm), the others are in `piece-NN/` folders inside it, listed in
    `pieces.json`. Each page is cut down to a small document (search_document, cached by
    the page's bytes), and each piece is cached by its documents' digests: a rebuild that
    changes no post links the stored pieces into the output in milliseconds, and one
    edited post re-indexes its piece only, while the build writes its other pages.
    Pagefind's CLI indexes a folder, so the documents are written to a scratch folder with
    the URLs they have on the site. (Its Python API would take them one by one, but it
    waits 0.1 s per page.)
    """
    code = fingerprint(__file__, ["pagefind", "pagefind_bin", "lxml"])
    settings = repr(sorted((k, repr(v)) for k, v in config.items())).encode()

    def document_of(item: tuple[str, Path]) -> tuple[str, bytes]:
        rel, path = item
        page = path.read_bytes()
        return rel, cached("search-doc", [page, settings, code], lambda: search_document(page, config))

    # Two threads, a parser each: lxml parses and serialises with the GIL released (1.7x on
    # 2 cores, where a cold build of 1,000 posts spent 5 s here), and hashing does too.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="search-doc") as pool:
        documents = list(pool.map(document_of, pages))
    count = max(1, int(config["SEARCH_PIECES"]))
    grouped: dict[int, list[tuple[str, bytes]]] = {}
    for rel, document in documents:
        grouped.setdefault(piece_of(rel, count), []).append((rel, document))
    pieces = []
    for number in sorted(grouped):  # none for a site without posts: no index
        members = grouped.get(number, [])
        whole = hashlib.sha256(code + settings)
        for rel, document in members:
            whole.update(f"\0{rel}\0".encode() + hashlib.sha256(document).digest())
        stored = build_cache.folder() / "search-index" / whole.hexdigest()[:32]
        pieces.append(PendingIndex(stored, None if stored.is_dir() else members, config))
    return PendingPieces(index_dir, pieces, [f"piece-{n:02d}" for n in sorted(grouped)], later)


class PendingPieces:
    """The pieces of an index: the Pagefind runs still needed (two at a time), then every
    piece linked into the output."""

    def __init__(self, index_dir: Path, pieces: list[PendingIndex], names: list[str], later: bool = False):
        self.index_dir, self.pieces, self.names = index_dir, pieces, names
        self.pool: ThreadPoolExecutor | None = None
        self.runs = []
        if not later:
            self.start()

    def start(self) -> None:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pagefind")
            self.runs = [self.pool.submit(piece.store) for piece in self.pieces if piece.command]

    def finish(self) -> None:
        """Wait for Pagefind, store each piece (whole or not at all), link them into the output."""
        try:
            self.start()
            for run in self.runs:
                run.result()
        except BaseException:
            self.abandon()
            raise
        self.pool.shutdown()
        shutil.rmtree(self.index_dir, ignore_errors=True)
        if not self.pieces:
            return
        root, *others = self.pieces
        link_tree(root.stored, self.index_dir)
        for name, piece in zip(self.names[1:], others, strict=True):
            link_tree(piece.stored, self.index_dir / name, skip=RUNTIME_FILES)
        listed = [f"{name}/" for name in self.names[1:]]
        (self.index_dir / PIECES_FILE).write_text(json.dumps(listed) + "\n")
        for piece in self.pieces:
            os.utime(piece.stored)  # recently used: kept by prune_indexes
        prune_indexes(root.stored.parent, KEEP_INDEXES * len(self.pieces))

    def abandon(self) -> None:
        """Stop the Pagefind runs and remove their scratch folders (a failed build)."""
        for run in self.runs:
            run.cancel()
        for piece in self.pieces:
            piece.abandon()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)  # the killed runs return
        for piece in self.pieces:
            piece.remove_scratch()


class PendingIndex:
    """One piece: its stored index, and the Pagefind run that makes it if needed."""

    def __init__(self, stored: Path, documents: list[tuple[str, bytes]] | None, config: dict):
        """Writes the documents to index into a scratch folder; start() starts Pagefind on them."""
        self.stored = stored
        self.scratch: Path | None = None
        self.process: subprocess.Popen | None = None
        self.command: list[str] = []
        self.abandoned = False
        self.lock = threading.Lock()  # start() in a Pagefind thread, abandon() in the build's
        if documents is None:
            return
        stored.parent.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix="search-", dir=stored.parent))
        site = self.scratch / "site"
        for rel, document in documents:
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document)
        command = [pagefind_binary(), "--site", str(site), "--output-path", str(self.scratch / "index")]
        command += ["--root-selector", config["SEARCH_ROOT_SELECTOR"], "--force-language", "en", "--quiet"]
        for selector in config["SEARCH_EXCLUDE_SELECTORS"]:
            command += ["--exclude-selectors", selector]
        self.command = command

    def start(self) -> None:
        with self.lock:
            if self.process is None and self.command and not self.abandoned:
                self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def store(self) -> None:
        """Run Pagefind and store its index (whole or not at all)."""
        try:
            self.start()
            if self.process is None:
                raise RuntimeError("search index: the build was stopped")
            stdout, stderr = self.process.communicate()
            if self.process.returncode != 0:
                raise RuntimeError(f"search index: pagefind failed:\n{stdout}{stderr}")
            index = self.scratch / "index"
            for name in UNUSED_BUNDLE_FILES:
                (index / name).unlink(missing_ok=True)
            try:
                index.rename(self.stored)
            except OSError:  # another build stored the same index first
                if not self.stored.is_dir():
                    raise
        finally:
            self.remove_scratch()

    def remove_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def abandon(self) -> None:
        """Stop Pagefind if it runs, and remove the scratch folder."""
        with self.lock:
            self.abandoned = True
            if self.process is not None and self.process.poll() is None:
                self.process.kill()
        self.remove_scratch()


def link_tree(source: Path, target: Path, skip: frozenset[str] = frozenset()) -> None:
    """Hard-link a stored index into the output (later steps write new files, never into
    these), without the top-level files named in `skip`."""
    for folder, _, files in os.walk(source):
        out = target / Path(folder).relative_to(source)
        out.mkdir(parents=True, exist_ok=True)
        for name in files:
            if folder == str(source) and name in skip:
                continue
            try:
                os.link(Path(folder) / name, out / name)
            except OSError:  # another file system
                shutil.copyfile(Path(folder) / name, out / name)


def prune_indexes(folder: Path, keep: int = KEEP_INDEXES) -> None:
    """Keep the `keep` most recently used pieces, and scratch folders younger than a day (a
    build killed while Pagefind ran leaves its scratch folder)."""
    folders = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    stored = [p for p in folders if not p.name.startswith("search-")]
    stale_scratch = [p for p in folders if p.name.startswith("search-") and time.time() - p.stat().st_mtime > 86400]
    for old in stored[:-keep] + stale_scratch:
        shutil.rmtree(old, ignore_errors=True)


def index_articles(generator, writer=None) -> None:
    """Index every written article. Runs once the article pages are on disk."""
    config = search_settings(generator.settings)
    if not config["SEARCH_INDEX"] or getattr(writer, "pages_only", False):
        return  # off, or the dev server's pages-only build (plugins/incremental/dev_pages.py): the full build follows
    output = Path(generator.output_path)
    pages = [(a.save_as, output / a.save_as) for a in sorted(generator.articles, key=lambda a: a.save_as)]
    # Pagefind starts now, beside the pages still being written, unless the runner finishes
    # the build once Pelican has let go of the posts (tools/build.py: half the peak memory).
    later = bool(generator.settings.get(build_state.DEFER_TO_RUNNER))
    index = start_index(output / OUTPUT_SUBDIR, pages, config, later)
    build_state.of(generator.settings).defer(index.finish, index.abandon)
    log.debug("search index: %d articles", len(pages))
