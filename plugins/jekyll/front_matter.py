"""A post's file as Jekyll reads it: UTF-8 text, YAML front matter, and the shapes its keys take.

Every problem is a `SourceError` naming the file and line: bytes that are not
UTF-8, a NUL byte, CR-only line endings, malformed YAML, and a key whose value
has the wrong shape (`tags: {a: b}`, `title: [a]`) are reported at the line of
the key, with the shape expected.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import yaml

from plugins.jekyll.config import FRONT_MATTER, key_lines, load_yaml


class SourceError(ValueError):
    """Bad input in a content file: the message names the file, line and offending text."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


AUTHOR_WARNINGS = logging.getLogger("plugins.author")
# Pelican's loggers drop a message seen before in the process (its LimitFilter), so a second
# build in one process (the dev server's, a test's) would not list its own warnings.
AUTHOR_WARNINGS.filters.clear()


def build_note(text: str) -> None:
    """Tell the author something about the build that needs no action (which formulas MathJax
    drew, say): printed after the build as a `note:` line; it never fails a build."""
    AUTHOR_WARNINGS.warning("%s", text, extra={"build_note": True})


def author_warning(path: str | Path, line: int | None, message: str) -> str:
    """Log what Jekyll would publish broken (a missing image, Liquid in a comment): one line
    naming the file and line. It does not fail `make html`; tools/build.py lists such
    warnings at the end, and a publish build fails on them unless ALLOW_WARNINGS=1."""
    text = str(SourceError(path, line, message))
    AUTHOR_WARNINGS.warning("%s", text, extra={"author_warning": True})
    return text


def read_text(path: str) -> str:
    """The file as UTF-8 text with LF line endings (a leading BOM dropped, as Jekyll's `bom|utf-8`
    reading drops it), or an error naming the line of the first undecodable byte, of a NUL byte,
    or of CR-only line endings (Jekyll would not see front matter there: `^` follows only `\\n`)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 8]
        raise SourceError(path, line, f"not valid UTF-8 (bytes {bad!r}); save the file as UTF-8") from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise SourceError(path, line, "a NUL byte (\\0) in the text; remove it (is this file really Markdown?)")
    text = text.replace("\r\n", "\n")
    first_cr, first_lf = text.find("\r"), text.find("\n")
    if first_cr >= 0 and (first_lf < 0 or first_cr < first_lf):
        raise SourceError(
            path, 1, "the file uses CR-only line endings (classic Mac OS); save it with LF (Unix) line endings"
        )
    return text


def split_front_matter(path: str, text: str) -> tuple[dict, str, int]:
    """(front matter dict, Markdown body, number of lines before the body)."""
    if not text.startswith("---"):
        return {}, text, 0
    m = FRONT_MATTER.match(text)
    if not m:
        raise SourceError(path, 1, "front matter opened with '---' is never closed by a '---' line")
    try:
        meta = load_yaml(m.group("yaml") or "") or {}
    except yaml.YAMLError as err:
        # Where the broken construct began (an unclosed quote, say) beats where parsing gave up.
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for 1-based, +1 for the opening ---
        problem = "; ".join(filter(None, [getattr(err, "context", None), getattr(err, "problem", None)])) or str(err)
        offending = text.splitlines()[line - 1] if mark else ""
        raise SourceError(path, line, f"malformed YAML front matter ({problem}): {offending!r}") from None
    if not isinstance(meta, dict):
        raise SourceError(path, 2, f"front matter must be 'key: value' lines, got {meta!r}")
    return meta, text[m.end() :], text.count("\n", 0, m.end())


# Keys that make `key: value` lines before a `---` line front matter that lost its opening `---`.
FRONT_MATTER_KEYS = {"layout", "title", "date", "categories", "category", "tags", "permalink", "author", "published"}
UNOPENED = (
    "front matter has no opening ---: Jekyll shows these lines as text and takes the title from the file "
    "name (so does this build); add a '---' line at the top to make them front matter"
)
CLOSING = re.compile(r"^---[ \t]*$", re.MULTILINE)


def unopened_front_matter(text: str) -> int | None:
    """Line 1 if the file starts with front matter whose opening `---` is missing (`title: …`
    lines, then a `---` line), else None. Jekyll reads such a file as a post without front
    matter; the author most likely meant otherwise."""
    if text.startswith("---") or not re.match(r"[A-Za-z_][\w-]*:", text):
        return None
    close = CLOSING.search(text)
    if close is None:
        return None
    try:
        meta = load_yaml(text[: close.start()])
    except yaml.YAMLError:
        return None
    return 1 if isinstance(meta, dict) and FRONT_MATTER_KEYS & {str(k).lower() for k in meta} else None


def front_matter_line(text: str, key: str) -> int | None:
    """The line in the file of a front-matter key (lower-cased), or None."""
    m = FRONT_MATTER.match(text)
    line = key_lines(m.group("yaml") or "").get(key.lower()) if m else None
    return line + 1 if line else None  # after the opening ---


def line_in_file(path: str, key: str) -> int | None:
    """front_matter_line for a file on disk (for checks made after reading)."""
    try:
        return front_matter_line(read_text(path), key)
    except (OSError, SourceError):
        return None


SCALARS = (str, int, float, dt.date)  # one word or one value (bool is an int)


def describe(value) -> str:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    if isinstance(value, dict):
        return f"a mapping {shown}"
    if isinstance(value, list):
        return f"a list {shown}"
    return shown


class Shapes:
    """The shapes Jekyll front-matter keys take; a wrong one fails at the key's line."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text

    def fail(self, key: str, value, expected: str):
        line = front_matter_line(self.text, key) if self.text else None
        raise SourceError(self.path, line, f"front matter '{key}:' must be {expected}, not {describe(value)}")

    def text_of(self, key: str, value) -> str:
        """Titles, layouts, descriptions: one value, shown as text."""
        if not isinstance(value, SCALARS):
            self.fail(key, value, "text (quote it if it has a ':' or starts with '[' or '{')")
        return str(value)

    def words(self, key: str, value) -> list[str]:
        """Jekyll's list fields (tags, categories): a YAML list, or a string of space-separated words."""
        if isinstance(value, (list, tuple)):
            if not all(isinstance(v, SCALARS) for v in value):
                self.fail(key, value, "space-separated words or a list of words like [maths, ml]")
            return [str(v).strip() for v in value if str(v).strip()]
        if not isinstance(value, SCALARS):
            self.fail(key, value, "space-separated words or a list of words like [maths, ml]")
        return str(value).split()

    def names(self, key: str, value) -> list[str]:
        """Authors: a name, a list of names, or entries with a `name:` (al-folio's)."""
        expected = "a name, a list of names, or a list of entries with a 'name:'"
        names = []
        for entry in value if isinstance(value, list) else [value]:
            name = entry.get("name") if isinstance(entry, dict) else entry
            if not isinstance(name, SCALARS):
                self.fail(key, value, expected)
            names.append(str(name))
        return [n for n in names if n.strip()]

    def path_of(self, key: str, value) -> str:
        """A permalink: one path."""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(key, value, "a path such as /about/ or /:year/:title/")
        return str(value)

    def date_value(self, key: str, value):
        """A date: YAML's own, or a string for Pelican to read."""
        if not isinstance(value, (str, dt.date)):
            self.fail(key, value, "a date such as 2020-01-31 or 2020-01-31 10:00:00 +0100")
        return value
