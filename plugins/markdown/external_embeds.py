"""Embeds from other hosts (a YouTube `<iframe>` in a Jekyll post) become links.

The site loads nothing from other hosts (its CSP forbids it, and a reader's visit
should tell no one else), so such an iframe would be an empty, blocked box. It is
replaced at build time by a link to the same content, which the reader can follow.
A Python-Markdown postprocessor: it sees the post's raw HTML after Markdown has
put it back, so it works the same on Markdown and on HTML blocks.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

IFRAME = re.compile(r"<iframe\b(?P<attrs>[^>]*)>.*?</iframe\s*>", re.DOTALL | re.IGNORECASE)
ATTR = re.compile(r"""\b(?P<name>src|title)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.IGNORECASE)
YOUTUBE_EMBED = re.compile(r"^/embed/(?P<id>[\w-]+)")


def attributes(attrs: str) -> dict[str, str]:
    return {m["name"].lower(): html.unescape(m["dq"] if m["dq"] is not None else m["sq"]) for m in ATTR.finditer(attrs)}


def watch_url(src: str) -> str:
    """The page a reader opens for an embed: YouTube's watch page for its embed player."""
    parts = urlsplit(src)
    found = YOUTUBE_EMBED.match(parts.path)
    if parts.hostname and parts.hostname.endswith(("youtube.com", "youtube-nocookie.com")) and found:
        start = parse_qs(parts.query).get("start", [""])[0]
        return f"https://www.youtube.com/watch?v={found['id']}" + (f"&t={start}s" if start.isdigit() else "")
    return src


def as_link(match: re.Match) -> str:
    found = attributes(match["attrs"])
    src = found.get("src", "")
    try:
        host = urlsplit(src).hostname
    except ValueError:  # an address no browser can load either: left for the CSP to refuse
        return match.group(0)
    if not host:  # the site's own page: allowed by the CSP's frame rules (default-src 'self')
        return match.group(0)
    url = watch_url(src)
    what = found.get("title") or ("Video" if "youtube" in host else "Embedded content")
    shown = host.removeprefix("www.")
    return f'<p class="embed-link"><a href="{html.escape(url)}">{html.escape(what)} on {html.escape(shown)}</a></p>'


class EmbedLinks(Postprocessor):
    def run(self, text: str) -> str:
        return IFRAME.sub(as_link, text)


class ExternalEmbedsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Below 30 (raw HTML is put back at 30), so iframes from HTML blocks are seen too.
        md.postprocessors.register(EmbedLinks(md), "external_embeds", 5)
