"""The Markdown a page was converted from, for postprocessors that name a line in it.

A postprocessor sees HTML; an author warning names a line of the Markdown
(`md.author_warnings`, which the reader maps to the post's own line, or an include's
call). `remember(md)` keeps the text as it came in; `line_of(md, text)` is the line
where `text` first appears in it (as written, else with HTML entities decoded), or
None when it does not (a URL that Liquid or an extension made).
"""

from __future__ import annotations

import html

from markdown import Markdown
from markdown.preprocessors import Preprocessor

NAME = "source_text"


class SourceText(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        self.md.source_text = "\n".join(lines)
        return lines


def remember(md: Markdown) -> None:
    """Keep the page's Markdown on `md.source_text` (before any other preprocessor runs)."""
    if NAME not in md.preprocessors:
        md.preprocessors.register(SourceText(md), NAME, 1000)


def line_of(md: Markdown, text: str) -> int | None:
    source = getattr(md, "source_text", "")
    for needle in dict.fromkeys((text, html.unescape(text))):
        at = source.find(needle) if needle else -1
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return None


def warn(md: Markdown, line: int | None, message: str) -> None:
    """An author warning at a line of the Markdown (kept if the reader collects them)."""
    warnings = getattr(md, "author_warnings", None)
    if warnings is not None:
        warnings.append((line, message))
