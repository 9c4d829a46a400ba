"""Where a page's Mermaid diagrams are: each diagram's source, and the line of its own fence
in the post (the line a syntax error or a timeout names).

The diagrams of a page's HTML are its ```mermaid fences and <div class="mermaid"> blocks
(outside other fenced code), in order. `diagram_lines` reads them off any Markdown text, so
a page whose Markdown came out of Liquid can be read the same way and its lines mapped
back to the file; until then such a page, when the counts differ (an include added a
diagram), finds each diagram by searching for its first line after the one before.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

DIAGRAM = re.compile(r'<div\b[^>]*\bclass="[^"]*\bmermaid\b[^"]*"[^>]*>(.*?)</div>', re.DOTALL)
# A line that opens or closes fenced code, or opens a diagram written as HTML.
OPENING = re.compile(
    r'^[ \t>]*(?:(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)|<div\b[^>\n]*\bclass="[^"]*\bmermaid\b)', re.MULTILINE
)
MERMAID_INFO = re.compile(r"(?:mermaid|\{[^}]*\.mermaid\b[^}]*\})(?:\s|$)")  # ```mermaid, ```{.mermaid}


def diagrams_in(content) -> list[dict]:
    """Each diagram of a content object: its source and the line of its fence in the file."""
    if "mermaid" not in (content._content or ""):  # what every DIAGRAM match holds; most posts have none
        return []
    sources = [html.unescape(m.group(1)).strip("\n") for m in DIAGRAM.finditer(content._content or "")]
    lines = diagram_lines(Path(content.source_path).read_text(errors="replace"), sources)
    return [
        {"content": content, "index": i, "source": source, "path": content.source_path, "line": line}
        for i, (source, line) in enumerate(zip(sources, lines, strict=True))
    ]


def diagram_lines(text: str, sources: list[str]) -> list[int | None]:
    """The line (1-based) of each diagram's opening fence or <div> in `text`, the Markdown
    the page's diagrams `sources` came from."""
    openings = diagram_openings(text)
    if len(openings) == len(sources):
        return openings
    found, searched_to = [], 0
    for source in sources:
        first = next((line.strip() for line in source.splitlines() if line.strip()), "")
        at = text.find(first, searched_to) if first else -1
        searched_to = at + 1 if at >= 0 else searched_to
        found.append(text.count("\n", 0, at) + 1 if at >= 0 else None)
    return found


def diagram_openings(text: str) -> list[int]:
    """The lines that open a diagram, in order: ```mermaid fences, and <div class="mermaid">
    outside fenced code. A fence closes on a line of the same character, at least as long,
    with nothing after it."""
    lines, pos, line = [], 0, 1
    inside = None  # the fence of the code block we are in
    for m in OPENING.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        fence = m["fence"]
        if inside is not None:
            if fence and fence[0] == inside[0] and len(fence) >= len(inside) and not m["info"].strip():
                inside = None
        elif not fence:
            lines.append(line)
        else:
            inside = fence
            if MERMAID_INFO.match(m["info"]):
                lines.append(line)
    return lines
