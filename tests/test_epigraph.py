"""The epigraph extension with plain markdown.markdown: a quote cited to a person gets its attribution."""

from __future__ import annotations

import markdown

from plugins.markdown.epigraph import EpigraphExtension


def md(text: str) -> str:
    return markdown.markdown(text, extensions=[EpigraphExtension(), "md_in_html"])


def test_a_quote_cited_to_a_person_becomes_a_figure_with_its_attribution():
    out = md('<blockquote cite="Noam Shazeer">\nWe offer no explanation.\n</blockquote>')
    assert out == (
        '<figure class="epigraph"><blockquote><p>We offer no explanation.</p></blockquote>'
        "<figcaption>— <cite>Noam Shazeer</cite></figcaption></figure>"
    )


def test_markdown_paragraphs_inside_the_quote_are_kept():
    out = md('<blockquote cite="A. Author" markdown="1">\n\nSome *words*.\n\n</blockquote>')
    assert '<figure class="epigraph"><blockquote><p>Some <em>words</em>.</p></blockquote>' in out


def test_a_cite_that_is_a_url_or_path_is_left_alone():
    for cite in ("https://example.org/paper", "/notes/", "#source", "mailto:a@b.c"):
        text = f'<blockquote cite="{cite}">\nQuoted.\n</blockquote>'
        assert md(text) == text


def test_the_name_is_escaped_once():
    out = md('<blockquote cite="Smith &amp; Jones">\nQuoted.\n</blockquote>')
    assert "<cite>Smith &amp; Jones</cite>" in out and "&amp;amp;" not in out


def test_a_blockquote_without_cite_stays_a_blockquote():
    assert md("> Just a quote.") == "<blockquote>\n<p>Just a quote.</p>\n</blockquote>"


def test_posts_are_converted_with_the_epigraph_extension_after_the_configured_ones():
    from plugins.markdown import extensions

    settings = {"MARKDOWN": {"extensions": ["markdown.extensions.toc"]}, "PATH": "content"}
    found = extensions(settings, lambda latex, display: latex)
    assert found[0] == "markdown.extensions.toc"
    assert sum(isinstance(e, EpigraphExtension) for e in found) == 1
