"""kramdown's block syntax (attribute lists, {:toc}, GFM heading ids, 2-space list items)
with plain markdown.markdown."""

from __future__ import annotations

import markdown
import pytest
from markdown.extensions.toc import TocExtension

from plugins.markdown.kramdown_blocks import KramdownBlocksExtension, gfm_slug


def md(text: str) -> str:
    extensions = [KramdownBlocksExtension(), "attr_list", "footnotes", "pymdownx.superfences", "tables"]
    extensions.append(TocExtension(slugify=gfm_slug))
    return markdown.markdown(text, extensions=extensions)


def test_an_attribute_list_under_a_block_styles_that_block():
    out = md('![x](/a.png)\n{: style="width: 80%;" class="center"}\n\nNext.')
    assert '<p class="center" style="width: 80%;"><img alt="x" src="/a.png" /></p>' in out


def test_an_attribute_list_over_a_block_styles_the_next_block():
    assert '<p class="info">Styled.</p>' in md("Before.\n\n{:.info}\nStyled.\n")
    assert '<p class="info">Styled.</p>' in md("{: .info}\nStyled.\n")
    assert '<ul class="steps">' in md('{: class="steps"}\n- a\n- b\n')


def test_an_id_on_a_heading_replaces_the_generated_one():
    out = md("## A heading\n{: #custom}\n\ntext")
    assert '<h2 id="custom">A heading</h2>' in out


def test_span_attributes_on_links():
    assert '<a href="http://x.org" target="_blank">x</a>' in md('[x](http://x.org){:target="_blank"}')


def test_the_toc_placeholder_list_is_removed_and_flagged():
    mdx = markdown.Markdown(extensions=[KramdownBlocksExtension(), "attr_list"])
    out = mdx.convert('Intro\n\n{: class="table-of-content"}\n* TOC\n{:toc}\n\n## One\n')
    assert "TOC" not in out and "table-of-content" not in out and "{:" not in out
    assert mdx.kramdown_toc is True


@pytest.mark.parametrize(
    "title, slug",
    [
        ("What isn’t happening", "what-isnt-happening"),
        ("Kullback–Leibler and Jensen–Shannon Divergence", "kullbackleibler-and-jensenshannon-divergence"),
        ("Generative Adversarial Network (GAN)", "generative-adversarial-network-gan"),
        ("VQ-VAE and VQ-VAE-2", "vq-vae-and-vq-vae-2"),
        ("β-VAE", "β-vae"),
    ],
)
def test_heading_ids_as_kramdown_gfm_makes_them(title, slug):
    assert gfm_slug(title) == slug
    assert f'id="{slug}"' in md(f"## {title}\n")


def test_list_items_indented_two_spaces_keep_fenced_code_and_paragraphs():
    out = md("- item one\n  continued\n\n  ```python\n  x = 1\n  ```\n- item two\n  - nested\n\n1. first\n\n   more\n")
    items = out.split("<li>")
    assert 'class="highlight"' in items[1] and "item two" not in items[1]
    assert "<ul>\n<li>nested</li>" in out
    assert "<p>more</p>" in out


def test_footnotes():
    out = md("Text[^1].\n\n[^1]: A note.\n")
    assert 'class="footnote"' in out and "A note." in out


def test_fenced_code_keeps_attribute_lists_as_text():
    assert "{: .info}" in md("```\n{: .info}\n```\n")


def test_a_list_a_table_or_a_fence_may_interrupt_a_paragraph_as_in_gfm():
    out = md("Intro:\n- a\n- b\n\nCode:\n```\nx\n```\nAfter.\n\nTable:\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    assert "<p>Intro:</p>\n<ul>" in out and "<p>Code:</p>" in out and "<p>After.</p>" in out
    assert "<p>Table:</p>\n<table>" in out


def test_kramdown_tables_may_open_or_close_with_a_rule():
    out = md("| --- | --- |\n| A | B |\n| --- | --- |\n| 1 | 2 |\n| --- | --- |\n")
    assert out.count("<tr>") == 2 and "<th>A</th>" in out and "---" not in out


def test_an_item_indented_past_its_parents_marker_is_nested():
    out = md("1. first:\n  - sub a\n  - sub b\n2. second\n")
    assert out.startswith("<ol>\n<li>first:<ul>\n<li>sub a</li>")


def test_repeated_headings_and_headings_with_maths_get_kramdowns_ids():
    # What kramdown 2.4 (GFM) makes of the same headings: a-b-c, a-b-c-1, see-this-and-beta-vae.
    from plugins.markdown.kramdown_math import KramdownMathExtension

    def katex_like(latex, display):
        return f'<span class="katex"><annotation encoding="application/x-tex">{latex}</annotation>x</span>'

    text = "## A *b* `c`\n\n## A *b* `c`\n\n## See [this](http://x.org) and $$\\beta$$-VAE\n"
    extensions = [KramdownMathExtension(katex_like), KramdownBlocksExtension(), TocExtension(slugify=gfm_slug)]
    out = markdown.markdown(text, extensions=extensions)
    ids = [part.split('"')[0] for part in out.split('<h2 id="')[1:]]
    assert ids == ["a-b-c", "a-b-c-1", "see-this-and-beta-vae"]


# ------------------------------------------------ kramdown's {::comment} and {::nomarkdown}


def test_a_comment_block_or_span_is_left_out_of_the_page():
    out = md("Before.\n\n{::comment}\nA *hidden* note --> <b>x</b>\n{:/comment}\n\nAfter.\n")
    assert out == "<p>Before.</p>\n<p>After.</p>"
    assert md("Shown {::comment}hidden{:/comment} too, {::comment /}end.") == "<p>Shown  too, end.</p>"
    assert "hidden" not in md("{::comment}\nhidden\n{:/}\n")


def test_a_nomarkdown_body_is_passed_through_without_markdown():
    out = md('Before.\n{::nomarkdown}\n<div class="raw">*not emphasis* $x$</div>\n{:/nomarkdown}\nAfter.\n')
    assert out == '<p>Before.</p>\n<div class="raw">*not emphasis* $x$</div>\n<p>After.</p>'
    assert md("An {::nomarkdown}<kbd>*k*</kbd>{:/} key.") == "<p>An <kbd>*k*</kbd> key.</p>"
    assert md('{::nomarkdown type="latex"}\n\\newpage\n{:/}\n\nText.') == "<p>Text.</p>"  # not for HTML


def test_extension_tags_in_code_stay_text():
    assert "{::comment}" in md("```\n{::comment}\nkept\n```\n")
    assert "<code>{::comment}</code> kept" in md("Write `{::comment}` kept.")


def test_an_extension_never_closed_names_its_line():
    from plugins.markdown.kramdown_blocks import KramdownExtensionError

    with pytest.raises(KramdownExtensionError, match=r"line 3: \{::comment\} is never closed by \{:/comment\}"):
        md("Text.\n\n{::comment}\nhidden forever\n")


def test_extensions_keep_the_line_numbers_of_what_follows():
    from plugins.markdown.kramdown_blocks import kramdown_extensions

    text = "a\n{::comment}\nx\ny\n{:/comment}\nb {::nomarkdown}\n<i>\n</i>{:/} c\n\n{::nomarkdown}\n<hr>\n{:/}\nend\n"
    out = kramdown_extensions(text, lambda raw: "RAW")
    assert out.count("\n") == text.count("\n") and out.split("\n")[-2] == "end"
    assert "x" not in out and out.count("RAW") == 2
