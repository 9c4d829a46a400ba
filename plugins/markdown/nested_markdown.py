"""kramdown's `markdown="1"` on an element inside raw HTML: its content is Markdown there too.

kramdown honours a `markdown` attribute on any element, however deep in raw HTML it sits
(`<figure><img …><figcaption markdown="1">*text*[^note]</figcaption></figure>`, al-folio's and
distill's captions, `<details>` around a `<div markdown="1">`). Python-Markdown's md_in_html
honours it only where every element around it has one too: below an element without it, the
content stays raw and the attribute is dropped, so emphasis, links and footnotes show as written.

This preprocessor, run just before md_in_html reads the HTML blocks, cuts such a raw element
at each outermost `markdown` element inside it: the raw HTML before, between and after them
goes into the page as it was written (set aside in Python-Markdown's HTML stash, on lines of
its own), and each `markdown` element now starts a line of its own, where md_in_html reads it
as it reads any other. Inside a `markdown` element, raw elements around further `markdown` ones
are cut the same way. The page's HTML blocks are found as kramdown finds them
(plugins/markdown/maths_in_html.py, which reads the same elements as Markdown for maths): a
start tag beginning a line (after at most 3 spaces), outside code, to its end tag.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from plugins.markdown.maths_finder import mask_protected, mask_spans
from plugins.markdown.maths_in_html import MARKDOWN_ATTRIBUTE, SPAN_ELEMENTS, START_TAG, TAG, VOID, element_end


def at_line_start(masked: str, at: int) -> bool:
    """Only up to 3 spaces before `at` on its line: where a tag starts an HTML block."""
    line_start = masked.rfind("\n", 0, at) + 1
    return at - line_start <= 3 and not masked[line_start:at].strip()


def cuts(outer: str, inner: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The raw stretches (start, end) to set aside in text[start:stop], read as Markdown: raw
    HTML blocks around `markdown` elements, less those elements (`outer` masks code, indented
    code included; `inner` masks code spans and comments only, as inside HTML)."""
    found, pos = [], start
    while m := START_TAG.search(outer, pos, stop):
        pos = m.end()
        name = m.group(1).lower()
        if m.group(3) or name in VOID or name in SPAN_ELEMENTS or not at_line_start(outer, m.start()):
            continue
        close_start, end = (min(x, stop) for x in element_end(inner, name, m.end()))
        if MARKDOWN_ATTRIBUTE.search(m.group(0)):
            found += cuts(outer, inner, m.end(), close_start)  # Markdown inside: its own raw blocks
        elif MARKDOWN_ATTRIBUTE.search(inner, m.end(), end):
            found += raw_around(outer, inner, m.start(), end)
        pos = end
    return found


def raw_around(outer: str, inner: str, start: int, end: int) -> list[tuple[int, int]]:
    """The raw element inner[start:end] less its outermost `markdown` elements (and the raw
    stretches inside those, in turn)."""
    found, raw_from, pos = [], start, start
    while m := TAG.search(inner, pos, end):
        pos = m.end()
        tag = m.group(0)
        if tag.startswith("</") or tag.endswith("/>") or not MARKDOWN_ATTRIBUTE.search(tag):
            continue
        close_start, close_end = (min(x, end) for x in element_end(inner, m.group(1).lower(), m.end()))
        found.append((raw_from, m.start()))
        found += cuts(outer, inner, m.end(), close_start)
        raw_from = pos = close_end
    found.append((raw_from, end))
    return [(a, b) for a, b in found if inner[a:b].strip()]


class NestedMarkdownPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        placeholders = self.md.nested_raw = set()  # this page's (a stash's numbers start again per page)
        if "markdown" not in text:
            return lines
        stretches = cuts(mask_protected(text), mask_spans(text), 0, len(text))
        for a, b in reversed(stretches):
            placeholder = self.md.htmlStash.store(text[a:b])
            placeholders.add(placeholder)
            text = f"{text[:a]}\n\n{placeholder}\n\n{text[b:]}"
        return text.split("\n")


class UnwrapRaw(Postprocessor):
    """A stretch set aside stands as it was written, never inside a paragraph of its own (which
    Python-Markdown gives a stashed stretch that does not start with a block-level tag)."""

    def run(self, text: str) -> str:
        for placeholder in getattr(self.md, "nested_raw", ()):
            text = text.replace(f"<p>{placeholder}</p>", placeholder)
        return text


class NestedMarkdownExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the fenced code (25) and the maths (29) are set aside, before md_in_html (20).
        md.preprocessors.register(NestedMarkdownPreprocessor(md), "nested_markdown", 20.5)
        # Before Python-Markdown's raw HTML postprocessor (30) puts the stashed HTML back.
        md.postprocessors.register(UnwrapRaw(md), "nested_markdown_unwrap", 30.5)
