"""Footnotes as kramdown lists them: numbered in the order the text cites them (pelicanconf.py's
`USE_DEFINITION_ORDER: False` for Python-Markdown's footnotes), and a footnote the text never
cites is left out of the page, as kramdown leaves it out, with a warning naming its line (a
footnote in the list whose back-link points at no mark is what it would be otherwise).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.treeprocessors import Treeprocessor

from plugins.markdown import source_text


class UncitedFootnotes(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        footnotes = next((e for e in self.md.registeredExtensions if isinstance(e, FootnoteExtension)), None)
        if footnotes is None or not footnotes.footnotes:
            return
        cited = set(footnotes.footnote_order)
        uncited = [key for key in footnotes.footnotes if key not in cited]
        if not uncited:
            return
        for div in root.iter("div"):
            if div.get("class") == "footnote":
                break
        else:
            return
        ol = div.find("ol")
        for key in uncited:
            item = ol.find(f"li[@id='{footnotes.makeFootnoteId(key)}']") if ol is not None else None
            if item is not None:
                ol.remove(item)
            message = f"footnote [^{key}] is never cited in the text: left out, as Jekyll does"
            source_text.warn(self.md, source_text.line_of(self.md, f"[^{key}]:"), message)
        if ol is None or not len(ol):
            parent = next(p for p in root.iter() if div in list(p))
            parent.remove(div)


class KramdownFootnotesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After Python-Markdown's footnote list is made (50) and put in citing order (19), before
        # its marks cited twice get their extra back-links (15).
        md.treeprocessors.register(UncitedFootnotes(md), "kramdown_uncited_footnotes", 17)
