"""KaTeX's CSS and fonts, cut down to what the site's formulas use.

The full stylesheet is 24 KB and a page's three fonts about 68 KB; a reader of
one post needs a fraction of either. The renderer records, per formula, the
KaTeX classes and the characters per font it uses (plugins/katex_render.py);
once every page is read, this takes their union over the site, keeps the CSS
rules whose classes all occur somewhere (and the @font-face rules of fonts in use), and subsets each font
in use to the characters drawn with it (fontTools, woff2). Subsets are cached
by their inputs, so a no-change rebuild costs no subsetting.
"""

from __future__ import annotations

import re
from pathlib import Path

from plugins import font_subset
from plugins.build_cache import cached, fingerprint
from plugins.katex_fonts import FACE, font_usage
from plugins.katex_render import KATEX_PACKAGE

TOP_LEVEL = re.compile(r"(@font-face\{[^}]*\}|[^{}]+\{[^{}]*\})")
# Drawn by CSS, not by the HTML: equation numbers are `(` counter `)` in KaTeX_Main.
ALWAYS = {"KaTeX_Main-Regular.woff2": set("()0123456789")}


# Every list of content objects Pelican's generators write pages for.
CONTENT_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def page_facts(html: str) -> tuple[set[str], dict[str, set[str]]]:
    """(classes, characters per font) from a page's HTML: only for content whose reader
    did not record them (the Markdown reader does, plugins/katex_render.py)."""
    if "katex" not in html:
        return set(), {}
    import lxml.html

    doc = lxml.html.document_fromstring(html)
    formulas = f"//*[{_class('katex')} or {_class('katex-display')}]"
    classes = {c for e in doc.xpath(f"{formulas} | {formulas}//*") for c in (e.get("class") or "").split()}
    return classes, font_usage(html)


def _class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def site_usage(generators) -> tuple[set[str], dict[str, set[str]]]:
    """(every class used inside .katex, characters per font file) over all written content."""
    classes: set[str] = set()
    fonts: dict[str, set[str]] = {}
    seen = set()
    for generator in generators:
        for name in CONTENT_LISTS:
            for content in getattr(generator, name, None) or []:
                if id(content) in seen:
                    continue
                seen.add(id(content))
                recorded = content.metadata.get("katex_font_chars")
                if recorded is not None:
                    page_classes, page_fonts = set(content.metadata["katex_classes"]), recorded
                else:
                    page_classes, page_fonts = page_facts(content._content or "")
                classes |= page_classes
                for font, chars in page_fonts.items():
                    fonts.setdefault(font, set()).update(chars)
    return classes, fonts


def record_usage(generators) -> None:
    # The settings dict is the build's own (every generator shares it): no module state.
    generators[0].settings["KATEX_USAGE"] = site_usage(generators)


def pruned_css(css: str, classes: set[str], fonts: set[str]) -> str:
    """Keep rules whose every class is used, and the @font-face rules of fonts in use."""
    kept = []
    for rule in TOP_LEVEL.findall(css):
        if rule.startswith("@font-face"):
            src = re.search(r"url\(fonts/([^)]+\.woff2)\)", rule).group(1)
            if src in fonts:
                kept.append(rule)
            continue
        selectors, body = rule.split("{", 1)
        used = [s for s in selectors.split(",") if set(re.findall(r"\.([\w-]+)", s)) <= classes]
        if used:
            kept.append(",".join(used) + "{" + body)
    return "".join(kept)


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
