"""distill's `<d-footnote>text</d-footnote>` (al-folio's distill posts) become this site's footnotes.

Each one becomes a Markdown footnote: its mark where the tag was, its text (maths,
`<d-cite>` citations and Markdown included) in the footnotes list at the end, with the
site's footnote previews, exactly as `[^note]` footnotes are made (Python-Markdown's
footnotes extension numbers and draws them all). A preprocessor moves each text into a
footnote definition after the formulas are drawn (so a formula's error names its own
line); a mark inside a raw HTML block, where Markdown does not look, is drawn by a
postprocessor with the number the list gives it. Tags in code, comments and raw-text
elements stay as written. Without the footnotes extension nothing changes.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from plugins.markdown.kramdown_math import mask_protected

D_FOOTNOTE = re.compile(r"<d-footnote\b[^>]*>(?P<text>.*?)</d-footnote\s*>", re.DOTALL | re.IGNORECASE)
LABEL = "d-footnote-{}"  # the footnotes' labels: ids fn:d-footnote-1, fnref:d-footnote-1
MARK = re.compile(r"\[\^(d-footnote-\d+)\]")


def footnotes_of(md: Markdown) -> FootnoteExtension | None:
    return next((e for e in md.registeredExtensions if isinstance(e, FootnoteExtension)), None)


def definition(label: str, text: str) -> str:
    """A footnote definition holding `text`: later lines indented (blank lines keep paragraphs
    apart), none indented further, so no line of it becomes a code block."""
    lines = [line.strip() for line in text.strip().split("\n")]
    rest = "".join(f"\n    {line}" if line else "\n" for line in lines[1:])
    return f"[^{label}]: {lines[0]}{rest}"


class DistillFootnotes(Preprocessor):
    """Each `<d-footnote>` → a footnote mark, its text → a definition at the end."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if footnotes_of(self.md) is None or "<d-footnote" not in text.lower():
            return lines
        masked = mask_protected(text)
        out, definitions, at = [], [], 0
        for m in D_FOOTNOTE.finditer(masked):
            label = LABEL.format(len(definitions) + 1)
            out += [text[at : m.start()], f"[^{label}]"]
            definitions.append(definition(label, text[m.start("text") : m.end("text")]))
            at = m.end()
        if not definitions:
            return lines
        out.append(text[at:])
        return ("".join(out) + "\n\n" + "\n\n".join(definitions)).split("\n")


class DistillFootnoteMarks(Postprocessor):
    """Marks that Markdown left as text (inside raw HTML blocks) → the footnote's mark."""

    def run(self, text: str) -> str:
        footnotes = footnotes_of(self.md)
        if footnotes is None or "[^d-footnote-" not in text:
            return text
        listed = re.findall(r'<li id="([^"]+)"', text[text.rfind('<div class="footnote">') :])  # in number order

        def mark(m: re.Match) -> str:
            label = m.group(1)
            ref, note = footnotes.makeFootnoteRefId(label), footnotes.makeFootnoteId(label)
            if note not in listed:
                return m.group(0)
            number = listed.index(note) + 1
            return f'<sup id="{ref}"><a class="footnote-ref" href="#{note}">{number}</a></sup>'

        return MARK.sub(mark, text)


class DistillExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the formulas (29), before kramdown's blocks (27) and raw HTML (20).
        md.preprocessors.register(DistillFootnotes(md), "distill_footnotes", 28.5)
        # After raw HTML is put back (30), before the footnotes' own placeholders (25).
        md.postprocessors.register(DistillFootnoteMarks(md), "distill_footnote_marks", 26)
