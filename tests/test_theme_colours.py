"""One source for the page colours: site.css. Python reads them from there and repeats none of them."""

from __future__ import annotations

import re

import pytest

from figures.theme import DARK, LIGHT, SITE_CSS, colours
from tests.conftest import ROOT


def test_light_and_dark_colours_are_read_from_site_css():
    css = SITE_CSS.read_text()
    for name, value in LIGHT.items():
        assert re.search(rf":root\s*\{{[^}}]*--{name}:\s*{re.escape(value)};", css), name
    assert LIGHT["bg"] != DARK["bg"] and set(DARK) >= {"bg", "fg", "muted", "rule", "accent"}


def test_a_theme_rule_without_a_colour_is_an_error_naming_the_file_and_the_variable():
    with pytest.raises(ValueError, match=r"site\.css.*--rule"):
        colours(":root {\n  --bg: #fff; --fg: #000; --muted: #444; --accent: #00f;\n}\n", ":root")
    with pytest.raises(ValueError, match="no `:root"):
        colours("body { color: red; }", ":root")


def test_no_python_module_repeats_a_page_colour():
    page_colours = {v.lower() for v in [*LIGHT.values(), *DARK.values()] if v.startswith("#")}
    for path in [*(ROOT / "figures").glob("*.py"), *(ROOT / "plugins").rglob("*.py")]:
        found = page_colours & {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text())}
        assert not found, f"{path.name} repeats {found}: read figures.theme instead"
