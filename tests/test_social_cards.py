"""Social cards: author text is never parsed as maths, and each build writes the cards of its own articles."""

from __future__ import annotations

import io
from types import SimpleNamespace

from PIL import Image

from figures.theme import LIGHT
from plugins.features import social_cards


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


class CountingFont:
    """A font that counts the characters it is asked to measure."""

    def __init__(self, font):
        self.font, self.calls, self.chars = font, 0, 0

    def getlength(self, text: str) -> float:
        self.calls += 1
        self.chars += len(text)
        return self.font.getlength(text)


def test_a_200000_letter_title_is_measured_only_as_far_as_the_card_can_show():
    font = CountingFont(social_cards._font("DejaVuSans-Bold.ttf", social_cards.TITLE_SIZES[-1]))
    lines = social_cards._wrap("x" * 200_000, font, social_cards.TEXT_WIDTH, social_cards.MAX_TITLE_LINES + 1)
    assert len(lines) == social_cards.MAX_TITLE_LINES + 1
    assert all(font.font.getlength(line) <= social_cards.TEXT_WIDTH for line in lines)
    assert font.calls < 100 and font.chars < 20_000  # a few measurements a line, of about a line each


def test_a_200000_character_title_draws_a_clipped_card_at_once():
    import time

    social_cards._draw("Site", "warm up", "", "1 Dec 2026")  # the fonts' first load is not the title's cost
    for title in ("x" * 200_000, "ab " * 70_000, "W" * 30 + "\u200b" * 200_000):  # \u200b: no width at all
        start = time.perf_counter()
        lines, font = social_cards._title_lines(title)
        social_cards._draw("Site", title, "sub " * 50_000, "1 Dec 2026")
        assert time.perf_counter() - start < 5, title[:10]
        assert len(lines) <= social_cards.MAX_TITLE_LINES
        assert all(font.getlength(line) <= social_cards.TEXT_WIDTH for line in lines)
    assert social_cards._title_lines("x" * 200_000)[0][-1].endswith("…")
