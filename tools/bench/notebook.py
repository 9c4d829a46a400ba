"""What reading a notebook post costs: a test notebook with prose, maths and two Plotly outputs
(a line chart and a heat map), made here with nbformat and built beside the real content, read
as the reading section reads the post (reading.run, both viewports). Its budgets are the
Markdown post's: ≤ 120 KB before scrolling, ≤ 300 KB to the end without touching a figure,
no plotly.js while reading, each figure interactive once touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.bench.context import Bench, Section, build, step
from tools.bench.reading import ReadingResults, key
from tools.bench.table import kb, row
from tools.browser import launch
from tools.scratch_site import copy_content, serving, write_settings

NAME = "2026-11-27-notebook-bench.ipynb"
URL = "/2026/11/27/notebook-bench/"


def plotly_output(figure) -> dict:
    """A figure as Jupyter saves its display: the Plotly JSON bundle (typed arrays) and a text line."""
    return {"application/vnd.plotly.v1+json": json.loads(figure.to_json()), "text/plain": repr(figure)[:40]}


def write_notebook(path: Path) -> None:
    import nbformat
    import numpy as np
    import plotly.graph_objects as go
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

    x = np.linspace(-4, 4, 200)
    line = go.Figure([go.Scatter(x=x, y=x / (1 + np.exp(-x)), name="SiLU"), go.Scatter(x=x, y=np.maximum(x, 0))])
    line.update_layout(title="SiLU against ReLU")
    grid = np.linspace(-3, 3, 60)
    heat = go.Figure(go.Heatmap(x=grid, y=grid, z=np.outer(grid, grid) / (1 + np.exp(-np.add.outer(grid, grid)))))
    heat.update_layout(title="A gated product")
    words = "A gate multiplies one linear map by a smooth function of another, so each unit can turn itself off."
    prose = [f"{words} The product is $y_{i} = x W_{i} \\odot \\sigma(x V_{i})$. " + words * 3 for i in range(12)]
    cells = [
        new_raw_cell("---\ntitle: Notebook bench\n---"),
        new_markdown_cell("## Gates\n\n" + "\n\n".join(prose[:4])),
        new_code_cell("fig = line_chart()\nfig", outputs=[new_output("display_data", data=plotly_output(line))]),
        new_markdown_cell("\n\n".join(prose[4:9])),
        new_code_cell("heat_map()", outputs=[new_output("display_data", data=plotly_output(heat))]),
        new_markdown_cell("\n\n".join(prose[9:])),
    ]
    nbformat.write(new_notebook(cells=cells), str(path))


@contextmanager
def build_and_serve(folder: Path) -> Iterator[str]:
    step("building the notebook bench site")
    content = copy_content(folder / "content")
    write_notebook(content / "posts" / NAME)
    build(write_settings(folder, content), folder / "output")
    with serving(folder / "output") as url:
        yield url


def measure(bench: Bench) -> None:
    from playwright.sync_api import sync_playwright

    from tools.bench import reading

    url = bench.serve("notebook", build_and_serve)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            step("reading a notebook post (desktop and phone)")
            rows = reading.run(url, browser, URL)
        finally:
            browser.close()
    record(bench, ReadingResults(rows, []))


def record(bench: Bench, results: ReadingResults) -> None:
    bench.data["notebook"] = results
    for r in results.rows:
        v = key(r.viewport)
        bench.values.update(
            {
                f"notebook.{v}.before_scrolling": r.before_scrolling,
                f"notebook.{v}.after_reading": r.after_reading,
                f"notebook.{v}.heavy_js_while_reading": int(r.mermaid_or_plotly_while_reading),
                f"notebook.{v}.after_touching": r.after_touching_figures,
                f"notebook.{v}.figures_not_interactive": r.figures - r.figures_interactive if r.figures else None,
            }
        )


def rows(bench: Bench) -> list[str]:
    results: ReadingResults = bench.data["notebook"]
    out = [row("**A notebook post** (two Plotly outputs; raw bytes, as decompressed)", "")]
    for r in results.rows:
        out += [
            row(f"{r.viewport}: before scrolling", kb(r.before_scrolling), "—"),
            row(f"{r.viewport}: after reading to the end, no figure touched", kb(r.after_reading), "—"),
            row(
                f"{r.viewport}: after touching every figure ({r.figures_interactive} of {r.figures} interactive)",
                kb(r.after_touching_figures),
                "—",
            ),
        ]
    return out


SECTION = Section("notebook", measure, rows)
