"""Liquid in posts, as Jekyll runs it: on the source, before Markdown.

The engine is python-liquid (Shopify-compatible Liquid); this module adds what
Jekyll adds on top: the `site` and `page` variables, the filters
`relative_url`/`absolute_url` (and a few more Jekyll filters), and the tags
`post_url`, `link`, `highlight` and Jekyll's `include file k=v`. `raw`,
`date`, `escape`, `default` and the rest are Liquid's own.

`page.previous`/`page.next` and `post_url` need every post's URL before any
post is rendered, so `SiteIndex` reads all posts' front matter first (a cheap
first pass) and computes their URLs from the file names and `ARTICLE_URL`,
exactly as Pelican will.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml
from liquid import Environment, Mode
from liquid.ast import Node
from liquid.builtin.expressions import parse_primitive
from liquid.builtin.expressions._tokenize import tokenize
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, Token
from pelican.utils import slugify

from plugins.jekyll_config import FRONT_MATTER, PermalinkError, load_yaml, output_paths, permalink_pattern

POST_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
RAW_OPEN = re.compile(r"{%-?\s*raw\s*-?%}")
RAW_CLOSE = re.compile(r"{%-?\s*endraw\s*-?%}")


class LiquidSourceError(ValueError):
    """A Liquid problem in a post: `line` is 1-based in the text given to `render`."""

    def __init__(self, line: int | None, message: str):
        self.line, self.message = line, message
        super().__init__(f"line {line}: {message}")


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


def post_url(settings: dict, date: dt.datetime, slug: str, meta: dict) -> str:
    """The URL Pelican gives this post (ARTICLE_URL, or a Jekyll `permalink`), from the site root."""
    category = meta.get("category") or (meta.get("categories") or [None])
    category = category[0] if isinstance(category, list) and category else category
    fields = {"date": date, "slug": slug, "lang": settings.get("DEFAULT_LANG", "en")}
    name = str(category or settings.get("DEFAULT_CATEGORY", "misc"))
    fields["category"] = slugify(name, regex_subs=settings.get("CATEGORY_REGEX_SUBSTITUTIONS", []))
    if meta.get("permalink"):  # placeholders filled in as the reader fills them (plugins/jekyll_config.py)
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
    path = Path(settings["PATH"]) / "_config.yml"
    if path.is_file():
        try:
            loaded = load_yaml(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise LiquidSourceError(None, f"{path}: malformed YAML ({err})") from None
        if isinstance(loaded, dict):
            config.update({str(k): v for k, v in loaded.items()})
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


class SiteIndex:
    """Every post's URL, title and date, in date order: the first pass Liquid needs."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.root = Path(settings["PATH"])
        self.config = jekyll_config(settings)
        self.posts: dict[str, Post] = {}
        excluded = set(settings.get("ARTICLE_EXCLUDES", []))
        if not include_drafts(settings):
            excluded.add("_drafts")
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if path.suffix.lower() not in MARKDOWN_SUFFIXES or not path.is_file():
                continue
            if any(part in excluded or part.startswith(".") for part in rel.parts[:-1]):
                continue
            m = POST_NAME.fullmatch(path.stem)
            if not m and "_drafts" not in rel.parts:
                continue
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
            post = Post(
                path.stem, rel.as_posix(), post_url(settings, date, slug, meta), str(meta.get("title", slug)), date
            )
            self.posts.setdefault(path.stem, post)
        self.ordered = sorted(self.posts.values(), key=lambda p: (naive(p.date), p.stem))

    def digest(self) -> bytes:
        """What a post's Liquid can learn of the others and of `site.*`: changes when a post
        is added, removed, renamed, retitled or redated, not when another post's text changes."""
        posts = [(p.stem, p.path, p.url, p.title, p.date.isoformat()) for p in self.ordered]
        shown = json.dumps([posts, self.config], sort_keys=True, default=str)
        return hashlib.sha256(shown.encode()).digest()

    def find(self, name: str) -> Post | None:
        """A post by file name without extension, optionally with folders (`post_url` syntax)."""
        return self.posts.get(Path(name.strip()).name)

    def neighbours(self, stem: str) -> tuple[Post | None, Post | None]:
        """(previous, next) post in date order, as Jekyll's page.previous and page.next."""
        for i, post in enumerate(self.ordered):
            if post.stem == stem:
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
    """The build's SiteIndex, made once: the reader cache and every generator's reader share
    the settings dict of one build (and a new build reads new settings, so nothing goes stale)."""
    if "_JEKYLL_SITE_INDEX" not in settings:
        settings["_JEKYLL_SITE_INDEX"] = SiteIndex(settings)
    return settings["_JEKYLL_SITE_INDEX"]


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


