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


HREF = re.compile(r"""(<a\b[^>]*?\bhref=(["']))(.+?)(\2)""")
FIGURE_PATHS = ("/assets/figures/",)  # where `python -m figures` writes
SOURCE_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown", ".html", ".htm")  # read, never copied


def site_path(url: str, baseurl: str | tuple[str, ...]) -> str:
    """The path of a site URL inside the content folder (Jekyll's site root), without baseurl
    (the first of several that it starts with)."""
    path = unquote(urlsplit(url).path)
    for base in (baseurl,) if isinstance(baseurl, str) else baseurl:
        base = base.rstrip("/")
        if base and (path == base or path.startswith(base + "/")):
            return path[len(base) :] or "/"
    return path


def resolve_images(
    page: str,
    source: str,
    source_path: str,
    content_root: str,
    alts: dict[str, str],
    error,
    baseurl: str | tuple[str, ...] = "",
) -> str:
    """Rewrite local <img> paths, and links to files, as `{static}` links (Pelican then copies
    each file to the same path in the output, whatever its folder); call error(line, message)
    if an image is missing."""
    post_dir = Path(source_path).parent
    root = Path(content_root)

    def target_of(url: str) -> tuple[str, Path]:
        path = site_path(url, baseurl)
        return path, (root / path.lstrip("/") if path.startswith("/") else post_dir / path)

    def line_of(url: str) -> int | None:
        at = source.find(url)
        return source.count("\n", 0, at) + 1 if at >= 0 else None

    def static_link(target: Path) -> str | None:
        try:
            return "{static}/" + target.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return None  # outside content/: leave the URL as written

    def rewrite(m: re.Match) -> str:
        url = m.group(3)
        start = m.group(1)
        if " alt=" not in m.group(0) and " alt=" not in page[m.end() : page.find(">", m.end())]:
            alt = alts.get(site_path(url, baseurl))
            if alt:
                start = start.replace("<img", f'<img alt="{html.escape(alt)}"', 1)
        if not is_local(url) or url.startswith("data:"):
            return m.group(0)
        path, target = target_of(url)
        tag = page[m.start() : page.find(">", m.end()) + 1]
        if not target.is_file():
            hint = (
                "generate it with `python -m figures`"
                if path.startswith(FIGURE_PATHS)
                else f"put the file at {target} or fix the path"
            )
            error(line_of(url), f"image {url!r} not found (looked for {target}); {hint}")
        if target.suffix in SOURCE_SUFFIXES:
            error(line_of(url), f"image {url!r} is a post or page source ({target.name}), not an image")
        size = intrinsic_size(target)
        if size and " width=" not in tag:
            start = start.replace("<img", f'<img width="{size[0]}" height="{size[1]}"', 1)
        if " loading=" not in tag:
            start = start.replace("<img", '<img loading="lazy" decoding="async"', 1)
        link = static_link(target)
        return f"{start}{link}{m.group(4)}" if link else m.group(0)

    def rewrite_link(m: re.Match) -> str:
        url = m.group(3)
        if not is_local(url) or url.startswith(("#", "mailto:")):
            return m.group(0)
        _, target = target_of(url)
        # Only files (a PDF, a notebook); pages and posts are Pelican's own URLs.
        if not target.is_file() or target.suffix in SOURCE_SUFFIXES:
            return m.group(0)
        link = static_link(target)
        fragment = urlsplit(url).fragment
        return f"{m.group(1)}{link}{'#' + fragment if fragment else ''}{m.group(4)}" if link else m.group(0)

    return HREF.sub(rewrite_link, IMG_SRC.sub(rewrite, page))
