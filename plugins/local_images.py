"""Check and resolve the local images a post points at.

Jekyll posts write site-root paths (`/assets/images/theory/act.svg`). Each
local `<img src>` must exist under the content folder, or the build fails
naming the post, the line and the path; existing root paths become Pelican's
`{static}` links, so they follow SITEURL wherever the site is published. An
image that a figure module generated gets that figure's alt text if the
author gave none.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith("{"))


def figure_alts(content_root: str) -> dict[str, str]:
    """Site path of each generated static figure → its accessible name."""
    alts = {}
    for meta_file in sorted((Path(content_root) / "assets" / "figures").glob("*.meta.json")):
        meta = json.loads(meta_file.read_text())
        if meta["kind"] == "static":
            for rel in meta["files"]:
                alts[f"/assets/{rel}"] = meta["label"]
    return alts


def resolve_images(page: str, source: str, source_path: str, content_root: str, alts: dict[str, str], error) -> str:
    """Rewrite local <img> paths to `{static}` links; call error(line, message) if one is missing."""
    post_dir = Path(source_path).parent

    def rewrite(m: re.Match) -> str:
        url = m.group(2)
        start = m.group(1)
        if " alt=" not in m.group(0) and " alt=" not in page[m.end() : page.find(">", m.end())]:
            alt = alts.get(unquote(urlsplit(url).path))
            if alt:
                start = start.replace("<img", f'<img alt="{html.escape(alt)}"', 1)
        if not is_local(url):
            return m.group(0)
        path = unquote(urlsplit(url).path)
        target = Path(content_root) / path.lstrip("/") if path.startswith("/") else post_dir / path
        if not target.is_file():
            at = source.find(url)
            line = source.count("\n", 0, at) + 1 if at >= 0 else None
            error(
                line,
                f"image {url!r} not found (looked for {target}); generate it with `python -m figures` or fix the path",
            )
        if path.startswith("/"):
            return f"{start}{{static}}{path}{m.group(3)}"
        return f"{start}{url}{m.group(3)}"

    return IMG_SRC.sub(rewrite, page)
