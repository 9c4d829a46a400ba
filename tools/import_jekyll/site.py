"""A Jekyll site as `make import` sees it: its posts, includes and layouts, every file
Jekyll would publish, and what each post points at.

A file is a post if it is under `_posts/` or `_drafts/`. Any other file that starts with
front matter is a page Jekyll renders with the old theme (an index, `about.md`,
`blog/index.html`): never imported. A post's references are the site-root or relative
paths in its text (links, `src`, include parameters, `relative_url`, front matter) that name
a published file of the site.
"""

from __future__ import annotations

import bisect
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from plugins.jekyll.config import FRONT_MATTER, load_yaml
from plugins.jekyll.site import SOURCE_SUFFIXES

POST_FOLDERS = ("_posts", "_drafts")
TEXT_SUFFIXES = (*SOURCE_SUFFIXES, ".textile", ".liquid", ".txt")
# Jekyll's default `exclude:` and what no post points into.
NEVER = {"node_modules", "vendor", "Gemfile", "Gemfile.lock", "_site", ".git"}
SASS = (".scss", ".sass", ".less")
THEME_CODE = (".css", ".js", ".mjs") + SASS
PAGE_LIKE = ("", ".html", ".htm", ".xml", ".md", ".markdown", ".php", ".json")
IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".tif", ".tiff", ".apng")
# Where a post points at a file: HTML attributes, Markdown links and reference
# definitions, {% link %}, 'x' | relative_url, and include parameters.
POINTER = re.compile(
    r"""\b(?P<attr>src|href|srcset|poster|data|data-src)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))"""
    r"""|(?P<img>!?)\[[^\]\n]*\]\(\s*<?(?P<md>[^)\s>]+)"""
    r"""|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?(?P<refdef>[^\s>]+)"""
    r"""|{%-?\s*link\s+(?P<link>[^\s%]+)"""
    r"""|{{-?\s*["'](?P<filter>[^"']+)["']\s*\|\s*(?:relative_url|absolute_url)""",
    re.M,
)
# An include's parameters (`{% include figure.html path="a.png" %}`), looked for inside include tags.
PARAM = re.compile(r"""(?<=\s)(?P<param>[\w-]+)=(?:"(?P<pdq>[^"]*)"|'(?P<psq>[^']*)')""")
WORD = re.compile(r"""[^\s"'()<>\[\]{}|,;*`=]+""")
INCLUDE_TAG = re.compile(r"{%-?\s*include\s.*?%}", re.S)
LIQUID_PREFIX = re.compile(r"^(?:{{-?[^{}]*-?}})+")
FILTERED = re.compile(r"""^{{-?\s*["']([^"']+)["']\s*\|\s*(?:relative_url|absolute_url)\s*-?}}$""")


@dataclass
class Pointer:
    """A path a text points at, where, and how."""

    line: int
    value: str  # as written
    rel: str | None  # the site file it names (posix, from the site root), if any
    context: str  # "src", "href", "link", "param", "front", "text"


