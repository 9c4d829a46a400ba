"""kramdown's block syntax that Python-Markdown lacks, so Jekyll posts read as they did.

- Block attribute lists on a line of their own: `{: .class #id key="v"}` applies to
  the block just above it (no blank line between) or else to the block just below,
  as kramdown does. (Span lists such as `[a](u){:target="_blank"}` and lists at the
  end of a paragraph's last line are Python-Markdown's `attr_list`, already on.)
- `* TOC` followed by `{:toc}`: kramdown's placeholder for a table of contents. The
  list is removed and the post shows the site's own contents box instead.
- Heading ids made as kramdown's GFM parser (Jekyll's default) makes them, so links
  into old posts (`/2017/…/post/#some-heading`) still land: see `gfm_slug`.
- List items indented 2–3 spaces: kramdown reads continuation lines indented to
  the item's text; Python-Markdown wants 4 spaces, so such lines are re-indented.
- kramdown's extensions `{::comment}…{:/comment}` and `{::nomarkdown}…{:/nomarkdown}`
  (or `{:/}`), as blocks (tags alone on their lines) or inside a sentence, outside
  code: a nomarkdown body is passed through as it is, no Markdown or maths read in
  it; a comment is left out. (kramdown writes the comment into the page as an HTML
  comment; left out, the reader sees the same page, and no hidden note, nor a `-->`
  inside it, reaches the published HTML.) An extension never closed is an error.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from plugins.markdown.kramdown_math import mask_protected

IAL_LINE = re.compile(r"^[ ]{0,3}\{:(?!toc\s*\})(?![\w-]+:)\s*(?P<attrs>[^}\n]*)\}[ \t]*$")
TOC_LINE = re.compile(r"^[ ]{0,3}\{:toc\s*\}[ \t]*$")
LIST_LINE = re.compile(r"^[ ]{0,3}(?:[-*+]|\d+\.)[ \t]+\S")
FENCE = re.compile(r"^[ ]*(`{3,}|~{3,})")
TABLE_RULE = re.compile(r"^(?=[^|\n]*\|)[ ]{0,3}\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")  # has a |
MARKER = "kramdownattributes{}x"
MARKER_P = re.compile(r"^kramdownattributes(\d+)x$")


def gfm_slug(text: str, separator: str = "-") -> str:
    """kramdown-parser-gfm's header id: lower case, drop all but word characters, `-`
    and spaces, spaces to hyphens (`What isn’t happening` → `what-isnt-happening`)."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return slug.replace(" ", "-").replace("\t", "-")


class KramdownBlockPreprocessor(Preprocessor):
    """Turn standalone attribute lines into markers; drop `* TOC {:toc}` lists."""

    def run(self, lines: list[str]) -> list[str]:
        self.md.kramdown_attrs = []
        self.md.kramdown_toc = False
        out: list[str] = []
        fence, block, block_lines = None, None, 0
        for line in lines:
            opened = FENCE.match(line)
            if fence:
                closes = opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence)
                fence = None if closes else fence
                out.append(line)
                if closes:
                    block = "fence"
                continue
            if opened:
                # GFM lets a fence interrupt a paragraph and a paragraph follow a fence directly.
                if block in ("paragraph", "fence"):
                    out.append("")
                fence = opened.group(1)
                out.append(line)
                continue
            if block == "fence" and line.strip():
                out.append("")
                block = None
            if not line.strip():
                block, block_lines = None, 0
                out.append(line)
                continue
            if TOC_LINE.match(line):
                self.md.kramdown_toc = True
                removed = 0
                while out and LIST_LINE.match(out[-1]):  # the `* TOC` placeholder list
                    out.pop()
                    removed += 1
                if len(out) >= 2 and out[-1] == "" and MARKER_P.match(out[-2]):
                    out[-2] = ""  # the attribute list that styled the placeholder goes too
                out.extend([""] * (removed + 1))
                block = None
                continue
            m = IAL_LINE.match(line)
            if m:
                attrs, _ = get_attrs_and_remainder(m.group("attrs"))
                after_block = bool(out) and out[-1].strip() != ""
                self.md.kramdown_attrs.append((attrs, "previous" if after_block else "next"))
                # An attribute line ends the block above it and stands apart from the one below.
                out.extend(["", MARKER.format(len(self.md.kramdown_attrs) - 1), ""])
                block, block_lines = None, 0
                continue
            if block is None:
                block = block_kind(line)
                if TABLE_RULE.match(line):
                    continue  # a kramdown table may open with a rule; its first row is still the header
            elif block == "paragraph" and LIST_LINE.match(line) and not line.startswith("  "):
                out.append("")  # kramdown's GFM parser lets a list interrupt a paragraph
                block = "list"
            elif block == "paragraph" and block_kind(line) == "table":
                out.append("")  # and a table too
                block, block_lines = "table", 0
                if TABLE_RULE.match(line):
                    continue
            elif block == "table" and TABLE_RULE.match(line) and block_lines >= 2:
                continue  # kramdown's rule between table body parts (or at the end): no row
            block_lines += 1
            out.append(line)
        return out


