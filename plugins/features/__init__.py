"""What the site does with the posts once they are read: citations, reading time, cards, figure pages, search.

| signal | handler | reads → writes |
|---|---|---|
| `get_generators` | `figure_pages.get_generators` | → a generator writing `/figures/ID/` for each interactive figure |
| `content_object_init` | `citations.add_citations` | links to papers and `<d-cite>` → numbered citations and References (the post's `bibliography:` or `references.bib`) |
| `content_object_init` | `sidenotes.add_sidenotes` | each footnote of paragraphs → a copy beside its mark, for wide screens' margins |
| `content_object_init` | `cite_post.add_cite_facts` | an article → `cite_facts`: Scholar's `citation_*` facts and a BibTeX entry |
| `content_object_init` | `page_features.attach_features` | the reader's record → which optional CSS and scripts the page links |
| `content_object_init` | `reading.add_reading_time` | the reader's counts → `reading_minutes` |
| `article_generator_finalized` | `reading.link_neighbours` | the articles by date → `previous_article`, `next_article` |
| `article_generator_finalized` | `related.link_related` | the articles' tags and categories → each one's `related_posts` (up to four) |
| `article_generator_finalized` | `social_cards.name_cards` | → each article's card URL, for its OpenGraph tags |
| `all_generators_finalized` | `output_paths.check` | every planned output → an error naming both sources of one file |
| `article_writer_finalized` | `social_cards.write_cards` | → `social/*.png` (1200×630) |
| `article_writer_finalized` | `search.index_articles` | the written article pages → Pagefind, indexing once Pelican is done |
| `article_writer_finalized`, `page_writer_finalized` | `responsive_images.write_derived` (plugins/markdown) | the WebP sizes posts' `srcset`s ask for → beside their images |
| `feed_generated` | `figure_tag.feed_pictures` (plugins/markdown) | feeds → a figure's plain static picture |

Citations run before the page facts and the reading time, as they change the page's HTML.
"""

from pelican import signals

from plugins.features import (
    citations,
    cite_post,
    figure_pages,
    output_paths,
    page_features,
    reading,
    related,
    search,
    sidenotes,
    social_cards,
)
from plugins.markdown.figure_tag import feed_pictures
from plugins.markdown.responsive_images import write_derived


def register():
    signals.get_generators.connect(figure_pages.get_generators)
    signals.content_object_init.connect(citations.add_citations)
    signals.content_object_init.connect(sidenotes.add_sidenotes)
    signals.content_object_init.connect(cite_post.add_cite_facts)
    signals.content_object_init.connect(page_features.attach_features)
    signals.content_object_init.connect(reading.add_reading_time)
    signals.article_generator_finalized.connect(reading.link_neighbours)
    signals.article_generator_finalized.connect(related.link_related)
    signals.article_generator_finalized.connect(social_cards.name_cards)
    signals.all_generators_finalized.connect(output_paths.check)
    signals.article_writer_finalized.connect(social_cards.write_cards)
    signals.article_writer_finalized.connect(search.index_articles)
    signals.article_writer_finalized.connect(write_derived)
    signals.page_writer_finalized.connect(write_derived)
    signals.feed_generated.connect(feed_pictures)
