"""A post's maths is untrusted: links, images and HTML attributes are refused unless the site
trusts them, and a formula too long or too slow fails at once. Each is one author error
naming the file, the line and the formula."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pelican.settings import read_settings

from plugins import build_state
from plugins.jekyll.reader import JekyllMarkdownReader, SourceError
from plugins.katex import render as katex_render
from tests.conftest import ROOT
from tests.test_katex_startup import SLOW_FORMULA

POST = "---\ntitle: A post\n---\n\nSome $x$ text.\n\n{}\n"  # the formula is on line 7


@pytest.fixture
def build(tmp_path, monkeypatch):
    """Read a post as a build with these settings would: the reader and renderer it uses."""
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))

    def read(text: str, **settings):
        site = read_settings(str(ROOT / "pelicanconf.py"), override=settings)
        katex_render.check_settings(SimpleNamespace(settings=site))  # what the `initialized` signal does
        path = tmp_path / "2026-01-02-a-post.md"
        path.write_text(text)
        return path, JekyllMarkdownReader(site).read(str(path))

    yield read
    build_state.close_any()


def failure(build, formula: str, **settings) -> str:
    with pytest.raises(SourceError) as err:
        build(POST.format(formula), **settings)
    assert err.value.__cause__ is None or not isinstance(err.value.__cause__, SourceError)
    return str(err.value)


def test_a_link_in_a_formula_fails_the_post_naming_the_line_and_formula(build, tmp_path):
    message = failure(build, r"See $\href{https://example.org}{this}$.")
    assert message.startswith(f"{tmp_path / '2026-01-02-a-post.md'}:7: ")
    assert r"\href{https://example.org} is not allowed" in message and "KATEX_TRUST" in message
    assert r"'\\href{https://example.org}{this}'" in message


def test_the_site_can_trust_links_to_itself(build):
    trust = [{"command": "\\href", "protocol": "https", "host": "my.site"}]
    _, (content, _) = build(POST.format(r"See $\href{https://my.site/a/}{this}$."), KATEX_TRUST=trust)
    assert 'href="https://my.site/a/"' in content
    assert "is not allowed" in failure(build, r"$\href{https://example.org}{x}$", KATEX_TRUST=trust)


def test_a_formula_that_takes_too_long_fails_the_post_naming_it(build):
    message = failure(build, f"$${SLOW_FORMULA}$$", KATEX_TIME_LIMIT=1)
    assert ":7: KaTeX had not finished this formula" in message and "KATEX_TIME_LIMIT" in message
    assert "'\\\\def\\\\a{xxxx" in message and message.endswith("…'")  # the start of the formula


def test_a_formula_over_the_sites_size_limit_fails_before_it_is_rendered(build):
    message = failure(build, "$$" + "x" * 2000 + "$$", KATEX_MAX_BYTES=1000)
    assert ":7: formula too long (2,000 bytes of TeX; the limit is 1,000, KATEX_MAX_BYTES)" in message


def test_a_malformed_trust_list_fails_the_build_as_one_message(build):
    with pytest.raises(SourceError, match=r"^the settings: KATEX_TRUST: \{'command': '\\\\frac'\} is not"):
        build(POST.format("$x$"), KATEX_TRUST=[{"command": "\\frac"}])
