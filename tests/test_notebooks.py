"""Notebook posts (plugins/notebooks) read in-process from small notebooks made here with nbformat."""

from __future__ import annotations

import base64
import io
import json

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell
from pelican.settings import read_settings

from plugins.jekyll.front_matter import SourceError
from plugins.notebooks.plotly_figures import TraceNotBundled, check_traces, site_spec
from plugins.notebooks.reader import NotebookReader, load
from tests.conftest import ROOT


@pytest.fixture
def reader(tmp_path):
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"PATH": str(tmp_path), "NOTEBOOK_FREEZE": str(tmp_path / "freeze"), "SITEURL": ""},
    )
    return NotebookReader(settings)


def read(reader, tmp_path, cells, name="2026-01-02-a-notebook.ipynb", **metadata):
    path = tmp_path / name
    nbformat.write(new_notebook(cells=cells, metadata=metadata), str(path))
    content, meta = reader.read(str(path))
    return BeautifulSoup(content, "html.parser"), meta


def png(width=30, height=20) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def display(data, kind="display_data"):
    extra = {"execution_count": 1} if kind == "execute_result" else {}
    return new_output(kind, data=data, **extra)


def test_front_matter_from_a_raw_yaml_cell(reader, tmp_path):
    doc, meta = read(reader, tmp_path, [new_raw_cell("---\ntitle: Raw\ntags: [ml]\n---"), new_markdown_cell("Body.")])
    assert meta["title"] == "Raw" and [str(t) for t in meta["tags"]] == ["ml"]
    assert doc.get_text().strip() == "Body."


def test_front_matter_from_a_fastpages_cell_and_the_metadata(reader, tmp_path):
    first = new_markdown_cell('# "Fast title"\n> A summary.\n\n- tags: [a, b]\n\nThe text.')
    doc, meta = read(reader, tmp_path, [first], subtitle="From metadata")
    assert meta["title"] == "Fast title" and meta["summary"] == "A summary."
    assert [str(t) for t in meta["tags"]] == ["a", "b"] and meta["subtitle"] == "From metadata"
    assert doc.get_text().strip() == "The text."  # the front-matter lines left the body


def test_markdown_cells_get_maths_footnotes_anchors_and_liquid(reader, tmp_path):
    cells = [
        new_raw_cell("---\ntitle: T\n---"),
        new_markdown_cell("## A heading\n\n$$x^2$$ and {{ 1 | plus: 1 }} and a note[^n].\n\n[^n]: Said."),
    ]
    doc, meta = read(reader, tmp_path, cells)
    assert doc.select_one("h2#a-heading") and doc.select_one(".katex") and doc.select_one(".footnote-ref")
    assert "and 2 and" in doc.get_text()
    assert [t["id"] for t in meta["toc"]] == ["a-heading"]
    cells[0] = new_raw_cell("---\ntitle: T\nrender_with_liquid: false\n---")
    doc, _ = read(reader, tmp_path, cells)
    assert "{{ 1 | plus: 1 }}" in doc.get_text()


@pytest.mark.parametrize(
    "source, shown, outputs, folded",
    [
        ("x = 1", True, True, None),
        ("#| echo: false\nx = 1", False, True, None),
        ("#hide\nx = 1", False, False, None),
        ("# hide\nx = 1", False, False, None),
        ("#hide_input\nx = 1", False, True, None),
        ("#hide_output\nx = 1", True, False, None),
        ("#| output: false\nx = 1", True, False, None),
        ("#collapse-hide\nx = 1", True, True, "closed"),
        ("#collapse-show\nx = 1", True, True, "open"),
        ("#| code-fold: true\nx = 1", True, True, "closed"),
    ],
)
def test_code_cell_flags(reader, tmp_path, source, shown, outputs, folded):
    cell = new_code_cell(source, outputs=[new_output("stream", name="stdout", text="printed\n")])
    doc, _ = read(reader, tmp_path, [new_raw_cell("---\ntitle: T\n---"), cell])
    code = doc.select_one(".notebook-input .highlight")
    assert bool(code) == shown
    if shown:
        assert code.get_text().strip() == "x = 1"  # the flag lines are not shown
    assert bool(doc.select_one("pre.notebook-stream")) == outputs
    details = doc.select_one("details.notebook-fold")
    assert (None if details is None else "open" if details.has_attr("open") else "closed") == folded


