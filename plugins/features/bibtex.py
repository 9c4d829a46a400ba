"""A BibTeX file as the entries a citation shows: key, authors, title, year, venue, URL.

pybtex reads the file; what it reports (a key defined twice, a name it cannot split,
a syntax error) is collected, not raised: the entries it could read are kept, a key
defined twice keeps its first entry (BibTeX's rule) and is reported as a build note
naming the file and line, and a syntax error (an entry cut short) is an author warning
(the entries after it may be missing). Names in biblatex's extended form
(`family=Ascoli, given=Stéphane, prefix=d'`) are read as biblatex reads them. A file is
parsed once per content (the build cache): a large one takes seconds.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from plugins.build_cache import cached, fingerprint

LIBRARIES = ["pybtex", "latexcodec"]


@dataclass
class Entry:
    key: str
    authors: list[str]
    title: str
    year: str
    venue: str
    url: str
    ids: set[str]  # arXiv id, DOI or URL that identify the entry in a link

    def author_list(self) -> str:
        """ "A, B and C": every author, as a references list prints them."""
        if len(self.authors) <= 2:
            return " and ".join(self.authors)
        return ", ".join(self.authors[:-1]) + " and " + self.authors[-1]


@dataclass
class Problem:
    line: int | None
    message: str
    warning: bool  # True: the page may show less than the file meant; False: a note


@cache
def _text_backend():
    from pybtex.backends.plaintext import Backend

    return Backend()  # looked up once: pybtex's plugin lookup reads every package's entry points


LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*")
MATHS = re.compile(r"(\$[^$]*\$)")


WEB_ADDRESS = re.compile(r"(?:https?|ftp)://[^\s{}\\]+")


def link_in(field: str) -> str:
    """The address a `url` field links to: the field itself, or, when it wraps the address in
    LaTeX or words (`\\url{https://…}`, `Available at \\url{…} (2024)`), the first complete web
    address in it ("" if there is none)."""
    field = field.strip()
    if field and not re.search(r"[\s{}\\]", field):
        return field
    return next((a for a in WEB_ADDRESS.findall(field) if a.split("://", 1)[1]), "")


def plain(latex: str) -> str:
    """BibTeX text to plain text: braces, accents, and the names of formatting commands
    (`\\emph{x}` → x) gone; maths between `$` kept as written."""
    from pybtex.richtext import Text

    try:
        text = Text.from_latex(latex).render(_text_backend())
    except Exception:  # unbalanced braces and the like: the text as written, without braces
        text = latex.replace("{", "").replace("}", "")
    parts = MATHS.split(text)
    return "".join(p if p.startswith("$") else LATEX_COMMAND.sub("", p) for p in parts).strip()


EXTENDED_NAME = re.compile(r"\b(family|given|prefix|suffix)\s*=\s*(\{[^{}]*\}|[^,=]*?)(?=\s*(?:,|\b\w+\s*=|$))")


def person_name(person) -> str:
    """A pybtex Person as "First von Last Jr", or a biblatex `family=…, given=…` name."""
    raw = str(person)
    if "family=" in raw:
        parts = {k: v.strip().strip("{}") for k, v in EXTENDED_NAME.findall(raw)}
        prefix = parts.get("prefix", "")
        family = (prefix + ("" if prefix.endswith("'") else " ") if prefix else "") + parts.get("family", "")
        return plain(" ".join(p for p in (parts.get("given"), family) if p))
    names = person.first_names + person.middle_names + person.prelast_names + person.last_names
    return plain(" ".join(names + person.lineage_names))


def load_bibliography(path: Path) -> list[Entry]:
    """The entries of a BibTeX file (what `read_bibliography` reports is left out)."""
    return read_bibliography(path)[0]


def read_bibliography(path: Path) -> tuple[list[Entry], list[Problem]]:
    """The entries of a BibTeX file and what was wrong in it; parsed once per file content."""

    def parse() -> bytes:
        entries, problems = parse_bibliography(path)
        return json.dumps(
            {
                "entries": [{**asdict(e), "ids": sorted(e.ids)} for e in entries],
                "problems": [asdict(p) for p in problems],
            }
        ).encode()

    stored = json.loads(cached("bibliography", [path.read_bytes(), fingerprint(__file__, LIBRARIES)], parse))
    entries = [Entry(**{**e, "ids": set(e["ids"])}) for e in stored["entries"]]
    return entries, [Problem(**p) for p in stored["problems"]]


def entry_lines(text: str) -> dict[str, list[int]]:
    """Each key → the lines where an entry with that key starts."""
    found: dict[str, list[int]] = {}
    for m in re.finditer(r"^[ \t]*@\w+\s*[{(]\s*([^,\s]+)\s*,", text, re.MULTILINE):
        found.setdefault(m.group(1), []).append(text.count("\n", 0, m.start()) + 1)
    return found


def parse_bibliography(path: Path) -> tuple[list[Entry], list[Problem]]:
    import pybtex.errors
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexSyntaxError

    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = entry_lines(text)
    problems: list[Problem] = []
    with pybtex.errors.capture() as reported:
        data = parse_string(text, bib_format="bibtex")
        persons = {key: [person_name(p) for p in e.persons.get("author", [])] for key, e in data.entries.items()}
    for err in reported:
        message = str(err)
        if message.startswith("repeated bibliography entry: "):
            key = message.split(": ", 1)[1]
            at = lines.get(key, [])
            where = f" (first at line {at[0]})" if at else ""
            again = at[1] if len(at) > 1 else None
            problems.append(Problem(again, f"entry {key!r} again{where}; the first is used", False))
        elif isinstance(err, PybtexSyntaxError):
            problems.append(Problem(getattr(err, "lineno", None), f"BibTeX syntax error ({message})", True))
    entries = []
    for key, e in data.entries.items():
        f = e.fields
        ids, url = set(), link_in(f.get("url", ""))
        if url:
            ids.add(url)
        if f.get("eprint"):
            ids.add(f["eprint"])
            url = url or f"https://arxiv.org/abs/{f['eprint']}"
        if f.get("doi"):
            ids.add(f["doi"].lower())
            url = url or f"https://doi.org/{f['doi']}"
        venue = plain(f.get("journal") or f.get("booktitle") or (f"arXiv:{f['eprint']}" if f.get("eprint") else ""))
        if f.get("volume"):
            venue += f" {f['volume']}"
        title = plain(f.get("title", ""))
        entries.append(Entry(key, persons[key], title, f.get("year", ""), venue, url, ids))
    return entries, problems
