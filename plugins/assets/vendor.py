"""Third-party front-end files from node_modules, in the theme's vendor folder of the output.

They are installed by npm at pinned versions (package-lock.json) and never committed. Only
what a browser fetches is copied, each by the stage that knows it: our plotly.js bundle
(core + heatmap, made by `npm run build:plotly` at install time) here; KaTeX's CSS, fonts
and copy-tex by plugins/katex; the diagram labels' font by plugins/mermaid. No Mermaid:
diagrams are drawn at build time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
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


def vendor_folder(settings: dict, output: str | Path) -> Path:
    """Where third-party files go in the output: `vendor/` in the theme's static folder, which
    the templates link as `static('vendor/…')`."""
    return Path(output) / settings.get("THEME_STATIC_DIR", "theme") / "vendor"


def vendor_dirs() -> dict[str, str]:
    """Folders under the vendor folder named with the version and a hash of the bundle, so a URL
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


def copy_assets(pelican) -> None:
    copy_plotly(vendor_folder(pelican.settings, pelican.output_path) / vendor_dirs()["PLOTLY_DIR"])


def expose_vendor_dirs(pelican) -> None:
    pelican.settings.update(vendor_dirs())  # templates read PLOTLY_DIR
