"""Make a built site ready for a static host: content-hashed asset names and precompressed files.

- Our own static assets (CSS, JS, subset fonts, figure data, images) get the
  first 10 hex digits of their SHA-256 in their names (`site.3f2a9c0d1e.css`),
  and every reference to them is rewritten, so a host can cache them forever.
  Vendor folders already carry the package version in their names (see
  plugins/assets/vendor.py) and keep their files' names: Mermaid's chunks import
  each other by name. HTML pages, feeds and favicons keep their addresses.
- Every text file gets `.gz` and `.br` siblings (when smaller), for hosts that
  serve precompressed files. Compression is deterministic (gzip mtime 0) and
  cached by content, since Brotli at its best level takes seconds on plotly.js.
- A `_headers` file (Netlify, Cloudflare Pages) from the header table in tools/headers.py.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

import brotli

from plugins.build_cache import cached, fingerprint

TEXT = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".csv", ".map"}
HASHED_DIRS = ["theme", "assets"]  # under the output folder
KEEP_NAMES = re.compile(r"^theme/vendor/(mermaid|plotly)-")  # versioned folders


def write_text(path: Path, text: str) -> None:
    """Write through a new file: vendor files in the output are hard links to
    node_modules (plugins/assets/vendor.py), and must never be changed in place."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def hashed_name(rel: str, data: bytes) -> str:
    path = Path(rel)
    return str(path.with_name(f"{path.stem}.{digest(data)}{path.suffix}"))


def assets_to_hash(output: Path) -> list[str]:
    """Relative paths of the assets to rename: leaves (no references inside) first."""
    found = []
    for folder in HASHED_DIRS:
        for path in sorted((output / folder).rglob("*")):
            rel = path.relative_to(output).as_posix()
            if path.is_file() and not KEEP_NAMES.match(rel):
                found.append(rel)
    # CSS and JS refer to fonts, data and images: rename those first.
    return sorted(found, key=lambda rel: (Path(rel).suffix in {".css", ".js"}, rel))


def hash_assets(output: Path) -> dict[str, str]:
    """Rename assets to content-hashed names and rewrite every reference; return the renames."""
    renames: dict[str, str] = {}
    for rel in assets_to_hash(output):
        path = output / rel
        if path.suffix in {".css", ".js"}:
            rewrite_relative(path, output, renames)
        new = hashed_name(rel, path.read_bytes())
        path.rename(output / new)
        renames[rel] = new
    for page in sorted(output.rglob("*")):
        if page.suffix in {".html", ".xml"} and page.is_file():
            text = page.read_text()
            updated = text
            for old, new in renames.items():
                updated = updated.replace(f'/{old}"', f'/{new}"')
            if updated != text:
                write_text(page, updated)
    return renames


def rewrite_relative(path: Path, output: Path, renames: dict[str, str]) -> None:
    """In a CSS or JS file, point references at already renamed assets."""
    text = path.read_text()
    here = path.parent.relative_to(output).as_posix()
    updated = text
    for old, new in renames.items():
        updated = updated.replace(f"/{old}", f"/{new}")
        if old.startswith(here + "/"):
            updated = updated.replace(f"({old[len(here) + 1 :]})", f"({new[len(here) + 1 :]})")
    if updated != text:
        write_text(path, updated)


def compressed(data: bytes, kind: str) -> bytes:
    def compress() -> bytes:
        return gzip.compress(data, 9, mtime=0) if kind == "gz" else brotli.compress(data, quality=11)

    return cached("compressed", [data, kind, fingerprint(__file__, ["brotli"])], compress, suffix=f".{kind}")


def precompress(output: Path) -> int:
    """Write .gz and .br beside each text file where that is smaller; return files written."""
    written = 0
    for path in sorted(output.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT:
            continue
        data = path.read_bytes()
        for kind in ("gz", "br"):
            out = compressed(data, kind)
            if len(out) < len(data):
                path.with_name(f"{path.name}.{kind}").write_bytes(out)
                written += 1
    return written


def prepare(output: Path) -> None:
    """Hash asset names, then precompress (so compressed files match the final bytes),
    then write the hosts' `_headers` file."""
    from tools.headers import write_netlify_headers

    hash_assets(output)
    precompress(output)
    write_netlify_headers(output)
