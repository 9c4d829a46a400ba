"""Reading time and previous/next links for articles.

Reading time counts the words a reader reads (prose, not the markup of
formulas, figures or diagrams) at 230 words a minute, plus 12 seconds per
formula and 30 per figure, since readers stop at those. Neighbours follow the
articles' dates: `previous_article` is older, `next_article` newer.
"""

from __future__ import annotations

import math
import re

from bs4 import BeautifulSoup
from pelican import signals

WORDS_PER_MINUTE = 230
SECONDS_PER_FORMULA = 12
SECONDS_PER_FIGURE = 30


def reading_minutes(html: str) -> int:
    doc = BeautifulSoup(html, "html.parser")
    formulas = len(doc.select(".katex"))
    figures = len(doc.select("figure.figure, .mermaid, figure:not(.figure) img"))
    for skip in doc.select(".katex, .mermaid, figure, .references, script, style"):
        skip.decompose()
    words = len(re.findall(r"\w+", doc.get_text(" ")))
    seconds = words / WORDS_PER_MINUTE * 60 + formulas * SECONDS_PER_FORMULA + figures * SECONDS_PER_FIGURE
    return max(1, math.ceil(seconds / 60))


def add_reading_time(content) -> None:
    content.reading_minutes = reading_minutes(content._content or "")


def link_neighbours(generator) -> None:
    articles = sorted(generator.articles, key=lambda a: (a.date, a.slug))
    for i, article in enumerate(articles):
        article.previous_article = articles[i - 1] if i > 0 else None
        article.next_article = articles[i + 1] if i + 1 < len(articles) else None


def register():
    # content_object_init: the final HTML of each article (citations added before: plugin order).
    signals.content_object_init.connect(add_reading_time)
    # article_generator_finalized: all articles are known, so each can point at its neighbours.
    signals.article_generator_finalized.connect(link_neighbours)
