"""The search index in pieces against one single index, in a browser: the same top results,
and the bytes a reader downloads for a first search.

    python -m tools.bench.search_pieces OUTPUT [--pieces 8]

Both indexes are built from the same post pages of a built site (plugins/features/search.py:
SEARCH_PIECES as configured, and 1), into a scratch folder served over HTTP. For each, a
fresh browser context loads Pagefind as theme/static/js/search.js does (pagefind.js, then
mergeIndex for each piece pieces.json lists), runs the first query and counts the bytes
of every response (the page's and Pagefind's worker's: JS, wasm, entry, metadata, index
chunks and the fragments of the top results shown), then runs the other queries.

Results are compared as a reader sees them: the top results' titles, with the
`(copy N)` of tools/blog_fixture.py's generated copies left out (copies of one post tie,
and ties fall in any order).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

QUERIES = ("ellipse", "sigmoid", "\\sigma")
TOP = 8  # results the search dialog shows (theme/static/js/search.js: MAX_RESULTS)
COPY = re.compile(r"\s*\(copy \d+\)$")
PAGE = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>search</title></head><body></body></html>'
LOAD = """async (bundle) => {
  const pf = await import(bundle + "pagefind.js");
  const options = { excerptLength: 24 };
  await pf.options(options);
  const pieces = await (await fetch(bundle + "pieces.json")).json();
  await Promise.all(pieces.map((p) => pf.mergeIndex(bundle + p, options)));
  window.pagefindLoaded = pf;
}"""
QUERY = """async ([query, top]) => {
  const search = await window.pagefindLoaded.search(query);
  const shown = search.results.slice(0, top);
  const data = await Promise.all(shown.map((r) => r.data()));
  return { total: search.results.length, titles: data.map((d) => d.meta.title), scores: shown.map((r) => r.score) };
}"""


@dataclass
class IndexRun:
    pieces: int
    first_search_bytes: int = 0  # bytes downloaded up to the first query's shown results
    files: dict[str, int] = field(default_factory=dict)  # URL path → bytes (first search)
    found: dict[str, dict] = field(default_factory=dict)  # query → total, titles, scores


@dataclass
class Comparison:
    posts: int
    single: IndexRun
    pieced: IndexRun

    @property
    def bytes_ratio(self) -> float:
        return self.pieced.first_search_bytes / self.single.first_search_bytes

    def same_top(self, query: str) -> bool:
        def seen(run: IndexRun) -> tuple:
            found = run.found[query]
            return found["total"], [COPY.sub("", t) for t in found["titles"]]

        return seen(self.single) == seen(self.pieced)

    @property
    def differing(self) -> list[str]:
        return [q for q in QUERIES if not self.same_top(q)]


def post_pages(output: Path) -> list[tuple[str, Path]]:
    """The post pages of a built site (those with an `<article class="post">`), as the build indexes them."""
    pages = []
    for path in sorted(output.rglob("*.html")):
        if path.name != "404.html" and '<article class="post"' in path.read_text(encoding="utf-8"):
            pages.append((path.relative_to(output).as_posix(), path))
    return pages


def build_both(pages: list[tuple[str, Path]], folder: Path, pieces: int) -> None:
    """folder/single/ and folder/pieces/: the two indexes, each from an empty cache of its own."""
    from plugins.features.search import DEFAULTS, build_index

    saved = os.environ.get("SITE_BUILD_CACHE")
    try:
        for name, count in (("single", 1), ("pieces", pieces)):
            os.environ["SITE_BUILD_CACHE"] = str(folder / f"cache-{name}")
            build_index(folder / name, pages, {**DEFAULTS, "SEARCH_PIECES": count})
    finally:
        if saved is None:
            os.environ.pop("SITE_BUILD_CACHE", None)
        else:
            os.environ["SITE_BUILD_CACHE"] = saved


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def search_in_browser(browser, base: str, bundle: str, queries=QUERIES) -> IndexRun:
    """One fresh context: Pagefind loaded and merged, the first query's bytes, every query's results."""
    context = browser.new_context()
    files: dict[str, int] = {}
    counting = [True]

    def count(response) -> None:
        if counting[0]:
            try:
                size = len(response.body())
            except Exception:  # a redirect or an evicted body
                size = int(response.headers.get("content-length", 0))
            path = response.url.removeprefix(base)
            files[path] = files.get(path, 0) + size

    context.on("response", count)
    page = context.new_page()
    page.goto(base + "/index.html")
    page.evaluate(LOAD, f"/{bundle}/")
    found = {queries[0]: page.evaluate(QUERY, [queries[0], TOP])}
    counting[0] = False
    for query in queries[1:]:
        found[query] = page.evaluate(QUERY, [query, TOP])
    context.close()
    files.pop("/index.html", None)
    return IndexRun(0, sum(files.values()), files, found)


def compare(output: Path, pieces: int | None = None, work: Path | None = None) -> Comparison:
    """Build both indexes of `output`'s posts and compare them in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from plugins.features.search import DEFAULTS
    from tools.browser import launch

    pieces = pieces or DEFAULTS["SEARCH_PIECES"]
    pages = post_pages(output)
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        folder = Path(scratch)
        (folder / "index.html").write_text(PAGE)
        build_both(pages, folder, pieces)
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = launch(p)
                single = search_in_browser(browser, base, "single")
                pieced = search_in_browser(browser, base, "pieces")
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    single.pieces, pieced.pieces = 1, pieces
    return Comparison(len(pages), single, pieced)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--pieces", type=int)
    args = parser.parse_args(argv)
    c = compare(args.output, args.pieces)
    for run in (c.single, c.pieced):
        print(f"{run.pieces} piece(s): first search {run.first_search_bytes:,} B in {len(run.files)} files")
        for q in QUERIES:
            f = run.found[q]
            print(f"  {q!r}: {f['total']} results; top {[COPY.sub('', t) for t in f['titles']]}")
            print(f"      scores {[round(s, 3) for s in f['scores']]}")
    print(f"{c.posts} posts: bytes ratio {c.bytes_ratio:.2f}; differing top results: {c.differing or 'none'}")
    return 0 if not c.differing else 1


if __name__ == "__main__":
    sys.exit(main())
