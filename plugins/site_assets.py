"""Copy third-party front-end assets from node_modules into the output.

They are installed by npm at pinned versions (package-lock.json) and never
committed. Only what a browser fetches is copied: KaTeX's CSS and fonts cut
down to what the site uses (plugins/katex_assets.py), our plotly.js bundle
(core + heatmap, made by `npm run build:plotly` at install time) and the
diagram label font that plugins/mermaid_render.py subset. No Mermaid: diagrams
are drawn at build time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from pelican import signals

from plugins.katex_assets import record_usage, write_katex_assets
from plugins.theme_minify import minify_output

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = "theme/vendor"  # under OUTPUT_PATH; the theme's templates link here
PLOTLY_BUNDLE = NODE_MODULES / ".bundles" / "plotly-heatmap.min.js"  # see package.json "build:plotly"


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
    """Folders under theme/vendor named with the version and a hash of the bundle, so a URL
    never changes meaning and can be cached forever."""
    digest = hashlib.sha256(require(PLOTLY_BUNDLE).read_bytes()).hexdigest()[:8]
    return {"PLOTLY_DIR": f"plotly-{package_version('plotly.js')}-{digest}"}


def require(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `npm ci` (or `make install`)")
    return path


def copy_plotly(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    place(require(PLOTLY_BUNDLE), dest / "plotly.min.js")


def write_diagram_font(pelican, vendor: Path) -> None:
    """The label font of the build's diagrams (plugins/mermaid_render.py), when there are any."""
    if pelican.settings.get("DIAGRAM_FONT"):
        name, data = pelican.settings["DIAGRAM_FONT"]
        (vendor / "diagrams").mkdir(parents=True, exist_ok=True)
        (vendor / "diagrams" / name).write_bytes(data)


def copy_assets(pelican) -> None:
    vendor = Path(pelican.output_path) / VENDOR
    write_katex_assets(vendor / "katex", *pelican.settings["KATEX_USAGE"])
    # KaTeX's own copy-tex: copying rendered maths copies its LaTeX source.
    place(require(NODE_MODULES / "katex/dist/contrib/copy-tex.min.js"), vendor / "katex/copy-tex.min.js")
    copy_plotly(vendor / vendor_dirs()["PLOTLY_DIR"])
    write_diagram_font(pelican, vendor)


def expose_vendor_dirs(pelican) -> None:
    pelican.settings.update(vendor_dirs())  # templates read PLOTLY_DIR


def register():
    # initialized: before templates are rendered, so they can link the vendor folders.
    signals.initialized.connect(expose_vendor_dirs)
    # all_generators_finalized: every page is read; the union of its formulas' KaTeX facts.
    signals.all_generators_finalized.connect(record_usage)
    # finalized: the output folder exists and every page is written.
    signals.finalized.connect(copy_assets)
    # The theme's own CSS and JS, minified over Pelican's plain copies (plugins/theme_minify.py).
    signals.finalized.connect(minify_output)
