"""plugins/site_assets.py against a small fake node_modules: versioned vendor folders, Mermaid's
entry and chunks, the plotly bundle, hard links, and a clear error when npm has not run."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from plugins import site_assets


@pytest.fixture
def node_modules(tmp_path, monkeypatch):
    """mermaid 11.1.0 with two chunks and plotly.js-cartesian-dist-min 3.2.1, as npm lays them out."""
    root = tmp_path / "node_modules"
    chunks = root / "mermaid/dist/chunks/mermaid.esm.min"
    chunks.mkdir(parents=True)
    (root / "mermaid/package.json").write_text(json.dumps({"version": "11.1.0"}))
    (root / "mermaid/dist/mermaid.esm.min.mjs").write_text("import './chunks/mermaid.esm.min/a.mjs';")
    (root / "mermaid/dist/mermaid.min.js").write_text("not copied: the site loads the ESM entry")
    for name in ("a.mjs", "b.mjs"):
        (chunks / name).write_text(f"// {name}")
    plotly = root / "plotly.js-cartesian-dist-min"
    plotly.mkdir()
    (plotly / "package.json").write_text(json.dumps({"version": "3.2.1"}))
    (plotly / "plotly-cartesian.min.js").write_text("var Plotly;")
    monkeypatch.setattr(site_assets, "NODE_MODULES", root)
    return root


def test_vendor_folders_are_named_after_the_package_versions(node_modules):
    assert site_assets.vendor_dirs() == {"MERMAID_DIR": "mermaid-11.1.0", "PLOTLY_DIR": "plotly-3.2.1"}


def test_the_templates_are_told_the_vendor_folders(node_modules):
    pelican = SimpleNamespace(settings={"SITENAME": "x"})
    site_assets.expose_vendor_dirs(pelican)
    assert pelican.settings["MERMAID_DIR"] == "mermaid-11.1.0" and pelican.settings["PLOTLY_DIR"] == "plotly-3.2.1"


def test_mermaid_is_copied_as_its_esm_entry_and_chunks_only(node_modules, tmp_path):
    dest = tmp_path / "out" / "mermaid-11.1.0"
    site_assets.copy_mermaid(dest)
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == ["chunks/mermaid.esm.min/a.mjs", "chunks/mermaid.esm.min/b.mjs", "mermaid.esm.min.mjs"]


def test_the_plotly_bundle_is_hard_linked_not_copied(node_modules, tmp_path):
    dest = tmp_path / "out" / "plotly-3.2.1"
    site_assets.copy_plotly(dest)
    bundle = node_modules / "plotly.js-cartesian-dist-min/plotly-cartesian.min.js"
    assert (dest / "plotly.min.js").read_text() == "var Plotly;"
    assert (dest / "plotly.min.js").stat().st_ino == bundle.stat().st_ino


def test_placing_a_file_again_replaces_the_old_one(tmp_path):
    source, dest = tmp_path / "new.js", tmp_path / "placed.js"
    source.write_text("new")
    dest.write_text("old")
    site_assets.place(source, dest)
    assert dest.read_text() == "new"


def test_a_missing_package_says_to_run_npm(node_modules):
    (node_modules / "plotly.js-cartesian-dist-min/plotly-cartesian.min.js").unlink()
    with pytest.raises(FileNotFoundError, match=r"plotly-cartesian\.min\.js is missing: run `npm ci`"):
        site_assets.copy_plotly(node_modules.parent / "out")
