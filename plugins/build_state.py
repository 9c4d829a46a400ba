"""What one build holds while it runs: one `BuildState`, opened at `initialized`, closed at `finalized`.

Pelican gives its readers the settings and nothing else, and builds one site at a time per
process (tools/build.py holds a lock per output folder). So a build's state is found from
its settings: `of(settings)` is the state of the build that owns that settings dict, made on
first use. A new build reads new settings, so it gets a new state, and the one before is
closed. Nothing a build makes lives in a module global or in a private settings key.

| field | made by | read by |
|---|---|---|
| `site` | plugins.jekyll.site (the first post read) | Liquid, the reader, the content cache |
| `bibliographies` | plugins.features.citations | citations, per BibTeX file |
| `katex` | plugins.katex.render (the first formula) | every page's Markdown conversion |
| `katex_usage` | plugins.katex (`all_generators_finalized`) | plugins.assets, which writes KaTeX's CSS and fonts |
| `diagram_font` | plugins.mermaid | plugins.assets, which writes the labels' font |
| `memos` (`kept()`) | plugins.mermaid, plugins.features.output_paths | the same, again (a page's diagrams, its file) |
| `deferred` | plugins.features.search, plugins.incremental | `finish()`: work done once Pelican lets go of the pages |

`finish(ok)` runs the deferred work (or drops it when the build failed) and closes what
the state holds; tools/build.py calls it once Pelican has returned, and the `finalized`
handler calls it when a build is not run that way (`DEFER_TO_RUNNER` unset).
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pelican import signals

# Settings the runner (tools/build.py) sets: it calls finish() itself once Pelican has returned.
DEFER_TO_RUNNER = "DEFER_TO_RUNNER"

# Every list of content objects Pelican's article and page generators keep.
CONTENT_KINDS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def contents_of(generators) -> list:
    """Every article, page, draft and translation the generators hold, each once, in order."""
    seen, out = set(), []
    for generator in generators:
        for kind in CONTENT_KINDS:
            for content in getattr(generator, kind, None) or []:
                if id(content) not in seen:
                    seen.add(id(content))
                    out.append(content)
    return out


@dataclass
class BuildState:
    """The per-build objects the stages share (see the module's table)."""

    settings: dict
    site: Any = None  # plugins.jekyll.site.SiteIndex
    bibliographies: dict = field(default_factory=dict)  # path → (entries, digest)
    katex: Any = None  # plugins.katex.render.Renderer
    katex_usage: tuple | None = None  # (classes, font characters) of every page
    diagram_font: tuple[str, bytes] | None = None  # (file name, woff2 bytes)
    memos: dict = field(default_factory=dict)  # (what, id(content)) → (content, value), see kept()
    deferred: list[tuple[Callable[[], None], Callable[[], None]]] = field(default_factory=list)  # (do, drop)
    closed: bool = False

    def kept(self, what: str, content, compute: Callable[[Any], Any]) -> Any:
        """`compute(content)`, worked out once per build for each content object (`what` names
        the computation). Only for what cannot change once the content is read."""
        key = (what, id(content))
        found = self.memos.get(key)
        if found is None or found[0] is not content:  # the object holds its id while it is kept
            found = self.memos[key] = (content, compute(content))
        return found[1]

    def defer(self, do: Callable[[], None], drop: Callable[[], None]) -> None:
        """Work for after Pelican has returned: `do` when the build succeeded, else `drop`."""
        self.deferred.append((do, drop))

    def finish(self, ok: bool) -> None:
        """Run (or drop) the deferred work in order, then close what the state holds."""
        try:
            while self.deferred:
                do, drop = self.deferred.pop(0)
                (do if ok else drop)()
        finally:
            self.close()

    def close(self) -> None:
        """Drop what is still deferred and stop the renderer; a closed state is never reused."""
        self.closed = True
        while self.deferred:
            self.deferred.pop(0)[1]()
        if self.katex is not None:
            self.katex.close()
            self.katex = None


_current: BuildState | None = None  # the build in progress (one per process at a time)


def of(settings: dict) -> BuildState:
    """The state of the build these settings belong to, made on first use."""
    global _current
    if _current is None or _current.settings is not settings or _current.closed:
        if _current is not None and not _current.closed:
            _current.close()  # a build that never reached `finalized`
        _current = BuildState(settings)
    return _current


def open_state(pelican) -> None:
    of(pelican.settings)


def close_state(pelican) -> None:
    if _current is not None and _current.settings is pelican.settings:
        if pelican.settings.get(DEFER_TO_RUNNER):
            return  # tools/build.py finishes it once Pelican has returned
        _current.finish(ok=True)


def finish(settings: dict, ok: bool) -> None:
    """The runner's end of a build: deferred work done (or dropped), the state closed."""
    if _current is not None and _current.settings is settings and not _current.closed:
        _current.finish(ok)


def close_any() -> None:
    """Whatever build is still open (a crash, the process exiting): dropped and closed."""
    if _current is not None and not _current.closed:
        _current.close()


atexit.register(close_any)


def register():
    # initialized: a fresh state for the new build (one a failed build left is closed).
    signals.initialized.connect(open_state)
    # finalized: last in PLUGINS, so this runs after every other stage's `finalized` handler.
    signals.finalized.connect(close_state)
