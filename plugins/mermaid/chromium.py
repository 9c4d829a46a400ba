"""The build's drawing process for Mermaid: node (plugins/mermaid/draw.mjs) driving one
headless Chromium, which answers a line per diagram as soon as it is drawn.

Each diagram must be drawn within the time limit (the first one's includes Chromium's
start); past it, node and Chromium are stopped and `DiagramTimeout` names the diagram.
Neither outlives the build, however it ends (plugins/child_process.py; Chromium talks
to node over a pipe and exits with it).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

from plugins import child_process

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("draw.mjs")
TIME_LIMIT = 60  # seconds a diagram (MERMAID_TIME_LIMIT)


class MermaidError(RuntimeError):
    pass


class DiagramTimeout(MermaidError):
    """Mermaid had not drawn diagram number `index` (of the request) within the time limit."""

    def __init__(self, index: int, time_limit: float):
        self.index, self.time_limit = index, time_limit
        super().__init__(f"Mermaid had not drawn diagram {index + 1} after {time_limit:g} s")


def draw(chromium: str, font: Path, sources: list[str], placeholder: str, time_limit: float = TIME_LIMIT) -> list[dict]:
    """{key, light, dark} or {key, error} for each source, in order."""
    request = {
        "chromium": chromium,
        "font": str(font),
        "diagrams": [{"key": str(i), "svgId": placeholder, "source": s} for i, s in enumerate(sources)],
    }
    with tempfile.TemporaryFile() as errors:  # no name: nothing is left if the build dies
        process = child_process.start(
            ["node", str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, cwd=ROOT
        )
        try:
            process.stdin.write(json.dumps(request).encode())
            process.stdin.close()  # node reads the whole request before it draws
            answers = child_process.Lines(process.stdout)
            results = []
            for index in range(len(sources)):
                try:
                    line = answers.readline(time.monotonic() + time_limit)
                except TimeoutError:
                    raise DiagramTimeout(index, time_limit) from None
                if not line.endswith(b"\n"):
                    raise MermaidError(f"(exit status {process.wait()}): {stderr_tail(errors)}")
                results.append(json.loads(line))
            try:
                process.wait(timeout=30)  # node closes Chromium and exits
            except subprocess.TimeoutExpired:
                pass  # every diagram is drawn: it is stopped below
        except BrokenPipeError:
            raise MermaidError(f"(exit status {process.wait()}): {stderr_tail(errors)}") from None
        finally:
            child_process.stop(process)  # stuck or given up on: node ends now, and Chromium with it
            process.stdout.close()
    return results


def stderr_tail(errors) -> str:
    errors.seek(0)
    return errors.read().decode(errors="replace").strip()[-800:]
