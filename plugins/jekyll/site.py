"""What Liquid knows of a Jekyll site before any post is rendered.

`page.previous`/`page.next` and `post_url` need every post's URL before any
post is rendered, so `SiteIndex` reads all posts' front matter first (a cheap
first pass) and computes their URLs from the file names and `ARTICLE_URL`,
exactly as Pelican will. `site.*` comes from content/_config.yml or the
settings, `page.*` from a post's front matter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pelican.utils import slugify

from plugins import build_state
from plugins.jekyll.config import (
    FRONT_MATTER,
    PermalinkError,
    categories_fields,
    load_yaml,
    output_paths,
    permalink_pattern,
    read_config,
)

POST_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
NOTEBOOK_SUFFIXES = (".ipynb",)  # Jupyter notebooks: posts named as Markdown posts are (plugins/notebooks)
HTML_SUFFIXES = (".html", ".htm")  # posts only in _posts/ or _drafts/ (Liquid, no Markdown)
SOURCE_SUFFIXES = MARKDOWN_SUFFIXES + HTML_SUFFIXES  # every file a post can be: read, never copied
POST_FOLDERS = ("_posts", "_drafts")


def is_html_post(rel: str | Path) -> bool:
    """An .html/.htm file that Jekyll reads as a post: one under `_posts/` or `_drafts/` (at any
    depth, as `blog/_posts/topic/x.html`); any other .html in the content folder is not one."""
    rel = Path(rel)
    return rel.suffix.lower() in HTML_SUFFIXES and any(part in POST_FOLDERS for part in rel.parts[:-1])


def path_categories(rel: str | Path) -> list[str]:
    """Jekyll's categories from a post's folders: those ABOVE `_posts/` (`blog/_posts/x.md` is in
    `blog`); folders inside `_posts/` are only the author's filing, never categories."""
    parts = Path(rel).parts[:-1]
    for i, part in enumerate(parts):
        if part in POST_FOLDERS:
            return list(parts[:i])
    return []


def post_categories(rel: str | Path, meta: dict) -> list[str]:
    """A post's categories in Jekyll's order: its folders above `_posts/`, then `categories:`
    (a list, or words), then `category:` (one, spaces and all)."""
    categories = path_categories(rel)
    listed = meta.get("categories")
    if isinstance(listed, str):
        categories += listed.split()
    elif isinstance(listed, list):
        categories += [str(c) for c in listed if c is not None and not isinstance(c, (dict, list))]
    one = meta.get("category")
    if one is not None and not isinstance(one, (dict, list)):
        categories.append(str(one))
    elif isinstance(one, list):
        categories += [str(c) for c in one if c is not None and not isinstance(c, (dict, list))]
    return list(dict.fromkeys(c for c in categories if c.strip()))


class LiquidSourceError(ValueError):
    """A Liquid problem in a post: `line` is 1-based in the text given to `render`;
    `origin`, if the problem is in an include, names it and its line, to put before the
    post's path ("…/_includes/a.html:3, included from ")."""

    def __init__(self, line: int | None, message: str, origin: str = ""):
        self.line, self.message, self.origin = line, message, origin
        super().__init__(f"{origin}line {line}: {message}")


@dataclass
class Post:
    """What Liquid knows about a post before it is read: enough for links between posts."""

    stem: str  # the file name without extension, as `post_url` names it
    path: str  # relative to the content folder
    url: str  # site-root URL without baseurl, as Jekyll's page.url
    title: str
    date: dt.datetime

    def drop(self) -> dict:
        return {"url": self.url, "title": self.title, "date": self.date, "path": self.path}


