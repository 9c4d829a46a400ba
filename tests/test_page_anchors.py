"""Links within a page that land nowhere: a warning with the line, and the link sent to the one
id it spells up to case and punctuation."""

from __future__ import annotations

from tests.test_mathjax_compat import read  # noqa: F401 (the fixture)

POST = """---
title: A post
---

See [Code](##Code), [the example](#Example), [nowhere](#no-such-place) and [top](#top).
Also [a note](#fn:a), [refs](#references), [ok](#code) and `[x](#in-code)`.

## Code

Text[^a].

## Example {#example}

## example again

[^a]: A note.
"""


def test_links_to_missing_ids_are_reported_and_the_misspelt_ones_mended(read):  # noqa: F811
    path, (content, metadata) = read(POST)
    assert '<a href="#code">Code</a>' in content and '<a href="#example">the example</a>' in content
    assert '<a href="#no-such-place">nowhere</a>' in content and '<a href="#top">top</a>' in content
    assert metadata["author_warnings"] == [
        f"{path}:5: link '##Code': no such id on the page; it now goes to '#code'",
        f"{path}:5: link '#Example': no such id on the page; it now goes to '#example'",
        f"{path}:5: link '#no-such-place' goes to no id on the page (Jekyll publishes it broken)",
    ]


def test_a_link_that_spells_two_ids_is_left_as_written(read):  # noqa: F811
    path, (content, metadata) = read("---\ntitle: T\n---\n\n[x](#A-B)\n\n## One {#a-B}\n\n## Two {#A-b}\n")
    assert '<a href="#A-B">x</a>' in content
    assert metadata["author_warnings"] == [
        f"{path}:5: link '#A-B' goes to no id on the page (Jekyll publishes it broken)"
    ]
