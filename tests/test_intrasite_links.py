"""plugins/incremental/intrasite_links.py finds exactly the matches of Pelican's own pattern.

Pelican's pattern is the reference: every test compares the fast search with its
`finditer` (spans and groups) and its `sub`, on made-up HTML meant to trip the
shortcut (necessary parts that overlap, span tags or lines, tags inside tags) and
on the site's real pages.
"""

from __future__ import annotations

import random

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from plugins.incremental.intrasite_links import IntrasitePattern, necessary_part
from tools.blog_fixture import CORPUS  # the posts; Jekyll's pages are beside them

ILR = DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]
PELICAN = Article("", settings=DEFAULT_CONFIG)._get_intrasite_link_regex()  # Pelican's, not ours
FAST = IntrasitePattern(PELICAN, ILR)

TOKENS = [
    "<", ">", "<a ", "<img ", "href", "src", "data", " content", "=", " = ", '"', "'", "{static}",
    "{filename}", "|filename|", "{tag}", "{", "}", "|", "/a.png", "x", " ", "\n", "#top", "</a>",
]  # fmt: skip


def spans(found) -> list:
    return [(m.span(), m.groupdict()) for m in found]


def same(text: str) -> None:
    assert spans(FAST.finditer(text)) == spans(PELICAN.finditer(text)), text
    replace = lambda m: f"[{m.group('what')}:{m.group('value')}]"  # noqa: E731
    assert FAST.sub(replace, text) == PELICAN.sub(replace, text), text


@pytest.mark.parametrize(
    "text",
    [
        "",
        '<a href="{static}/a.png">x</a>',
        '<a title="{" >x</a><img src="{static}/a.png">',  # a necessary part running into the next tag
        '<a href="{filename}/b.md" data="{static}/c.csv">',  # two links in one tag
        '<a <b href="{static}/x">',  # a tag inside a tag
        '<p>a = "{static}/not-a-link"</p>',  # outside any tag's attributes
        "<img\nsrc = '|static|/a.png'>",
        '<a href="{static}/a\n.png">',  # the value cannot cross a line
        '<span class="katex">' * 50 + '<a href="{index}">' + "</span>" * 50,
    ],
)
def test_same_matches_as_pelican(text):
    same(text)


def test_same_matches_on_random_html():
    rng = random.Random(11)
    for _ in range(20_000):
        same("".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 40))))


def test_necessary_part_follows_the_setting():
    assert necessary_part(r"\[(?P<what>\w+)\]").search('<a href="[static]/a.png">')
    assert not necessary_part(r"\[(?P<what>\w+)\]").search('<a href="{static}/a.png">')


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/jekyll-corpus")
def test_same_matches_on_real_pages():
    pages = sorted((CORPUS.parent / "jekyll-html").glob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text()
        # Real pages, with the links local_images writes put in at every image and link.
        same(html.replace('src="/', 'src="{static}/').replace('href="/', 'href="{filename}/'))
        same(html)
