"""Bad input fails the build loudly: non-zero exit, the file and line named, the last good site kept."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
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
    "unknown-figure": (GOOD_POST + "\n{% figure no-such-figure %}\n", 8, "no-such-figure"),
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
    "missing-template": ("---\ntitle: T\ntemplate: nonexistent\n---\n\nText.\n", 3, "'template: nonexistent'"),
    "impossible-date": ("---\ntitle: T\ndate: 2020-02-30\n---\n\nText.\n", 3, "'date: 2020-02-30' is not a valid"),
    "tags-as-a-mapping": ("---\ntitle: T\ntags: {a: b}\n---\n\nText.\n", 3, "'tags:' must be"),
    "nul-byte": (GOOD_POST + "\nText\0here.\n", 8, "NUL byte"),
    "cr-only-lines": (GOOD_POST.replace("\n", "\r"), 1, "CR-only line endings"),
    "figure-in-a-sentence": (GOOD_POST + "\nAs {% figure ellipse %} shows.\n", 8, "stands alone on its line"),
    "unclosed-comment": (GOOD_POST + "\n{::comment}\nA hidden note.\n", 8, "{::comment} is never closed"),
}

# What Jekyll publishes broken: the build succeeds and warns, naming the file, line and text.
WARNINGS = {
    "missing-image": (
        GOOD_POST + '\n<img src="/assets/images/nowhere.svg" alt="x">\n',
        8,
        "/assets/images/nowhere.svg",
    ),
    "missing-image-single-quotes": (GOOD_POST + "\n<img src='/assets/images/nowhere.svg' alt='x'>\n", 8, "nowhere.svg"),
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
    assert len(errors_in(message)) == 1, message
    assert tree_digest(output) == before
    assert not list(tmp_path.glob(".output.building-*")), "staging folder left behind"


@pytest.mark.build
@pytest.mark.parametrize("name", WARNINGS)
def test_what_jekyll_publishes_broken_builds_with_one_warning_naming_it(tmp_path, good_build, name):
    text, line, offending = WARNINGS[name]
    result, post, output, _ = build_broken(tmp_path, good_build, name, text.encode())
    message = result.stdout + result.stderr
    assert result.returncode == 0, message
    warnings = [m for m in message.splitlines() if m.startswith("warning:")]
    assert len(warnings) == 1 and f"{post.name}:{line}" in warnings[0] and offending in warnings[0], message
    assert "Traceback" not in message


@pytest.mark.build
def test_a_post_without_a_title_is_titled_from_its_file_name_as_in_jekyll(tmp_path, good_build):
    result, post, output, _ = build_broken(tmp_path, good_build, "no-title", b"---\ntags: maths\n---\n\nText.\n")
    assert result.returncode == 0, result.stdout + result.stderr
    pages = [p for p in output.rglob("*.html") if "2026-11-27-no-title" in p.read_text() or "No Title" in p.read_text()]
    assert any("<title>No Title" in p.read_text() for p in pages), [str(p) for p in pages]


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
    first, second = sorted([str(post), str(twin)])
    assert errors_in(message) == [
        f"error: {first}: writes 2026/11/27/fine/index.html, as {second} does; give one of them another permalink"
    ], message
    assert tree_digest(output) == before


def errors_in(message: str) -> list[str]:
    return [line for line in message.splitlines() if line.startswith("error:")]


# A post's permalink onto another output: (permalink, what the message says the other is).
COLLISIONS = {
    "home-page": ("/", "index.html, which is the home page"),
    "tag-list": ("/tags/", "tags/index.html, which is the tag list"),
    "tag-page": ("/tag/maths/", "tag/maths/index.html, which is the tag page of 'maths'"),
    "page-404": ("/404.html", "{content}/pages/404.md:4"),  # two authors' files: either may come first
    "another-post": ("/2026/11/26/swiglu-intuition/", "as {content}/posts/2026-11-26-swiglu-intuition.md does"),
    "figure-page": ("/figures/ellipse/", "figures/ellipse/index.html, which is the page of the figure 'ellipse'"),
    "inside-a-file": ("/sitemap.xml/", "sitemap.xml/index.html, inside sitemap.xml/, where the theme's sitemap.xml"),
    "theme-files": ("/theme/css/", "theme/css/index.html, inside theme/, which holds the theme's files"),
}


@pytest.mark.build
@pytest.mark.parametrize("name", COLLISIONS)
def test_a_permalink_onto_another_output_fails_naming_both_before_writing(tmp_path, good_build, name):
    permalink, clash = COLLISIONS[name]
    text = f"---\ntitle: Taker\npermalink: {permalink}\n---\n\nMine now.\n"
    result, post, output, before = build_broken(tmp_path, good_build, name, text.encode())
    message = result.stdout + result.stderr
    assert result.returncode != 0, message
    errors = errors_in(message)
    assert len(errors) == 1 and f"{post}:3" in errors[0], message
    assert clash.format(content=post.parent.parent) in errors[0], message
    assert "Traceback" not in message and "bug in the build code" not in message
    assert tree_digest(output) == before


@pytest.mark.build
def test_a_bad_date_in_a_file_name_names_that_file_only(tmp_path, good_build):
    text = "---\ntitle: T\n---\n\nSee {% post_url 2026-11-26-swiglu-intuition %}.\n"
    result, post, output, before = build_broken(tmp_path, good_build, "fine", text.encode())
    bad = post.with_name("2020-13-45-t.md")
    post.rename(bad)
    before = tree_digest(output)
    result = run_build(write_settings(tmp_path, post.parent.parent), output)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert errors_in(message) == ["error: Could not process posts/2020-13-45-t.md"], message
    assert (
        f"\n    {bad}: the date in the file name, 2020-13-45, is not a date: rename the file "
        "YYYY-MM-DD-title.md with a real date (or give the post a 'date:')\n"
    ) in message, message
    assert tree_digest(output) == before


@pytest.mark.build
def test_jekyll_posts_that_pelican_misread_build_as_jekyll_builds_them(tmp_path, good_build):
    """Upper-case extensions, a BOM, `lang:`, one slug on two dates, permalink placeholders and
    kramdown's comment and nomarkdown extensions, in one site."""
    _, content, site = good_build
    content = shutil.copytree(content, tmp_path / "content")
    posts = content / "posts"
    (posts / "2026-01-02-shouting.MD").write_text("---\ntitle: Shouting\n---\n\nLoud.\n")
    (posts / "2026-01-03-bom.Markdown").write_bytes(b"\xef\xbb\xbf---\ntitle: Marked\n---\n\nMarked.\n")
    (posts / "2026-01-04-french.md").write_text("---\ntitle: En français\nlang: fr\n---\n\nBonjour.\n")
    (posts / "2025-01-04-french.md").write_text("---\ntitle: Older French\nlang: fr\n---\n\nSalut.\n")
    (posts / "2026-01-05-placed.md").write_text(
        "---\ntitle: Placed\npermalink: /:year/:title/\n---\n\n"
        '{::comment}\nA secret note.\n{:/comment}\n\n{::nomarkdown}\n<p class="raw">*as is*</p>\n{:/nomarkdown}\n\n'
        "Links: {% post_url 2026-01-04-french %} and {% post_url 2026-01-05-placed %}.\n"
    )
    result = run_build(write_settings(tmp_path, content), tmp_path / "output")
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "output"
    for page in ("2026/01/02/shouting", "2026/01/03/bom", "2026/01/04/french", "2025/01/04/french", "2026/placed"):
        assert (out / page / "index.html").is_file(), page
    assert "<title>Marked" in (out / "2026/01/03/bom/index.html").read_text()
    placed = (out / "2026/placed/index.html").read_text()
    assert "secret" not in placed and '<p class="raw">*as is*</p>' in placed
    assert "Links: /2026/01/04/french/ and /2026/placed/." in placed
    home = (out / "index.html").read_text()
    assert "En français" in home and "Older French" in home  # neither hidden as the other's translation
    assert '<html lang="fr">' in (out / "2026/01/04/french/index.html").read_text()  # the page says its language
    assert '<html lang="en">' in home


