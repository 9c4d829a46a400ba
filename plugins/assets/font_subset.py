"""A font cut down to the characters a site draws with it, as woff2 (fontTools).

KaTeX's fonts (plugins/katex/assets.py) and the diagrams' label font
(plugins/mermaid/render.py) are both shipped this way; callers cache the result.
"""

from __future__ import annotations

import io
from pathlib import Path

LIBRARIES = ["fonttools", "brotli"]  # their versions change the bytes: part of callers' cache keys


def fingerprint() -> bytes:
    """This code and the libraries' versions, for callers' cache keys."""
    from plugins.build_cache import fingerprint as of

    return of(__file__, LIBRARIES)


def woff2_subset(source: Path, text: str, extra_dropped_tables: tuple[str, ...] = (), **options) -> bytes:
    """`source` subset to the glyphs `text` needs; `options` are fontTools subset.Options fields."""
    from fontTools import subset

    settings = subset.Options()
    settings.flavor = "woff2"
    for name, value in options.items():
        setattr(settings, name, value)
    settings.drop_tables += list(extra_dropped_tables)
    font = subset.load_font(str(source), settings)
    subsetter = subset.Subsetter(settings)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, settings)
    return buffer.getvalue()
