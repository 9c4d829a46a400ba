"""Every file the build writes has one source, and every post a template: checked before anything is written.

A post is untrusted input, and its `permalink:` (or its date and slug) can name
any file of the site. Pelican reads a `save_as` (which a permalink sets) as
"this page may replace another": its writer then skips the other page's later
write, logging it only at INFO level, so `permalink: /` replaced the home page
without a word (plugins/incremental/unchanged_outputs.py keeps that rule). So once every
generator holds its content (`all_generators_finalized`) this module lists
every file the build will write, with what writes it:

- posts, pages and drafts (their `save_as`), static files, template pages
  (sitemap.xml, robots.txt), the figure pages (plugins/features/figure_pages.py);
- the direct templates (the home page and its further pages, the tag and
  category lists, the archives), tag, category, author and period pages, feeds;
- the folders plugins fill: the theme's files, the search index, social cards.

One file written by two sources, or a file where another source needs a folder
of that name, fails the build with one line per clash naming both. A post's
`template:` that the theme lacks fails too, naming the post and the line.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from operator import attrgetter

from pelican.contents import Content
from pelican.generators import (
    ArticlesGenerator,
    PagesGenerator,
    PelicanTemplateNotFound,
    StaticGenerator,
    TemplatePagesGenerator,
)
from pelican.paginator import Paginator

from plugins import build_state
from plugins.build_state import CONTENT_KINDS
from plugins.jekyll.front_matter import SourceError, line_in_file

DIRECT_NAMES = {"index": "the home page", "tags": "the tag list", "categories": "the category list"}
DIRECT_NAMES |= {"archives": "the archives", "authors": "the author list"}
# Front-matter keys that decide where a post goes: the first one present names the line.
PLACING_KEYS = ("permalink", "save_as", "slug", "date")


class OutputError(ValueError):
    """Outputs that clash, or a missing template: one line per problem, naming the sources."""


@dataclass(frozen=True)
class Output:
    path: str  # relative to the output folder
    what: str  # "the home page", or a source file
    content: Content | None = None  # an author's file: its front matter says where it goes

    def where(self) -> str:
        if self.content is None:
            return self.what
        line = next(filter(None, (line_in_file(self.content.source_path, k) for k in PLACING_KEYS)), None)
        return f"{self.content.source_path}:{line}" if line else self.content.source_path


def paginated(name: str, url: str, objects: list, template: str, settings: dict) -> list[str]:
    """The files Pelican's writer makes for one paginated template (page 1, page 2, …)."""
    if template not in settings["PAGINATED_TEMPLATES"]:
        return [name]
    per_page = settings["PAGINATED_TEMPLATES"][template] or settings["DEFAULT_PAGINATION"]
    if not per_page and not objects:
        return [name]
    paginator = Paginator(name, url, objects, settings, per_page)
    return [paginator.page(n).save_as for n in range(1, paginator.num_pages + 1)]


def numbered(paths: list[str], what: str) -> list[Output]:
    return [Output(p, what if n == 1 else f"page {n} of {what}") for n, p in enumerate(paths, start=1)]


def article_outputs(g: ArticlesGenerator, settings: dict) -> list[Output]:
    """What ArticlesGenerator.generate_output writes, but the posts themselves."""
    out: list[Output] = []
    for template in settings["DIRECT_TEMPLATES"]:
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        url = settings.get(f"{template.upper()}_URL", f"{template}.html")
        if save_as:
            what = DIRECT_NAMES.get(template, f"the {template} page")
            out += numbered(paginated(save_as, url, g.articles, template, settings), what)
    groups = [("tag", tag, arts) for tag, arts in g.tags.items()]
    groups += [("category", cat, arts) for cat, arts in g.categories]
    groups += [("author", author, arts) for author, arts in g.authors]
    for kind, wrapper, arts in groups:
        if wrapper.save_as and wrapper.slug:
            what = f"the {kind} page of {wrapper.name!r}"
            out += numbered(paginated(wrapper.save_as, wrapper.url, arts, kind, settings), what)
        for feed in ("ATOM", "RSS"):
            if settings.get(f"{kind.upper()}_FEED_{feed}"):
                path = str(settings[f"{kind.upper()}_FEED_{feed}"]).format(slug=wrapper.slug)
                out.append(Output(path, f"the {feed.title()} feed of the {kind} {wrapper.name!r}"))
    for periods in g.period_archives.values():
        out += [Output(p["save_as"], f"the archive of {p['period']}") for p in periods if p["save_as"]]
    for feed in ("ATOM", "RSS"):
        for key, what in ((f"FEED_{feed}", "posts"), (f"FEED_ALL_{feed}", "all posts")):
            if settings.get(key):
                out.append(Output(str(settings[key]), f"the {feed.title()} feed of {what}"))
        if settings.get(f"TRANSLATION_FEED_{feed}"):
            for lang in sorted({a.lang for a in [*g.articles, *g.translations]}):
                path = str(settings[f"TRANSLATION_FEED_{feed}"]).format(lang=lang)
                out.append(Output(path, f"the {feed.title()} feed of the posts in {lang!r}"))
    return out


