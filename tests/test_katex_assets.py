"""KaTeX's CSS and fonts cut down to what a site uses, and the preload list that follows."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from plugins import katex_render
from plugins.katex_assets import pruned_css, subset_font
from plugins.katex_fonts import font_usage, fonts_for


def render(latex: str, display: bool = False) -> str:
    katex_render.configure()
    return katex_render.render(latex, display)


def test_plain_maths_uses_main_and_math_italic():
    assert fonts_for(render(r"\sigma(x) = 1")) == ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2"]


def test_bold_vectors_and_blackboard_need_their_own_fonts():
    used = font_usage(render(r"\mathbf{w} \in \mathbb{R}"))
    assert "w" in used["KaTeX_Main-Bold.woff2"]
    assert "R" in used["KaTeX_AMS-Regular.woff2"]


def test_big_delimiters_use_the_size_fonts():
    assert any(f.startswith("KaTeX_Size") for f in fonts_for(render(r"\left( \frac{1}{2} \right)", True)))


def test_no_maths_needs_no_fonts():
    assert fonts_for("<p>No formulas here.</p>") == []


def test_rules_for_unused_classes_and_fonts_are_dropped():
    css = (
        '@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2")}'
        '@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) format("woff2")}'
        ".katex{font:normal 1.21em KaTeX_Main}.katex .mathbb,.katex .mord{color:red}.katex .mathcal{x:y}"
    )
    out = pruned_css(css, {"katex", "mord"}, {"KaTeX_Main-Regular.woff2"})
    assert out == (
        '@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) format("woff2")}'
        ".katex{font:normal 1.21em KaTeX_Main}.katex .mord{color:red}"
    )


def test_a_subset_font_keeps_exactly_the_characters_asked_for(tmp_path, monkeypatch):
    monkeypatch.setattr("plugins.build_cache.CACHE", tmp_path / "cache")
    source = katex_render.KATEX_PACKAGE / "dist" / "fonts" / "KaTeX_Main-Regular.woff2"
    path = tmp_path / "subset.woff2"
    path.write_bytes(subset_font(source, set("(x)=1")))
    cmap = TTFont(path).getBestCmap()
    assert {chr(c) for c in cmap} == set("(x)=1")
    assert path.stat().st_size < source.stat().st_size / 4


def test_a_subset_font_is_the_same_computed_cold_twice_and_read_warm(tmp_path, monkeypatch):
    """Two computations into empty caches agree byte for byte (a fresh machine publishes
    what a warm one does), and the warm read returns them without computing again."""
    import plugins.katex_assets

    source = katex_render.KATEX_PACKAGE / "dist" / "fonts" / "KaTeX_Main-Regular.woff2"
    chars = set("(x)=1")
    monkeypatch.setattr("plugins.build_cache.CACHE", tmp_path / "first")
    cold = subset_font(source, chars)
    assert list((tmp_path / "first" / "katex-fonts").glob("*.woff2")), "the value was not stored"
    monkeypatch.setattr("plugins.build_cache.CACHE", tmp_path / "second")
    assert subset_font(source, chars) == cold  # computed again, from nothing

    def no_computing(*args):
        raise AssertionError("a warm cache computed the subset again")

    monkeypatch.setattr(plugins.katex_assets, "_subset", no_computing)
    assert subset_font(source, chars) == cold  # read from the filled cache
