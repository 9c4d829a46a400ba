"""Read Jekyll posts: YAML front matter between `---` lines, then kramdown-style Markdown.

A Jekyll post dropped into `content/` builds without edits. Front matter keys
are mapped as Jekyll reads them (see `JEKYLL_KEYS`); unknown keys stay as
metadata for templates. Every error names the file and its line.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from pathlib import Path

import yaml
from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.urlwrappers import Author, Category, Tag

from plugins import citations, katex_render, liquid, page_features
from plugins.external_embeds import ExternalEmbedsExtension
from plugins.figure_tag import FigureTagError
from plugins.jekyll_config import FRONT_MATTER, load_yaml
from plugins.kramdown_blocks import KramdownBlocksExtension
from plugins.kramdown_math import KramdownMathExtension, MathError, RendererCrash
from plugins.local_images import figure_alts, resolve_images

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


class SourceError(ValueError):
    """Bad input in a content file: the message names the file, line and offending text."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def read_text(path: str) -> str:
    """The file as UTF-8 text, or an error naming the first undecodable byte's line."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 8]
        raise SourceError(path, line, f"not valid UTF-8 (bytes {bad!r}); save the file as UTF-8") from None


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


def flatten_toc(tokens: list[dict], out: list | None = None) -> list[dict]:
    """Markdown's nested toc tokens as a flat list of {level, id, name} for templates."""
    out = [] if out is None else out
    for token in tokens:
        out.append({"level": token["level"], "id": token["id"], "name": token["name"]})
        flatten_toc(token.get("children", []), out)
    return out