def read_front_matter(path: Path) -> dict:
    """The YAML front matter of a file, or {} (errors are reported when the file itself is read)."""
    if path.suffix.lower() in NOTEBOOK_SUFFIXES:
        from plugins.notebooks.source import front_values

        return front_values(path)
    m = FRONT_MATTER.match(path.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff"))
    try:
        meta = load_yaml(m.group("yaml") or "") if m else {}
    except yaml.YAMLError:
        return {}
    return meta if isinstance(meta, dict) else {}


def as_datetime(value) -> dt.datetime | None:
    """A front-matter date (YAML date, datetime or string with a time zone) as a datetime."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        from pelican.utils import get_date

        try:
            return get_date(value)
        except (ValueError, TypeError):
            return None
    return None


def first_category(meta: dict) -> str | None:
    """Pelican's category of a post, as the reader gives it: `category:` (one, spaces and all),
    else the first of `categories:`."""
    for key in ("category", "categories"):
        value = meta.get(key)
        if isinstance(value, list):
            value = next((v for v in value if v is not None), None)
        elif isinstance(value, str) and key == "categories":
            value = next(iter(value.split()), None)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def post_url(settings: dict, date: dt.datetime, slug: str, meta: dict, rel: str | Path = "") -> str:
    """The URL Pelican gives this post (ARTICLE_URL, or a Jekyll `permalink`), from the site root;
    `rel` is its path in the content folder (the folders above `_posts/` are categories)."""
    fields = {"date": date, "slug": slug, "lang": settings.get("DEFAULT_LANG", "en")}
    fields.update(categories_fields(post_categories(rel, meta)))  # Jekyll's :categories
    name = first_category(meta) or str(settings.get("DEFAULT_CATEGORY", "misc"))  # Pelican's {category}
    fields["category"] = slugify(name, regex_subs=settings.get("CATEGORY_REGEX_SUBSTITUTIONS", []))
    if meta.get("permalink"):  # placeholders filled in as the reader fills them (plugins/jekyll/config.py)
        try:
            return "/" + output_paths(permalink_pattern(str(meta["permalink"])).format(**fields))[0]
        except (PermalinkError, TypeError):  # an unknown placeholder, no date: the reader reports it
            return "/" + str(meta["permalink"]).lstrip("/")
    return "/" + settings["ARTICLE_URL"].format(**fields)


def jekyll_config(settings: dict) -> dict:
    """`site.*`: content/_config.yml's keys if there is one, else from the Pelican settings; `url`
    and `baseurl` from SITEURL when it has them (where the site is served)."""
    siteurl = settings.get("SITEURL") or ""
    m = re.match(r"(?P<url>[a-z]+://[^/]+)?(?P<base>/.*)?$", siteurl)
    config = {
        "title": settings.get("SITENAME", ""),
        "description": settings.get("SITESUBTITLE", ""),
        "author": settings.get("AUTHOR", ""),
        "url": (m.group("url") or "") if m else "",
        "baseurl": ((m.group("base") or "") if m else "").rstrip("/"),
    }
    config.update({str(k): v for k, v in read_config(Path(settings["PATH"]) / "_config.yml").items()})
    # _config.yml's baseurl is where the old site was served. Links that Liquid makes must
    # lead where this one is: SITEURL's path (the same when the blog is published where it
    # was; "" for `make html` and `make serve`, which serve the site at the root).
    # `site.url` likewise: SITEURL's host, or none when SITEURL has none, so that absolute_url
    # and `{{ site.url }}{{ site.baseurl }}` lead to this site's pages, not the old host's.
    config["jekyll_baseurl"] = str(config.get("baseurl") or "").rstrip("/")
    config["baseurl"] = ((m.group("base") or "") if m else "").rstrip("/")
    config["url"] = ((m.group("url") or "") if m else "").rstrip("/")
    return config


def include_drafts(settings: dict) -> bool:
    return bool(settings.get("JEKYLL_DRAFTS"))


class AmbiguousPost(LookupError):
    """A `post_url` name that several posts have (in different folders of `_posts/`)."""

    def __init__(self, name: str, posts: list[Post]):
        self.name, self.posts = name, posts
        super().__init__(f"{name!r} names {len(posts)} posts: {', '.join(p.path for p in posts)}")


def titleize_slug(slug: str) -> str:
    """Jekyll's title for a post without one: the file name's slug, words capitalised
    (`generalized-pca` → `Generalized Pca`)."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in slug.split("-"))


def is_post_source(rel: Path, excluded: set[str]) -> bool:
    """A file Jekyll reads as a post: a Markdown file (or notebook) named YYYY-MM-DD-title (or any name in
    `_drafts/`), or an .html/.htm one under `_posts/`/`_drafts/`, outside excluded folders."""
    if any(part in excluded or part.startswith(".") for part in rel.parts[:-1]):
        return False
    if rel.suffix.lower() not in MARKDOWN_SUFFIXES + NOTEBOOK_SUFFIXES and not is_html_post(rel):
        return False
    return bool(POST_NAME.fullmatch(rel.stem)) or "_drafts" in rel.parts


class SiteIndex:
    """Every post's URL, title and date, in date order: the first pass Liquid needs. Posts are
    keyed by their path in the content folder: two posts may share a file name in different
    folders of `_posts/`."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.root = Path(settings["PATH"])
        self.config = jekyll_config(settings)
        self.posts: dict[str, Post] = {}  # path in the content folder → post
        self.by_stem: dict[str, list[Post]] = {}
        excluded = set(settings.get("ARTICLE_EXCLUDES", []))
        if not include_drafts(settings):
            excluded.add("_drafts")
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if not is_post_source(rel, excluded) or not path.is_file():
                continue
            m = POST_NAME.fullmatch(path.stem)
            meta = read_front_matter(path)
            if meta.get("published") is False:
                continue  # not built, so neither a neighbour nor a post_url target (as in Jekyll)
            try:
                date = local_time(as_datetime(meta.get("date")), settings) or (
                    dt.datetime.fromisoformat(m.group("date")) if m else draft_date(path)
                )
            except ValueError:  # 2020-13-45-x.md: the reader reports it, naming that file
                continue
            slug = str(meta.get("slug") or (m.group("slug") if m else path.stem))
            url = post_url(settings, date, slug, meta, rel)
            title = str(meta["title"]) if meta.get("title") is not None else titleize_slug(slug)
            post = Post(path.stem, rel.as_posix(), url, title, date)
            self.posts[post.path] = post
            self.by_stem.setdefault(path.stem, []).append(post)
        self.ordered = sorted(self.posts.values(), key=lambda p: (naive(p.date), p.stem, p.path))

    def digest(self) -> bytes:
        """What a post's Liquid can learn of the others and of `site.*`: changes when a post
        is added, removed, renamed, retitled or redated, not when another post's text changes."""
        posts = [(p.stem, p.path, p.url, p.title, p.date.isoformat()) for p in self.ordered]
        shown = json.dumps([posts, self.config], sort_keys=True, default=str)
        return hashlib.sha256(shown.encode()).digest()

    def of(self, source_path: str | Path) -> Post | None:
        """The post read from this file, if it is one."""
        try:
            rel = Path(source_path).resolve().relative_to(self.root.resolve())
        except ValueError:
            return None
        return self.posts.get(rel.as_posix())

    def find(self, name: str) -> Post | None:
        """A post as `post_url` names it, as Jekyll finds it: by its path under `_posts/`
        (`/blog/topic/2015-06-10-x`: the leading `/` is optional; or `cat/2015-06-10-x` for
        `cat/_posts/2015-06-10-x.md`), else by its file name alone, which must then be one
        post's (AmbiguousPost otherwise)."""
        name = name.strip().lstrip("/")
        folders, _, stem = name.rpartition("/")
        candidates = self.by_stem.get(stem, [])
        exact = [
            post
            for post in candidates
            if str(Path(post.path).with_suffix(""))
            in (posixpath.join("_posts", name), posixpath.join(folders, "_posts", stem))
        ]
        if len(exact) == 1:
            return exact[0]
        if len(candidates) > 1:
            raise AmbiguousPost(name, candidates)
        return candidates[0] if candidates else None

    def neighbours(self, post: Post | None) -> tuple[Post | None, Post | None]:
        """(previous, next) post in date order, as Jekyll's page.previous and page.next."""
        for i, other in enumerate(self.ordered):
            if other is post:
                before = self.ordered[i - 1] if i > 0 else None
                after = self.ordered[i + 1] if i + 1 < len(self.ordered) else None
                return before, after
        return None, None

    def url(self, path: str) -> str:
        """`relative_url`: the site's baseurl before a site-root path."""
        path = str(path)
        if re.match(r"[a-z]+:", path) or path.startswith("#"):
            return path
        return self.config["baseurl"] + "/" + path.lstrip("/")


def site_index(settings: dict) -> SiteIndex:
    """The build's SiteIndex, made once per build (plugins/build_state.py): the reader cache and
    every generator's reader share it, and a new build makes its own."""
    state = build_state.of(settings)
    if state.site is None:
        state.site = SiteIndex(settings)
    return state.site


def local_time(date: dt.datetime | None, settings: dict) -> dt.datetime | None:
    """A date with a time zone, in the site's TIMEZONE: Jekyll turns front-matter dates into
    local time before it makes URLs (`2017-08-20 23:00 -0400` is a post of 21 August in UTC)."""
    if date is None or date.tzinfo is None:
        return date
    from zoneinfo import ZoneInfo

    return date.astimezone(ZoneInfo(settings.get("TIMEZONE") or "UTC"))


def draft_date(path: Path) -> dt.datetime:
    """A draft has no date in its name: Jekyll dates it by the file's modification time."""
    return dt.datetime.fromtimestamp(int(path.stat().st_mtime))


def naive(date: dt.datetime) -> dt.datetime:
    return date.astimezone(dt.UTC).replace(tzinfo=None) if date.tzinfo else date


def page_variables(site: SiteIndex, source_path: str | Path, front: dict) -> dict:
    """`page.*` for one post: its front matter plus url, date, title, previous and next."""
    page = {str(k): v for k, v in front.items()}
    post = site.of(source_path)
    before, after = site.neighbours(post)
    stem = Path(source_path).stem
    page.update(
        {
            "title": front.get("title", post.title if post else ""),
            "url": post.url if post else "",
            "date": post.date if post else as_datetime(front.get("date")),
            "previous": before.drop() if before else None,
            "next": after.drop() if after else None,
            "path": post.path if post else "",
            "slug": stem,
        }
    )
    return page
