"""What a post embeds from other hosts becomes a link to it; what it frames from this site is checked.

The site loads nothing from other hosts (its CSP forbids it, and a reader's visit
should tell no one else), so such an embed would be an empty, blocked box:

- an `<iframe>` from another host (a YouTube player) becomes a link to the same
  content (`<p class="embed-link">`), which the reader can follow;
- an `<img>` from another host (`![alt](https://…)` or raw HTML) becomes a link to the
  image showing its alt text (`class="external-image"`), with an author warning naming
  the line and the URL. Inside a link it becomes the alt text (links do not nest).

An `<iframe>` of one of the site's own files (a figure exported as HTML, framed
same-origin: CSP `frame-src 'self'`, `frame-ancestors 'self'`) stays. If that file
is missing, or loads scripts from other hosts, or runs inline scripts (which the
site's CSP, sent as a header for every file, does not run), the frame would show
less than the author made: an author warning says so.

A Python-Markdown postprocessor: it sees the post's raw HTML after Markdown has
put it back, so it works the same on Markdown and on HTML blocks.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

from plugins.markdown import source_text
from plugins.markdown.local_files import inside, site_path

IFRAME = re.compile(r"<iframe\b(?P<attrs>[^>]*)>.*?</iframe\s*>", re.DOTALL | re.IGNORECASE)
IMG = re.compile(r"""<img\b(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE)
ATTR = re.compile(r"""\b(?P<name>src|title|alt)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.IGNORECASE)
YOUTUBE_EMBED = re.compile(r"^/embed/(?P<id>[\w-]+)")
SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
SCRIPT_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


def attributes(attrs: str) -> dict[str, str]:
    return {m["name"].lower(): html.unescape(m["dq"] if m["dq"] is not None else m["sq"]) for m in ATTR.finditer(attrs)}


def origin_of(url: str) -> str | None:
    """`scheme://host:port` of an absolute URL (lower case), else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else None


def host_of(url: str, own: frozenset[str] = frozenset()) -> str | None:
    """The other host a URL leads to (`//host/x` too), or None for the site's own paths and
    for URLs at one of its `own` origins (SITEURL's: a published page's absolute links)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL urllib can read (`//host[…`): nothing to embed from anywhere
        return None
    if parts.hostname and origin_of(url) in own:
        return None
    return parts.hostname


def watch_url(src: str) -> str:
    """The page a reader opens for an embed: YouTube's watch page for its embed player."""
    parts = urlsplit(src)
    found = YOUTUBE_EMBED.match(parts.path)
    if parts.hostname and parts.hostname.endswith(("youtube.com", "youtube-nocookie.com")) and found:
        start = parse_qs(parts.query).get("start", [""])[0]
        return f"https://www.youtube.com/watch?v={found['id']}" + (f"&t={start}s" if start.isdigit() else "")
    return src


def embed_link(url: str, what: str, host: str) -> str:
    """The block a reader follows instead of an embed: "WHAT on HOST", linking URL."""
    shown = host.removeprefix("www.")
    return f'<p class="embed-link"><a href="{html.escape(url)}">{html.escape(what)} on {html.escape(shown)}</a></p>'


def framed_scripts(path: Path, own: frozenset[str] = frozenset()) -> tuple[list[str], int]:
    """(other hosts its scripts come from, how many inline scripts it runs) for an HTML file."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    hosts, inline = [], 0
    for m in SCRIPT.finditer(text):
        src = SCRIPT_SRC.search(m["attrs"])
        kind = SCRIPT_TYPE.search(m["attrs"])
        if kind and kind.group(1).lower() not in JS_TYPES:
            continue  # data (application/json), templates: not run
        if src:
            host = host_of(html.unescape(next(g for g in src.groups() if g is not None)), own)
            if host and host not in hosts:
                hosts.append(host)
        elif m["body"].strip():
            inline += 1
    return hosts, inline


class EmbedLinks(Postprocessor):
    def __init__(self, md: Markdown, content: Path | None, baseurls, own: frozenset[str]):
        super().__init__(md)
        self.content, self.baseurls, self.own = content, baseurls, own

    def warn(self, url: str, message: str) -> None:
        source_text.warn(self.md, source_text.line_of(self.md, url), message)

    def run(self, text: str) -> str:
        if "<iframe" in text or "<IFRAME" in text:
            text = IFRAME.sub(self.iframe, text)
        if "<img" in text or "<IMG" in text:
            text = IMG.sub(lambda m: self.image(m, text), text)
        return text

    def iframe(self, match: re.Match) -> str:
        found = attributes(match["attrs"])
        src = found.get("src", "")
        host = host_of(src, self.own)
        if not host:  # the site's own page or file: allowed by the CSP's frame rules
            self.check_framed(src)
            return match.group(0)
        what = found.get("title") or ("Video" if "youtube" in host else "Embedded content")
        return embed_link(watch_url(src), what, host)

    def check_framed(self, src: str) -> None:
        if self.content is None or not src:
            return
        baseurls = self.baseurls() if callable(self.baseurls) else self.baseurls
        path = site_path(src, baseurls)
        if not path.startswith("/") or path.endswith("/"):
            return  # relative to the page's URL, or a page of the site
        target = inside(self.content, self.content / path.lstrip("/"))
        if target is None:
            return  # plugins/markdown/local_files.py's checks do not cover frames: nothing is read
        if not target.is_file():
            if target.suffix:  # a file, not a page's URL
                self.warn(src, f"framed file {src!r} not found (looked for {target}): the frame would be empty")
            return
        if target.suffix.lower() not in (".html", ".htm"):
            return
        hosts, inline = framed_scripts(target, self.own)
        if hosts:
            self.warn(
                src,
                f"framed file {src!r} loads scripts from {', '.join(hosts)}; the site never loads from other "
                "hosts, so the frame shows without them (put the scripts beside the file)",
            )
        if inline:
            self.warn(
                src,
                f"framed file {src!r} runs {inline} inline script(s), which the site's Content-Security-Policy "
                "does not run: the frame shows without them (move them into .js files beside it)",
            )

    def image(self, match: re.Match, page: str) -> str:
        found = attributes(match["attrs"])
        src = found.get("src", "")
        host = host_of(src, self.own)
        if not host:
            return match.group(0)
        alt = found.get("alt", "").strip()
        what = f"{alt} (image on {host.removeprefix('www.')})" if alt else f"Image on {host.removeprefix('www.')}"
        self.warn(src, f"image {src!r} is on another host, which the site never loads from: shown as a link to it")
        before = page[: match.start()]
        in_link = before.rfind("<a ") > before.rfind("</a>")  # links do not nest
        if in_link:
            return f'<span class="external-image">{html.escape(what)}</span>'
        return f'<a class="external-image" href="{html.escape(src)}">{html.escape(what)}</a>'


class ExternalEmbedsExtension(Extension):
    """`content` (the content folder) and `baseurls` (the site paths a URL may start with,
    or a function giving them) let the frames of the site's own files be checked; a URL
    at `site_url`'s origin is the site's own."""

    def __init__(self, content: str | Path | None = None, baseurls=("",), site_url: str = ""):
        super().__init__()
        self.content = Path(content) if content is not None else None
        self.baseurls = baseurls
        self.own = frozenset(filter(None, [origin_of(site_url)]))

    def extendMarkdown(self, md: Markdown) -> None:
        source_text.remember(md)
        # Below 30 (raw HTML is put back at 30), so iframes from HTML blocks are seen too.
        md.postprocessors.register(EmbedLinks(md, self.content, self.baseurls, self.own), "external_embeds", 5)
