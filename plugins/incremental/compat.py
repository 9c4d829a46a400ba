"""The Pelican internals the speed layer leans on, checked once: the versions it was made
for, and every private name it uses.

The layer changes how Pelican works, never what it makes (a test builds a blog with and
without it and compares the bytes). It relies on the names below, which are not Pelican's
public interface and may change in any release, even a patch. So the layer runs only on
the versions in `SUPPORTED`, and only when every name is there; otherwise it stays off
(the build is then plain Pelican's, slower on a large blog) and `problem()` says why.
"""

from __future__ import annotations

import inspect

import pelican
from pelican import contents, readers, writers

SUPPORTED = ((4, 12, 0), (4, 13, 0))  # lowest supported, first unsupported

# Every private (or undocumented) name the layer reads, calls or replaces, and who does.
PRIVATE = {
    "Writer._open_w": "unchanged_outputs: a page with the bytes it already has is not written again",
    "Writer._written_files": "unchanged_outputs: Pelican's record of the files written (its override rules)",
    "Writer._overridden_files": "unchanged_outputs: the same, for files a page may replace",
    "Content._get_intrasite_link_regex": "intrasite_links: Pelican's link pattern, matched in linear time",
    "Content.get_content.cache": "intrasite_links: Pelican's memo of rewritten pages, let go once written",
    "Content.get_summary.cache": "intrasite_links: the same, for summaries",
    "Content.override_url": "content_urls: a URL worked out once (Pelican reads it before its pattern)",
    "Readers.get_cached_data": "content_cache: the reader cache's seam (read)",
    "Readers.cache_data": "content_cache: the reader cache's seam (write)",
    "Readers.save_cache": "content_cache: the reader cache's seam (saved per entry instead)",
}


def version() -> tuple[int, ...]:
    return tuple(int(part) for part in pelican.__version__.split(".")[:3] if part.isdigit())


def _present(name: str) -> bool:
    owner, _, attribute = name.partition(".")
    cls = {"Writer": writers.Writer, "Content": contents.Content, "Readers": readers.Readers}[owner]
    first, _, rest = attribute.partition(".")
    if first in ("_written_files", "_overridden_files"):  # set in __init__
        return f"self.{first}" in inspect.getsource(cls.__init__)
    if first == "override_url":  # an attribute Pelican looks for (as `"override_" + key`), never defines
        return '"override_"' in inspect.getsource(contents.Content.get_url_setting)
    found = getattr(cls, first, None)
    if found is not None and rest:
        found = getattr(cls.__dict__.get(first), rest, None)
    return found is not None


def problem() -> str | None:
    """Why the layer cannot run on this Pelican, or None when it can."""
    low, high = SUPPORTED
    if not low <= version() < high:
        shown = ".".join(map(str, low)), ".".join(map(str, high))
        return f"Pelican {pelican.__version__} is not one the speed layer supports (≥ {shown[0]}, < {shown[1]})"
    missing = [name for name in PRIVATE if not _present(name)]
    if missing:
        return f"Pelican {pelican.__version__} lacks {', '.join(missing)}, which the speed layer uses"
    return None
