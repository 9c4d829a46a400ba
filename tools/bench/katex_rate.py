"""Cold KaTeX formulas a second, end to end through the build's renderer, for the blog section."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from pathlib import Path

from plugins.katex import render as katex_render
from plugins.markdown.kramdown_math import MathError, find_math
from tools.blog_fixture import CORPUS


def formulas_of(sources: list[Path]) -> list[list[tuple[str, bool]]]:
    """Each source's formulas as (LaTeX, display); for a post our reader refuses, the formulas
    kramdown found in it (the corpus's expected.json)."""
    expected = CORPUS.parent / "expected.json"
    tex = json.loads(expected.read_text()) if expected.exists() else {}
    pages = []
    for source in sources:
        try:
            found = [(latex, display) for _, _, latex, display in find_math(source.read_text()) if latex]
        except MathError:
            entry = tex.get(source.name, {})
            found = [(t, True) for t in entry.get("display_tex", [])] + [
                (t, False) for t in entry.get("inline_tex", [])
            ]
        pages.append(found)
    return pages


def formula_rate(sources: list[Path], cache: Path, runs: int = 3) -> tuple[int, int, float, float, int, list[float]]:
    """(distinct formulas, refused, per wall second, per CPU second of Python + node, formulas in
    the text, per wall second in each run): every formula of the sources, rendered cold through
    the build's renderer (node start, one request per page, facts, disk cache); the medians of
    `runs` runs.

    Cold means that no formula is in the cache. KaTeX's compiled code (V8's code cache, kept
    between builds as Python keeps .pyc files) is there as any earlier build leaves it: the
    first run makes it, and the median is of the runs after it when there are several."""
    pages = formulas_of(sources)
    measured = []
    code_cache = None
    for run in range(runs + (1 if runs > 1 else 0)):
        folder = cache / f"run-{run}"
        if code_cache is not None:
            shutil.copytree(code_cache, folder / "katex-v8")
        os.environ["SITE_BUILD_CACHE"] = str(folder)  # no formula in it: every formula is rendered
        renderer = katex_render.Renderer()
        start, cpu = time.perf_counter(), time.process_time()
        for page in pages:
            renderer.prerender(page)
        node_cpu = 0.0
        for server in [renderer.server] if renderer.server else []:  # node's CPU time (utime + stime)
            stat = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            node_cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
            process = server.process
        renderer.close()  # includes the last cache writes: end to end
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu + node_cpu
        if renderer.server is None and node_cpu:
            process.wait(timeout=10)  # node writes KaTeX's code cache as it exits
        code_cache = folder / "katex-v8" if (folder / "katex-v8").is_dir() else None
        n = len(renderer.memo)
        refused = sum(isinstance(v, katex_render.KaTeXError) for v in renderer.memo.values())
        measured.append((n / elapsed, n / cpu))
    if runs > 1:
        measured = measured[1:]  # the first run made the code cache
    wall = statistics.median(r for r, _ in measured)
    per_cpu = statistics.median(c for _, c in measured)
    return n, refused, wall, per_cpu, sum(len(page) for page in pages), [r for r, _ in measured]
