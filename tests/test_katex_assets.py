"""KaTeX's CSS and fonts cut down to what a site uses, and the preload list that follows."""

from __future__ import annotations

from types import SimpleNamespace

from fontTools.ttLib import TTFont

from plugins.katex.assets import pruned_css, site_usage, subset_font
from plugins.katex.process import KATEX_PACKAGE


def test_plain_maths_uses_main_and_math_italic(katex):
    assert sorted(katex(r"\sigma(x) = 1").fonts) == ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2"]


def test_bold_vectors_and_blackboard_need_their_own_fonts(katex):
    used = katex(r"\mathbf{w} \in \mathbb{R}").fonts
    assert "w" in used["KaTeX_Main-Bold.woff2"]
    assert "R" in used["KaTeX_AMS-Regular.woff2"]


def test_big_delimiters_use_the_size_fonts(katex):
    assert any(f.startswith("KaTeX_Size") for f in katex(r"\left( \frac{1}{2} \right)", True).fonts)


def test_a_page_without_maths_needs_no_katex_css_or_fonts():
    page = SimpleNamespace(metadata={"title": "No formulas here"})
    assert site_usage([SimpleNamespace(articles=[page])]) == (set(), {})


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
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    source = KATEX_PACKAGE / "dist" / "fonts" / "KaTeX_Main-Regular.woff2"
    path = tmp_path / "subset.woff2"
    path.write_bytes(subset_font(source, set("(x)=1")))
    cmap = TTFont(path).getBestCmap()
    assert {chr(c) for c in cmap} == set("(x)=1")
    assert path.stat().st_size < source.stat().st_size / 4


def test_a_subset_font_is_the_same_computed_cold_twice_and_read_warm(tmp_path, monkeypatch):
    """Two computations into empty caches agree byte for byte (a fresh machine publishes
    what a warm one does), and the warm read returns them without computing again."""
    import plugins.katex.assets

    source = KATEX_PACKAGE / "dist" / "fonts" / "KaTeX_Main-Regular.woff2"
    chars = set("(x)=1")
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "first"))
    cold = subset_font(source, chars)
    assert list((tmp_path / "first" / "katex-fonts").glob("*.woff2")), "the value was not stored"
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "second"))
    assert subset_font(source, chars) == cold  # computed again, from nothing

    def no_computing(*args):
        raise AssertionError("a warm cache computed the subset again")

    monkeypatch.setattr(plugins.katex.assets, "_subset", no_computing)
    assert subset_font(source, chars) == cold  # read from the filled cache