def test_html_outputs_are_sanitised_and_scripted_ones_become_a_note_or_their_picture(reader, tmp_path):
    td = '<td onclick="steal()" style="color: red; background: url(//x.org/a)">1</td>'
    table = f'<table class="dataframe"><tr>{td}</tr></table>'
    cells = [
        new_raw_cell("---\ntitle: T\n---"),
        new_code_cell("df", outputs=[display({"text/html": table, "text/plain": "df"}, "execute_result")]),
        new_code_cell("chart", outputs=[display({"text/html": "<div id=v></div><script>vega()</script>"})]),
        new_code_cell("w", outputs=[display({"application/vnd.jupyter.widget-view+json": {}, "image/png": png()})]),
    ]
    doc, meta = read(reader, tmp_path, cells)
    td = doc.select_one(".notebook-html td")
    assert td.get_text() == "1" and not td.has_attr("onclick") and "url(" not in td.get("style", "")
    assert not doc.select("script") and "vega" not in str(doc)
    assert doc.select_one(".notebook-note")
    assert any("cell 3, output 1" in w and "needs scripts" in w for w in meta["author_warnings"])
    assert doc.select(".notebook-cell")[2].select_one("img")  # the widget's PNG sibling


def test_pictures_become_files_with_their_size_never_base64(reader, tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10" onload="x()"><script>x()</script></svg>'
    cells = [
        new_raw_cell("---\ntitle: T\n---"),
        new_code_cell("plot", outputs=[display({"image/png": png(30, 20), "text/plain": "<Figure>"})]),
        new_code_cell("svg", outputs=[display({"image/svg+xml": svg})]),
    ]
    doc, meta = read(reader, tmp_path, cells)
    assert "base64" not in str(doc)
    imgs = doc.select(".notebook-figure img")
    assert [(i["width"], i["height"]) for i in imgs] == [("30", "20"), ("40", "10")]
    assert imgs[0]["src"] == "/assets/notebooks/2026-01-02-a-notebook/cell2-1.png"
    files = dict(meta["notebook_files"])
    drawn = load(files["notebooks/2026-01-02-a-notebook/cell3-1.svg"])
    assert b"script" not in drawn and b"onload" not in drawn


def test_latex_text_streams_and_tracebacks(reader, tmp_path):
    traceback = ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]
    cells = [
        new_raw_cell("---\ntitle: T\n---"),
        new_code_cell("L", outputs=[display({"text/latex": "$$\\frac{a}{b}$$", "text/plain": "L"})]),
        new_code_cell("1", outputs=[display({"text/plain": "<b>1</b>"}, "execute_result")]),
        new_code_cell("1/0", outputs=[new_output("error", ename="ZeroDivisionError", evalue="x", traceback=traceback)]),
    ]
    doc, _ = read(reader, tmp_path, cells)
    assert doc.select_one(".notebook-output.math-display .katex")
    assert doc.select_one("pre.notebook-text").get_text() == "<b>1</b>"
    error = doc.select_one(".notebook-error pre.notebook-traceback")
    assert error.select_one("span.ansi31").get_text() == "ZeroDivisionError" and "\x1b" not in str(doc)


def test_a_file_that_is_not_a_notebook_fails_with_the_file_and_the_reason(reader, tmp_path):
    path = tmp_path / "2026-01-02-broken.ipynb"
    path.write_text('{"cells": [')
    with pytest.raises(SourceError, match=r"broken\.ipynb.*not valid JSON"):
        reader.read(str(path))
    path.write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}))
    with pytest.raises(SourceError, match=r"broken\.ipynb.*nbformat 3, not 4"):
        reader.read(str(path))


def test_a_huge_output_warns(reader, tmp_path):
    big = new_output("stream", name="stdout", text="x" * (5 * 1024 * 1024 + 10))
    _, meta = read(reader, tmp_path, [new_raw_cell("---\ntitle: T\n---"), new_code_cell("p", outputs=[big])])
    assert any("cell 2, output 1: a 5.0 MB output" in w for w in meta["author_warnings"])


def test_a_trace_type_the_bundle_does_not_draw_fails_naming_it():
    check_traces(site_spec({"data": [{"type": "heatmap", "z": [[1]]}, {"y": [1]}], "layout": {}}), "cell 1")
    with pytest.raises(TraceNotBundled, match=r"cell 4: a Plotly figure with 'sankey' trace.*plotly\.js/lib/sankey"):
        check_traces(site_spec({"data": [{"type": "sankey"}], "layout": {}}), "cell 4")


def test_nothing_runs_without_being_asked(reader, tmp_path):
    cell = new_code_cell("print('ran')")  # no saved outputs: a run would add some
    doc, _ = read(reader, tmp_path, [new_raw_cell("---\ntitle: T\n---"), cell])
    assert not doc.select(".notebook-output") and not (tmp_path / "freeze").exists()


