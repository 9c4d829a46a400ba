"""Which optional CSS and scripts a page links (plugins/features/page_features.py), and URLs kept
once per build (plugins/incremental/content_urls.py): the same answers as asking the page each time."""

from __future__ import annotations

from types import SimpleNamespace

from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from plugins.features.page_features import attach_features, features_of
from plugins.incremental.content_urls import keep_urls

PAGE = (
    '<p><span class="katex">x</span></p><div class="mermaid"><svg></svg></div>'
    '<div class="figure-plot" data-figure-src="a.json"></div>'
    '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
)


def test_features_are_the_markers_the_page_has():
    assert features_of(PAGE) == ["figures", "footnotes", "katex", "mermaid"]
    assert features_of("<p>Plain text, <code>class=&quot;katex&quot;</code> shown as code.</p>") == []


def test_the_readers_record_is_used_and_other_content_is_scanned():
    recorded = SimpleNamespace(metadata={"html_features": ["katex"]}, _content=PAGE)
    attach_features(recorded)
    assert recorded.html_features == {"katex"} and recorded.cites is False  # the record, not a scan
    other = SimpleNamespace(metadata={}, _content=PAGE)
    attach_features(other)
    assert other.html_features == {"figures", "footnotes", "katex", "mermaid"}
    cited = SimpleNamespace(metadata={}, _content="<p>x</p>", cites=True)  # set by plugins/features/citations.py
    attach_features(cited)
    assert cited.cites is True


def article(**metadata):
    settings = {**DEFAULT_CONFIG, "ARTICLE_URL": "{date:%Y}/{slug}/", "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html"}
    import datetime as dt

    return Article("<p>x</p>", metadata={"title": "T", "date": dt.datetime(2020, 5, 6), **metadata}, settings=settings)


def test_kept_urls_are_the_urls_pelican_computes_and_an_authors_url_stays():
    plain, own = article(slug="plain"), article(slug="own", url="elsewhere/")
    expected = (plain.url, own.url, plain.save_as)
    keep_urls([SimpleNamespace(articles=[plain, own], pages=[])])
    assert (plain.url, own.url, plain.save_as) == expected == ("2020/plain/", "elsewhere/", "2020/plain/index.html")
    assert plain.override_url == "2020/plain/"
    assert not hasattr(plain, "override_save_as")  # Pelican reads that as "may replace another file"
