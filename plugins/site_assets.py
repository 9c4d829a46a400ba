"""Copy third-party front-end assets from node_modules into the output.

They are installed by npm at pinned versions (package-lock.json) and never
committed. Only what a browser fetches is copied: KaTeX's CSS and fonts cut
down to what the site uses (plugins/katex_assets.py), Mermaid's ESM entry with
its on-demand chunks, and one plotly.js bundle.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from pelican import signals

from plugins.katex_assets import record_usage, write_katex_assets

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = "theme/vendor"  # under OUTPUT_PATH; the theme's templates link here


def place(source: Path, dest: Path) -> None:
    """Hard-link a vendor file into the output (every build copies 5 MB otherwise);
    copy where a link is impossible (another file system)."""
    dest.unlink(missing_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def package_version(name: str) -> str:
    return json.loads(require(NODE_MODULES / name / "package.json").read_text())["version"]


def vendor_dirs() -> dict[str, str]:
    """Folders under theme/vendor named with the package version, so a URL never changes
    meaning and can be cached forever (Mermaid's chunks import each other by relative name,
    so its files keep their names and the version goes in the folder)."""
    return {
        "MERMAID_DIR": f"mermaid-{package_version('mermaid')}",
        "PLOTLY_DIR": f"plotly-{package_version('plotly.js-cartesian-dist-min')}",
    }


def require(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `npm ci` (or `make install`)")
    return path


def copy_mermaid(dest: Path) -> None:
    dist = require(NODE_MODULES / "mermaid" / "dist")
    chunks = dest / "chunks" / "mermaid.esm.min"
    chunks.mkdir(parents=True, exist_ok=True)
    place(dist / "mermaid.esm.min.mjs", dest / "mermaid.esm.min.mjs")
    for chunk in sorted((dist / "chunks" / "mermaid.esm.min").glob("*.mjs")):
        place(chunk, chunks / chunk.name)


def copy_plotly(dest: Path) -> None:
    bundle = require(NODE_MODULES / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js")
    dest.mkdir(parents=True, exist_ok=True)
    place(bundle, dest / "plotly.min.js")


def copy_assets(pelican) -> None:
    vendor = Path(pelican.output_path) / VENDOR
    write_katex_assets(vendor / "katex", *pelican.settings["KATEX_USAGE"])
    # KaTeX's own copy-tex: copying rendered maths copies its LaTeX source.
    place(require(NODE_MODULES / "katex/dist/contrib/copy-tex.min.js"), vendor / "katex/copy-tex.min.js")
    dirs = vendor_dirs()
    copy_mermaid(vendor / dirs["MERMAID_DIR"])
    copy_plotly(vendor / dirs["PLOTLY_DIR"])


def expose_vendor_dirs(pelican) -> None:
    pelican.settings.update(vendor_dirs())  # templates read MERMAID_DIR and PLOTLY_DIR


def register():
    # initialized: before templates are rendered, so they can link the vendor folders.
    signals.initialized.connect(expose_vendor_dirs)
    # all_generators_finalized: every page is read; the union of its formulas' KaTeX facts.
    signals.all_generators_finalized.connect(record_usage)
    # finalized: the output folder exists and every page is written.
    signals.finalized.connect(copy_assets)
