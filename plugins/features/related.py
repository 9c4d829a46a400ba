"""Related posts: up to four that share the most tags with a post, then its category.

Computed once all articles are read (`article_generator_finalized`), for the article
template's "Related posts" list. A candidate's score is (tags shared, same category); a
post with neither is never related. Ties go to the newer post, then to the URL, so the
list is the same in every build of the same posts. Drafts and hidden posts are not
among the generator's articles, so they are never listed.

Posts with the same tags and category have the same ranking, so it is computed once per
such group (a thousand-post blog has far fewer groups than posts).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

MOST = 4


@dataclass(frozen=True)
class _Entry:
    tags: frozenset[str]
    category: str
    order: tuple  # newer first, then by URL
    article: object


def _entry(article) -> _Entry:
    tags = frozenset(str(t) for t in getattr(article, "tags", None) or ())
    category = str(getattr(article, "category", "") or "")
    return _Entry(tags, category, (-article.date.timestamp(), article.url), article)


def _ranked(tags: frozenset[str], category: str, entries: list[_Entry], count: int) -> list[_Entry]:
    """The `count` best entries for a post with these tags and category."""

    def key(e: _Entry) -> tuple:
        return (-len(tags & e.tags), -int(bool(category) and e.category == category), e.order)

    scored = (e for e in entries if (tags & e.tags) or (category and e.category == category))
    return heapq.nsmallest(count, scored, key=key)


def related_to(article, others: list) -> list:
    """Up to MOST of `others` related to `article` (never itself, nor a post at its URL)."""
    me = _entry(article)
    entries = [_entry(o) for o in others if o is not article and o.url != article.url]
    return [e.article for e in _ranked(me.tags, me.category, entries, MOST)]


def link_related(generator) -> None:
    entries = [_entry(a) for a in generator.articles]
    groups: dict[tuple, list[_Entry]] = {}
    for entry in entries:
        signature = (entry.tags, entry.category)
        if signature not in groups:  # one post more than shown, in case the post itself is among them
            groups[signature] = _ranked(entry.tags, entry.category, entries, MOST + 1)
        best = [e.article for e in groups[signature] if e.article is not entry.article]
        entry.article.related_posts = [a for a in best if a.url != entry.article.url][:MOST]
