"""Social cards: author text is never parsed as maths, and each build writes the cards of its own articles."""

from __future__ import annotations

import io
from types import SimpleNamespace

from PIL import Image

from figures.theme import LIGHT
from plugins import social_cards


def test_dollars_and_latex_in_the_text_are_drawn_as_text():
    broken = r"a $\frac{1$ b"  # broken mathtext: raises inside savefig if any text is parsed as maths
    png = social_cards._draw(site=broken, title=broken, subtitle=broken, date=broken)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 630)
        assert image.getpixel((600, 2))[:3] == tuple(int(LIGHT["bg"][i : i + 2], 16) for i in (1, 3, 5))


def article(slug: str) -> SimpleNamespace:
    return SimpleNamespace(slug=slug, title=slug.title(), subtitle="", locale_date="1 Dec 2026")


def test_each_build_writes_the_cards_of_its_own_articles(tmp_path, monkeypatch):
    monkeypatch.setattr(social_cards, "card_png", lambda *text, code=None: "|".join(text[:4]).encode())
    for build, slugs in enumerate([["one", "two"], ["three"]]):
        output = tmp_path / str(build)
        generator = SimpleNamespace(articles=[article(s) for s in slugs], settings={"SITENAME": "Site"})
        social_cards.name_cards(generator)
        social_cards.write_cards(generator, SimpleNamespace(output_path=str(output)))
        assert sorted(p.name for p in (output / "social").iterdir()) == sorted(f"{s}.png" for s in slugs)
        assert [a.social_image for a in generator.articles] == [f"social/{s}.png" for s in slugs]
    assert (tmp_path / "1" / "social" / "three.png").read_bytes() == b"Site|Three||1 Dec 2026"


def test_a_card_is_the_same_bytes_every_time():
    args = dict(site="Site", title="SwiGLU Intuition", subtitle="Why gates help", date="1 Dec 2026")
    assert social_cards._draw(**args) == social_cards._draw(**args)


def test_long_titles_wrap_to_the_card_and_end_in_an_ellipsis():
    lines, font = social_cards._title_lines("A gated linear unit " * 3)
    assert len(lines) > 1 and not lines[-1].endswith("…")
    assert all(font.getlength(line) <= social_cards.TEXT_WIDTH for line in lines)
    lines, font = social_cards._title_lines("Words " * 80 + "Supercalifragilistic" * 8)
    assert len(lines) == social_cards.MAX_TITLE_LINES and lines[-1].endswith("…")
    assert font.size == social_cards.TITLE_SIZES[-1]
    assert all(font.getlength(line) <= social_cards.TEXT_WIDTH for line in lines)
    word = "x" * 200  # one word wider than the card is cut, not drawn off the edge
    assert all(font.getlength(line) <= social_cards.TEXT_WIDTH for line in social_cards._wrap(word, font, 500))
