"""The naive page the bench compares our post against, and a plain server for it.

    python -m tools.bench.baseline DEST

The same post, written the way such pages usually are: plain
Python-Markdown HTML; maths typeset in the browser by KaTeX's auto-render;
Mermaid's full bundle loaded eagerly; every `{% figure ID %}` replaced by
`go.Figure(data, layout).to_html(include_plotlyjs=True, full_html=False)`, so
each figure inlines its own copy of plotly.js. The figures come from the JSON
that `python -m figures` wrote (read, not regenerated). Every file is copied
into DEST, so the page is served locally and asks no other host for anything.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from plugins.jekyll.reader import split_front_matter
from plugins.markdown.figure_tag import TAG
from tools.scratch_site import ROOT

POST = ROOT / "content" / "posts" / "2026-11-26-swiglu-intuition.md"
ASSETS = ROOT / "content" / "assets"
NODE_MODULES = ROOT / "node_modules"

FIGURE_TAG = re.compile(TAG.pattern, re.MULTILINE)  # the site's own tag syntax
PLACEHOLDER = "BASELINEFIGURE{}END"

STYLE = """
body { max-width: 42rem; margin: 0 auto; padding: 1rem; font: 1.05rem/1.6 system-ui, sans-serif; color: #1f2328; }
h1 { line-height: 1.2; } .subtitle { color: #555; margin-top: -0.5rem; }
img { max-width: 100%; height: auto; } figure { margin: 1.5rem 0; } figcaption { color: #555; font-size: 0.9rem; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; color: #444; }
"""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/vendor/katex/katex.min.css">
<script defer src="/vendor/katex/katex.min.js"></script>
<script defer src="/vendor/katex/contrib/auto-render.min.js" onload="renderMathInElement(document.body, {{
  delimiters: [{{left: '$$', right: '$$', display: true}}, {{left: '\\\\(', right: '\\\\)', display: false}}]
}});"></script>
<style>{style}</style>
</head>
<body>
<h1>{title}</h1>
<p class="subtitle">{subtitle}</p>
{body}
<script src="/vendor/mermaid/mermaid.min.js"></script>
<script>mermaid.initialize({{startOnLoad: true}});</script>
</body>
</html>
"""


def figure_html(figure_id: str, assets: Path = ASSETS) -> str:
    """One figure as plotly writes it by default: a div and a script with all of plotly.js."""
    import plotly.graph_objects as go

    spec = json.loads((assets / "figures" / f"{figure_id}.json").read_text())
    meta = json.loads((assets / "figures" / f"{figure_id}.meta.json").read_text())
    plot = go.Figure(spec["data"], spec["layout"]).to_html(include_plotlyjs=True, full_html=False)
    return f"<figure>{plot}<figcaption>{html.escape(meta['caption'])}</figcaption></figure>"


def body_html(markdown_text: str, assets: Path = ASSETS) -> str:
    """Plain Python-Markdown, with each figure tag swapped for its plotly HTML afterwards."""
    import markdown

    ids = FIGURE_TAG.findall(markdown_text)
    text = FIGURE_TAG.sub(lambda m: PLACEHOLDER.format(ids.index(m.group(1))), markdown_text)
    body = markdown.markdown(text, extensions=["extra"], output_format="html5")
    for index, figure_id in enumerate(ids):
        body = body.replace(f"<p>{PLACEHOLDER.format(index)}</p>", figure_html(figure_id, assets))
    return body


def copy_vendor(dest: Path) -> None:
    """KaTeX (JS, auto-render, CSS, fonts) and Mermaid's full bundle, from node_modules."""
    katex = NODE_MODULES / "katex" / "dist"
    (dest / "vendor" / "katex" / "contrib").mkdir(parents=True, exist_ok=True)
    for name in ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js"]:
        shutil.copyfile(katex / name, dest / "vendor" / "katex" / name)
    shutil.copytree(katex / "fonts", dest / "vendor" / "katex" / "fonts", dirs_exist_ok=True)
    (dest / "vendor" / "mermaid").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        NODE_MODULES / "mermaid" / "dist" / "mermaid.min.js", dest / "vendor" / "mermaid" / "mermaid.min.js"
    )


def copy_images(markdown_text: str, dest: Path, assets: Path = ASSETS) -> None:
    """Site-root image paths (/assets/…) the post uses, e.g. act.svg."""
    for rel in re.findall(r'src="/assets/([^"]+)"', markdown_text):
        target = dest / "assets" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets / rel, target)


def build_baseline(dest: Path, post: Path = POST, assets: Path = ASSETS) -> Path:
    """Write the naive page to DEST/index.html with everything it loads; return that path."""
    dest.mkdir(parents=True, exist_ok=True)
    meta, text, _ = split_front_matter(str(post), post.read_text())  # the site's own reader
    page = PAGE.format(
        title=html.escape(str(meta.get("title", post.stem))),
        subtitle=html.escape(str(meta.get("subtitle", ""))),
        style=STYLE.strip(),
        body=body_html(text, assets),
    )
    copy_vendor(dest)
    copy_images(text, dest, assets)
    index = dest / "index.html"
    index.write_text(page)
    return index


class PlainHandler(SimpleHTTPRequestHandler):
    """A plain static host: files as they are, no Content-Security-Policy (the naive page has inline scripts)."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".woff2": "font/woff2", ".svg": "image/svg+xml"}

    def log_message(self, format, *args):  # quiet
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")  # as tools.serve sends for our site
        super().end_headers()


@contextmanager
def serving_plainly(folder: Path) -> Iterator[str]:
    """A plain local server over `folder` on a free port, yielding its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(PlainHandler, directory=str(folder)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="folder to write the page and its files into")
    args = parser.parse_args(argv)
    index = build_baseline(args.dest.resolve())
    total = sum(f.stat().st_size for f in args.dest.rglob("*") if f.is_file())
    print(f"Wrote {index} ({index.stat().st_size:,} bytes; {total:,} bytes in {args.dest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
