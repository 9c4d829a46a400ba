"""Ship the theme's own CSS and JavaScript minified; keep the sources readable.

Pelican copies theme/static/ into the output as it is; after every page is written
(`finalized`), each .css and .js of the theme is written again, minified from its source
(rcssmin, rjsmin: comments and layout whitespace out, nothing renamed). It is about a
third of those bytes, all of them before the first screen. Same source, same bytes: both
minifiers are deterministic. Third-party files (theme/vendor/) are already minified.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

MINIFIERS = {
    ".css": lambda text: rcssmin.cssmin(text),
    # keep_bang_comments: a /*! licence */ comment would stay; ours have none.
    ".js": lambda text: rjsmin.jsmin(text, keep_bang_comments=True),
}


def minify(name: str, text: str) -> str:
    """The shipped text of one theme file (unchanged if it is neither CSS nor JS)."""
    minifier = MINIFIERS.get(Path(name).suffix)
    return minifier(text) + "\n" if minifier else text


def minify_theme(source: Path, dest: Path) -> list[Path]:
    """Write every CSS and JS file under source (theme/static) minified to the same path
    under dest (output/theme); return what was written."""
    written = []
    for path in sorted(source.rglob("*")):
        if path.suffix in MINIFIERS and path.is_file():
            target = dest / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(minify(path.name, path.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(target)
    return written


def minify_output(pelican) -> None:
    settings = pelican.settings
    dest = Path(pelican.output_path) / settings["THEME_STATIC_DIR"]
    for static in settings["THEME_STATIC_PATHS"]:
        minify_theme(Path(settings["THEME"]) / static, dest)
