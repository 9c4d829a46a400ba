"""How to cite a post: Google Scholar's `citation_*` facts and a BibTeX entry, for the template.

Each article gets `cite_facts`: its authors, title (plain text), date (`YYYY/MM/DD`, as
Scholar reads it), absolute URL when the site knows its address (SITEURL; a path
otherwise), a PDF's URL when the front matter names one (`pdf:`), and `bibtex`, an
`@online` entry (author, title, year, month, URL) with a key made from the first
author's last name, the year and the title's first word. The article template writes
the `<meta name="citation_…">` tags and the "Cite this post" appendix (the entry in a
code block, so the copy button applies). Pure: the same post and settings, the same text.
"""

from __future__ import annotations

import html
import re
import unicodedata

# What BibTeX (or the LaTeX it is typeset with) reads as markup in a field's text.
BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$"}
BIBTEX_SPECIAL |= {"#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def plain(text) -> str:
    """HTML (a title may hold entities or tags) → its text, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", str(text or ""))).split())


def bibtex_text(text: str) -> str:
    return "".join(BIBTEX_SPECIAL.get(ch, ch) for ch in text)


def ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", folded)


def absolute(settings: dict, path: str) -> str:
    if re.match(r"^[a-z][a-z0-9+.-]*://", path):
        return path
    return f"{settings.get('SITEURL', '').rstrip('/')}/{path.lstrip('/')}"


def cite_facts(content) -> dict:
    authors = [plain(a) for a in (getattr(content, "authors", None) or [])] or [plain(content.settings["AUTHOR"])]
    title = plain(content.title)
    date = content.date
    url = absolute(content.settings, content.url)
    pdf = content.metadata.get("pdf")
    last = ascii_word(authors[0].split()[-1]) if authors[0].split() else "post"
    first_word = next((ascii_word(w) for w in title.split() if ascii_word(w)), "post")
    fields = [
        ("author", " and ".join(bibtex_text(a) for a in authors)),
        ("title", "{" + bibtex_text(title) + "}"),  # braces keep the title's capitals
        ("year", str(date.year)),
        ("month", date.strftime("%b").lower()),
        ("url", url),
    ]
    lines = [f"  {name} = {{{value}}}," if name != "month" else f"  {name} = {value}," for name, value in fields]
    return {
        "authors": authors,
        "title": title,
        "date": date.strftime("%Y/%m/%d"),
        "year": date.year,
        "url": url,
        "pdf_url": absolute(content.settings, str(pdf)) if pdf else None,
        "bibtex": "@online{" + f"{last or 'post'}{date.year}{first_word},\n" + "\n".join(lines).rstrip(",") + "\n}",
    }


def add_cite_facts(content) -> None:
    if type(content).__name__ == "Article":
        content.cite_facts = cite_facts(content)