def reserved_folders(settings: dict) -> dict[str, str]:
    """Folders that plugins and the theme fill with files of their own."""
    folders = {settings["THEME_STATIC_DIR"]: "the theme's files"}
    plugins = [str(p) for p in settings.get("PLUGINS") or []]
    if "plugins.features.search" in plugins:
        from plugins.features.search import OUTPUT_SUBDIR

        folders[OUTPUT_SUBDIR] = "the search index"
    if "plugins.features.social_cards" in plugins:
        from plugins.features.social_cards import FOLDER

        folders[FOLDER] = "the social cards"
    return {posixpath.normpath(folder): what for folder, what in folders.items() if folder}


def planned_outputs(generators, settings: dict) -> list[Output]:
    """Every file the build will write, generated pages first, then authors' files."""
    generated, authored = [], []
    state = build_state.of(settings)
    for g in generators:
        if isinstance(g, ArticlesGenerator):
            generated += article_outputs(g, settings)
        if isinstance(g, TemplatePagesGenerator):
            generated += [Output(dest, f"the theme's {dest}") for dest in settings["TEMPLATE_PAGES"].values()]
        if isinstance(g, StaticGenerator):
            generated += [Output(s.save_as, f"the file copied from {s.source_path}") for s in g.staticfiles]
        generated += [Output(path, what) for path, what in getattr(g, "output_paths", lambda: [])()]
        for kind in CONTENT_KINDS:
            for c in getattr(g, kind, None) or []:
                # Pelican works a save_as out afresh at each read (70 µs): once per build here.
                save_as = state.kept("save_as", c, attrgetter("save_as"))
                if save_as:
                    authored.append(Output(save_as, c.source_path, c))
    authored.sort(key=lambda o: (o.content.source_path, o.path))
    return [Output(posixpath.normpath(o.path.lstrip("/")), o.what, o.content) for o in generated + authored]


def placed(output: Output) -> bool:
    """Whether the front matter chose the path (a `permalink:` or `save_as:`), not the site's pattern."""
    return hasattr(output.content, "override_save_as")


def clash(new: Output, old: Output, path: str, folder: bool = False) -> str:
    """One line naming both sources, the author's file first."""
    if new.content is None and old.content is not None:
        new, old = old, new
    elif new.content is not None and old.content is not None:  # the post that asked for the path first
        new, old = sorted((new, old), key=lambda o: (not placed(o), o.content.source_path))
    writes = f"writes {path}, inside {folder}/," if folder else f"writes {path},"
    if folder:
        also = f"where {old.where()} writes a file of that name"
    else:
        also = f"as {old.where()} does" if old.content is not None else f"which is {old.what}"
    if new.content is None:
        fix = "rename one of them"
    else:
        fix = "give one of them another permalink" if old.content is not None else "give it another permalink"
    return f"{new.where()}: {writes} {also}; {fix}"


def collisions(outputs: list[Output], reserved: dict[str, str]) -> list[str]:
    """One line per clash: a file with two sources, a file where a folder is needed, a post in a
    folder that a plugin fills."""
    files: dict[str, Output] = {}
    found = []
    for output in outputs:
        if output.path in files and files[output.path] != output:
            found.append(clash(output, files[output.path], output.path))
        files.setdefault(output.path, output)
    for output in outputs:
        for parent in _parents(output.path):
            if parent in files:
                found.append(clash(output, files[parent], output.path, folder=parent))
        top = output.path.split("/", 1)[0]
        if output.content is not None and top in reserved and "/" in output.path:
            found.append(
                f"{output.where()}: writes {output.path}, inside {top}/, which holds {reserved[top]}; "
                "give it another permalink"
            )
    return list(dict.fromkeys(found))


def _parents(path: str) -> list[str]:
    """`a/b/c.html` → [`a`, `a/b`]."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def missing_templates(generators) -> list[str]:
    """A post's `template:` that the theme does not have, with the templates it does."""
    found = []
    for g in generators:
        if not isinstance(g, (ArticlesGenerator, PagesGenerator)):
            continue
        for kind in CONTENT_KINDS:
            for content in getattr(g, kind, None) or []:
                try:
                    g.get_template(content.template)
                except PelicanTemplateNotFound:
                    names = sorted(
                        t.rsplit(".", 1)[0]
                        for t in g.env.list_templates(extensions=["html"])
                        if not t.startswith(("_", "!"))
                    )
                    line = line_in_file(content.source_path, "template")
                    message = (
                        f"front matter 'template: {content.template}': the theme has no such template "
                        f"(it has {', '.join(names)}); remove the line or name one of those"
                    )
                    found.append(str(SourceError(content.source_path, line, message)))
    return found


def check(generators) -> None:
    generators = list(generators)
    if not generators:
        return
    settings = generators[0].settings
    problems = missing_templates(generators)
    problems += collisions(planned_outputs(generators, settings), reserved_folders(settings))
    if problems:
        raise OutputError("\n".join(problems))
