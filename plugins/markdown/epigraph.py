"""A blockquote whose `cite` names a person becomes an epigraph with its attribution.

Jekyll authors write `<blockquote cite="Noam Shazeer">…</blockquote>`; browsers
never show `cite`. This Markdown postprocessor turns it into the HTML idiom for
an attributed quotation: a <figure> holding the quote and a <figcaption>.
A `cite` that is a URL is left alone (that is what the attribute is for).
"""

from __future__ import annotations

import html
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

CITED_QUOTE = re.compile(r'<blockquote cite="(?P<cite>[^"]+)">(?P<quote>.*?)</blockquote>', re.DOTALL)


def as_epigraph(m: re.Match) -> str:
    cite = html.unescape(m.group("cite")).strip()
    if re.match(r"[a-z][a-z0-9+.-]*:|/|#", cite):
        return m.group(0)
    quote = m.group("quote").strip()
    if not quote.startswith("<p"):
        quote = f"<p>{quote}</p>"
    return (
        '<figure class="epigraph">'
        f"<blockquote>{quote}</blockquote>"
        f"<figcaption>— <cite>{html.escape(cite)}</cite></figcaption>"
        "</figure>"
    )


class EpigraphPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return CITED_QUOTE.sub(as_epigraph, text)


class EpigraphExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # 5: after raw HTML (30) is put back, so the author's HTML is visible.
        md.postprocessors.register(EpigraphPostprocessor(md), "epigraph", 5)
