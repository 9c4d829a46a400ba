"""A post's links to pages of this site that the build does not make: one warning each.

A moved blog's posts link to its other pages (`[Tag Index](/tag_index)`, an about page,
an old post). Jekyll's site had them; here only the posts come along, so such a link
would lead nowhere without a word. The reader records each link of a post that is not to a
file (`site_links`: site path, file, line; plugins/markdown/local_files.py); once every
generator holds its content, each one is looked up among the files the build writes
(plugins/features/output_paths.py): `/x/` is `x/index.html`, `/x` is `x` or `x/index.html`.
A link into a folder a plugin fills (the theme's files, the search index) is never warned
about. The warning is an author's warning (it fails only a publish build).
"""

from __future__ import annotations

import posixpath

from plugins.build_state import contents_of
from plugins.features.output_paths import planned_outputs, reserved_folders
from plugins.jekyll.front_matter import author_warning


def built(path: str, outputs: set[str], reserved: dict[str, str]) -> bool:
    """Whether the site path (`/a/b/`, `/a/b.html`, `/a`) is a page or file the build writes."""
    rel = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
    if rel in ("", "."):
        return "index.html" in outputs
    if rel.split("/", 1)[0] in reserved:
        return True
    if path.endswith("/"):
        return f"{rel}/index.html" in outputs
    return rel in outputs or f"{rel}/index.html" in outputs


def check_links(generators) -> None:
    """An author's warning for each recorded link that leads to nothing the build writes."""
    generators = list(generators)
    if not generators:
        return
    settings = generators[0].settings
    contents = contents_of(generators)
    if not any(content.metadata.get("site_links") for content in contents):
        return
    outputs = {output.path for output in planned_outputs(generators, settings)}
    reserved = reserved_folders(settings)
    for content in contents:
        for url, path, line in content.metadata.get("site_links") or ():
            if not built(url, outputs, reserved):
                author_warning(
                    path,
                    line,
                    f"link {url!r} leads to no page of this site (the build writes nothing at {url}): a page of "
                    "the old site that was not moved here? Fix the link, or add the page",
                )
