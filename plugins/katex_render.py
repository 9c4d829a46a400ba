"""KaTeX at build time through pelican-katex's node render server, made robust.

pelican-katex 1.8.9 starts `node render-katex.js` and connects to its Unix
socket as soon as the socket file exists, but node may not be listening yet:
under CPU load `connect()` raises ConnectionRefusedError (3 builds in 30 here),
and the orphaned node process keeps the build's stderr open so a piped build
hangs. `start_unix_socket` below retries until the startup deadline and kills
node (and removes its folder) if it never answers.
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path
from subprocess import DEVNULL, PIPE, Popen

import pelican_katex.rendering as rendering

ROOT = Path(__file__).resolve().parent.parent
# npm's KaTeX: the renderer and the CSS/fonts we ship come from one package,
# so their versions cannot drift apart.
KATEX_PACKAGE = ROOT / "node_modules" / "katex"

KATEX_OPTIONS = {
    "throwOnError": True,  # invalid LaTeX must fail the build, never show red text
    "output": "htmlAndMathml",  # MathML for screen readers and copy-as-LaTeX
    "strict": "ignore",  # Unicode in \text{} is fine in a blog post
    "trust": False,
}


def katex_version() -> str:
    """The version of the KaTeX package the renderer and the site's CSS use."""
    return json.loads((KATEX_PACKAGE / "package.json").read_text())["version"]


def _start_unix_socket(cls, rundir: Path, timeout: float):
    socket_path = rundir / "katex.sock"
    cmd = cls.build_command(socket=socket_path)
    process = Popen(cmd, stdin=PIPE, stdout=DEVNULL, cwd=rundir)
    deadline = time.monotonic() + timeout
    try:
        while True:
            if process.poll() is not None:
                raise rendering.KaTeXError(f"KaTeX render server exited with {process.returncode}: {' '.join(cmd)}")
            if socket_path.is_socket():
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(max(deadline - time.monotonic(), 0.001))
                    sock.connect(str(socket_path))
                    sock.settimeout(None)
                    return process, sock
                except (ConnectionRefusedError, FileNotFoundError):
                    sock.close()  # socket file exists but node is not listening yet
                except TimeoutError:
                    sock.close()
            if time.monotonic() > deadline:
                raise cls.timeout_error(timeout)
            time.sleep(0.005)
    except BaseException:
        process.kill()
        process.wait()
        shutil.rmtree(rundir, ignore_errors=True)
        raise


def configure(startup_timeout: float = 20.0, render_timeout: float = 10.0) -> None:
    """Point pelican-katex at npm's KaTeX, set our options, install the startup fix."""
    if not (KATEX_PACKAGE / "package.json").exists():
        raise rendering.KaTeXError(f"KaTeX is not installed at {KATEX_PACKAGE}: run `npm ci` (or `make install`).")
    rendering.KATEX_PATH = str(KATEX_PACKAGE)  # must be absolute: node resolves it from a temp dir
    rendering.KATEX_DEFAULT_OPTIONS.clear()
    rendering.KATEX_DEFAULT_OPTIONS.update(KATEX_OPTIONS)
    rendering.KATEX_STARTUP_TIMEOUT = startup_timeout
    rendering.KATEX_RENDER_TIMEOUT = render_timeout
    rendering.RenderServer.start_unix_socket = classmethod(_start_unix_socket)


def render(latex: str, display: bool) -> str:
    """KaTeX HTML+MathML for one formula; raises KaTeXError on invalid LaTeX."""
    return rendering.render_latex(latex, {"displayMode": display})