def block_kind(line: str) -> str:
    stripped = line.lstrip()
    if LIST_LINE.match(line):
        return "list"
    if stripped.startswith("|") or TABLE_RULE.match(line):
        return "table"
    if stripped.startswith(("<", "#", ">")) or line.startswith("    "):
        return "other"
    return "paragraph"


class KramdownBlockTreeprocessor(Treeprocessor):
    """Apply each attribute marker to its neighbouring block, then remove the marker."""

    def run(self, root: etree.Element) -> None:
        attrs = getattr(self.md, "kramdown_attrs", [])
        if attrs:
            self.apply(root, attrs)
        self.heading_ids(root)

    def heading_ids(self, root: etree.Element) -> None:
        """Ids as kramdown's GFM parser makes them, before the toc extension would: from the
        heading's text with each formula as its TeX, repeats numbered `-1`, `-2`."""
        counts: dict[str, int] = {}
        for el in root.iter():
            if not (isinstance(el.tag, str) and HEADING.fullmatch(el.tag)) or "id" in el.attrib:
                continue
            slug = gfm_slug(heading_text(el, self.md))
            counts[slug] = counts.get(slug, 0) + 1
            el.set("id", slug if counts[slug] == 1 else f"{slug}-{counts[slug] - 1}")

    def apply(self, parent: etree.Element, attrs: list) -> None:
        children = list(parent)
        for index, child in enumerate(children):
            m = MARKER_P.match((child.text or "").strip()) if child.tag == "p" and len(child) == 0 else None
            if not m:
                self.apply(child, attrs)
                continue
            pairs, direction = attrs[int(m.group(1))]
            step = -1 if direction == "previous" else 1
            j = index + step
            while 0 <= j < len(children) and MARKER_P.match((children[j].text or "").strip() or "-"):
                j += step
            if 0 <= j < len(children):
                set_attributes(children[j], pairs)
            parent.remove(child)


HEADING = re.compile(r"h[1-6]")


def heading_text(el: etree.Element, md: Markdown) -> str:
    """A heading's text as kramdown sees it: link text, code, and formulas as their TeX."""
    inner = render_inner_html(remove_fnrefs(el), md)
    if "katex" in inner:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(inner, "html.parser")
        for formula in soup.select(".katex"):
            tex = formula.select_one('annotation[encoding="application/x-tex"]')
            formula.replace_with(tex.get_text() if tex else "")
        return soup.get_text()
    return html.unescape(strip_tags(inner))


def set_attributes(element: etree.Element, pairs: list[tuple[str, str | None]]) -> None:
    for key, value in pairs:
        if key == "class" or key == ".":
            key = "class"
            value = " ".join(filter(None, [element.get("class"), value]))
        elif key == "#":
            key = "id"
        element.set(key, value if value is not None else key)


LIST_ITEM = re.compile(r"(?:[-*+]|\d+[.)])[ ]+(?=\S)")


def reindent_lists(lines: list[str]) -> list[str]:
    """List items as kramdown reads them, indented as Python-Markdown needs them.

    kramdown nests a line in a list item when it is indented to the item's text (2
    spaces after `- `, 3 after `1. `); Python-Markdown wants 4 spaces a level. Each line
    inside a list is moved from kramdown's column to Python-Markdown's; fenced code
    inside an item moves with the item.
    """
    out: list[str] = []
    stack: list[tuple[int, int, int]] = []  # (item's marker column, its content column, column here)
    fence, shift, previous_blank, loose = None, 0, True, False
    for line in lines:
        if fence is not None:
            closing = FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            out.append(move(line, shift))
            continue
        if not line.strip():
            out.append(line)
            previous_blank, loose = True, bool(stack)
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = LIST_ITEM.match(line, indent)
        if stack and not previous_blank and not item and indent < stack[-1][1]:
            out.append(line)  # a lazy continuation line of a paragraph
            continue
        # kramdown nests an item indented past its parent's marker, even short of its text.
        while stack and indent < stack[-1][1] and not (item and indent > stack[-1][0]):
            stack.pop()
        shift = stack[-1][2] - min(stack[-1][1], indent) if stack else 0
        if item:
            stack.append((indent, item.end(), indent + shift + 4))
            if loose and not previous_blank:
                # After a loose item's indented block Python-Markdown needs a blank line
                # to see the next item (kramdown does not).
                out.append("")
            loose = False
        opened = FENCE.match(line)
        if opened and stack:
            fence = opened.group(1)
        out.append(move(line, shift))
        previous_blank = False
    return out