# --- Tags -----------------------------------------------------------------


def raw_expression(stream: TokenStream, tag: Token) -> str:
    """The text after a tag's name, as written (Jekyll's tags take unquoted words).

    Liquid's parser expects a tag to leave the stream on its last token: the
    expression if there is one, else the tag itself."""
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
        return stream.current.value.strip()
    return ""


class TextNode(Node):
    """Output computed at render time from the site index."""

    def __init__(self, token: Token, make):
        super().__init__(token)
        self.make = make

    def __str__(self) -> str:
        return f"{{% {self.token.value} %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        buffer.write(self.make(context))
        return True


def site_of(context) -> SiteIndex:
    return context.env.site


class PostUrlTag(Tag):
    """`{% post_url 2017-09-28-some-post %}`: the post's URL (with baseurl, as Jekyll 4)."""

    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        name = raw_expression(stream, token)
        post = self.env.site.find(name)
        if post is None:
            raise LiquidSyntaxError(f"post_url: no post named {name!r} (a file {name}.md in content/)", token=token)
        return TextNode(token, lambda context: site_of(context).url(post.url))


class LinkTag(Tag):
    """`{% link _posts/2016-01-01-x.md %}` or `{% link assets/paper.pdf %}`: the URL of that file."""

    name = "link"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        target = raw_expression(stream, token)
        site = self.env.site
        path = site.root / target.lstrip("/")
        if not path.is_file():
            raise LiquidSyntaxError(f"link: no file {target!r} in {site.root}", token=token)
        post = site.posts.get(path.stem) if path.suffix.lower() in MARKDOWN_SUFFIXES else None
        url = post.url if post else "/" + target.lstrip("/")
        return TextNode(token, lambda context: site_of(context).url(url))


class HighlightNode(Node):
    def __init__(self, token: Token, lang: str, linenos: bool, block: Node):
        super().__init__(token)
        self.lang, self.linenos, self.block = lang, linenos, block

    def __str__(self) -> str:
        return f"{{% highlight {self.lang} %}}{self.block}{{% endhighlight %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        code = context.get_buffer(buffer)
        self.block.render(context, code)
        # A fenced block, so Markdown highlights it exactly like ``` fences (same Pygments look).
        body = code.getvalue()
        body = body[1:] if body.startswith("\n") else body
        body = re.sub(r"\n[ \t]*\Z", "\n", body)  # the indentation before {% endhighlight %}
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", body)), default=0))
        options = ' linenums="1"' if self.linenos else ""
        end = "" if body.endswith("\n") else "\n"
        # The closing fence lines up with the tag, so a block inside a list item stays in it.
        source, at = self.token.source, self.token.start_index
        line = source[source.rfind("\n", 0, at) + 1 : at]
        indent = line[: len(line) - len(line.lstrip())]
        buffer.write(f"{fence}{self.lang}{options}\n{body}{end}{indent}{fence}")
        return True


class HighlightTag(Tag):
    """`{% highlight python [linenos] %}…{% endhighlight %}`: highlighted like a fenced block."""

    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        words = raw_expression(stream, token).split()
        if not words:
            raise LiquidSyntaxError("highlight needs a language: {% highlight python %}", token=token)
        next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        stream.expect(TOKEN_TAG, value=self.end)
        return HighlightNode(token, words[0], any(w.startswith("linenos") for w in words[1:]), block)


class FigureTag(Tag):
    """`{% figure ID %}` is this site's own tag (plugins/figure_tag.py reads it after
    Liquid): Liquid leaves it as written."""

    name = "figure"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        text = f"{{% figure {raw_expression(stream, token)} %}}"
        return TextNode(token, lambda context: text)


INCLUDE_ARG = re.compile(r"""(?P<key>[\w-]+)\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"']+)""")


