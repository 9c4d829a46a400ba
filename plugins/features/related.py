"""Related posts: up to four that share the most tags with a post, then its category.

Computed once all articles are read (`article_generator_finalized`), for the article
template's "Related posts" list. A candidate's score is (tags shared, same category); a
post with neither is never related. Ties go to the newer post, then to the URL, so the
list is the same in every build of the same posts. Drafts and hidden posts are not
among the generator's articles, so they are never listed.
"""

from __future__ import annotations

MOST = 4


def related_to(article, others: list) -> list:
    tags = {str(t) for t in getattr(article, "tags", None) or ()}
    category = str(getattr(article, "category", "") or "")

    def score(other) -> tuple[int, int]:
        shared = len(tags & {str(t) for t in getattr(other, "tags", None) or ()})
        return shared, int(bool(category) and str(getattr(other, "category", "") or "") == category)

    ranked = [(score(o), o) for o in others if o is not article and o.url != article.url]
    ranked = [(s, o) for s, o in ranked if s != (0, 0)]
    ranked.sort(key=lambda so: (-so[0][0], -so[0][1], -so[1].date.timestamp(), so[1].url))
    return [o for _, o in ranked[:MOST]]


def link_related(generator) -> None:
    articles = list(generator.articles)
    for article in articles:
        article.related_posts = related_to(article, articles)