def move(line: str, shift: int) -> str:
    if shift >= 0 or not line.strip():
        return " " * shift + line if line.strip() else line
    indent = len(line) - len(line.lstrip(" "))
    return line[min(-shift, indent) :]


class ListIndentPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return reindent_lists(lines)


class KramdownExtensionError(ValueError):
    """A kramdown extension tag that is never closed: `line` is 1-based in the Markdown given."""

    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason
        super().__init__(f"line {line}: {reason}")


# kramdown's extension tags (kramdown/parser/kramdown/extensions.rb): {::name attrs}, {::name /}, {:/name}.
EXTENSION_START = re.compile(r"\{::(?P<name>comment|nomarkdown)(?:\s(?P<attrs>[^}]*?))?(?P<closed>/)?\}")
EXTENSION_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")


def extension_stop(name: str, block: bool) -> re.Pattern:
    stop = rf"\{{:/(?:{name})?\}}"
    return re.compile(rf"^[ ]{{0,3}}{stop}[ \t]*$" if block else stop, re.MULTILINE)


def kramdown_extensions(text: str, store) -> str:
    """`text` with each comment left out and each nomarkdown body replaced by `store(body)` (a
    placeholder for raw HTML), line for line: the lines after keep their numbers."""
    masked = mask_protected(text)  # same positions, code and comments blanked
    out, at = [], 0
    for m in EXTENSION_START.finditer(masked):
        if m.start() < at:
            continue  # inside an extension already replaced
        name = m.group("name")
        line_start = masked.rfind("\n", 0, m.start()) + 1
        line_end = len(masked) if masked.find("\n", m.end()) < 0 else masked.find("\n", m.end())
        block = len(masked[line_start : m.start()]) <= 3 and not masked[line_start : m.start()].strip()
        block = block and not masked[m.end() : line_end].strip()
        if m.group("closed"):
            body, start, end = "", (line_start if block else m.start()), (line_end if block else m.end())
        else:
            stop = extension_stop(name, block).search(masked, line_end if block else m.end())
            if stop is None:
                number = text.count("\n", 0, m.start()) + 1
                raise KramdownExtensionError(number, f"{m.group(0)} is never closed by {{:/{name}}}")
            if block:
                body, start, end = text[line_end + 1 : stop.start()].removesuffix("\n"), line_start, stop.end()
            else:
                body, start, end = text[m.end() : stop.start()], m.start(), stop.end()
        newlines = text.count("\n", start, end)
        kind = EXTENSION_TYPE.search(m.group("attrs") or "")
        shown = name == "nomarkdown" and (kind is None or "html" in "".join(filter(None, kind.groups())).split())
        raw = store(body) if shown and body else ""
        if block and raw:  # a block of its own: a blank line before it when there is room
            replacement = ("\n" + raw + "\n" * (newlines - 1)) if newlines >= 2 else raw + "\n" * newlines
        else:
            replacement = raw + "\n" * newlines
        out += [text[at:start], replacement]
        at = end
    return "".join(out) + text[at:]


class KramdownExtensionPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "{::" not in text:
            return lines
        return kramdown_extensions(text, self.md.htmlStash.store).split("\n")


class KramdownBlocksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # 29.8: after whitespace is normalised (30, which would strip the raw HTML's placeholders),
        # before the figure tags (29.5) and the maths (29), which never look inside an extension.
        md.preprocessors.register(KramdownExtensionPreprocessor(md), "kramdown_extensions", 29.8)
        # 27: after the maths (29) has taken formulas out, so its line numbers are exact,
        # and before fenced code (25) and HTML blocks (20).
        md.preprocessors.register(KramdownBlockPreprocessor(md), "kramdown_blocks", 27)
        md.preprocessors.register(ListIndentPreprocessor(md), "kramdown_list_indent", 26)
        # 9: before attr_list (8) and toc (5), so an `{: #id}` is the heading's id in the contents.
        md.treeprocessors.register(KramdownBlockTreeprocessor(md), "kramdown_blocks", 9)
