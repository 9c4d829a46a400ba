"""`markdown="1"` inside raw HTML is Markdown, as kramdown reads it (its parser honours the
attribute at any depth); raw HTML around it stays raw."""

from __future__ import annotations

import markdown
from markdown.extensions.footnotes import FootnoteExtension

from plugins.markdown.nested_markdown import NestedMarkdownExtension
from tests.test_mathjax_compat import read  # noqa: F401 (the fixture)


def md(text: str) -> str:
    return markdown.markdown(text, extensions=["md_in_html", FootnoteExtension(), NestedMarkdownExtension()])


def test_a_caption_deep_in_raw_html_gets_its_emphasis_and_its_footnote():
    text = (
        '<div markdown="1" class="figure">\n<div>\n  <div class="images">\n'
        '    <img src="/a.png" alt="a">\n  </div>\n  <div>\n'
        '  <p markdown="1" class="caption">\nFigure 1: *Two paths*[^n].\n  </p>\n  <!-- a note -->\n'
        "  </div>\n</div>\n</div>\n\n[^n]: The paths.\n"
    )
    out = md(text)
    assert "<em>Two paths</em>" in out and 'href="#fn:n"' in out and 'id="fnref:n"' in out
    assert 'markdown="1"' not in out and "*Two" not in out
    assert '<img src="/a.png" alt="a">' in out  # the raw sibling is kept as written


def test_a_details_block_with_a_markdown_div_inside():
    out = md(
        "<details>\n  <summary>Click for *details*</summary>\n"
        '  <div markdown="1">\nSome **bold**.\n  </div>\n</details>\n'
    )
    assert "<strong>bold</strong>" in out
    assert "<summary>Click for *details*</summary>" in out  # raw, as kramdown leaves it


def test_raw_text_around_a_markdown_element_stays_raw():
    out = md('<div>\nsome *text* here\n<p markdown="1">*inner*</p>\n</div>\n')
    assert "some *text* here" in out and "<p><em>inner</em></p>" in out
    assert out.index("<div>") < out.index("some") < out.index("inner") < out.index("</div>")


def test_html_in_code_is_not_touched():
    text = 'Text.\n\n    <div>\n    <p markdown="1">*code*</p>\n    </div>\n\n`<div><p markdown="1">x</p></div>`\n'
    assert md(text) == markdown.markdown(text, extensions=["md_in_html", FootnoteExtension()])


def test_a_post_with_maths_in_a_nested_caption(read):  # noqa: F811
    text = (
        '---\ntitle: A post\n---\n\n<figure>\n  <img src="/a.png" alt="a">\n'
        '  <figcaption class="caption" markdown="1">\nThe map $$T$$ pushes *forward*[^p].\n  </figcaption>\n'
        "</figure>\n\n[^p]: A footnote.\n"
    )
    _, (content, _) = read(text)
    assert "<em>forward</em>" in content and 'class="katex"' in content
    assert 'href="#fn:p"' in content and "$$" not in content