def words(value) -> list[str]:
    """Jekyll's list fields: a YAML list, or a string of space-separated words."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return str(value).split()


class JekyllMarkdownReader(MarkdownReader):
    """Markdown with Jekyll YAML front matter and kramdown maths."""

    file_extensions = ["md", "markdown", "mkd", "mdown"]

    def read(self, source_path):
        try:
            return self.read_post(source_path)
        except SourceError:
            raise
        except liquid.LiquidSourceError as err:  # content/_config.yml, read with the first post
            raise SourceError(source_path, err.line, err.message) from None
        except Exception as err:
            # A bug or a crashed helper, not the author's fault: say so, with the file and cause.
            logger.exception("crashed while reading %s", source_path)
            raise SourceError(
                source_path, None, f"internal error ({type(err).__name__}: {err}); see the traceback above"
            ) from err

    def read_post(self, source_path):
        text = read_text(source_path)
        front, body, offset = split_front_matter(source_path, text)
        self.liquid_lines = liquid.LineMap()  # a line of the Markdown → the source's (post or include)
        if front.get("render_with_liquid") is not False and ("{{" in body or "{%" in body):
            body, self.liquid_lines = self.run_liquid(source_path, front, body, offset)
        where = self.liquid_lines.where
        renderer = katex_render.PageRenderer()  # batches the page's maths, records its fonts
        md_settings = dict(self.settings["MARKDOWN"])
        md_settings["extensions"] = [
            e for e in md_settings.get("extensions", []) if e != "markdown.extensions.meta"
        ] + [KramdownMathExtension(renderer), KramdownBlocksExtension(), ExternalEmbedsExtension()]
        self._md = Markdown(**md_settings)
        try:
            content = self._md.convert(body)
        except MathError as err:
            raise SourceError(*where(source_path, err.line, offset), f"{err.reason}: {err.latex.strip()!r}") from None
        except FigureTagError as err:
            raise SourceError(*where(source_path, err.line, offset), err.reason) from None
        except RendererCrash as err:
            logger.error("%s:%s: %s", *where(source_path, err.line, offset), err.reason, exc_info=err.__cause__)
            raise SourceError(*where(source_path, err.line, offset), f"{err.reason}: {err.latex.strip()!r}") from err

        def missing(line, message):
            raise SourceError(*where(source_path, line, offset), message)

        root = self.settings["PATH"]
        config = self.config()
        base = (config["baseurl"], config["jekyll_baseurl"])  # Liquid's links, and paths the old site hard-coded
        content = resolve_images(content, body, source_path, root, figure_alts(root), missing, base)
        metadata = self.metadata(source_path, front)
        metadata["toc"] = flatten_toc(getattr(self._md, "toc_tokens", []))
        metadata.update(renderer.facts(), **getattr(self._md, "page_facts", {}))  # katex_render, reading
        metadata["toc_placeholder"] = getattr(self._md, "kramdown_toc", False)
        metadata["html_features"] = page_features.features_of(content)  # templates read these, not the page
        metadata["link_ids"] = sorted(citations.link_ids(content))  # what citations look for
        excerpt = self.excerpt(front, content)
        if excerpt and "summary" not in metadata:
            metadata["summary"] = excerpt
        return content, metadata

    _site = None
    _config = None

    def config(self) -> dict:
        """`site.*` (content/_config.yml, else the settings), read once per reader (per build)."""
        if self._config is None:
            self._config = self._site.config if self._site else liquid.jekyll_config(self.settings)
        return self._config

    def site(self) -> liquid.SiteIndex:
        """Every post's URL, read once per build (shared with the reader cache), for Liquid's links."""
        if self._site is None:
            self._site = liquid.site_index(self.settings)
            self._liquid = liquid.JekyllEnvironment(self._site)
        return self._site

    def run_liquid(self, path: str, front: dict, body: str, offset: int) -> tuple[str, liquid.LineMap]:
        """(the body after Liquid, where each of its lines came from)."""
        site = self.site()
        page = liquid.page_variables(site, Path(path).stem, front)
        try:
            return liquid.render(self._liquid, body, page)
        except liquid.LiquidSourceError as err:
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

    def metadata(self, path: str, front: dict) -> dict:
        """Pelican metadata from Jekyll front matter."""
        out, extra_tags = {}, []
        for key, value in front.items():
            key = str(key).lower()
            name = JEKYLL_KEYS.get(key, key)
            if value is None:
                continue
            if key == "categories":
                cats = words(value)
                if cats and "category" not in out:
                    out["category"] = Category(cats[0], self.settings)
                extra_tags += cats[1:]
            elif name == "category":
                out["category"] = Category(str(value), self.settings)
            elif name == "tags":
                extra_tags = words(value) + extra_tags
            elif name in ("date", "modified"):
                out[name] = self.date(path, key, value)
            elif key == "published":
                out["status"] = "published" if value else "draft"
            elif name in ("math", "mermaid"):
                out[name] = bool(value)
            elif name in ("title", "subtitle"):
                out[name] = str(value)  # plain text: the templates' autoescape escapes it, once
            elif name == "summary":
                out[name] = html.escape(str(value))  # Pelican's summary is HTML; this one is text
            elif name == "layout":
                out[name] = str(value)
            elif name in ("author", "authors"):
                names = [
                    a.get("name", "") if isinstance(a, dict) else str(a)
                    for a in (value if isinstance(value, list) else [value])
                ]
                names = [n for n in names if n.strip()]
                if names:
                    out["authors"] = [Author(n, self.settings) for n in names]
                    out["author"] = out["authors"][0]
            elif key == "permalink":
                url = str(value).strip("/")
                out["url"], out["save_as"] = (url + "/" if url else ""), (url + "/index.html" if url else "index.html")
            elif not isinstance(value, str):
                # Any YAML structure is kept as it is; under a name Pelican gives a meaning to
                # (al-folio's `toc:` dict) it becomes `jekyll_KEY`, so Pelican never misreads it.
                out[f"jekyll_{name}" if name in PELICAN_OWNED else name] = value
            else:
                out[name] = self.process_metadata(name, value) if isinstance(value, str) else value
        if "date" not in out and "_drafts" in Path(path).parts and not liquid.POST_NAME.fullmatch(Path(path).stem):
            out["date"] = liquid.draft_date(Path(path))
        if extra_tags:
            out["tags"] = [Tag(t, self.settings) for t in dict.fromkeys(extra_tags)]
        if "title" in front and not str(front["title"] or "").strip():
            raise SourceError(path, None, "the front matter's 'title' is empty")
        return out

    def date(self, path: str, key: str, value) -> dt.datetime:
        date = liquid.as_datetime(value)
        if date is None:
            raise SourceError(path, None, f"front matter '{key}: {value}' is not a date")
        return liquid.local_time(date, self.settings)


def add_reader(readers) -> None:
    for ext in JekyllMarkdownReader.file_extensions:
        readers.reader_classes[ext] = JekyllMarkdownReader


def register():
    # readers_init: replace Pelican's Markdown reader for every Markdown extension.
    signals.readers_init.connect(add_reader)
