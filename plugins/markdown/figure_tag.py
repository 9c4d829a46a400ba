"""`{% figure ID %}`: embed a generated figure, Liquid-style as Jekyll authors write includes.

The tag stands alone on its line (one inside a sentence, or without an id, is an
error; inside code it is text). It becomes a <figure> with space reserved
for the plot, a keyboard-operable slider, a live text readout of the current
state, a caption and an accessible name, all read from the files that
`python -m figures` wrote. An unknown id or a stale figure fails the build,
naming the post, the line and the fix.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from figures.generate import ASSETS, is_stale, read_meta
from figures.registry import FIGURE_IDS
from plugins.markdown.kramdown_math import mask_protected
from plugins.markdown.local_files import intrinsic_size

PICTURES = {".svg", ".webp", ".png"}  # the formats figures/static.py writes
TAG = re.compile(r"^[ ]{0,3}\{%\s*figure\s+(?P<id>\S+)\s*%\}[ \t]*$")
ANY_TAG = re.compile(r"\{%-?\s*figure\b")  # every TAG match, and the tags written wrong


def figure_ids(markdown_text: str) -> list[str]:
    """The ids of the figure tags in a post, outside code and comments."""
    if not ANY_TAG.search(markdown_text):  # most posts of a blog: no need to mask their code
        return []
    return [m.group("id") for line in mask_protected(markdown_text).split("\n") if (m := TAG.match(line))]


class FigureTagError(ValueError):
    def __init__(self, line: int, message: str):
        self.line, self.reason = line, message
        super().__init__(f"line {line}: {message}")


def figure_links(figure_id: str, meta: dict, site_url: str, own_page: bool) -> str:
    """Links under a figure: its page of its own, and its data as CSV."""
    e = html.escape
    links = [] if own_page else [f'<a href="{e(site_url)}/figures/{e(figure_id)}/">Open full width</a>']
    for rel in meta["files"]:
        if rel.endswith(".csv"):
            what = "grid data" if rel.endswith("-grid.csv") else "data"
            links.append(f'<a href="{e(site_url)}/assets/{e(rel)}" download>Download {what} (CSV)</a>')
    return f'<p class="figure-links">{" · ".join(links)}</p>'


NARROW_SUFFIX = "-narrow"  # figures/generate.py names the phone-shaped picture <id>-narrow.<ext>
# The breakpoint of site.css and figures.js; `screen`: print pages are wide, whatever the device.
NARROW_MEDIA = "screen and (max-width: 34rem)"


def _sized(meta: dict, assets: Path, rel: str) -> tuple[str, tuple[int, int]]:
    """A picture's size: from `meta["sizes"]` (figures whose files are not on disk yet), else its file."""
    known = (meta.get("sizes") or {}).get(rel)
    size = tuple(known) if known else intrinsic_size(assets / rel)
    if size is None:
        raise ValueError(f"figure {meta['id']!r}: cannot read the size of {assets / rel}")
    return rel, size


def static_picture(meta: dict, assets: Path, narrow: bool = False) -> tuple[str, tuple[int, int]] | None:
    """The interactive figure's static picture (path under assets) and its intrinsic size;
    `narrow`: its phone-shaped picture, or None if it has none (its phone layout only changes the height)."""
    pictures = [
        rel
        for rel in meta["files"]
        if Path(rel).suffix in PICTURES and Path(rel).stem.endswith(NARROW_SUFFIX) == narrow
    ]
    if narrow and not pictures:
        return None
    if len(pictures) != 1:
        kind = "phone-shaped" if narrow else "static"
        raise ValueError(f"figure {meta['id']!r}: expected one {kind} picture in its files, found {pictures}")
    return _sized(meta, assets, pictures[0])


def picture_html(meta: dict, site_url: str, assets: Path) -> str:
    """The static picture's <img>, inside a <picture> whose <source> gives phones their own picture if there is one.
    Both carry their intrinsic size, so the browser knows each one's shape before it arrives."""
    e = html.escape
    picture, (width, height) = static_picture(meta, assets)
    img = (
        f'<img class="figure-static" src="{e(site_url)}/assets/{e(picture)}" alt="{e(meta["label"])}"'
        f' width="{width}" height="{height}" loading="lazy" decoding="async">'
    )
    narrow = static_picture(meta, assets, narrow=True)
    if narrow is None:
        return img
    rel, (width, height) = narrow
    return (
        f'<picture class="figure-static-picture"><source media="{NARROW_MEDIA}"'
        f' srcset="{e(site_url)}/assets/{e(rel)}" width="{width}" height="{height}">{img}</picture>'
    )


PICTURE_ELEMENT = re.compile(r'<picture class="figure-static-picture">.*?(<img [^>]*>)</picture>', re.S)


def plain_img(content: str) -> str:
    """Feeds: each figure's <picture> reduced to its <img> (feed readers differ on <picture> and media queries)."""
    return PICTURE_ELEMENT.sub(r"\1", content)


def feed_pictures(context, feed) -> None:
    for item in feed.items:
        for key in ("content", "description"):
            if item.get(key):
                item[key] = plain_img(item[key])


