"""Cite this post (plugins/features/cite_post.py), related posts (plugins/features/related.py)
and the copy buttons' script size: plain objects, no build."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from plugins.assets.minify import MINIFIERS
from plugins.features.cite_post import cite_facts
from plugins.features.related import related_to
from tests.conftest import ROOT


def post(url, tags=(), category="", day=1, **extra):
    return SimpleNamespace(url=url, tags=list(tags), category=category, date=dt.datetime(2026, 1, day), **extra)


def test_the_bibtex_entry_and_scholar_facts():
    settings = {"SITEURL": "https://example.org", "AUTHOR": "Site"}
    content = post(
        "2026/01/05/gates/", day=5, title="Gates &amp; <em>50%</em> of $x_i$", authors=["Ada Lovelace", "Émile Borel"]
    )
    content.settings, content.metadata = settings, {"pdf": "assets/gates.pdf"}
    facts = cite_facts(content)
    assert facts["title"] == "Gates & 50% of $x_i$" and facts["date"] == "2026/01/05"
    assert facts["authors"] == ["Ada Lovelace", "Émile Borel"]
    assert facts["pdf_url"] == "https://example.org/assets/gates.pdf"
    assert facts["bibtex"] == (
        "@online{lovelace2026gates,\n"
        "  author = {Ada Lovelace and Émile Borel},\n"
        "  title = {{Gates \\& 50\\% of \\$x\\_i\\$}},\n"
        "  year = {2026},\n"
        "  month = jan,\n"
        "  url = {https://example.org/2026/01/05/gates/}\n"
        "}"
    )
    content.authors, content.metadata = [], {}
    assert cite_facts(content)["authors"] == ["Site"] and cite_facts(content)["pdf_url"] is None


def test_related_posts_rank_by_shared_tags_then_category_then_date():
    me = post("me", ["a", "b", "c"], "ml")
    others = [
        post("one-tag", ["a"], "other", day=9),
        post("two-tags", ["a", "b"], "other", day=2),
        post("one-tag-same-category", ["c"], "ml", day=3),
        post("category-only", [], "ml", day=4),
        post("nothing", ["z"], "other", day=5),
        post("one-tag-older", ["b"], "other", day=1),
        post("one-tag-twin", ["b"], "other", day=9),
    ]
    ranked = [p.url for p in related_to(me, [me, *others])]
    assert ranked == ["two-tags", "one-tag-same-category", "one-tag", "one-tag-twin"]
    assert ranked == [p.url for p in related_to(me, list(reversed([me, *others])))]  # stable, whatever the order
    assert related_to(post("alone", ["q"]), others) == []


def test_the_copy_buttons_script_is_under_one_kilobyte():
    source = (ROOT / "theme" / "static" / "js" / "code-copy.js").read_text()
    assert len(MINIFIERS[".js"](source).encode()) < 1000