class JekyllIncludeNode(Node):
    def __init__(self, token: Token, name: str, args: dict):
        super().__init__(token)
        self.name, self.args = name, args

    def __str__(self) -> str:
        return f"{{% include {self.name} %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        template = context.env.site_include(self.name, self.token)
        include = {key: value.evaluate(context) for key, value in self.args.items()}
        with context.extend({"include": include}, template=template):
            template.render_with_context(context, buffer, partial=True)
        return True


class JekyllIncludeTag(Tag):
    """Jekyll's `{% include file.html key="value" other=page.title %}` from content/_includes/."""

    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        text = raw_expression(stream, token)
        name, _, rest = text.partition(" ")
        if not name:
            raise LiquidSyntaxError("include needs a file name: {% include note.html %}", token=token)
        args = {}
        for m in INCLUDE_ARG.finditer(rest):
            value = m.group("value")
            args[m.group("key")] = parse_primitive(self.env, TokenStream(tokenize(value, parent_token=token)))
        self.env.site_include(name, token)  # a missing file fails when the post is parsed
        return JekyllIncludeNode(token, name, args)


# --- Filters ----------------------------------------------------------------


def jekyll_slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def date_to_xmlschema(value) -> str:
    date = as_datetime(value)
    return date.isoformat() if date else str(value)


class JekyllEnvironment(Environment):
    """python-liquid with Jekyll's variables, tags and filters, for one build."""

    def __init__(self, site: SiteIndex):
        super().__init__(tolerance=Mode.STRICT, strict_filters=True)
        self.site = site
        self._includes: dict[str, object] = {}
        for tag in (PostUrlTag, LinkTag, HighlightTag, JekyllIncludeTag, FigureTag):
            self.add_tag(tag)
        self.add_filter("relative_url", site.url)
        self.add_filter("absolute_url", lambda path: site.config["url"] + site.url(path))
        self.add_filter("slugify", jekyll_slugify)
        self.add_filter("date_to_xmlschema", date_to_xmlschema)
        self.add_filter("date_to_string", lambda d: (as_datetime(d) or d).strftime("%d %b %Y"))
        self.add_filter("date_to_long_string", lambda d: (as_datetime(d) or d).strftime("%d %B %Y"))
        self.add_filter(
            "xml_escape",
            lambda s: (
                ""
                if s is None
                else str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            ),
        )
        self.add_filter("jsonify", lambda v: __import__("json").dumps(v, default=str))

    def site_include(self, name: str, token: Token):
        """The parsed template of content/_includes/NAME (parsed once per build)."""
        if name not in self._includes:
            path = self.site.root / "_includes" / name
            if not path.is_file():
                raise LiquidSyntaxError(f"include: no file {name!r} in {path.parent}", token=token)
            self._includes[name] = self.from_string(path.read_text(encoding="utf-8"), name=name, path=path)
        return self._includes[name]


def page_variables(site: SiteIndex, stem: str, front: dict) -> dict:
    """`page.*` for one post: its front matter plus url, date, title, previous and next."""
    page = {str(k): v for k, v in front.items()}
    post = site.posts.get(stem)
    before, after = site.neighbours(stem)
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


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, max(index, 0)) + 1


def render(env: JekyllEnvironment, text: str, page: dict) -> str:
    """Run Liquid on a post's body; errors raise LiquidSourceError with the line in `text`."""
    opened = [m for m in RAW_OPEN.finditer(text)]
    for m in opened:
        if not RAW_CLOSE.search(text, m.end()):
            raise LiquidSourceError(line_of(text, m.start()), f"{m.group(0)} is never closed by {{% endraw %}}")
    try:
        template = env.from_string(text)
        site = {**env.site.config, "posts": [p.drop() for p in reversed(env.site.ordered)]}
        return template.render(site=site, page=page)
    except LiquidError as err:
        token = err.token
        in_post = token is not None and token.source == text and token.start_index >= 0
        line = line_of(text, token.start_index) if in_post else None
        where = "" if in_post or err.template_name is None else f" (in {err.template_name})"
        shown = text.splitlines()[line - 1].strip() if line else ""
        message = f"Liquid: {err.message}{where}" + (f": {shown!r}" if shown else "")
        raise LiquidSourceError(line, message) from None
