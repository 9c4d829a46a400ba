"""The dev server's watcher: each batch of source changes (watchfiles) becomes a rebuild.

A change to code (anything outside content/ and theme/) first restarts the builder's warm
process, so a build never runs old code. A batch of saved Markdown posts and nothing else
builds those posts' pages first (see builder.rebuild).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tools.serve.builder import Builder, rebuild

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ["content", "theme", "plugins", "figures", "pelicanconf.py"]
SOURCES = ["content", "theme"]  # the rest of WATCHED is code


def saved_posts(changes, content: Path = ROOT / "content") -> list[Path]:
    """The Markdown sources saved, if that is all that changed (not deleted, no other file);
    else [] (a template, an image or a deleted post: the full build is the first answer)."""
    from plugins.jekyll.site import MARKDOWN_SUFFIXES  # what the Jekyll reader converts

    paths = [Path(path) for _, path in changes]
    if all(
        p.suffix in MARKDOWN_SUFFIXES and p.is_file() and p.resolve().is_relative_to(content.resolve()) for p in paths
    ):
        return sorted(set(paths))
    return []


def code_changed(changes) -> bool:
    """Anything but content and templates: plugins, figures, settings, tools."""

    def source(path: str) -> bool:
        resolved = Path(path).resolve()
        return any(resolved.is_relative_to(ROOT / folder) for folder in SOURCES)

    return any(not source(path) for _, path in changes)


def wanted(_change, path: str) -> bool:
    """Source changes only: not bytecode, and not figures the build itself regenerates."""
    return "__pycache__" not in path and "/content/assets/figures/" not in path


def watch_and_rebuild(builder: Builder, announce: Callable[[], None]) -> None:
    """Forever: wait for changes under WATCHED, then rebuild (announce() after each good build)."""
    from watchfiles import watch

    paths = [ROOT / p for p in WATCHED if (ROOT / p).exists()]
    for changes in watch(*paths, watch_filter=wanted):
        print(f"Changed: {', '.join(sorted({Path(p).name for _, p in changes}))}; rebuilding…", flush=True)
        if code_changed(changes):
            builder.restart()
        rebuild(builder, saved_posts(changes), announce)
