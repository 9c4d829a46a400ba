"""Our plotly.js bundle (core + heatmap, tools/plotly_bundle.js) draws every trace type the figures use.

A bundle without a trace type draws nothing, or worse draws it as something else
with no error (the basic bundle turns a heatmap into a line), so this is checked
against the figures' JSON rather than trusted.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from plugins.assets.vendor import PLOTLY_BUNDLE
from tests.conftest import INTERACTIVE

ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "tools" / "plotly_bundle.js"
CORE_TRACES = {"scatter"}  # plotly.js/src/core.js registers scatter and no other trace


def bundled_traces() -> set[str]:
    """The trace modules the bundle's entry registers, by their plotly.js/lib name."""
    return CORE_TRACES | set(re.findall(r'require\("plotly\.js/lib/(\w+)"\)', ENTRY.read_text())) - {"core"}


def traces_used(spec: dict) -> set[str]:
    """Every trace type a figure draws, its slider states' restyles included (type defaults to scatter)."""
    used = {trace.get("type", "scatter") for trace in spec["data"]}
    for state in spec.get("slider", {}).get("states", []):
        for call in state.get("restyle", []):
            types = call.get("update", {}).get("type", [])
            used.update(types if isinstance(types, list) else [types])
    return used


@pytest.mark.build
def test_every_figure_uses_only_traces_the_bundle_registers(generated):
    specs = {fid: json.loads((generated / "figures" / f"{fid}.json").read_text()) for fid in INTERACTIVE}
    missing = {fid: traces_used(spec) - bundled_traces() for fid, spec in specs.items()}
    assert not any(missing.values()), f"add these traces to {ENTRY.name}: {missing}"


def test_a_figure_with_an_unbundled_trace_is_caught():
    spec = {
        "data": [{"type": "heatmap"}, {"x": [1]}],
        "slider": {"states": [{"restyle": [{"update": {"type": ["bar"]}}]}]},
    }
    assert traces_used(spec) - bundled_traces() == {"bar"}


@pytest.mark.build
def test_the_bundle_is_byte_identical_when_built_twice(tmp_path):
    command = [
        *json.loads((ROOT / "package.json").read_text())["scripts"]["build:plotly"].split(),
    ]
    command[0] = str(ROOT / "node_modules" / ".bin" / "esbuild")
    digests = []
    for run in range(2):
        out = tmp_path / f"bundle-{run}.js"
        args = [a if not a.startswith("--outfile=") else f"--outfile={out}" for a in command]
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    assert hashlib.sha256(PLOTLY_BUNDLE.read_bytes()).hexdigest() == digests[0]  # what `npm ci` made
    assert 900_000 < (tmp_path / "bundle-0.js").stat().st_size < 1_300_000


@pytest.mark.browser
def test_the_bundle_registers_exactly_the_traces_its_entry_names(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><div id=p></div>")
    page.add_script_tag(path=str(PLOTLY_BUNDLE))
    traces = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")
    page.close()
    assert set(traces) == bundled_traces()


def test_static_pictures_are_drawn_by_the_plotly_js_that_pages_load():
    """kaleido draws the static pictures with the plotly Python package's own plotly.js; the
    pages load our bundle of npm's plotly.js. One version, or the two drawings could differ."""
    from plotly.offline import get_plotlyjs_version

    npm = json.loads((ROOT / "node_modules" / "plotly.js" / "package.json").read_text())["version"]
    assert get_plotlyjs_version() == npm, "pin plotly (PyPI) and plotly.js (npm) to the same plotly.js"
