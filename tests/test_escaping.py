"""Templates autoescape: front-matter text comes out escaped exactly once on every page."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_content, run_build, write_settings

TITLE = "<script>alert(1)</script> Q&A"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; Q&amp;A"


@pytest.mark.build
def test_a_title_with_script_and_ampersand_is_escaped_exactly_once(tmp_path):
    content = copy_content(tmp_path / "content")
    (content / "posts" / "2026-11-27-qa.md").write_text(
        f'---\ntitle: "{TITLE}"\nsubtitle: "Fish & chips"\ncategory: "R&D"\ntags: [a&b]\n---\n\nText & more.\n'
    )
    output = tmp_path / "output"
    result = run_build(write_settings(tmp_path, content), output)
    assert result.returncode == 0, result.stdout + result.stderr
    post = output / "2026/11/27/qa/index.html"
    pages = [
        post,
        output / "index.html",
        output / "archives/index.html",
        output / "2026/11/26/swiglu-intuition/index.html",
    ]
    for page in pages:
        html = page.read_text()
        assert ESCAPED in html, page
        assert "<script>alert" not in html and "&amp;lt;" not in html and "&amp;amp;" not in html, page
    doc = BeautifulSoup(post.read_text(), "html.parser")
    assert doc.select_one(".post-header h1").get_text() == TITLE
    assert doc.title.get_text().startswith(TITLE)
    assert doc.select_one('meta[property="og:title"]')["content"] == TITLE
    assert doc.select_one(".subtitle").get_text() == "Fish & chips"
    assert "R&amp;D" in post.read_text() and "#a&amp;b" in post.read_text()
    assert "<p>Text &amp; more.</p>" in post.read_text()  # rendered content is not escaped twice