def mount_tmpfs(folder: Path, size: int) -> None:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a file system of its own (a tmpfs), sized by the test; unmounted after."""
    folder = tmp_path / "disk"
    yield folder
    subprocess.run(["umount", str(folder)], capture_output=True)


@pytest.mark.build
def test_a_full_disk_is_one_line_and_the_last_good_site_stays(tmp_path, good_build, small_disk):
    _, content, site = good_build
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    mount_tmpfs(small_disk, size + 2**20)  # room for the site, not for the staged copy beside it
    output = shutil.copytree(site, small_disk / "output")
    before = tree_digest(output)
    result = run_build(write_settings(tmp_path, content), output)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    errors = errors_in(message)
    assert len(errors) == 1 and errors[0].startswith(f"error: {small_disk}/"), message
    assert errors[0].endswith(": disk full; free some space there, then build again"), message
    assert "Traceback" not in message and "bug in the build code" not in message
    assert tree_digest(output) == before


@pytest.mark.build
def test_a_read_only_output_folder_is_one_line_and_the_last_good_site_stays(tmp_path, good_build, small_disk):
    _, content, site = good_build
    mount_tmpfs(small_disk, 2**30)
    output = shutil.copytree(site, small_disk / "output")
    before = tree_digest(output)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run_build(write_settings(tmp_path, content), output)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert errors_in(message) == [
        f"error: {small_disk}/.output.lock: read-only file system; "
        "build into a writable folder (--output) or make this one writable"
    ], message
    assert tree_digest(output) == before


@pytest.mark.build
def test_a_good_post_builds(tmp_path, good_build):
    result, post, output, before = build_broken(tmp_path, good_build, "fine", GOOD_POST.encode())
    assert result.returncode == 0, result.stderr
    assert (output / "2026/11/27/fine/index.html").is_file()
