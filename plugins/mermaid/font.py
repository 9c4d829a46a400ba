"""The diagram labels' font: DejaVu Sans, measured whole at build time, served as a subset.

Mermaid lays labels out in DejaVu Sans (it has subscripts such as ₁) from npm's
@fontsource package, so label widths are the same on any machine. The site serves it cut
down to the characters the build's diagrams show (about 2 KB), preloaded by pages with a
diagram; its file name holds a hash of its bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from plugins import build_state
from plugins.assets import font_subset
from plugins.assets.vendor import vendor_folder
from plugins.build_cache import cached, fingerprint
from plugins.mermaid.chromium import MermaidError

ROOT = Path(__file__).resolve().parents[2]
FONT_SOURCE = ROOT / "node_modules" / "@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff2"
FOLDER = "diagrams"  # in the vendor folder
# Text Mermaid may write that is not in a diagram's source (numbers of pie charts, sequence numbers…).
ALWAYS = " 0123456789%.,:;-+()"


def label_font(texts: list[str]) -> bytes:
    """DejaVu Sans cut down to the characters the build's diagrams show (about 2 KB). Glyph
    widths do not depend on the subset, so diagrams are drawn with the whole font and a
    new character somewhere changes this file but redraws nothing."""
    chars = "".join(sorted(set(ALWAYS).union(*map(set, texts)) - set("\n\r\t")))

    def subset() -> bytes:
        # FFTM: FontForge's timestamp; fontTools would warn about it, and warnings fail builds.
        return font_subset.woff2_subset(
            require(FONT_SOURCE), chars, ("FFTM",), layout_features=["kern", "liga"], hinting=False
        )

    inputs = [chars, FONT_SOURCE.read_bytes(), fingerprint(__file__), font_subset.fingerprint()]
    return cached("diagram-font", inputs, subset, ".woff2")


def font_name(font: bytes) -> str:
    return f"labels-{hashlib.sha256(font).hexdigest()[:10]}.woff2"


def require(path: Path) -> Path:
    if not path.exists():
        raise MermaidError(f"{path} is missing: run `npm ci` (or `make install`)")
    return path


def write_font(pelican) -> None:
    """The label font of the build's diagrams into the vendor folder, when there are any."""
    font = build_state.of(pelican.settings).diagram_font
    if font:
        name, data = font
        folder = vendor_folder(pelican.settings, pelican.output_path) / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
