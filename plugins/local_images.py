"""Check and resolve the local images a post points at.

Jekyll posts write site-root paths (`/assets/images/theory/act.svg`). Each
local `<img src>` must exist under the content folder, or the build fails
naming the post, the line and the path; existing root paths become Pelican's
`{static}` links, so they follow SITEURL wherever the site is published. An
image that a figure module generated gets that figure's alt text if the
author gave none. Every local image gets its intrinsic width and height (so
its box is reserved before it loads: no layout shift) and loads lazily.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc=(["']))(.+?)(\2)""")


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith("{"))


def intrinsic_size(path: Path) -> tuple[int, int] | None:
    """(width, height): CSS pixels of an SVG (root width/height, else viewBox), pixels of a raster image."""
    if path.suffix == ".svg":
        root = re.search(rb"<svg\b[^>]*>", path.read_bytes()[:4096])
        root = root.group(0).decode() if root else ""
        w, h = (re.search(rf'\b{a}="([\d.]+)(px|pt)?"', root) for a in ("width", "height"))
        if w and h:
            scale = [4 / 3 if m.group(2) == "pt" else 1 for m in (w, h)]
            return round(float(w.group(1)) * scale[0]), round(float(h.group(1)) * scale[1])
        box = re.search(r'viewBox="[\d.+-]+[ ,]+[\d.+-]+[ ,]+([\d.]+)[ ,]+([\d.]+)"', root)
        return (round(float(box.group(1))), round(float(box.group(2)))) if box else None
    if path.suffix in (".png", ".webp", ".jpg", ".jpeg", ".gif"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as image:  # reads the header only
                return image.size
        except UnidentifiedImageError:
            return None
    return None


def figure_alts(content_root: str) -> dict[str, str]:
    """Site path of each generated static figure → its accessible name."""
    alts = {}
    for meta_file in sorted((Path(content_root) / "assets" / "figures").glob("*.meta.json")):
        meta = json.loads(meta_file.read_text())
        if meta["kind"] == "static":
            for rel in meta["files"]:
                alts[f"/assets/{rel}"] = meta["label"]
    return alts


def resolve_images(
    page: str,
    source: str,
    source_path: str,
    content_root: str,
    alts: dict[str, str],
    error,
    static_paths: tuple[str, ...] = ("assets", "extra"),
) -> str:
    """Rewrite local <img> paths to `{static}` links; call error(line, message) if one is missing."""
    post_dir = Path(source_path).parent

    def rewrite(m: re.Match) -> str:
        url = m.group(3)
        start = m.group(1)
        if " alt=" not in m.group(0) and " alt=" not in page[m.end() : page.find(">", m.end())]:
            alt = alts.get(unquote(urlsplit(url).path))
            if alt:
                start = start.replace("<img", f'<img alt="{html.escape(alt)}"', 1)
        if not is_local(url):
            return m.group(0)
        path = unquote(urlsplit(url).path)
        target = Path(content_root) / path.lstrip("/") if path.startswith("/") else post_dir / path
        tag = page[m.start() : page.find(">", m.end()) + 1]
        if target.is_file():
            size = intrinsic_size(target)
            if size and " width=" not in tag:
                start = start.replace("<img", f'<img width="{size[0]}" height="{size[1]}"', 1)
            if " loading=" not in tag:
                start = start.replace("<img", '<img loading="lazy" decoding="async"', 1)
        at = source.find(url)
        line = source.count("\n", 0, at) + 1 if at >= 0 else None
        if not target.is_file():
            error(
                line,
                f"image {url!r} not found (looked for {target}); generate it with `python -m figures` or fix the path",
            )
        # Link it as a static file (so it follows SITEURL); it must live where static files are copied from.
        in_content = target.resolve().relative_to(Path(content_root).resolve()).as_posix()
        if not any(in_content.startswith(folder.rstrip("/") + "/") for folder in static_paths):
            error(
                line,
                f"image {url!r} is not under a static folder ({', '.join(static_paths)}): move it to content/assets/",
            )
        return f"{start}{{static}}/{in_content}{m.group(4)}"

    return IMG_SRC.sub(rewrite, page)
