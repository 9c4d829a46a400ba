"""```pseudocode fences typeset at build time (plugins/markdown/pseudocode.py): the algorithm's
caption, line numbers and maths as HTML, no script; a syntax error names the post and the line."""

from __future__ import annotations

import markdown
import pytest
from pelican.settings import read_settings

from plugins.jekyll.reader import JekyllMarkdownReader, SourceError
from plugins.markdown.pseudocode import PseudocodeError, PseudocodeExtension, find_blocks
from tests.conftest import ROOT

ALGORITHM = r"""\begin{algorithm}
\caption{Gate}
\begin{algorithmic}
\PROCEDURE{Gate}{$x, w$}
    \IF{$x > 0$}
        \STATE $y \gets x w$ \COMMENT{scale}
    \ENDIF
    \RETURN \CALL{Swish}{$y$}
\ENDPROCEDURE
\end{algorithmic}
\end{algorithm}"""


def convert(text: str, options: dict | None = None) -> tuple[str, list]:
    drawn = []

    def render(tex, display):
        drawn.append((tex, display))
        return f'<span class="katex">{tex}</span>'

    html = markdown.markdown(text, extensions=["fenced_code", PseudocodeExtension(render, options)])
    return html, drawn


def test_an_algorithm_is_typeset_with_its_caption_line_numbers_and_maths():
    html, drawn = convert(f"Before.\n\n```pseudocode\n{ALGORITHM}\n```\n\nAfter.\n")
    assert '<div class="pseudocode">' in html and "<pre" not in html and "<script" not in html
    assert '<span class="ps-keyword">Algorithm 1 </span>Gate' in html
    assert [n for n in range(1, 7) if f">{n}:</span>" in html] == [1, 2, 3, 4, 5, 6]  # line numbers
    assert '<span class="ps-funcname">Swish</span>' in html and "scale" in html
    assert drawn == [("x, w", False), ("x > 0", False), ("y \\gets x w", False), ("y", False)]
    assert html.index("Before.") < html.index("pseudocode") < html.index("After.")


def test_algorithms_are_numbered_in_order_and_the_sites_options_apply():
    html, _ = convert(f"```pseudocode\n{ALGORITHM}\n```\n\n```pseudocode\n{ALGORITHM}\n```\n", {"lineNumber": False})
    assert "Algorithm 1 " in html and "Algorithm 2 " in html and "ps-linenum" not in html


def test_fences_in_other_fences_comments_and_indented_code_stay_text():
    text = f"````\n```pseudocode\n{ALGORITHM}\n```\n````\n\n<!--\n```pseudocode\nbroken\n```\n-->\n"
    assert find_blocks(text.split("\n")) == []
    html, drawn = convert(text)
    assert "pseudocode" in html and "ps-root" not in html and drawn == []


def test_the_same_source_gives_the_same_bytes():
    text = f"```pseudocode\n{ALGORITHM}\n```\n"
    assert convert(text)[0] == convert(text)[0]


def test_a_syntax_error_names_the_line_it_is_on():
    broken = ALGORITHM.replace(r"\ENDIF", r"\ENDWHILE")
    with pytest.raises(PseudocodeError) as caught:
        convert(f"Intro.\n\n```pseudocode\n{broken}\n```\n")
    assert caught.value.line == 3 + 1 + broken.split("\n").index(r"    \ENDWHILE")
    assert caught.value.latex == r"\ENDWHILE" and "ENDWHILE" in caught.value.reason


def test_an_empty_block_is_an_error():
    with pytest.raises(PseudocodeError, match="empty"):
        convert("```pseudocode\n\n```\n")


def test_the_reader_fails_with_the_posts_file_and_line(tmp_path):
    reader = JekyllMarkdownReader(read_settings(str(ROOT / "pelicanconf.py")))
    post = tmp_path / "2026-01-02-algo.md"
    broken = ALGORITHM.replace(r"\ENDIF", r"\ENDWHILE")
    post.write_text(f"---\ntitle: T\n---\nText.\n\n```pseudocode\n{broken}\n```\n")
    line = 6 + 1 + broken.split("\n").index(r"    \ENDWHILE")
    with pytest.raises(SourceError, match=rf"2026-01-02-algo\.md:{line}: invalid pseudocode .*ENDWHILE"):
        reader.read(str(post))


def test_the_reader_draws_the_maths_with_katex_and_records_the_stylesheet(tmp_path):
    reader = JekyllMarkdownReader(read_settings(str(ROOT / "pelicanconf.py")))
    post = tmp_path / "2026-01-02-algo.md"
    post.write_text(f"---\ntitle: T\n---\nText.\n\n```pseudocode\n{ALGORITHM}\n```\n")
    html, meta = reader.read(str(post))
    assert html.count('<span class="katex">') == 4 and "\\gets" in html  # KaTeX's MathML keeps the TeX
    assert {"katex", "pseudocode"} <= set(meta["html_features"])
