"""Each article's and page's URL, worked out once per build instead of at every use.

Pelican computes `content.url` afresh each time a template or plugin reads it:
a copy of the metadata, a relative path, a format (about 45 µs). This theme reads
a post's URL about 18 times a build (its page, the neighbours' links, index and
archive pages, tag and category pages, the sitemap, the feeds): 0.8 s a build
at 1,000 posts. Once every reader has run, nothing changes a URL, so it is kept
as Pelican's own `override_url`, which `Content.url` returns when present (a
post's `url:` front matter is kept the same way). `save_as` is left alone:
Pelican reads `override_save_as` as "this page may replace another file".
"""

from __future__ import annotations

import pelican
from pelican import signals

# Content.get_url_setting returns `override_url` when the object has one (pelican 4.12.0).
if pelican.__version__ != "4.12.0":
    raise ImportError(f"plugins/content_urls.py relies on pelican 4.12.0's override_url, not {pelican.__version__}'s")

# Every list of content objects Pelican 4.12's article and page generators keep.
KINDS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def keep_urls(generators) -> None:
    for generator in generators:
        for kind in KINDS:
            for content in getattr(generator, kind, None) or []:
                if not hasattr(content, "override_url"):
                    content.override_url = content.url


def register():
    # all_generators_finalized: every article and page exists with its final metadata,
    # and no page has been written yet.
    signals.all_generators_finalized.connect(keep_urls)
