"""Bad input fails the build loudly: non-zero exit, the file and line named, the last good site kept."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_content, run_build, write_settings

pytestmark = pytest.mark.build  # every test builds broken content next to the session's site

GOOD_POST = """---
title: "A good post"
tags: maths
---

Some text with $x^2$ in it.
"""

CASES = {
    "invalid-inline-latex": (GOOD_POST + "\nBroken \\\\(\\frac{1}{\\\\) here.\n", 8, "\\frac{1}{"),
    "invalid-display-latex": (GOOD_POST + "\n$$\\begin{aligned} a \\end{matrix}$$\n", 8, "\\begin{aligned}"),
    "invalid-latex-after-figures": (
        GOOD_POST + "\n{% figure beta-slider %}\n\n{% figure act %}\n\nBroken \\\\(\\frac{1}{\\\\) here.\n",
        12,
        "\\frac{1}{",
    ),
    "unknown-macro": (GOOD_POST + "\nAn $\\notamacro{x}$ here.\n", 8, "\\notamacro"),
    "unterminated-dollars": (GOOD_POST + "\nOpen $$x + y\n\nand never closed.\n", 8, "unterminated"),
    "malformed-yaml": ('---\ntitle: "A post\ntags: [maths\n---\n\nText.\n', 2, "malformed YAML front matter"),
    "malformed-yaml-list": (
        "---\ntitle: A post\ntags: [maths\nlayout: post\n---\n\nText.\n",
        3,
        "tags: [maths",
    ),
    "no-title": ("---\ntags: maths\n---\n\nText.\n", None, "title"),
    "unknown-figure": (GOOD_POST + "\n{% figure no-such-figure %}\n", 8, "no-such-figure"),
    "missing-image-single-quotes": (GOOD_POST + "\n<img src='/assets/images/nowhere.svg' alt='x'>\n", 8, "nowhere.svg"),
    "image-that-is-a-page-source": (
        GOOD_POST + '\n<img src="../pages/404.md" alt="x">\n',
        8,
        "is a post or page source",
    ),
    "duplicate-equation-label": (GOOD_POST + "\n$$a \\label{x}$$\n\n$$b \\label{x}$$\n", 10, "label{x}"),
    "mermaid-syntax-error": (
        GOOD_POST + "\n```mermaid\ngraph LR\n  a --> b[[unclosed\n```\n",
        8,  # the diagram's fence
        "Mermaid diagram does not parse",
    ),
    "mermaid-html-syntax-error": (
        GOOD_POST + '\n<div class="mermaid">\nflowchart TD\n  x -->|1 h1\n</div>\n',
        8,
        "Parse error on line",
    ),
    "mermaid-syntax-error-after-code": (
        GOOD_POST + "\n```text\ngraph LR\n```\n\n```mermaid\ngraph LR\n  a --> b[[unclosed\n```\n",
        12,  # its own fence, not the code block's line that reads the same
        "Mermaid diagram does not parse",
    ),
    "untrusted-katex-link": (GOOD_POST + "\nA $\\href{https://example.org}{link}$.\n", 8, "is not allowed in a post"),
    "formula-too-long": (GOOD_POST + "\n$$" + "x" * 70_000 + "$$\n", 8, "formula too long"),
    "missing-image": (
        GOOD_POST + '\n<img src="/assets/images/nowhere.svg" alt="x">\n',
        8,
        "/assets/images/nowhere.svg",
    ),
}


def tree_digest(folder: Path) -> str:
    """One hash of every name (folders too) and every file's bytes under `folder`."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        if path.is_file():
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def good_build(site, tmp_path_factory):
    """A content copy, and a copy of a good build of it to compare against."""
    folder = tmp_path_factory.mktemp("bad-input")
    content = copy_content(folder / "content")
    return folder, content, site


def build_broken(tmp_path, good_build, name: str, data: bytes):
    _, content, site = good_build
    broken = tmp_path / "content"
    shutil.copytree(content, broken)
    post = broken / "posts" / f"2026-11-27-{name}.md"
    post.write_bytes(data)
    output = tmp_path / "output"
    shutil.copytree(site, output)
    before = tree_digest(output)
    result = run_build(write_settings(tmp_path, broken), output)
    return result, post, output, before


@pytest.mark.build
@pytest.mark.parametrize("name", CASES)
def test_bad_input_fails_naming_the_file_and_keeps_the_last_good_site(tmp_path, good_build, name):
    text, line, offending = CASES[name]
    result, post, output, before = build_broken(tmp_path, good_build, name, text.encode())
    message = result.stdout + result.stderr
    assert result.returncode != 0, message
    assert str(post) in message or post.name in message, message
    if line:
        assert f"{post.name}:{line}" in message, message
    assert offending in message, message
    assert "katex-error" not in message
    assert "Traceback" not in message, "an author error must read as one clear message"
    assert tree_digest(output) == before
    assert not list(tmp_path.glob(".output.building-*")), "staging folder left behind"


@pytest.mark.build
def test_a_file_that_is_not_utf8_names_its_line(tmp_path, good_build):
    data = GOOD_POST.encode() + b"\nCaf\xe9 au lait\n"
    result, post, output, before = build_broken(tmp_path, good_build, "latin1", data)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{post.name}:8" in message and "not valid UTF-8" in message and "\\xe9" in message
    assert tree_digest(output) == before


@pytest.mark.build
def test_a_figure_tag_inside_code_stays_text(tmp_path, good_build):
    text = GOOD_POST + "\n```\n{% figure no-such-figure %}\n```\n"
    result, post, output, before = build_broken(tmp_path, good_build, "tag-in-code", text.encode())
    assert result.returncode == 0, result.stderr
    assert "{% figure no-such-figure %}" in (output / "2026/11/27/tag-in-code/index.html").read_text()


@pytest.mark.build
def test_a_duplicate_slug_names_both_files(tmp_path, good_build):
    text = GOOD_POST.replace("A good post", "Same slug")
    result, post, output, before = build_broken(tmp_path, good_build, "fine", text.encode())
    assert result.returncode == 0
    twin = post.with_suffix(".markdown")
    twin.write_text(text)
    before = tree_digest(output)
    result = run_build(write_settings(tmp_path, post.parent.parent), output)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'slug "fine"' in message and post.name in message and twin.name in message
    assert tree_digest(output) == before


@pytest.mark.build
def test_a_good_post_builds(tmp_path, good_build):
    result, post, output, before = build_broken(tmp_path, good_build, "fine", GOOD_POST.encode())
    assert result.returncode == 0, result.stderr
    assert (output / "2026/11/27/fine/index.html").is_file()
