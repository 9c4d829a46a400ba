"""Which Chromium the build drives (Mermaid's diagrams, figures' static pictures) and the tests use.

One lookup for the whole project: CHROMIUM_PATH, else Debian's `chromium` (or
`chromium-browser`) on PATH, else the Chromium `tools/setup.sh chromium` downloaded with
Playwright when it could not install Debian's (recorded in .venv/chromium-path).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Where `tools/setup.sh chromium` records the Chromium it downloaded with Playwright (no root).
RECORDED_CHROMIUM = Path(__file__).resolve().parent.parent / ".venv" / "chromium-path"


def chromium_path() -> str | None:
    """The Chromium binary to start, or None (Playwright then uses its own download)."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and RECORDED_CHROMIUM.is_file():
        recorded = RECORDED_CHROMIUM.read_text().strip()
        found = recorded if recorded and os.access(recorded, os.X_OK) else None
    return found
