"""The site's page colours, read from the one place they are defined: the theme's site.css.

The CSS custom properties on `:root` are the light theme and those under
`:root[data-theme="dark"]` the dark one. Python code that draws in the site's
colours (the figures' static pictures, the social cards) reads them here, so a
colour changed in the CSS changes everywhere (and makes the figures stale).
"""

from __future__ import annotations

import re
from pathlib import Path

SITE_CSS = Path(__file__).resolve().parent.parent / "theme" / "static" / "css" / "site.css"
COLOUR = re.compile(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,8}|rgba?\([^)]*\))\s*;")


def colours(css: str, selector: str) -> dict[str, str]:
    """`--name: colour` pairs of the first rule whose selector is exactly `selector`."""
    match = re.search(rf"(?m)^\s*{re.escape(selector)}\s*\{{([^}}]*)\}}", css)
    if not match:
        raise ValueError(f"{SITE_CSS}: no `{selector} {{…}}` rule with the theme colours")
    found = dict(COLOUR.findall(match.group(1)))
    missing = {"bg", "fg", "muted", "rule", "accent"} - set(found)
    if missing:
        raise ValueError(f"{SITE_CSS}: `{selector}` lacks --{', --'.join(sorted(missing))}")
    return found


_CSS = SITE_CSS.read_text(encoding="utf-8")
LIGHT = colours(_CSS, ":root")
DARK = colours(_CSS, ':root[data-theme="dark"]')
