"""A key for each post and page the writer renders: the same key, the same bytes.

A rebuild renders every page again, though on a 1,000-post blog an edit changes
one or a few: the edited post, its neighbours and the posts that list it. A
page's bytes are its template's output from

- the site: the theme's templates, our plugin code, every upper-case context
  value (the settings and what plugins add, such as the diagram font's URL),
  and the URL, title and date of every post, page and static file (a post's
  links to the others, the lists it shows);
- the page: its template's name, the writer's arguments (its category), and
  every attribute of the post itself (its HTML as read, metadata, what plugins
  attached), where another post, tag or category stands for its URL, title
  and subtitle (what the templates show of it: neighbours, related posts).

`Keys.of(...)` hashes all of those; unchanged_outputs.py keeps the page the
last build wrote under the same key instead of rendering it. Anything a key
does not recognise is pictured by its type and attributes (content_cache.stable),
never by a memory address, so a key is the same from one process to the next.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from plugins.incremental.content_cache import IGNORED_SETTINGS, code_digest, stable

VERSION = 1  # raise when what a key covers changes
# A post's attributes that are not what it shows: Pelican's references to the whole site.
NOT_SHOWN = {"_context", "settings"}
LONG_TEXT = ("_content", "_summary")  # the post's HTML as read, and its summary


def _other(value) -> list:
    """Another post, page, tag or category, as a page shows it."""
    if isinstance(value, URLWrapper):
        return [type(value).__name__, value.name, value.url]
    return ["content", value.url, getattr(value, "title", ""), getattr(value, "subtitle", "")]


def _shown(value):
    """How a page shows another post, page, tag or category (by its URL and title) and a date;
    None for any other value."""
    if isinstance(value, (Content, URLWrapper)):
        return _other(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return None


def picture(value):
    """What a key hashes for one value: JSON-able, the same in every process."""
    return stable(value, special=_shown)


def _templates_digest(theme: Path) -> bytes:
    digest = hashlib.sha256()
    for path in sorted((theme / "templates").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def _site_picture(context: dict) -> list:
    upper = {k: v for k, v in context.items() if k.isupper() and k not in IGNORED_SETTINGS}
    everything = [
        (path, getattr(c, "url", None), getattr(c, "title", ""), getattr(c, "date", None))
        for kind in ("generated_content", "static_content")
        for path, c in sorted((context.get(kind) or {}).items())
    ]
    return [upper, everything]


class Keys:
    """Page keys for one build. The site's part is worked out again only when the context
    changes: another dict, or an upper-case value added or replaced (the writer is handed the
    same dict for every post, and plugins may add to it between the posts and the pages)."""

    def __init__(self, theme: str):
        self.code = code_digest() + _templates_digest(Path(theme))
        self.last: tuple[dict, tuple, bytes] | None = None  # (context, fingerprint, digest)

    def _site(self, context: dict) -> bytes:
        fingerprint = (len(context), tuple((k, id(v)) for k, v in context.items() if k.isupper()))
        if self.last is None or self.last[0] is not context or self.last[1] != fingerprint:
            text = json.dumps(picture(_site_picture(context)), sort_keys=True, default=str)
            self.last = (context, fingerprint, hashlib.sha256(self.code + text.encode()).digest())
        return self.last[2]

    def of(self, content, template_name: str, context: dict, arguments: dict) -> str:
        """The key of the page `content` rendered with `template_name`, `context` and the
        writer's other keyword `arguments` (category, blog…)."""
        own = {k: v for k, v in vars(content).items() if k not in NOT_SHOWN and k not in LONG_TEXT}
        rest = {k: v for k, v in arguments.items() if k not in ("article", "page")}
        text = json.dumps(
            [VERSION, template_name, type(content).__name__, picture(own), picture(rest)], sort_keys=True, default=str
        )
        digest = hashlib.sha256(self._site(context) + text.encode())
        for name in LONG_TEXT:  # hashed as they are: a post's HTML is hundreds of KB to picture
            value = getattr(content, name, None)
            digest.update(
                b"\0%s\0" % name.encode()
                + (value.encode("utf-8", "surrogatepass") if isinstance(value, str) else repr(type(value)).encode())
            )
        return digest.hexdigest()
