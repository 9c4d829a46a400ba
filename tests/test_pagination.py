"""Listing pages of a blog with more posts than a page holds: ten a page, newer and older links."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import run_build, write_settings
from tools.blog_fixture import make_blog


@pytest.mark.build
def test_index_and_tag_pages_hold_ten_posts_and_link_the_next_page(tmp_path):
    blog = make_blog(tmp_path / "content", 12, swiglu_only=True)
    output = tmp_path / "output"
    result = run_build(write_settings(tmp_path, blog.content), output)
    assert result.returncode == 0, result.stderr
    for first in ("index.html", "tag/maths/index.html"):
        page = BeautifulSoup((output / first).read_text(), "html.parser")
        assert len(page.select(".post-list li")) == 10, first
        older = page.select_one("nav.pagination a")
        assert older.get_text() == "Older posts", first
        second = BeautifulSoup((output / older["href"].lstrip("/")).read_text(), "html.parser")
        assert len(second.select(".post-list li")) == 2, older["href"]
        assert [a.get_text() for a in second.select("nav.pagination a")] == ["Newer posts"]
