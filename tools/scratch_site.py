"""Build the site from other content into a scratch folder and serve it, as the tests and the bench do.

A settings file that takes the project's settings (`pelicanconf` or `publishconf`) and
reads the posts from another folder, `python -m tools.build` run on it as `make html`
runs it, and a local server over the result on a free port.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_settings(folder: Path, content: Path, base: str = "pelicanconf", **extra) -> Path:
    """folder/settings.py: the project's `base` settings, reading posts from `content`;
    each keyword becomes one more setting (`DEFAULT_PAGINATION=5`)."""
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        f"from {base} import *",
        f"PATH = {str(content)!r}",
    ] + [f"{key} = {value!r}" for key, value in extra.items()]
    path = folder / "settings.py"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_build(
    settings: Path, output: Path, timeout: float = 600, env: dict | None = None
) -> subprocess.CompletedProcess:
    """`python -m tools.build` as the Makefile runs it; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def copy_content(dest: Path) -> Path:
    """A private copy of content/ (generated figures included) that a caller may change."""
    shutil.copytree(ROOT / "content", dest)
    return dest


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The project's local server (tools.serve, with the site's Content-Security-Policy) over
    `folder` on a free port, without live reload; yields its base URL."""
    from tools.serve.server import make_server

    httpd = make_server(folder, "127.0.0.1", 0, generation=None)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
