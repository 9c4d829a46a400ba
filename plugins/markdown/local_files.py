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
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from plugins.jekyll.site import SOURCE_SUFFIXES

IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc=(["']))(.+?)(\2)""")


def inside(folder: str | Path, path: str | Path) -> Path | None:
    """`path`, absolute and with `..` worked out, if it is in `folder` both as written and
    once symlinks are followed; else None. A path that leaves the folder as written is
    refused before the disk is looked at, so the answer never tells whether it exists."""
    folder = Path(os.path.abspath(folder))
    path = Path(os.path.abspath(path))  # normalises `..` without reading the disk
    if not path.is_relative_to(folder) or not path.resolve().is_relative_to(folder.resolve()):
        return None
    return path


def is_local(url: str) -> bool:
    """Whether the URL names a file of this site (a path), not another host or a Pelican link."""
    try:
        parts = urlsplit(url)
    except ValueError:  # `//host[…`: no path of ours
        return False
    return not (parts.scheme or parts.netloc or url.startswith("{"))


def svg_size(data: bytes) -> tuple[int, int] | None:
    """CSS pixels of an SVG: its root's width and height (px or pt), else its viewBox."""
    root = re.search(rb"<svg\b[^>]*>", data[:4096])
    root = root.group(0).decode(errors="replace") if root else ""
    w, h = (re.search(rf'\b{a}="([\d.]+)(px|pt)?"', root) for a in ("width", "height"))
    if w and h:
        scale = [4 / 3 if m.group(2) == "pt" else 1 for m in (w, h)]
        return round(float(w.group(1)) * scale[0]), round(float(h.group(1)) * scale[1])
    box = re.search(r'viewBox="[\d.+-]+[ ,]+[\d.+-]+[ ,]+([\d.]+)[ ,]+([\d.]+)"', root)
    return (round(float(box.group(1))), round(float(box.group(2)))) if box else None


def intrinsic_size(path: Path) -> tuple[int, int] | None:
    """(width, height): CSS pixels of an SVG (svg_size), pixels of a raster image."""
    if path.suffix == ".svg":
        return svg_size(path.read_bytes())
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


def site_path(url: str, baseurl: str | tuple[str, ...]) -> str:
    """The path of a site URL inside the content folder (Jekyll's site root), without baseurl
    (the first of several that it starts with); "" for an address urllib cannot read."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:  # `//host[…`
        return ""
    for base in (baseurl,) if isinstance(baseurl, str) else baseurl:
        base = base.rstrip("/")
        if base and (path == base or path.startswith(base + "/")):
            return path[len(base) :] or "/"
    return path


# Pelican's own links to files (`{static}/x.pdf`, `{attach}`, `{filename}`, or `|static|`), in
# the attributes where Pelican replaces them (contents.py, INTRASITE_LINK_REGEX's default).
PELICAN_LINK = re.compile(
    r"""<[^>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*(["'])"""
    r"""[{|](?P<what>static|attach|filename)[|}](?P<value>.*?)\1"""
)
# What Pelican reads as one of its own links (its INTRASITE_LINK_REGEX, in the attributes it
# rewrites), and the kinds it knows; any other kind it leaves as written, with a warning.
INTRASITE_LINK = re.compile(
    r"""<[^>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*(["'])"""
    r"""(?P<link>[{|](?P<what>.*?)[|}].*?)\1"""
)
INTRASITE_KINDS = {"static", "attach", "filename", "index", "author", "category", "tag"}


def page_like(path: str) -> bool:
    """A link to a folder or a page (Pelican's own URLs), never to a file to copy."""
    return path in ("", ".", "..") or path.endswith(("/", "/.", "/..")) or Path(path).suffix in SOURCE_SUFFIXES


def resolve_images(
    page: str,
    source: str,
    source_path: str,
    content_root: str,
    alts: dict[str, str],
    error,
    baseurl: str | tuple[str, ...] = "",
    warn=None,
    page_url=None,
    links: list | None = None,
) -> str:
    """Rewrite local <img> paths, and links to files, as `{static}` links (Pelican then copies
    each file to the same path in the output, whatever its folder); call error(line, message)
    (with the line of the URL in `source`) if an image, a link to a file or a Pelican link
    leads outside the content folder (whether or not a file is there), or if an image is
    missing. A missing image is warn(line, message) instead when `warn` is given (Jekyll
    publishes it broken), except under /assets/figures/ (the figures this site generates).

    A relative URL is relative to the page's URL, `page_url()` (`/2024/06/07/x.html`), as a
    browser reads it, when that finds a file; else to the source's folder. Links to pages
    (not files) are appended to `links` as (site path, line), for the check of
    plugins/jekyll/links.py once every page's URL is known."""
    post_dir = Path(source_path).parent
    root = Path(content_root)
    base_url = []  # page_url(), asked once and only for a relative URL

    def by_url(path: str) -> str | None:
        """A relative path as the browser resolves it against the page's URL (never above the root)."""
        if page_url is None:
            return None
        if not base_url:
            base_url.append(page_url())
        if not base_url[0]:
            return None
        return posixpath.normpath(posixpath.join(posixpath.dirname(base_url[0]), path)) + (
            "/" if path.endswith("/") else ""
        )

    def target_of(url: str) -> tuple[str, Path | None]:
        """(path without baseurl, the file in the content folder, or None outside it)."""
        path = site_path(url, baseurl)
        if path.startswith("/"):
            return path, inside(root, root / path.lstrip("/"))
        resolved = by_url(path)
        there = inside(root, root / resolved.lstrip("/")) if resolved else None
        beside = inside(root, post_dir / path)
        if there is not None and (there.is_file() or beside is None or not beside.is_file()):
            return resolved, there  # as the browser reads it (also when neither is a file)
        return path, beside

    def line_of(url: str) -> int | None:
        at = source.find(url)
        return source.count("\n", 0, at) + 1 if at >= 0 else None

    def outside(kind: str, url: str) -> None:
        error(line_of(url), f"{kind} {url!r} leads outside the content folder; files come from {root}")

    def static_link(target: Path) -> str:
        return "{static}/" + target.resolve().relative_to(root.resolve()).as_posix()

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
        if target is None:
            outside("image", url)
            return m.group(0)
        tag = page[m.start() : page.find(">", m.end()) + 1]
        if not target.is_file():
            generated = path.startswith(FIGURE_PATHS)
            hint = "generate it with `python -m figures`" if generated else f"put the file at {target} or fix the path"
            report = error if generated or warn is None else warn  # Jekyll publishes a missing image broken
            report(line_of(url), f"image {url!r} not found (looked for {target}); {hint}")
            return m.group(0)
        if target.suffix in SOURCE_SUFFIXES:
            error(line_of(url), f"image {url!r} is a post or page source ({target.name}), not an image")
        size = intrinsic_size(target)
        if size and " width=" not in tag:
            start = start.replace("<img", f'<img width="{size[0]}" height="{size[1]}"', 1)
        if " loading=" not in tag:
            start = start.replace("<img", '<img loading="lazy" decoding="async"', 1)
        return f"{start}{static_link(target)}{m.group(4)}"

    def page_link(url: str, path: str) -> None:
        if links is not None:
            resolved = path if path.startswith("/") else by_url(path)
            if resolved:
                links.append((resolved, line_of(url)))

    def rewrite_link(m: re.Match) -> str:
        url = m.group(3)
        if not is_local(url) or url.startswith(("#", "mailto:")):
            return m.group(0)
        path, target = target_of(url)
        if page_like(path):
            page_link(url, path)
            return m.group(0)  # pages and posts are Pelican's own URLs
        if target is None:
            outside("link", url)
            return m.group(0)
        if not target.is_file():
            page_link(url, path)
            return m.group(0)
        fragment = urlsplit(url).fragment
        return f"{m.group(1)}{static_link(target)}{'#' + fragment if fragment else ''}{m.group(4)}"

    # Both patterns need a quoted value that opens with { or |; most pages have none, and
    # looking for that first costs a fifth of what the two patterns cost on a maths page.
    quoted_braces = any(q in page for q in ('"{', "'{", '"|', "'|"))
    for m in INTRASITE_LINK.finditer(page) if quoted_braces else ():
        if m.group("what") not in INTRASITE_KINDS:
            error(
                line_of(m.group("link")),
                f"{m.group('link')!r} is not a URL: Liquid ({{{{ }}}}, {{% %}}) runs only in a file that starts "
                "with front matter, and Pelican's own links are {static}, {filename}, {attach}",
            )
    for m in PELICAN_LINK.finditer(page) if quoted_braces else ():
        for path in dict.fromkeys((urlsplit(m.group("value")).path, site_path(m.group("value"), ""))):
            if inside(root, root / path.lstrip("/") if path.startswith("/") else post_dir / path) is None:
                outside(f"{{{m.group('what')}}} link", m.group("value"))
    return HREF.sub(rewrite_link, IMG_SRC.sub(rewrite, page))
