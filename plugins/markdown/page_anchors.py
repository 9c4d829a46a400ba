"""Links within the page (`[see](#a-heading)`) that land nowhere.

Jekyll publishes a link to an id the page lacks as it is: the reader clicks and nothing
happens. Here, once the page's HTML is made, each `href="#…"` is looked up among the page's
ids (and `<a name>`s). One that is missing is an author warning naming the line, and when
exactly one id is what the link spells, up to case and punctuation (`#Code`, `##Code` for the
heading "Code", whose id is `code`), the link goes there. `#` and `#top` (the top of the page,
for browsers) are never missing, nor the ids the theme and the references list add later.
"""

from __future__ import annotations

import bisect
import html
import re
from urllib.parse import unquote

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from plugins.markdown import source_text
from plugins.markdown.kramdown_blocks import gfm_slug

IDS = re.compile(r"""<[a-zA-Z][^>]*?\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
LINK = re.compile(r"""(<a\s[^>]*?\bhref\s*=\s*)(["'])#([^"']*)\2""")
# Ids the page gets after the Markdown step: the theme's (theme/templates) and the references
# list's (plugins/features/citations.py: `references`, `ref-KEY`, `cite-KEY-N`).
LATER_IDS = {"main", "cite-this-post", "related-posts", "references"}
LATER_PREFIXES = ("ref-", "cite-")
CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


class DocumentNext(Treeprocessor):
    """After every treeprocessor (toc runs the postprocessors on each heading before): the next
    run of PageAnchors is the page's."""

    def run(self, root) -> None:
        self.md.anchors_document = True


class PageAnchors(Postprocessor):
    keeps_words = True  # plugins/markdown/reading_counts.py need not run it on its copy of the page

    def run(self, text: str) -> str:
        if not getattr(self.md, "anchors_document", False):
            return text  # a heading's text (toc's run), not the page
        self.md.anchors_document = False
        if 'href="#' not in text and "href='#" not in text:
            return text
        ids = {html.unescape(a or b) for a, b in IDS.findall(text)}
        by_slug: dict[str, set[str]] = {}
        for i in ids:
            by_slug.setdefault(gfm_slug(i), set()).add(i)
        code = [(m.start(), m.end()) for m in CODE.finditer(text)]  # in order, apart
        starts = [a for a, _ in code]

        def check(m: re.Match) -> str:
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.start() < code[i][1]:
                return m.group(0)  # code shows a link, it is not one
            fragment = unquote(html.unescape(m.group(3)))
            if (
                fragment in ("", "top")
                or fragment in ids
                or fragment in LATER_IDS
                or fragment.startswith(LATER_PREFIXES)
            ):
                return m.group(0)
            meant = by_slug.get(gfm_slug(fragment), set())
            line = source_text.line_of(self.md, f"#{m.group(3)}")
            if len(meant) == 1:
                (target,) = meant
                source_text.warn(
                    self.md, line, f"link '#{fragment}': no such id on the page; it now goes to '#{target}'"
                )
                return f"{m.group(1)}{m.group(2)}#{html.escape(target)}{m.group(2)}"
            source_text.warn(
                self.md, line, f"link '#{fragment}' goes to no id on the page (Jekyll publishes it broken)"
            )
            return m.group(0)

        return LINK.sub(check, text)


class PageAnchorsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Last but one: every other postprocessor has made its ids (headings, footnotes, figures, maths).
        md.treeprocessors.register(DocumentNext(md), "page_anchors_document", -101)
        md.postprocessors.register(PageAnchors(md), "page_anchors", 4)
