"""Read Jekyll posts: YAML front matter between `---` lines, then kramdown-style Markdown.

A Jekyll post dropped into `content/` builds without edits. Front matter keys
are mapped as Jekyll reads them (see `JEKYLL_KEYS`); unknown keys stay as
metadata for templates. Every error names the file and its line.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import logging
import re
from pathlib import Path

from markdown import Markdown
from pelican.readers import _DISCARD, MarkdownReader
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import slugify

from plugins.features import citations, page_features
from plugins.jekyll import liquid
from plugins.jekyll import site as jekyll_site
from plugins.jekyll.config import (
    ConfigError,
    PermalinkError,
    categories_fields,
    output_paths,
    permalink_pattern,
    read_config,
)
from plugins.jekyll.front_matter import (
    AUTHOR_WARNINGS,
    SCALARS,
    UNOPENED,
    Shapes,
    SourceError,
    front_matter_line,
    read_text,
    split_front_matter,
    unopened_front_matter,
)
from plugins.katex import render as katex_render
from plugins.markdown import extensions as markdown_extensions
from plugins.markdown.figure_tag import FigureTagError
from plugins.markdown.kramdown_blocks import KramdownExtensionError
from plugins.markdown.kramdown_math import MathError, RendererCrash, toc_entry
from plugins.markdown.local_files import figure_alts, resolve_images

logger = logging.getLogger(__name__)


# Jekyll front-matter keys and what they become here; others pass through as-is.
JEKYLL_KEYS = {
    "layout": "layout",  # "post"/"page": kept for templates
    "title": "title",
    "subtitle": "subtitle",
    "category": "category",
    "categories": "category",  # first one is the category, the rest become tags
    "tags": "tags",
    "date": "date",
    "last_modified_at": "modified",
    "katex": "math",
    "math": "math",
    "mathjax": "math",
    "mermaid": "mermaid",
    "description": "summary",
    "excerpt": "summary",
    "authors": "authors",
    "published": "status",
    "author": "author",
}


# Metadata names that Pelican processes itself; a Jekyll key of the same name with another
# meaning (al-folio's `toc: [{name: …}]`) is kept as `jekyll_KEY` instead.
PELICAN_OWNED = {"toc", "slug", "lang", "template", "save_as", "url", "translation", "status", "summary", "modified"}


def flatten_toc(tokens: list[dict], out: list | None = None) -> list[dict]:
    """Markdown's nested toc tokens as a flat list of {level, id, name (HTML)} for templates."""
    out = [] if out is None else out
    for token in tokens:
        out.append({"level": token["level"], "id": token["id"], "name": toc_entry(token)})  # formulas once
        flatten_toc(token.get("children", []), out)
    return out


