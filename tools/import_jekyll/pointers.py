"""What the posts of a Jekyll site point at: the files to carry over with them, the site
pages they link to, the files that are missing, the images on other hosts, and the
bibliographies their front matter names.

Posts (and the includes posts pull in) are read as text: every path in a link, `src`,
include parameter, `relative_url` argument or front matter value that names a published
file of the site. A page (front matter) is never carried over; nor is Sass, nor a
stylesheet or script that only an include names (the old theme's). An HTML file a post
embeds (`assets/html/plot.html`) brings the files it points at itself.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field

from tools.import_jekyll.liquid_scan import includes_of
from tools.import_jekyll.site import PAGE_LIKE, SASS, TEXT_SUFFIXES, THEME_CODE, Site, front_matter, lines_of

EXTERNAL_IMAGE = re.compile(
    r"""<img\b[^>]*?\bsrc\s*=\s*["']?(?P<html>(?:https?:)?//[^"'\s>]+)"""
    r"""|!\[[^\]\n]*\]\(\s*<?(?P<md>(?:https?:)?//[^)\s>]+)"""
    r"""|{%-?\s*include\s[^%]*?\b(?:path|url|src|image|img|file)=["'](?P<param>(?:https?:)?//[^"']+)["']""",
    re.I,
)
FILE_PATH = re.compile(r"[\w./~%+@-]*\.[A-Za-z0-9]{1,5}")
BIBLIOGRAPHY_FOLDERS = ("assets/bibliography", "", "_bibliography")


@dataclass
class PostFiles:
    copy: dict[str, str] = field(default_factory=dict)  # site file → the first post that points at it
    pages: Counter = field(default_factory=Counter)  # site pages posts link to → links
    missing: list[tuple[str, str]] = field(default_factory=list)  # (file:line, path as written)
    external: list[tuple[str, str]] = field(default_factory=list)  # (file:line, URL)
    bibliographies: dict[str, str] = field(default_factory=dict)  # file → post
    posts_text: dict[str, str] = field(default_factory=dict)  # text posts and the includes they reach
    reached_includes: set[str] = field(default_factory=set)


def include_closure(site: Site, texts: list[str]) -> set[str]:
    """The includes that these texts pull in, and those they pull in, by name."""
    seen: set[str] = set()
    todo = [name for text in texts for name, _ in includes_of(text)]
    while todo:
        name = todo.pop()
        if name in seen or name not in site.includes:
            continue
        seen.add(name)
        todo += [n for n, _ in includes_of(site.includes[name])]
    return seen


def is_file_path(site: Site, value: str, context: str) -> bool:
    """Whether a path that names no file looks like a file a post needs (an image, a PDF,
    an embedded page), not a link to a page or post."""
    local = site.local_path(value)
    if local is None or not FILE_PATH.fullmatch(local) or ("/" not in local and context == "param"):
        return False
    suffix = posixpath.splitext(local)[1].lower()
    return suffix not in PAGE_LIKE or (suffix in (".html", ".htm") and context in ("src", "param"))


def post_files(site: Site) -> PostFiles:
    found = PostFiles()
    for rel in site.posts:
        if rel.lower().endswith(TEXT_SUFFIXES):
            found.posts_text[rel] = site.text(rel)
    found.reached_includes = include_closure(site, list(found.posts_text.values()))
    for rel, text in found.posts_text.items():
        scan(site, found, rel, text, from_include=False)
        meta, _ = front_matter(text)
        for value in strings(meta):
            if (target := site.resolve(value)) and target not in site.pages:
                found.copy.setdefault(target, rel)
        bibliography(site, found, rel, meta.get("bibliography"))
        line_at = lines_of(text)
        for m in EXTERNAL_IMAGE.finditer(text):
            url = m.group("html") or m.group("md") or m.group("param")
            found.external.append((f"{rel}:{line_at(m.start())}", url))
        for name, offset in includes_of(text):
            if name not in site.includes and "{{" not in name:
                found.missing.append((f"{rel}:{line_at(offset)}", f"_includes/{name}"))
    for name in sorted(found.reached_includes):
        scan(site, found, f"_includes/{name}", site.includes[name], from_include=True)
    return found


def scan(site: Site, found: PostFiles, where: str, text: str, from_include: bool, folder: str = "") -> None:
    for ptr in site.pointers(text, folder):
        if ptr.rel is None:
            if not from_include and ptr.context != "text" and is_file_path(site, ptr.value, ptr.context):
                found.missing.append((f"{where}:{ptr.line}", ptr.value))
            continue
        suffix = posixpath.splitext(ptr.rel)[1].lower()
        if ptr.rel in site.pages:
            found.pages[ptr.rel] += 1
        elif suffix in SASS or (from_include and suffix in THEME_CODE) or ptr.rel in found.copy:
            continue
        else:
            found.copy[ptr.rel] = where
            if suffix in (".html", ".htm"):  # an embedded page brings what it points at
                scan(site, found, ptr.rel, site.text(ptr.rel), False, posixpath.dirname(ptr.rel))


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def bibliography(site: Site, found: PostFiles, post: str, name) -> None:
    """A post's `bibliography: x.bib`: al-folio keeps it in assets/bibliography/, jekyll-scholar in _bibliography/."""
    if not isinstance(name, str) or not name.strip():
        return
    name = name.strip().lstrip("/")
    scholar = (site.config.get("scholar") or {}).get("source") if isinstance(site.config.get("scholar"), dict) else None
    folders = BIBLIOGRAPHY_FOLDERS + ((str(scholar).strip("./"),) if scholar else ())
    for folder in folders:
        rel = posixpath.join(folder, name) if folder else name
        if (site.root / rel).is_file():
            found.bibliographies.setdefault(rel, post)
            return
    looked = ", ".join(f"{f}/" if f else "the site root" for f in folders)
    found.missing.append((f"{post}: bibliography", f"{name} (looked in {looked})"))
