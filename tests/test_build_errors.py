"""What `python -m tools.build` says when it fails: an author error in one line naming
the file and line, a bug in a plugin with its traceback and the file being processed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

POST = "Title: A post\nDate: 2026-11-01\n\nSome text.\n"

# Run tools.build's own main() as `make html` does, on a one-post site with only the
# plugin under test. Figure regeneration is switched off: this site has no figures, and
# making them into an empty assets folder would cost half a minute.
RUN = (
    "import sys, tools.build as b; b.refresh_figures = lambda content: None; "
    "sys.exit(b.main(['--settings', sys.argv[1], '--output', sys.argv[2]]))"
)


def build_with_plugin(tmp_path: Path, plugin_code: str) -> subprocess.CompletedProcess:
    """Build a one-post site whose only plugin is `plugin_code` (module `crashing`)."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "post.md").write_text(POST)
    (tmp_path / "crashing.py").write_text(plugin_code)
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"PATH = {str(content)!r}\n"
        "PLUGINS = ['crashing']\n"
        "LOAD_CONTENT_CACHE = False\n"
        "TIMEZONE = 'UTC'\n"  # any warning fails a build: keep this one clean
        "FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", "BUILD_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-c", RUN, str(settings), str(tmp_path / "output")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_the_one_post_site_builds_with_a_plugin_that_works(tmp_path):
    plugin = "from pelican import signals\n\ndef register():\n    signals.content_object_init.connect(print)\n"
    result = build_with_plugin(tmp_path, plugin)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "output" / "a-post.html").is_file()


def test_a_plugin_crash_while_reading_a_post_shows_the_file_and_the_traceback(tmp_path):
    plugin = (
        "from pelican import signals\n"
        "\n"
        "def count_words(content):\n"
        "    return len(content._content) / 0  # the bug\n"
        "\n"
        "def register():\n"
        "    signals.content_object_init.connect(count_words)\n"
    )
    result = build_with_plugin(tmp_path, plugin)
    assert result.returncode == 1, result.stdout + result.stderr
    err = result.stderr
    assert "Could not process" in err and "post.md" in err, err
    assert "Traceback (most recent call last)" in err, err
    assert str(tmp_path / "crashing.py") in err and "count_words" in err, err
    assert "return len(content._content) / 0  # the bug" in err, err
    assert "ZeroDivisionError: division by zero" in err, err
    assert "a bug in the build code" in err, err
    assert not (tmp_path / "output").exists()


def test_a_plugin_crash_after_reading_names_the_post_it_was_working_on(tmp_path):
    plugin = (
        "from pelican import signals\n"
        "\n"
        "def check(article):\n"
        "    return {}['reading_time']  # the bug\n"
        "\n"
        "def after_all(generators):\n"
        "    for generator in generators:\n"
        "        for article in getattr(generator, 'articles', []):\n"
        "            check(article)\n"
        "\n"
        "def register():\n"
        "    signals.all_generators_finalized.connect(after_all)\n"
    )
    result = build_with_plugin(tmp_path, plugin)
    assert result.returncode == 1, result.stdout + result.stderr
    err = result.stderr
    assert f"while processing {tmp_path / 'content' / 'post.md'}" in err, err
    assert "Traceback (most recent call last)" in err and "in after_all" in err and "in check" in err, err
    assert "KeyError: 'reading_time'" in err, err


def test_an_author_error_from_a_plugin_stays_one_clear_line(tmp_path):
    plugin = (
        "from pelican import signals\n"
        "from plugins.jekyll_reader import SourceError\n"
        "\n"
        "def refuse(content):\n"
        "    raise SourceError(content.source_path, 4, \"unknown word 'foo'\")\n"
        "\n"
        "def register():\n"
        "    signals.content_object_init.connect(refuse)\n"
    )
    result = build_with_plugin(tmp_path, plugin)
    assert result.returncode == 1, result.stdout + result.stderr
    err = result.stderr
    assert f"{tmp_path / 'content' / 'post.md'}:4: unknown word 'foo'" in err, err
    assert "Traceback" not in err and "a bug in the build code" not in err, err