class JekyllMarkdownReader(MarkdownReader):
    """Markdown with Jekyll YAML front matter and kramdown maths."""

    file_extensions = ["md", "markdown", "mkd", "mdown"]  # in any case, as Jekyll's markdown_ext (add_reader)

    def read(self, source_path):
        try:
            return self.read_post(source_path)
        except (SourceError, ConfigError):
            raise
        except jekyll_site.LiquidSourceError as err:
            raise SourceError(source_path, err.line, err.message) from None
        except Exception as err:
            # A bug or a crashed helper, not the author's fault: say so, with the file and cause.
            logger.exception("crashed while reading %s", source_path)
            raise SourceError(
                source_path, None, f"internal error ({type(err).__name__}: {err}); see the traceback above"
            ) from err

    def process_metadata(self, name, value):
        """Pelican's, except that an impossible date in a file name (`2020-13-45-t.md`) is
        left out here: Pelican reads the file name without saying which file it is, and
        `metadata` reports it, naming the file, when the front matter has no `date:` either."""
        if name == "date" and isinstance(value, str):
            try:
                return super().process_metadata(name, value)
            except ValueError:
                return _DISCARD
        return super().process_metadata(name, value)

    def read_post(self, source_path):
        self.warnings: list[tuple[str, int | None, str]] = []
        text = self.source_text(source_path)
        front, body, offset = split_front_matter(source_path, text)
        if not front and (line := unopened_front_matter(text)):
            self.warn(source_path, line, UNOPENED)  # Jekyll: the lines are text, the title the file's name
        metadata = self.metadata(source_path, front, text)
        self.liquid_lines = liquid.LineMap()  # a line of the Markdown → the source's (post or include)
        if front.get("render_with_liquid") is not False and ("{{" in body or "{%" in body):
            body, self.liquid_lines = self.run_liquid(source_path, front, body, offset)
        where = self.liquid_lines.where
        renderer = katex_render.PageRenderer(katex_render.renderer(self.settings))  # the page's maths and fonts
        try:
            content, facts, late = self.convert(body, renderer)
        except MathError as err:
            raise SourceError(*where(source_path, err.line, offset), f"{err.reason}: {err.latex.strip()!r}") from None
        except (FigureTagError, KramdownExtensionError) as err:
            raise SourceError(*where(source_path, err.line, offset), err.reason) from None
        except RendererCrash as err:
            logger.error("%s:%s: %s", *where(source_path, err.line, offset), err.reason, exc_info=err.__cause__)
            raise SourceError(*where(source_path, err.line, offset), f"{err.reason}: {err.latex.strip()!r}") from err

        def missing(line, message):
            raise SourceError(*where(source_path, line, offset), message)

        def broken(line, message):
            late.append((line, message))

        root = self.settings["PATH"]
        config = self.config()
        base = (config["baseurl"], config["jekyll_baseurl"])  # Liquid's links, and paths the old site hard-coded
        links: list[tuple[str, int | None]] = []
        content = resolve_images(
            content, body, source_path, root, figure_alts(root), missing, base,
            warn=broken, page_url=lambda: self.page_url(source_path), links=links,
        )  # fmt: skip
        metadata.update(facts)
        metadata.update(renderer.facts())  # katex_render
        metadata["html_features"] = page_features.features_of(content)  # templates read these, not the page
        metadata["link_ids"] = sorted(citations.link_ids(content))  # what citations look for
        metadata["site_links"] = [(url, *where(source_path, line, offset)) for url, line in links]  # jekyll/links.py
        late += renderer.warnings  # formulas MathJax refused too (MATH_COMPAT)
        warnings = self.warnings + [(*where(source_path, n, offset), m) for n, m in late]
        places = (where(source_path, n, offset) for n, _, _ in renderer.mathjax_formulas)  # a build note lists them
        metadata["mathjax_formulas"] = [f"{path}:{line}" if line else str(path) for path, line in places]
        metadata["author_warnings"] = [str(SourceError(path, line, message)) for path, line, message in warnings]
        excerpt = self.excerpt(front, content)
        if excerpt and "summary" not in metadata:
            metadata["summary"] = excerpt
        return content, metadata

    def convert(self, body: str, renderer) -> tuple[str, dict, list[tuple[int | None, str]]]:
        """(the body as HTML, metadata the conversion found, warnings (line in `body`, message))."""
        self._md = Markdown(**{**self.settings["MARKDOWN"], "extensions": self.extensions(renderer)})
        self._md.author_warnings = []  # (line in the Markdown, message): what Jekyll would publish broken
        content = self._md.convert(body)
        facts = {
            "toc": flatten_toc(getattr(self._md, "toc_tokens", [])),
            **getattr(self._md, "page_facts", {}),  # reading counts
            "toc_placeholder": getattr(self._md, "kramdown_toc", False),
        }
        return content, facts, self._md.author_warnings

    def source_text(self, source_path) -> str:
        """The post as Jekyll text (front matter, Markdown); a reader of another format overrides it."""
        return read_text(source_path)

    def extensions(self, renderer) -> list:
        """The Markdown extensions a page is converted with (a reader of another format adds its own)."""
        return markdown_extensions(self.settings, renderer)

    def page_url(self, source_path: str) -> str | None:
        """This post's URL from the site root (`/2020/01/02/x/`): what its relative links are relative to."""
        post = self.site().of(source_path)
        return post.url if post else None

    def warn(self, path: str, line: int | None, message: str) -> None:
        """A warning about this post, found before the Markdown step (its line is the source's)."""
        self.warnings.append((path, line, message))

    _site = None
    _config = None

    def config(self) -> dict:
        """`site.*` (content/_config.yml, else the settings), read once per reader (per build)."""
        if self._config is None:
            self._config = self._site.config if self._site else jekyll_site.jekyll_config(self.settings)
        return self._config

    def site(self) -> jekyll_site.SiteIndex:
        """Every post's URL, read once per build (shared with the reader cache), for Liquid's links."""
        if self._site is None:
            self._site = jekyll_site.site_index(self.settings)
            self._liquid = liquid.JekyllEnvironment(self._site)
        return self._site

    def run_liquid(self, path: str, front: dict, body: str, offset: int) -> tuple[str, liquid.LineMap]:
        """(the body after Liquid, where each of its lines came from)."""
        site = self.site()
        page = jekyll_site.page_variables(site, path, front)

        def lenient(problem: jekyll_site.LiquidSourceError) -> None:  # what Jekyll's Liquid only warns about
            self.warn(problem.origin + path, problem.line + offset if problem.line else None, problem.message)

        try:
            return liquid.render(self._liquid, body, page, warn=lenient)
        except jekyll_site.LiquidSourceError as err:
            raise SourceError(err.origin + path, err.line + offset if err.line else None, err.message) from None

    def excerpt(self, front: dict, content: str) -> str | None:
        """Jekyll's excerpt: the HTML before `excerpt_separator` (front matter, _config.yml,
        else Jekyll's default, the first paragraph)."""
        config = self.config()
        separator = front.get("excerpt_separator") or config.get("excerpt_separator") or "<!--more-->"
        at = content.find(str(separator))
        if at > 0:
            return content[:at].strip()
        end = content.find("</p>")
        return content[: end + 4] if end > 0 and content.lstrip().startswith("<p") else None

    def metadata(self, path: str, front: dict, text: str = "") -> dict:
        """Pelican metadata from Jekyll front matter (`text`, the file's, locates a bad key's line)."""
        shapes = Shapes(path, text)
        out, extra_tags, permalink = {}, [], None
        for key, value in front.items():
            key = str(key).lower()
            name = JEKYLL_KEYS.get(key, key)
            if value is None:
                continue
            if name == "category":  # Jekyll reads a list in either; `category: a b` is one category
                one = key == "category" and isinstance(value, SCALARS) and str(value).strip()
                cats = [str(value).strip()] if one else shapes.words(key, value)
                if cats and (key == "category" or "category" not in out):
                    out["category"] = Category(cats[0], self.settings)
                extra_tags += cats[1:]
            elif name == "tags":
                extra_tags = shapes.words(key, value) + extra_tags
            elif name in ("date", "modified"):
                out[name] = self.date(path, key, shapes.date_value(key, value), text)
            elif key == "published":
                out["status"] = "published" if value else "draft"
            elif name in ("math", "mermaid"):
                out[name] = bool(value)
            elif name in ("title", "subtitle", "layout"):
                out[name] = shapes.text_of(key, value)  # plain text: the templates' autoescape escapes it, once
            elif name == "summary":
                out[name] = html.escape(shapes.text_of(key, value))  # Pelican's summary is HTML; this one is text
            elif name in ("author", "authors"):
                names = shapes.names(key, value)
                if names:
                    out["authors"] = [Author(n, self.settings) for n in names]
                    out["author"] = out["authors"][0]
            elif key == "permalink":
                permalink = shapes.path_of(key, value)
            elif not isinstance(value, str):
                # Any YAML structure is kept as it is; under a name Pelican gives a meaning to
                # (al-folio's `toc:` dict) it becomes `jekyll_KEY`, so Pelican never misreads it.
                out[f"jekyll_{name}" if name in PELICAN_OWNED else name] = value
            else:
                out[name] = self.process_metadata(name, value) if isinstance(value, str) else value
        stem = Path(path).stem
        named = re.match(self.settings.get("FILENAME_METADATA") or r"(?!)", stem)
        if "date" not in out and named and "date" in named.groupdict() and not valid_date(named.group("date")):
            raise SourceError(
                path,
                None,
                f"the date in the file name, {named.group('date')}, is not a date: rename the file "
                f"YYYY-MM-DD-title{Path(path).suffix} with a real date (or give the post a 'date:')",
            )
        if "date" not in out and "_drafts" in Path(path).parts and not jekyll_site.POST_NAME.fullmatch(stem):
            out["date"] = jekyll_site.draft_date(Path(path))
        if extra_tags:
            out["tags"] = [Tag(t, self.settings) for t in dict.fromkeys(extra_tags)]
        if "title" in front and not str(front["title"] or "").strip():
            raise SourceError(path, front_matter_line(text, "title"), "the front matter's 'title' is empty")
        if "title" not in front and (named or "_drafts" in Path(path).parts):
            slug = named.groupdict().get("slug") if named else None
            out["title"] = jekyll_site.titleize_slug(str(slug or stem))  # Jekyll's title for a post without one
        out.update(categories_fields(jekyll_site.post_categories(self.relative(path), front)))  # Jekyll's :categories
        if permalink is not None:
            out["url"], out["save_as"] = self.permalink(path, permalink, front, out, named, text)
        return out

    def permalink(self, path: str, permalink: str, front: dict, out: dict, named, text: str) -> tuple[str, str]:
        """(url, save_as) of a post's own `permalink:`, its placeholders (`/:year/:title/`)
        filled in as Jekyll fills them, and as Liquid's `post_url` links to it."""
        try:
            pattern = permalink_pattern(permalink)
        except PermalinkError as err:
            raise SourceError(path, front_matter_line(text, "permalink"), f"{err}; use those or a plain path") from None
        date = out.get("date")
        if date is None and named and "date" in named.groupdict():
            date = dt.datetime.fromisoformat(named.group("date"))
        if date is None and "{date" in pattern:
            line = front_matter_line(text, "permalink")
            raise SourceError(
                path, line, f"permalink {permalink!r} uses the date, and this file has none: add a 'date:'"
            )
        slug = out.get("slug") or (named.groupdict().get("slug") if named else None)
        slug = slug or slugify(Path(path).stem, regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
        return output_paths(jekyll_site.post_url(self.settings, date, str(slug).strip(), front, self.relative(path)))

    def relative(self, path: str) -> Path:
        """The source's path in the content folder (its folders above `_posts/` are categories)."""
        try:
            return Path(path).resolve().relative_to(Path(self.settings["PATH"]).resolve())
        except ValueError:
            return Path(Path(path).name)

    def date(self, path: str, key: str, value, text: str = "") -> dt.datetime:
        date = jekyll_site.as_datetime(value)
        if date is None:
            line = front_matter_line(text, key)
            raise SourceError(
                path,
                line,
                f"front matter '{key}: {value}' is not a valid date (YYYY-MM-DD, optionally HH:MM:SS and a time zone)",
            )
        return jekyll_site.local_time(date, self.settings)


def valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def case_variants(extension: str) -> set[str]:
    """`md` → md, mD, Md, MD: Pelican matches extensions case-sensitively, Jekyll does not."""
    return {"".join(chars) for chars in itertools.product(*({c.lower(), c.upper()} for c in extension))}


def add_reader(readers) -> None:
    for ext in JekyllMarkdownReader.file_extensions:
        for variant in case_variants(ext):
            readers.reader_classes[variant] = JekyllMarkdownReader


def emit_warnings(content) -> None:
    """The warnings the reader recorded for a post, each build (a post from the reader cache too)."""
    for text in content.metadata.get("author_warnings") or ():
        AUTHOR_WARNINGS.warning("%s", text, extra={"author_warning": True})


def check_config(pelican) -> None:
    """content/_config.yml read once before any post: a bad one is one error naming its line,
    not an error in every post whose Liquid reads `site.*`."""
    read_config(Path(pelican.settings["PATH"]) / "_config.yml")