def slider_html(base: str, slider: dict) -> str:
    """The figure's slider and the live readout of its state."""
    states, default = slider["states"], slider["default"]
    e = html.escape
    return (
        f'<div class="figure-controls">'
        f'<label for="{base}-slider">{e(slider["name"])}</label>'
        f'<input type="range" id="{base}-slider" min="0" max="{len(states) - 1}" step="1" value="{default}"'
        f' aria-valuetext="{e(states[default]["label"])}" aria-controls="{base}-readout" disabled>'
        f'<output id="{base}-readout" for="{base}-slider" aria-live="polite">{e(states[default]["text"])}</output>'
        f"</div>"
    )


def interactive_html(
    figure_id: str, meta: dict, spec: dict, site_url: str, own_page: bool = False, assets: Path = ASSETS
) -> str:
    """The interactive figure: its plot's reserved box, its slider if the spec has one, its static
    picture, caption and links. Its JSON is `meta["spec"]` under assets/ (default figures/ID.json)."""
    base = f"figure-{figure_id}"
    src = f"{site_url}/assets/{meta.get('spec') or f'figures/{figure_id}.json'}"
    # Both heights are reserved by CSS before plotly.js arrives (no layout shift);
    # figures.js picks the matching layout with the same breakpoint.
    wide, narrow = int(spec["layout"]["height"]), int(spec["narrow"]["height"])
    e = html.escape
    caption = f"<figcaption>{e(meta['caption'])}</figcaption>" if meta["caption"] else ""
    return (
        f'<figure class="figure figure-interactive" id="{base}">'
        f'<div class="figure-plot" data-figure-src="{e(src)}" role="img" aria-label="{e(meta["label"])}"'
        f' style="--plot-height:{wide}px;--plot-height-narrow:{narrow}px"></div>'
        f"{slider_html(base, spec['slider']) if spec.get('slider') else ''}"
        # The default state as a picture: shown without JavaScript, in feeds and in print.
        f"{picture_html(meta, site_url, assets)}"
        f"{caption}"
        f"{figure_links(figure_id, meta, site_url, own_page)}"
        f"</figure>"
    )


def static_html(meta: dict, site_url: str) -> str:
    src = f"{site_url}/assets/{meta['files'][0]}"
    e = html.escape
    return (
        f'<figure class="figure" id="figure-{meta["id"]}">'
        f'<img src="{e(src)}" alt="{e(meta["label"])}" loading="lazy">'
        f"<figcaption>{e(meta['caption'])}</figcaption></figure>"
    )


def figure_html(figure_id: str, line: int, assets: Path, site_url: str) -> str:
    if figure_id not in FIGURE_IDS:  # before any file is looked at: an id is never a path
        raise FigureTagError(
            line,
            f"unknown figure id {figure_id!r} in {{% figure {figure_id} %}}; "
            f"known ids: {', '.join(FIGURE_IDS)} (`python -m figures --list`)",
        )
    meta = assets / "figures" / f"{figure_id}.meta.json"
    stamp = (meta.stat().st_mtime_ns, meta.stat().st_size) if meta.exists() else None
    try:
        return _checked_figure_html(figure_id, assets, site_url, stamp)
    except FigureTagError as err:
        raise FigureTagError(line, err.reason) from None


# A blog shows each figure in many posts: check and read it once per version of its
# files (`stamp`), not once per tag (hashing its code took 40 ms a tag at 1,000 posts).
@functools.lru_cache(maxsize=64)
def _checked_figure_html(figure_id: str, assets: Path, site_url: str, stamp) -> str:
    line = 0  # figure_html puts the tag's line into any error
    if is_stale(figure_id, assets):
        raise FigureTagError(
            line,
            f"figure {figure_id!r} is missing or older than its code: run `python -m figures {figure_id}`",
        )
    meta = read_meta(figure_id, assets)
    if meta["kind"] == "static":
        return static_html(meta, site_url)
    spec = json.loads((assets / "figures" / f"{figure_id}.json").read_text())
    return interactive_html(figure_id, meta, spec, site_url, assets=assets)


class FigureTagPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, assets: Path, site_url: str):
        super().__init__(md)
        self.assets, self.site_url = assets, site_url

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if not ANY_TAG.search(text):
            return lines
        out = []
        masked = mask_protected(text).split("\n")  # same positions, code and comments blanked
        for number, (line, seen) in enumerate(zip(lines, masked, strict=True), start=1):
            m = TAG.match(seen)  # `seen` is blank inside code and comments: tags there stay text
            if not m and ANY_TAG.search(seen):
                raise FigureTagError(
                    number,
                    f"{line.strip()!r}: a figure tag stands alone on its line, with the figure's id: "
                    "{% figure ID %} (in code, it stays text)",
                )
            # One line in, one line out: later steps report errors by line number.
            out.append(
                self.md.htmlStash.store(figure_html(m.group("id"), number, self.assets, self.site_url)) if m else line
            )
        return out


class FigureTagExtension(Extension):
    def __init__(self, assets: Path = ASSETS, site_url: str = ""):
        super().__init__()
        self.assets, self.site_url = assets, site_url

    def extendMarkdown(self, md: Markdown) -> None:
        # 29.5: before the maths (29) and fences (25) change line counts, so errors name the right line.
        md.preprocessors.register(FigureTagPreprocessor(md, self.assets, self.site_url), "figure_tag", 29.5)
