"""Reading time and previous/next links for articles.

Reading time is the counts of plugins/markdown/reading_counts.py at 230 words a minute, plus
12 seconds per formula and 30 per figure, since readers stop at those. Neighbours follow
the articles' dates: `previous_article` is older, `next_article` newer.
"""

from __future__ import annotations

from plugins.markdown.reading_counts import minutes, reading_counts


def add_reading_time(content) -> None:
    counts = content.metadata.get("reading_counts")  # from the Markdown step
    if counts is None:  # content from a reader without the extension
        counts = reading_counts(content._content or "")
    content.reading_minutes = minutes(counts)


def link_neighbours(generator) -> None:
    articles = sorted(generator.articles, key=lambda a: (a.date, a.slug))
    for i, article in enumerate(articles):
        article.previous_article = articles[i - 1] if i > 0 else None
        article.next_article = articles[i + 1] if i + 1 < len(articles) else None
