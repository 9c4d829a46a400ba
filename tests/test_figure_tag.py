"""Where `{% figure ID %}` may stand: alone on its line with an id; elsewhere an error, except in code."""

from __future__ import annotations

import markdown
import pytest

from plugins.markdown.figure_tag import FigureTagError, FigureTagExtension


def md(text: str) -> str:
    return markdown.markdown(text, extensions=[FigureTagExtension(), "pymdownx.superfences"])


@pytest.mark.parametrize(
    "text, line",
    [
        ("Intro.\n\nAs {% figure ellipse %} shows, it turns.\n", 3),
        ("Intro.\n\n{% figure %}\n", 3),
        ("{% figure ellipse %} and more\n", 1),
        ("Intro.\n{%figure%}\n", 2),
    ],
)
def test_a_figure_tag_inside_a_sentence_or_without_an_id_names_its_line(text, line):
    with pytest.raises(FigureTagError, match=rf"line {line}: .*a figure tag stands alone on its line"):
        md(text)


def test_a_figure_tag_in_code_stays_text():
    assert "{% figure ellipse %} shows" in md("Write `{% figure ellipse %} shows` to embed one.\n")
    assert "{% figure %}" in md("```\nAs {% figure %} here\n```\n")


def test_a_figure_id_is_never_a_path(tmp_path, monkeypatch):
    # An unknown id is refused before any file is looked at, so a post cannot learn whether
    # some `*.meta.json` exists on the build machine.
    from plugins.markdown import figure_tag

    looked = []
    monkeypatch.setattr(
        figure_tag.Path, "stat", lambda self, **kw: looked.append(self) or (_ for _ in ()).throw(OSError)
    )
    with pytest.raises(figure_tag.FigureTagError, match="unknown figure id '../../../tmp/x'"):
        figure_tag.figure_html("../../../tmp/x", 3, tmp_path, "")
    assert looked == []
