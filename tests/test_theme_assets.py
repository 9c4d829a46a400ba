"""What the theme ships: its CSS and JS minified from readable sources (plugins/assets/minify.py),
pages without KaTeX's redundant MathML xmlns (theme/templates/_macros.html)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from plugins.assets.minify import minify, minify_theme
from tests.conftest import POST_URL

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "theme"

CSS = """/* Why this rule is here: a comment the reader never needs. */
.preview {
  position: absolute;   /* from the top of the page */
  max-width: 360px;
}
"""
JS = """// A comment.
(function () {
  "use strict";
  var answer = 42; // another
  window.answer = answer;
})();
"""


def test_css_and_js_lose_comments_and_layout_but_keep_their_rules():
    css = minify("site.css", CSS)
    assert css == ".preview{position:absolute;max-width:360px}\n"
    js = minify("x.js", JS)
    assert "comment" not in js and "another" not in js
    assert '"use strict";var answer=42;window.answer=answer;' in js
    assert minify("robots.txt", CSS) == CSS  # anything else is shipped as it is


def test_every_theme_css_and_js_is_written_smaller_and_the_same_twice(tmp_path):
    source = THEME / "static"
    first = minify_theme(source, tmp_path / "a")
    second = minify_theme(source, tmp_path / "b")
    names = sorted(p.relative_to(tmp_path / "a").as_posix() for p in first)
    assert "css/site.css" in names and "js/search.js" in names
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        original = source / a.relative_to(tmp_path / "a")
        assert a.stat().st_size < 0.85 * original.stat().st_size, a.name


def test_pages_drop_the_mathml_xmlns_that_html5_implies():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(THEME / "templates"), autoescape=True)
    content_html = env.get_template("_macros.html").module.content_html
    katex = '<p><math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mi>x</mi></math></p>'
    svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    assert str(content_html(katex + svg)) == '<p><math display="block"><mi>x</mi></math></p>' + svg


@pytest.mark.build
def test_the_built_site_ships_minified_theme_files(site):
    css = (site / "theme" / "css" / "site.css").read_text()
    assert "/*" not in css and "\n  " not in css
    assert css == minify("site.css", (THEME / "static" / "css" / "site.css").read_text())
    page = (site / POST_URL.strip("/") / "index.html").read_text()
    assert "<math" in page and "Math/MathML" not in page
