"""KaTeX's CSS and fonts, cut down to what the site's formulas use.

The full stylesheet is 24 KB and a page's three fonts about 68 KB; a reader of
one post needs a fraction of either. The renderer records, per formula, the
KaTeX classes and the characters per font it uses (plugins/katex/render.py);
once every page is read, this takes their union over the site, keeps the CSS
rules whose classes all occur somewhere (and the @font-face rules of fonts in use), and subsets each font
in use to the characters drawn with it (fontTools, woff2). Subsets are cached
by their inputs, so a no-change rebuild costs no subsetting.
"""

from __future__ import annotations

import re
from pathlib import Path

from plugins import build_state
from plugins.assets import font_subset
from plugins.assets.css import pruned, top_level_rules
from plugins.assets.vendor import place, vendor_folder
from plugins.build_cache import cached, fingerprint
from plugins.katex.fonts import FACE
from plugins.katex.process import KATEX_PACKAGE

# Drawn by CSS, not by the HTML: equation numbers are `(` counter `)` in KaTeX_Main.
ALWAYS = {"KaTeX_Main-Regular.woff2": set("()0123456789")}


def site_usage(generators) -> tuple[set[str], dict[str, set[str]]]:
    """(every class used inside .katex, characters per font file) over all written content,
    from what the renderer recorded for each page (content from another reader has no KaTeX)."""
    classes: set[str] = set()
    fonts: dict[str, set[str]] = {}
    for content in build_state.contents_of(generators):
        classes |= set(content.metadata.get("katex_classes") or ())
        for font, chars in (content.metadata.get("katex_font_chars") or {}).items():
            fonts.setdefault(font, set()).update(chars)
    return classes, fonts


def record_usage(generators) -> None:
    build_state.of(generators[0].settings).katex_usage = site_usage(generators)


def write_assets(pelican) -> None:
    """KaTeX's cut-down CSS and fonts, and its copy-tex script, into the theme's vendor folder."""
    dest = vendor_folder(pelican.settings, pelican.output_path) / "katex"
    write_katex_assets(dest, *(build_state.of(pelican.settings).katex_usage or (set(), {})))
    # KaTeX's own copy-tex: copying rendered maths copies its LaTeX source.
    place(KATEX_PACKAGE / "dist" / "contrib" / "copy-tex.min.js", dest / "copy-tex.min.js")


def pruned_css(css: str, classes: set[str], fonts: set[str]) -> str:
    """Keep rules whose every class is used, and the @font-face rules of fonts in use."""

    def font_in_use(rule: str) -> bool:
        return re.search(r"url\(fonts/([^)]+\.woff2)\)", rule).group(1) in fonts

    def used(selector: str) -> bool:
        return set(re.findall(r"\.([\w-]+)", selector)) <= classes

    return "".join(pruned(top_level_rules(css), used, keep_at_rule=font_in_use))


def subset_font(source: Path, chars: set[str]) -> bytes:
    """The woff2 font cut down to `chars` (and the glyphs they need), cached by input."""
    text = "".join(sorted(chars))
    inputs = [source.read_bytes(), text, fingerprint(__file__), font_subset.fingerprint()]
    return cached("katex-fonts", inputs, lambda: _subset(source, text), suffix=".woff2")


def _subset(source: Path, text: str) -> bytes:
    # All layout features: KaTeX relies on kerning and ligatures; a .notdef outline for safety.
    return font_subset.woff2_subset(source, text, layout_features=["*"], notdef_outline=True)


def write_katex_assets(dest: Path, classes: set[str], fonts: dict[str, set[str]]) -> None:
    """Write katex.min.css pruned to `classes` and the `fonts` subset to their characters into `dest`."""
    dist = KATEX_PACKAGE / "dist"
    if not dist.exists():
        raise FileNotFoundError(f"{dist} is missing: run `npm ci` (or `make install`)")
    (dest / "fonts").mkdir(parents=True, exist_ok=True)
    css = (dist / "katex.min.css").read_text()
    # woff2 only: every browser we target reads it, and we ship no woff/ttf.
    css = FACE.sub(lambda m: re.sub(r',url\([^)]+\) format\("(?:woff|truetype)"\)', "", m.group(0)), css)
    (dest / "katex.min.css").write_text(pruned_css(css, classes, set(fonts)))
    for name, chars in sorted(fonts.items()):
        chars = chars | ALWAYS.get(name, set())
        (dest / "fonts" / name).write_bytes(subset_font(dist / "fonts" / name, chars))
