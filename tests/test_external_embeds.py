"""plugins/markdown/external_embeds.py with plain markdown.markdown: other hosts' iframes become links."""

from __future__ import annotations

import markdown

from plugins.markdown.external_embeds import ExternalEmbedsExtension


def render(text: str) -> str:
    return markdown.markdown(text, extensions=[ExternalEmbedsExtension(), "md_in_html"])


def test_a_youtube_player_becomes_a_link_to_its_watch_page():
    out = render(
        'Watch:\n\n<iframe width="420" height="315" src="https://www.youtube.com/embed/YOW8m2YGtRg?autoplay=1&amp;'
        'loop=1&amp;start=30" frameborder="0" allowfullscreen></iframe>\n\nAfter.'
    )
    assert "<iframe" not in out
    assert '<a href="https://www.youtube.com/watch?v=YOW8m2YGtRg&amp;t=30s">Video on youtube.com</a>' in out
    assert "<p>After.</p>" in out


def test_another_host_keeps_its_address_and_the_iframes_title():
    out = render("<iframe src='https://example.org/map?x=1&y=2' title=\"A map &amp; more\"></iframe>")
    assert '<a href="https://example.org/map?x=1&amp;y=2">A map &amp; more on example.org</a>' in out


def test_the_sites_own_pages_stay_embedded():
    out = render('<iframe src="/figures/ellipse/" title="Ellipse"></iframe>')
    assert '<iframe src="/figures/ellipse/"' in out


def test_an_iframe_address_that_cannot_be_parsed_is_left_alone():
    import markdown

    from plugins.markdown.external_embeds import ExternalEmbedsExtension

    text = '<iframe src="//host[x/embed"></iframe>'
    assert "iframe" in markdown.markdown(text, extensions=[ExternalEmbedsExtension()])
