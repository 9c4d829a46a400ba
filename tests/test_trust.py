"""What keeps authors and readers safe: atomic builds, links that resolve, escaping, CSP, accessibility."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import POST_URL, ROOT, copy_content, run_build, write_settings

# ---------------------------------------------------------------- atomic output


@pytest.mark.build
def test_an_interrupted_build_leaves_the_last_good_site(site, tmp_path):
    import shutil

    from tests.test_bad_input import tree_digest

    output = tmp_path / "output"
    shutil.copytree(site, output)
    before = tree_digest(output)
    build = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.build",
            "--settings",
            str(write_settings(tmp_path, ROOT / "content")),
            "--output",
            str(output),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the kill takes its KaTeX node server too, as Ctrl-C would
    )
    deadline = time.monotonic() + 120
    staging = []
    # Kill it as soon as pages are being written into its staging folder.
    while build.poll() is None and time.monotonic() < deadline:
        staging = [s for s in tmp_path.glob(".output.building-*") if next(s.rglob("*.*"), None)]
        if staging:
            break
        time.sleep(0.005)
    kill_process_group(build)
    assert staging, "the build never wrote into a staging folder: the output itself may have been rewritten"
    assert staging[0].exists(), "the build finished before it was killed: nothing was interrupted"
    assert tree_digest(output) == before
    from tools.build import recover

    recover(output)  # what the next build does first: the dead build's staging folder goes
    assert not staging[0].exists() and tree_digest(output) == before


def kill_process_group(process: subprocess.Popen) -> None:
    """SIGKILL a process and its group, and remove the folders its KaTeX servers left in /tmp."""
    import os
    import shutil

    leftovers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == process.pid:  # field 5: pgid
                args = (stat.parent / "cmdline").read_bytes().split(b"\0")
                if b"--socket" in args:
                    leftovers.append(Path(os.fsdecode(args[args.index(b"--socket") + 1])).parent)
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # the build, and all it started, had already ended
    process.wait()
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.build
def test_a_build_that_died_between_its_two_renames_is_recovered(site, tmp_path):
    import shutil

    from tools.build import recover

    previous = tmp_path / "output.previous"
    shutil.copytree(site, previous)
    recover(tmp_path / "output")
    assert (tmp_path / "output" / "index.html").is_file() and not previous.exists()


# ---------------------------------------------------------------- links


def local_targets(page: Path, site: Path) -> list[tuple[str, str]]:
    """(attribute value, what it refers to) for every local reference in an HTML page."""
    doc = BeautifulSoup(page.read_text(), "html.parser")
    refs = []
    for tag in doc.find_all(True):
        for attr in ("href", "src", "data-figure-src", "data-plotly", "data-mermaid"):
            if tag.get(attr):
                refs.append(tag[attr])
    base = "/" + page.relative_to(site).as_posix()
    return [(ref, urljoin(base, ref)) for ref in refs if not urlsplit(ref).scheme and not ref.startswith("//")]


def resolve(site: Path, url: str) -> Path | None:
    path = site / unquote(urlsplit(url).path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


@pytest.mark.build
def test_every_internal_link_anchor_and_asset_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    broken = []
    for page in pages:
        for ref, url in local_targets(page, site):
            target = resolve(site, url)
            if target is None:
                broken.append(f"{page.relative_to(site)}: {ref}")
                continue
            fragment = urlsplit(url).fragment
            if fragment and target.suffix == ".html":
                ids = set(re.findall(r'\bid="([^"]+)"', target.read_text()))
                if fragment not in ids:
                    broken.append(f"{page.relative_to(site)}: {ref} (no such anchor)")
    for css in site.rglob("*.css"):
        for ref in re.findall(r"url\(([^)]+)\)", css.read_text()):
            if not ref.startswith("data:") and not (css.parent / ref.strip("'\"")).is_file():
                broken.append(f"{css.relative_to(site)}: {ref}")
    assert broken == []


@pytest.mark.build
def test_external_links_are_well_formed_and_point_where_the_draft_meant(site):
    doc = BeautifulSoup((site / POST_URL.strip("/") / "index.html").read_text(), "html.parser")
    external = [a["href"] for a in doc.select(".post-body a[href]") if urlsplit(a["href"]).scheme]
    assert len(external) == 4  # the references list: each paper the draft links
    for url in external:
        parts = urlsplit(url)
        assert parts.scheme == "https" and "." in parts.netloc and " " not in url, url
    arxiv = sorted({re.search(r"arxiv\.org/abs/(\d{4}\.\d{5})$", u).group(1) for u in external if "arxiv" in u})
    assert arxiv == ["1612.08083", "2002.05202", "2402.03804"]
    assert [u for u in external if "doi" in u] == ["https://doi.org/10.1126/science.aax6239"]


# ---------------------------------------------------------------- escaping, inline code, CSP


@pytest.mark.build
def test_no_page_has_inline_scripts_or_event_handlers(site):
    for page in site.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(), "html.parser")
        for script in doc.find_all("script"):
            assert script.get("src"), f"{page}: inline script {script}"
        for tag in doc.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, f"{page}: {tag.name} has {handlers}"


@pytest.mark.build
def test_every_page_carries_a_strict_content_security_policy(site):
    for page in site.rglob("*.html"):
        meta = BeautifulSoup(page.read_text(), "html.parser").select_one('meta[http-equiv="Content-Security-Policy"]')
        assert meta, page
        policy = dict(d.strip().split(" ", 1) for d in meta["content"].split(";"))
        assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"  # wasm for search only, never JS eval
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
        assert "'unsafe-eval'" not in meta["content"]
        assert all("http" not in v and "*" not in v for v in policy.values())


@pytest.mark.build
def test_front_matter_values_are_escaped(tmp_path):
    content = copy_content(tmp_path / "content")
    (content / "posts" / "2026-11-27-evil.md").write_text(
        '---\ntitle: "<script>alert(1)</script> & <b>bold</b>"\nsubtitle: "<img src=x onerror=alert(2)>"\n'
        'tags: "<i>x</i>"\n---\n\nText.\n'
    )
    output = tmp_path / "output"
    result = run_build(write_settings(tmp_path, content), output)
    assert result.returncode == 0, result.stderr
    for page in [output / "2026/11/27/evil/index.html", output / "index.html", output / "archives/index.html"]:
        html = page.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    doc = BeautifulSoup((output / "2026/11/27/evil/index.html").read_text(), "html.parser")
    assert doc.select_one(".post-header h1").get_text() == "<script>alert(1)</script> & <b>bold</b>"


def test_figure_captions_and_names_are_escaped(tmp_path):
    from plugins.markdown.figure_tag import interactive_html

    (tmp_path / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300"/>')
    meta = {"id": "x", "label": 'a "quoted" <name>', "caption": "<script>x</script>", "files": ["x.svg"]}
    spec = {
        "layout": {"height": 300},
        "narrow": {"height": 300},
        "slider": {"name": "<n>", "default": 0, "states": [{"label": "<b>", "text": "<i>t</i>"}]},
    }
    out = interactive_html("x", meta, spec, "", assets=tmp_path)
    assert "<script>" not in out and "<i>t</i>" not in out and 'aria-label="a &quot;quoted&quot; &lt;name&gt;"' in out


def test_the_swap_keeps_the_previous_site_as_the_spare_and_deletes_an_older_one_in_the_background(tmp_path):
    import time

    from tools.build import recover, spare_of, swap_in

    output = tmp_path / "output"
    for n, text in enumerate(("old", "new", "newer")):
        staging = tmp_path / f".output.building-{n}"
        (staging / "posts").mkdir(parents=True)
        (staging / "posts" / "index.html").write_text(text)
        swap_in(staging, output)
        assert (output / "posts" / "index.html").read_text() == text and not staging.exists()
    # The next build stages into the site before the current one (plugins/incremental/unchanged_outputs.py).
    assert (spare_of(output) / "posts" / "index.html").read_text() == "new"
    deadline = time.monotonic() + 10
    while list(tmp_path.glob(".output.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.spare", "output"]
    # A deleter that died (its build's pid is gone): the next build's recover() finishes it.
    leftover = tmp_path / ".output.old-123-999999999"
    (leftover / "posts").mkdir(parents=True)
    recover(output)  # in the background too
    deadline = time.monotonic() + 10
    while leftover.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leftover.exists() and (output / "posts" / "index.html").is_file()
