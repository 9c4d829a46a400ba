"""Jekyll's `.html` posts: front matter and Liquid as in a Markdown post, then the body as it is.

Jekyll reads an `.html`/`.htm` file under `_posts/` (or `_drafts/`) as a post: Liquid runs
on it, no Markdown converter does, and the body goes into the page unchanged (Jupyter
notebooks exported with nbconvert are posted this way: inline `<svg>`, `data:` images).
Such a post is read by the Markdown reader's steps (front matter, metadata, URL, Liquid,
images, warnings); the only difference is the conversion: the maths left in its text,
which the old site's MathJax drew in the browser, is found as MathJax finds it and drawn
by KaTeX (plugins/markdown/html_math.py), with the site's delimiters:

- `MATH_SINGLE_DOLLAR` (default True): `$…$` is inline maths;
- `MATH_ENVIRONMENTS` (default False): a bare `\\begin{env}…\\end{env}` is display maths;
- `MATH_COMPAT` 2 (MathJax 2, whose `processEscapes` is off): `\\$` stays as written.

Any other `.html` file of the content folder is read as Pelican's HTMLReader reads it.
"""

from __future__ import annotations

from pelican.readers import HTMLReader

from plugins.jekyll.reader import JekyllMarkdownReader, case_variants
from plugins.jekyll.site import is_html_post
from plugins.markdown import maths_finder
from plugins.markdown.html_math import MathOptions, render_html_maths


def math_options(settings: dict) -> MathOptions:
    """The old site's MathJax delimiters, from the settings (plugins/jekyll/config.py reads them)."""
    return MathOptions(
        single_dollar=bool(settings.get("MATH_SINGLE_DOLLAR", True)),
        environments=bool(settings.get("MATH_ENVIRONMENTS", False)),
        escapes=settings.get("MATH_COMPAT") != 2,
    )


class JekyllHTMLReader(JekyllMarkdownReader):
    """`.html` posts in `_posts/`/`_drafts/`; other `.html` files as Pelican reads them."""

    file_extensions = ["html", "htm"]

    def read(self, source_path):
        if not is_html_post(self.relative(source_path)):
            return HTMLReader(self.settings).read(source_path)
        return super().read(source_path)

    def convert(self, body: str, renderer) -> tuple[str, dict, list[tuple[int | None, str]]]:
        warnings: list[tuple[int | None, str]] = []
        site = maths_finder.MathOptions.from_settings(self.settings)  # numbering and references
        content = render_html_maths(body, renderer, math_options(self.settings), site, lambda *w: warnings.append(w))
        return content, {"toc": [], "toc_placeholder": False}, warnings


def add_reader(readers) -> None:
    for ext in JekyllHTMLReader.file_extensions:
        for variant in case_variants(ext):
            readers.reader_classes[variant] = JekyllHTMLReader
