"""plugins/features/output_paths.py: the files a build will write, listed before it writes any, and their clashes."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from plugins.features.output_paths import Output, collisions
from tests.conftest import ROOT, copy_content, write_settings


def post(path: str, source: str) -> Output:
    return Output(path, source, SimpleNamespace(source_path=source))


def test_a_post_on_a_generated_page_is_named_first():
    found = collisions([Output("index.html", "the home page"), post("index.html", "/c/a.md")], {})
    assert found == ["/c/a.md: writes index.html, which is the home page; give it another permalink"]


def test_two_posts_on_one_file_are_both_named():
    found = collisions([post("x/index.html", "/c/b.md"), post("x/index.html", "/c/a.md")], {})
    assert found == ["/c/a.md: writes x/index.html, as /c/b.md does; give one of them another permalink"]


def test_a_file_where_another_source_needs_a_folder_is_a_clash():
    found = collisions([Output("404.html", "the 404 page"), post("404.html/index.html", "/c/a.md")], {})
    assert found == [
        "/c/a.md: writes 404.html/index.html, inside 404.html/, where the 404 page writes a file of that name; "
        "give it another permalink"
    ]


def test_a_post_inside_a_folder_a_plugin_fills_is_a_clash():
    found = collisions([post("pagefind/index.html", "/c/a.md")], {"pagefind": "the search index"})
    assert found == [
        "/c/a.md: writes pagefind/index.html, inside pagefind/, which holds the search index; give it another permalink"
    ]


def test_neighbours_in_one_folder_do_not_clash():
    outputs = [Output("tag/a/index.html", "a"), Output("tag/b/index.html", "b"), post("tag/index.html", "/c/a.md")]
    assert collisions(outputs + [post("2026/01/02/x/index.html", "/c/x.md")], {"theme": "t"}) == []


# Run in a child process: Pelican's signals outlive a build, and the site's plugins must not
# stay connected in this one.
LIST_AND_BUILD = """
import json, sys
from pathlib import Path
from pelican import signals
from plugins.features import output_paths
from tools import build
planned = []
def keep(generators):
    generators = list(generators)
    planned.extend(o.path for o in output_paths.planned_outputs(generators, generators[0].settings))
signals.all_generators_finalized.connect(keep)
build.refresh_figures = lambda content: None
problems = build.run_pelican(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"planned": planned, "problems": problems}))
"""


@pytest.mark.build
def test_the_list_is_every_file_the_build_writes(tmp_path):
    """Posts, pages, home pages 1–n, tag and category pages, feeds, figure pages, static and template
    files: the list made before writing is what the build writes, outside the plugins' own folders."""
    content = copy_content(tmp_path / "content")
    for n in range(3):
        (content / "posts" / f"2026-01-0{n + 1}-p{n}.md").write_text(f"---\ntitle: P{n}\ntags: t{n} shared\n---\nx\n")
    settings = write_settings(
        tmp_path,
        content,
        DEFAULT_PAGINATION=2,
        FEED_DOMAIN="https://x.org",
        FEED_ALL_ATOM="feeds/all.atom.xml",
        CATEGORY_FEED_ATOM="feeds/{slug}.atom.xml",
        TAG_FEED_RSS="feeds/tag-{slug}.rss.xml",
    )
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-c", LIST_AND_BUILD, str(settings), str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["problems"] == [], result["problems"]
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    own = ("theme/", "pagefind/", "social/")
    assert sorted(w for w in written if not w.startswith(own)) == sorted(set(result["planned"]))
    assert {"index.html", "index2.html", "tag/shared/index.html", "tag/shared/index2.html"} <= written
    assert {"feeds/all.atom.xml", "feeds/tag-shared.rss.xml", "figures/ellipse/index.html", "404.html"} <= written
