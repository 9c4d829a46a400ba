"""A social card image (1200×630 PNG) per article, for OpenGraph and Twitter previews.

Drawn with Pillow in a few milliseconds (matplotlib took ~70 ms a card: 70 s for
a cold build of a 1,000-post blog): the site's name, the title and subtitle on
the site's colours (read from site.css by figures.theme), with the date, in the
DejaVu fonts that ship inside matplotlib (a pinned package, so every machine
draws with the same font files). Text is wrapped to the card's width by its
measured size; a title too long for three lines is drawn smaller, then cut
with an ellipsis. Author text is drawn as text, never parsed (`$` is a dollar).
Pillow's basic layout engine (not the system's libraqm) and a PNG with no
metadata make the same article give the same bytes; cards are also cached by
their text, colours, code and library versions.
"""

from __future__ import annotations

import html
import io
from functools import cache
from pathlib import Path

from figures.theme import LIGHT
from plugins.build_cache import cached, fingerprint

FOLDER = "social"  # under the output folder
WIDTH, HEIGHT = 1200, 630
LEFT = 72  # text starts here; the accent bar is the first 14 pixels
TEXT_WIDTH = WIDTH - LEFT - 64
TITLE_SIZES = (83, 66, 54)  # pixels: tried in turn until the title fits in MAX_TITLE_LINES
MAX_TITLE_LINES = 3
LIBRARIES = ["pillow", "matplotlib"]  # matplotlib: the font files


def card_png(site: str, title: str, subtitle: str, date: str, code: bytes | None = None) -> bytes:
    code = code or fingerprint(__file__, LIBRARIES)  # pass it in a loop: 20 ms a call
    inputs = [site, title, subtitle, date, repr(sorted(LIGHT.items())), code]
    return cached("social", inputs, lambda: _draw(site, title, subtitle, date), suffix=".png")


@cache
def _font(name: str, size: int):
    from matplotlib import get_data_path
    from PIL import ImageFont

    path = Path(get_data_path()) / "fonts" / "ttf" / name
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def _wrap(text: str, font, width: int, max_lines: int | None = None) -> list[str]:
    """Words in lines no wider than `width` (a word wider than a line is cut by characters),
    at most `max_lines` of them: the text after them is never measured. Each line's end is
    found by a galloping search, so a line costs a logarithmic number of measurements
    however long the title (one 200,000-letter word included)."""
    words = text.split()
    lines: list[str] = []
    i = 0
    while i < len(words) and (max_lines is None or len(lines) < max_lines):
        count = _most(lambda k, i=i: _fits(font, " ".join(words[i : i + k]), width), len(words) - i)
        if count:
            lines.append(" ".join(words[i : i + count]))
            i += count
            continue
        word = words[i]  # wider than a line: cut where it overflows (one character at least)
        cut = max(1, _most(lambda c, word=word: _fits(font, word[:c], width), len(word)))
        lines.append(word[:cut])
        words[i] = word[cut:]  # what is left starts the next line
    return lines


def _fits(font, text: str, width: int) -> bool:
    """Whether `text` is at most `width` wide. Longer and longer beginnings of it are measured
    first, so a text far wider than a line costs about a line's measurement."""
    n = 64
    while n < len(text):
        if font.getlength(text[:n]) > width:
            return False
        n *= 4
    return font.getlength(text) <= width


def _most(fits, n: int) -> int:
    """The largest k in 0…n with fits(k), for a `fits` true up to some k and false after."""
    low, high = 0, 1
    while high <= n and fits(high):
        low, high = high, high * 2
    high = min(high, n + 1)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def _clip(lines: list[str], font, width: int, count: int) -> list[str]:
    """At most `count` lines, the last ending in an ellipsis if text was left out."""
    if len(lines) <= count:
        return lines
    last = lines[count - 1]
    keep = _most(lambda c: _fits(font, last[:c].rstrip() + "…", width), len(last))
    return lines[: count - 1] + [last[:keep].rstrip() + "…"]


def _title_lines(title: str) -> tuple[list[str], object]:
    for size in TITLE_SIZES:
        font = _font("DejaVuSans-Bold.ttf", size)
        lines = _wrap(title, font, TEXT_WIDTH, MAX_TITLE_LINES + 1)  # one more: does it fit?
        if len(lines) <= MAX_TITLE_LINES:
            return lines, font
    return _clip(lines, font, TEXT_WIDTH, MAX_TITLE_LINES), font


def _draw(site: str, title: str, subtitle: str, date: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), LIGHT["bg"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 13, HEIGHT - 1), fill=LIGHT["accent"])
    draw.text((LEFT, 88), site, font=_font("DejaVuSans-Bold.ttf", 33), fill=LIGHT["muted"], anchor="ls")
    lines, font = _title_lines(title)
    y = 150
    line_height = round(font.size * 1.2)
    for line in lines:
        draw.text((LEFT, y), line, font=font, fill=LIGHT["fg"], anchor="la")
        y += line_height
    if subtitle:
        small = _font("DejaVuSerif-Italic.ttf", 40)
        room = max(0, (HEIGHT - 90 - (y + 20)) // 50)  # lines left above the date
        for line in _clip(_wrap(subtitle, small, TEXT_WIDTH, room + 1), small, TEXT_WIDTH, room) if room else []:
            draw.text((LEFT, y + 20), line, font=small, fill=LIGHT["muted"], anchor="la")
            y += 50
    draw.text((LEFT, HEIGHT - 50), date, font=_font("DejaVuSans.ttf", 28), fill=LIGHT["muted"], anchor="ls")
    buffer = io.BytesIO()
    # zlib level 1: a third of the time of the default, for a file 25 % larger.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def name_cards(generator) -> None:
    for article in generator.articles:
        article.social_image = f"{FOLDER}/{article.slug}.png"


def write_cards(generator, writer) -> None:
    """Each article's card, from this build's articles (no state kept between builds).

    Two threads: Pillow lets go of the GIL while it compresses a PNG (most of a card's
    cost), so a cold build of a big blog draws on both cores."""
    from concurrent.futures import ThreadPoolExecutor

    if getattr(writer, "pages_only", False):
        return  # the dev server's pages-only build (plugins/incremental/dev_pages.py): the full build follows
    folder = Path(writer.output_path) / FOLDER
    code = fingerprint(__file__, LIBRARIES)
    site = html.unescape(generator.settings["SITENAME"])

    def write(article) -> None:
        title = html.unescape(article.title)
        subtitle = html.unescape(getattr(article, "subtitle", "") or "")
        png = card_png(site, title, subtitle, article.locale_date, code)
        (folder / f"{article.slug}.png").write_bytes(png)

    if generator.articles:
        folder.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(write, generator.articles))  # list(): re-raises a card's error