@dataclass
class Site:
    root: Path
    config: dict
    files: dict[str, Path] = field(default_factory=dict)  # every file Jekyll publishes or renders
    pages: set[str] = field(default_factory=set)  # those with front matter (rendered pages)
    posts: list[str] = field(default_factory=list)  # files under _posts/ and _drafts/
    includes: dict[str, str] = field(default_factory=dict)
    layouts: dict[str, str] = field(default_factory=dict)
    _names: dict[str, list[str]] = field(default_factory=dict, repr=False)  # file name → paths
    _permalinks: dict[str, str] = field(default_factory=dict, repr=False)  # a page's permalink → the page

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8", errors="replace")

    def host(self) -> tuple[str, str]:
        url = urlsplit(str(self.config.get("url") or ""))
        return url.netloc.lower(), "/" + str(self.config.get("baseurl") or "").strip("/")

    def resolve(self, value: str, folder: str = "") -> str | None:
        """The site file a written path names (relative paths from `folder`, else from the
        root, as a post's URL several folders deep leads there), or None."""
        rel = self.local_path(value)
        if rel is None:
            return None
        tries = [rel] if value_is_rooted(value) else [posixpath.normpath(posixpath.join(folder, rel)), rel]
        for candidate in tries:
            candidate = candidate.lstrip("/")
            while candidate.startswith("../"):
                candidate = candidate[3:]
            candidate = posixpath.normpath(candidate) if candidate else ""
            if candidate in self.files:
                return candidate
            if page := self.page_at(candidate):
                return page
        return None

    def page_at(self, path: str) -> str | None:
        """The site page served at a URL path (`blog/` → blog/index.html, or its `permalink:`)."""
        if posixpath.splitext(path)[1] and not path.endswith((".html", ".htm")):
            return None
        stem = path.rstrip("/")
        tries = [f"{stem}/index.{x}" for x in ("html", "md", "markdown")] + [f"{stem}.{x}" for x in ("html", "md")]
        for candidate in tries:
            if candidate.lstrip("/") in self.pages:
                return candidate.lstrip("/")
        if not self._permalinks:
            for rel in sorted(self.pages):
                link = front_matter(self.text(rel))[0].get("permalink") if rel.endswith(TEXT_SUFFIXES) else None
                if isinstance(link, str) and link.strip("/"):
                    self._permalinks.setdefault(link.strip("/"), rel)
            self._permalinks.setdefault("", "")  # read once
        return self._permalinks.get(stem.strip("/")) or None

    def by_ending(self, value: str) -> str | None:
        """The one site file whose path ends with a written path (an include that prepends
        a folder: `url="/images/a.png"` for assets/images/a.png), or None."""
        rel = self.local_path(value)
        rel = posixpath.normpath(rel.lstrip("/")) if rel else ""
        if not rel or rel == ".":
            return None
        if not self._names:
            for path in self.files:
                self._names.setdefault(posixpath.basename(path), []).append(path)
        ends = [p for p in self._names.get(posixpath.basename(rel), []) if p.endswith("/" + rel)]
        return ends[0] if len(ends) == 1 else None

    def local_path(self, value: str) -> str | None:
        """A written path without Liquid prefixes, host, baseurl, query and fragment; None if
        it is not on this site (another host, a `mailto:`, Liquid that only a build knows)."""
        value = value.strip()
        m = FILTERED.match(value)
        value = m.group(1) if m else LIQUID_PREFIX.sub("", value)
        if not value or "{{" in value or "{%" in value:
            return None
        parts = urlsplit(value)
        if parts.scheme or value.startswith("//"):
            if parts.netloc.lower() != self.host()[0] or not parts.netloc:
                return None
        path = unquote(parts.path)
        base = self.host()[1]
        if base != "/" and (path == base or path.startswith(base + "/")):
            path = path[len(base) :] or "/"
        return path or None

    def pointers(self, text: str, folder: str = "") -> list[Pointer]:
        """Every path `text` points at (with the file it names, if it names one)."""
        out, seen, line_at = [], set(), lines_of(text)
        includes = [(m.start(), m.end()) for m in INCLUDE_TAG.finditer(text)]
        matches = list(POINTER.finditer(text))
        matches += [p for start, end in includes for p in PARAM.finditer(text, start, end)]
        for m in sorted(matches, key=lambda m: m.start()):
            group = m.groupdict()
            keys = ("dq", "sq", "bare", "md", "refdef", "link", "filter", "pdq", "psq")
            value = next((group[k] for k in keys if group.get(k)), None)
            if not value:
                continue
            context = group.get("attr") or ("src" if group.get("img") else "href" if group.get("md") else "")
            context = context or (
                "href" if group.get("refdef") else "link" if group.get("link") or group.get("filter") else "param"
            )
            if any(start <= m.start() < end for start, end in includes):
                context = "param"  # an include's parameter, whatever its name: the include decides
            values = [v.split()[0] for v in value.split(",") if v.strip()] if context == "srcset" else [value]
            for v in values:
                line = line_at(m.start())
                seen.add((line, v))
                rel = self.resolve(v, folder) or (self.by_ending(v) if context == "param" else None)
                out.append(Pointer(line, v, rel, "src" if context == "srcset" else context))
        for m in WORD.finditer(text):
            word = m.group(0)
            if "/" in word and len(word) < 300 and (line_at(m.start()), word) not in seen:
                if rel := self.resolve(word, folder):
                    out.append(Pointer(line_at(m.start()), word, rel, "text"))
        return out


def lines_of(text: str):
    """offset → 1-based line, for many offsets into one text."""
    starts = [m.start() for m in re.finditer("\n", text)]
    return lambda offset: bisect.bisect_left(starts, offset) + 1


def value_is_rooted(value: str) -> bool:
    value = LIQUID_PREFIX.sub("", value.strip())
    return value.startswith("/") or "://" in value


def front_matter(text: str) -> tuple[dict, int]:
    """A text's front matter ({} if none or unreadable) and the line its body starts on."""
    m = FRONT_MATTER.match(text.removeprefix("\ufeff"))
    if not m:
        return {}, 1
    try:
        meta = load_yaml(m.group("yaml") or "")
    except yaml.YAMLError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), m.group(0).count("\n") + 1


def has_front_matter(path: Path) -> bool:
    with path.open("rb") as f:
        return re.match(rb"(\xef\xbb\xbf)?---[ \t]*\r?\n", f.read(64)) is not None


SPECIAL = POST_FOLDERS + ("_includes", "_layouts")


def walked(name: str, parent: str, top: str) -> bool:
    """Jekyll reads no `.` folder and, outside its own folders, no `_` one."""
    if name.startswith(".") or name in NEVER:
        return False
    if not parent:
        return not name.startswith("_") or name in SPECIAL
    return top in SPECIAL or not name.startswith("_")


def load_site(root: Path, config: dict) -> Site:
    site = Site(root, config)
    excluded = {str(x).strip("/") for x in config.get("exclude") or [] if isinstance(x, str)}
    for folder, dirs, names in os.walk(root):
        rel_folder = Path(folder).relative_to(root).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder
        top = rel_folder.split("/", 1)[0]
        dirs[:] = sorted(d for d in dirs if walked(d, rel_folder, top))
        for name in sorted(names):
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if name.startswith((".", "#", "~")) or name in NEVER:
                continue
            if (root / rel).is_symlink() and root.resolve() not in (root / rel).resolve().parents:
                continue  # a link out of the site: nothing of it is copied
            if top in POST_FOLDERS:
                site.posts.append(rel)
            elif top == "_includes":
                site.includes[rel.removeprefix("_includes/")] = site.text(rel)
            elif top == "_layouts":
                site.layouts[rel] = site.text(rel)
            elif not rel.startswith("_") and not any(rel == x or rel.startswith(x + "/") for x in excluded):
                site.files[rel] = root / rel
                if has_front_matter(root / rel):
                    site.pages.add(rel)
    return site
