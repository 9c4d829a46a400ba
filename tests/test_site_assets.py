"""plugins/assets/vendor.py against a small fake node_modules: a vendor folder named by version and
content, the plotly bundle hard-linked, the diagram font, and a clear error when npm has not run."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace

import pytest

from plugins.assets import vendor as site_assets

BUNDLE = b"var Plotly;"
FOLDER = f"plotly-3.2.1-{hashlib.sha256(BUNDLE).hexdigest()[:8]}"


@pytest.fixture
def node_modules(tmp_path, monkeypatch):
    """plotly.js 3.2.1 and the bundle `npm run build:plotly` makes from it, as npm lays them out."""
    root = tmp_path / "node_modules"
    (root / "plotly.js").mkdir(parents=True)
    (root / "plotly.js/package.json").write_text(json.dumps({"version": "3.2.1"}))
    bundle = root / ".bundles" / "plotly-heatmap.min.js"
    bundle.parent.mkdir()
    bundle.write_bytes(BUNDLE)
    monkeypatch.setattr(site_assets, "NODE_MODULES", root)
    monkeypatch.setattr(site_assets, "PLOTLY_BUNDLE", bundle)
    return root


def test_the_vendor_folder_is_named_after_the_version_and_the_bundle(node_modules):
    assert site_assets.vendor_dirs() == {"PLOTLY_DIR": FOLDER}


def test_a_changed_bundle_gets_a_new_folder(node_modules):
    site_assets.PLOTLY_BUNDLE.write_bytes(b"var Plotly = 2;")
    assert site_assets.vendor_dirs() != {"PLOTLY_DIR": FOLDER}


def test_the_templates_are_told_the_vendor_folder(node_modules):
    pelican = SimpleNamespace(settings={"SITENAME": "x"})
    site_assets.expose_vendor_dirs(pelican)
    assert pelican.settings["PLOTLY_DIR"] == FOLDER


def test_the_plotly_bundle_is_hard_linked_not_copied(node_modules, tmp_path):
    dest = tmp_path / "out" / FOLDER
    site_assets.copy_plotly(dest)
    assert (dest / "plotly.min.js").read_bytes() == BUNDLE
    assert (dest / "plotly.min.js").stat().st_ino == site_assets.PLOTLY_BUNDLE.stat().st_ino


def test_the_diagram_font_is_written_only_when_the_build_drew_diagrams(tmp_path):
    from plugins import build_state
    from plugins.mermaid.font import write_font

    pelican = SimpleNamespace(settings={}, output_path=str(tmp_path / "out"))
    write_font(pelican)
    assert not (tmp_path / "out").exists()
    build_state.of(pelican.settings).diagram_font = ("labels.woff2", b"wOF2")
    write_font(pelican)
    assert (tmp_path / "out" / "theme" / "vendor" / "diagrams" / "labels.woff2").read_bytes() == b"wOF2"


def test_placing_a_file_again_replaces_the_old_one(tmp_path):
    source, dest = tmp_path / "new.js", tmp_path / "placed.js"
    source.write_text("new")
    dest.write_text("old")
    site_assets.place(source, dest)
    assert dest.read_text() == "new"


def test_a_missing_bundle_says_to_run_npm(node_modules):
    site_assets.PLOTLY_BUNDLE.unlink()
    with pytest.raises(FileNotFoundError, match=r"plotly-heatmap\.min\.js is missing: run `npm ci`"):
        site_assets.copy_plotly(node_modules.parent / "out")