@pytest.mark.build
def test_execute_true_runs_once_and_freezes_and_a_failing_cell_names_its_number(reader, tmp_path):
    cells = [new_raw_cell("---\ntitle: T\nexecute: true\n---"), new_code_cell("import random\nprint(random.random())")]
    doc, _ = read(reader, tmp_path, cells)
    printed = doc.select_one("pre.notebook-stream").get_text()
    frozen = list((tmp_path / "freeze").glob("*.ipynb"))
    assert len(frozen) == 1
    cells.insert(1, new_markdown_cell("Prose edited: no new run."))
    doc, _ = read(reader, tmp_path, cells)
    assert doc.select_one("pre.notebook-stream").get_text() == printed
    cells.append(new_code_cell("x = 1\n1 / 0"))
    with pytest.raises(SourceError, match=r"cell 4: ZeroDivisionError when the notebook ran(.|\n)*1 / 0"):
        read(reader, tmp_path, cells)


@pytest.mark.build
def test_a_notebook_builds_into_a_post_with_the_sites_own_figure_deterministically(tmp_path):
    from tools.scratch_site import run_build, write_settings

    content = tmp_path / "content" / "posts"
    content.mkdir(parents=True)
    (content / "2026-01-01-plain.md").write_text("---\ntitle: Plain\n---\nText.\n")
    figure = {"data": [{"type": "scatter", "x": [1, 2, 3], "y": [3, 1, 2], "name": "a"}], "layout": {"title": "Three"}}
    cells = [
        new_raw_cell("---\ntitle: A notebook\n---"),
        new_markdown_cell("Prose with $$x^2$$."),
        new_code_cell("fig", outputs=[display({"application/vnd.plotly.v1+json": figure, "text/plain": "Figure"})]),
    ]
    nbformat.write(new_notebook(cells=cells), str(content / "2026-01-02-nb.ipynb"))
    settings = write_settings(tmp_path, tmp_path / "content")
    outputs = []
    for name in ("one", "two"):
        result = run_build(settings, tmp_path / name, env={"SITE_BUILD_CACHE": str(tmp_path / f"cache-{name}")})
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(tmp_path / name)
    one, two = outputs
    page = BeautifulSoup((one / "2026" / "01" / "02" / "nb" / "index.html").read_text(), "html.parser")
    plot = page.select_one("figure.figure-interactive .figure-plot")
    assert plot["data-figure-src"] == "/assets/notebooks/2026-01-02-nb/cell3-1.json"
    assert page.select_one("figure.figure-interactive img.figure-static")["width"] == "640"
    assert page.select_one('script[src*="figures-open"]') and not page.select('script[src*="plotly"]')
    assert (one / "assets" / "notebooks" / "2026-01-02-nb" / "cell3-1.csv").read_text().startswith("state,trace,x,y")
    assert (one / "figures" / "nb-cell3" / "index.html").is_file()
    assert not [t for t in page.select("[src]") if "//" in t["src"]]  # nothing from another host
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert [f for f in files if (one / f).read_bytes() != (two / f).read_bytes()] == []


def test_only_notebooks_named_as_posts_are_posts_the_others_stay_files():
    from types import SimpleNamespace

    from plugins.notebooks.publish import only_posts

    found = {"posts/2026-01-02-a.ipynb", "notebooks/demo.ipynb", "_drafts/idea.ipynb", "posts/2026-01-03-b.md"}
    generator = SimpleNamespace(get_files=lambda paths, exclude=None, extensions=None: set(found))
    only_posts(generator)
    assert generator.get_files([""]) == found - {"notebooks/demo.ipynb"}


def test_an_error_in_a_cell_names_the_notebook_and_the_cell(reader, tmp_path):
    cells = [new_raw_cell("---\ntitle: T\n---"), new_markdown_cell("Fine.\n\nBroken $$\\frac{1}$$ here.")]
    with pytest.raises(SourceError, match=r"a-notebook\.ipynb: cell 2, line 3: .*invalid LaTeX"):
        read(reader, tmp_path, cells)


@pytest.mark.build
def test_make_notebooks_runs_each_notebook_once_then_finds_it_frozen(tmp_path, capsys):
    from tools import notebooks
    from tools.scratch_site import write_settings

    content = tmp_path / "content"
    content.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("print(6 * 7)")]), str(content / "2026-01-02-run.ipynb"))
    settings = write_settings(tmp_path, content, NOTEBOOK_FREEZE=str(tmp_path / "freeze"))
    assert notebooks.main(["--settings", str(settings)]) == 0
    assert "ran in" in capsys.readouterr().out
    frozen = nbformat.read(str(next((tmp_path / "freeze").glob("*.ipynb"))), as_version=4)
    assert frozen.cells[0].outputs[0]["text"] == "42\n"
    assert notebooks.main(["--settings", str(settings)]) == 0
    assert "frozen" in capsys.readouterr().out
