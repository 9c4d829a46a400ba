"""tools/publish.py on a small output folder: content-hashed names, rewritten references,
versioned vendor folders left alone, and .gz/.br files beside text files."""

from __future__ import annotations

import gzip
import hashlib

import brotli
import pytest

from tools import publish

# As KaTeX's stylesheet: a font beside it by relative name, an image by site-root path.
CSS = "@font-face{src:url(fonts/f.woff2)} body{background:url(/theme/images/dot.svg)}" * 20


@pytest.fixture
def output(tmp_path, monkeypatch):
    """A tiny built site: a page, a stylesheet that refers to an image and a font, a vendor file."""
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))  # never the project's cache
    out = tmp_path / "output"
    files = {
        "index.html": '<link href="/theme/css/site.css"><script src="/theme/js/a.js"></script>' * 20,
        "theme/css/site.css": CSS,
        "theme/images/dot.svg": SVG,
        "theme/css/fonts/f.woff2": "wOF2",
        "theme/js/a.js": "fetch('/assets/figures/x.json');" * 20,
        "assets/figures/x.json": '{"data": []}',
        "theme/vendor/mermaid-11.0.0/mermaid.esm.min.mjs": "import './chunks/a.mjs';" * 20,
    }
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    return out


SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def digest(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()[:10]


def test_assets_get_their_content_hash_in_their_names_and_references_follow(output):
    renames = publish.hash_assets(output)
    svg = f"theme/images/dot.{digest(SVG)}.svg"
    assert renames["theme/images/dot.svg"] == svg
    css_name = renames["theme/css/site.css"]
    css = (output / css_name).read_text()
    assert f"url(/{svg})" in css and "dot.svg" not in css
    font = renames["theme/css/fonts/f.woff2"]
    assert f"url({font.removeprefix('theme/css/')})" in css  # relative reference, renamed first
    assert css_name == f"theme/css/site.{digest(css)}.css"  # hashed after its references changed
    page = (output / "index.html").read_text()
    assert f'href="/{css_name}"' in page and f'src="/{renames["theme/js/a.js"]}"' in page
    assert f"/{renames['assets/figures/x.json']}" in (output / renames["theme/js/a.js"]).read_text()
    assert not (output / "theme/css/site.css").exists()


def test_pages_and_versioned_vendor_folders_keep_their_names(output):
    renames = publish.hash_assets(output)
    assert "index.html" not in renames
    assert not [rel for rel in renames if rel.startswith("theme/vendor/mermaid-")]
    assert (output / "theme/vendor/mermaid-11.0.0/mermaid.esm.min.mjs").exists()


def test_hard_linked_files_are_replaced_not_changed_in_place(output, tmp_path):
    original = tmp_path / "node_modules_copy.css"
    original.write_text(CSS)
    (output / "theme/css/site.css").unlink()
    (output / "theme/css/site.css").hardlink_to(original)
    publish.hash_assets(output)
    assert original.read_text() == CSS


def test_text_files_get_smaller_gzip_and_brotli_siblings_that_decompress_to_them(output):
    publish.prepare(output)
    page = (output / "index.html").read_bytes()
    assert gzip.decompress((output / "index.html.gz").read_bytes()) == page
    assert brotli.decompress((output / "index.html.br").read_bytes()) == page
    assert not list(output.rglob("*.woff2.gz"))  # fonts are compressed already
    assert not list(output.rglob("x.*.json.gz"))  # 12 bytes: gzip would only add


def test_publishing_twice_writes_the_same_bytes(output, tmp_path):
    import shutil

    again = tmp_path / "again"
    shutil.copytree(output, again)
    publish.prepare(output)
    publish.prepare(again)
    files = sorted(p.relative_to(output) for p in output.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((output / f).read_bytes() == (again / f).read_bytes() for f in files)
