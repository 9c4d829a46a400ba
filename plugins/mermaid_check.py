"""Mermaid diagrams are parsed at build time, so a syntax error fails the build.

Without this a broken diagram reaches the reader as Mermaid's red error box.
Every diagram of every article is parsed by the Mermaid the site ships, in one
node process per build (plugins/mermaid_check.mjs); results are cached by the
diagrams' text, so an unchanged site costs no node start. Errors name the file,
the line where the diagram starts and Mermaid's own message.
"""

from __future__ import annotations

import html
import json
import logging
import re
import subprocess
from pathlib import Path

from pelican import signals

from plugins.build_cache import cached, fingerprint

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("mermaid_check.mjs")
DIAGRAM = re.compile(r'<div\b[^>]*\bclass="[^"]*\bmermaid\b[^"]*"[^>]*>(.*?)</div>', re.DOTALL)


def diagrams_in(content) -> list[dict]:
    """Each diagram of a content object: its source and the line it starts on in the file."""
    found = []
    source_text = Path(content.source_path).read_text(errors="replace")
    searched_to = 0  # diagrams appear in source order: search each after the previous one
    for i, m in enumerate(DIAGRAM.finditer(content._content or "")):
        source = html.unescape(m.group(1)).strip("\n")
        first = next((line.strip() for line in source.splitlines() if line.strip()), "")
        at = source_text.find(first, searched_to) if first else -1
        searched_to = at + 1 if at >= 0 else searched_to
        line = source_text.count("\n", 0, at) + 1 if at >= 0 else None
        found.append({"id": f"{content.source_path}:{line or '?'}#{i}", "source": source})
    return found


def parse_all(diagrams: list[dict]) -> list[dict]:
    """Mermaid's verdict on each diagram that fails to parse ([] when all parse)."""
    if not diagrams:
        return []

    def run_node() -> bytes:
        result = subprocess.run(
            ["node", str(SCRIPT)], input=json.dumps(diagrams), capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"Mermaid check could not run (is `npm ci` done?): {result.stderr.strip()[-500:]}")
        return result.stdout.encode()

    versions = [(ROOT / "node_modules" / p / "package.json").read_bytes() for p in ("mermaid", "jsdom")]
    inputs = [json.dumps(diagrams, sort_keys=True), SCRIPT.read_bytes(), fingerprint(__file__), *versions]
    return json.loads(cached("mermaid", inputs, run_node))


def check_diagrams(generators) -> None:
    diagrams = []
    for generator in generators:
        for content in getattr(generator, "articles", []) + getattr(generator, "pages", []):
            diagrams += diagrams_in(content)
    for failure in parse_all(diagrams):
        where = failure["id"].rsplit("#", 1)[0]
        message = " ".join(failure["error"].split())
        logger.error("%s: Mermaid diagram does not parse: %s", where, message)


def register():
    # all_generators_finalized: every article is read; one node run checks all diagrams.
    signals.all_generators_finalized.connect(check_diagrams)
