"""The key a page is kept under (plugins/incremental/page_keys.py) changes with whatever the
page shows: its own HTML and metadata, its neighbours' titles, the settings, the template."""

from __future__ import annotations

import copy
import datetime
import subprocess
import sys

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from plugins.incremental.page_keys import Keys
from tests.conftest import ROOT


def article(text: str = "<p>Hello</p>", title: str = "A post", **extra) -> Article:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    metadata = {"title": title, "date": datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC), **extra}
    return Article(text, metadata=metadata, settings=settings, source_path=f"/site/{title}.md", context={})


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys(str(ROOT / "theme"))


def key(keys: Keys, post: Article, context: dict | None = None, template: str = "article.html", **arguments) -> str:
    return keys.of(post, template, context if context is not None else {"SITENAME": "Blog"}, arguments)


def test_the_same_post_gets_the_same_key(keys):
    assert key(keys, article()) == key(keys, article())


def test_the_key_changes_with_the_posts_html_metadata_and_template(keys):
    base = key(keys, article())
    assert key(keys, article("<p>Hello!</p>")) != base
    assert key(keys, article(title="Another title")) != base
    assert key(keys, article(subtitle="Now with a subtitle")) != base
    assert key(keys, article(), template="page.html") != base
    assert key(keys, article(), category="notes") != base


def test_the_key_changes_with_what_it_shows_of_other_posts(keys):
    post, neighbour = article(), article(title="Neighbour")
    post.next_article = neighbour
    before = key(keys, post)
    neighbour.title = "Neighbour, renamed"
    assert key(keys, post) != before
    neighbour.title = "Neighbour"
    assert key(keys, post) == before
    post.related_posts = [neighbour]
    assert key(keys, post) != before


def test_the_key_changes_with_settings_but_not_with_where_the_build_writes(keys):
    post = article()
    base = key(keys, post, {"SITENAME": "Blog", "OUTPUT_PATH": "/tmp/a"})
    assert key(keys, post, {"SITENAME": "Blog", "OUTPUT_PATH": "/tmp/b"}) == base
    assert key(keys, post, {"SITENAME": "Another blog", "OUTPUT_PATH": "/tmp/a"}) != base
    assert key(keys, post, {"SITENAME": "Blog", "OUTPUT_PATH": "/tmp/a", "DIAGRAM_FONT_URL": "/f.woff2"}) != base


def test_a_key_is_the_same_in_another_process():
    code = (
        "from tests.test_page_keys import article, key; from plugins.incremental.page_keys import Keys; "
        f"print(key(Keys({str(ROOT / 'theme')!r}), article()))"
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    }
    assert len(runs) == 1 and len(runs.pop().strip()) == 64
