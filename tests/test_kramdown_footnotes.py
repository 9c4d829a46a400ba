"""Footnotes as kramdown lists them: in citing order, a footnote never cited left out with a warning."""

from __future__ import annotations

import re

from tests.test_mathjax_compat import read  # noqa: F401 (the fixture)

POST = """---
title: A post
---

First[^b] then[^a] and again[^b].

[^a]: Note a.
[^unused]: Never cited.
[^b]: Note b.
"""


def test_footnotes_are_numbered_as_cited_and_an_uncited_one_is_left_out(read):  # noqa: F811
    path, (content, metadata) = read(POST)
    assert re.findall(r'href="#fn:(\w+)">(\d)</a>', content) == [("b", "1"), ("a", "2"), ("b", "1")]
    assert re.findall(r'<li id="fn:(\w+)">', content) == ["b", "a"]
    assert "Never cited" not in content and "#fnref:unused" not in content
    assert metadata["author_warnings"] == [
        f"{path}:8: footnote [^unused] is never cited in the text: left out, as Jekyll does"
    ]


def test_a_page_whose_only_footnote_is_never_cited_has_no_footnote_list(read):  # noqa: F811
    _, (content, metadata) = read("---\ntitle: A post\n---\n\nText.\n\n[^x]: Alone.\n")
    assert 'class="footnote"' not in content and "Alone" not in content
    assert len(metadata["author_warnings"]) == 1
