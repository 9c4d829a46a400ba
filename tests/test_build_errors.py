"""What `python -m tools.build` says when it fails: an author error in one line naming
the file and line, a bug in a plugin with its traceback and the file being processed."""

from __future__ import annotations

import sys
import weakref

import pytest

from tools import build

POST = "Title: A post\nDate: 2026-11-01\n\nSome text.\n"


def disconnect_receivers_from(module_name: str) -> None:
    """Pelican's signals live as long as the process: unhook a test plugin's handlers."""
    from blinker import Signal
    from pelican.plugins import signals

    for signal in vars(signals).values():
        if isinstance(signal, Signal):
            for receiver in list(signal.receivers.values()):
                handler = receiver() if isinstance(receiver, weakref.ref) else receiver
                if getattr(handler, "__module__", None) == module_name:
                    signal.disconnect(handler)


@pytest.fixture
def build_with_plugin(tmp_path, monkeypatch, capsys):
    """Run tools.build's main() in-process on a one-post site whose only plugin is the
    given code; return (exit status, what it printed to stderr)."""
    # No figures here: making them into an empty assets folder would take half a minute.
    monkeypatch.setattr(build, "refresh_figures", lambda content: None)
    monkeypatch.setattr("plugins.build_cache.CACHE", tmp_path / "cache")
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"crashing_{tmp_path.name.replace('-', '_')}"  # a fresh module for each test

    def run(plugin_code: str) -> tuple[int, str]:
        content = tmp_path / "content"
        content.mkdir()
        (content / "post.md").write_text(POST)
        (tmp_path / f"{name}.py").write_text(plugin_code)
        settings = tmp_path / "settings.py"
        settings.write_text(
            f"PATH = {str(content)!r}\n"
            f"PLUGINS = [{name!r}]\n"
            "LOAD_CONTENT_CACHE = False\n"
            "TIMEZONE = 'UTC'\n"  # any warning fails a build: keep this one clean
            "FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None\n"
        )
        status = build.main(["--settings", str(settings), "--output", str(tmp_path / "output")])
        return status, capsys.readouterr().err

    yield run
    disconnect_receivers_from(name)
    sys.modules.pop(name, None)


def test_the_one_post_site_builds_with_a_plugin_that_works(tmp_path, build_with_plugin):
    plugin = (
        "from pelican import signals\n"
        "\n"
        "def count_words(content):\n"
        "    content.words = len(content._content.split())\n"
        "\n"
        "def register():\n"
        "    signals.content_object_init.connect(count_words)\n"
    )
    status, err = build_with_plugin(plugin)
    assert status == 0, err
    assert (tmp_path / "output" / "a-post.html").is_file()


def test_a_plugin_crash_while_reading_a_post_shows_the_file_and_the_traceback(tmp_path, build_with_plugin):
    plugin = (
        "from pelican import signals\n"
        "\n"
        "def count_words(content):\n"
        "    return len(content._content) / 0  # the bug\n"
        "\n"
        "def register():\n"
        "    signals.content_object_init.connect(count_words)\n"
    )
    status, err = build_with_plugin(plugin)
    assert status == 1, err
    assert "Could not process" in err and "post.md" in err, err
    assert "Traceback (most recent call last)" in err, err
    assert f"{tmp_path}/crashing_" in err and "in count_words" in err, err
    assert "return len(content._content) / 0  # the bug" in err, err
    assert "ZeroDivisionError: division by zero" in err, err
    assert "a bug in the build code" in err, err
    assert not (tmp_path / "output").exists()


def test_a_plugin_crash_after_reading_names_the_post_it_was_working_on(tmp_path, build_with_plugin):
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
    status, err = build_with_plugin(plugin)
    assert status == 1, err
    assert f"while processing {tmp_path / 'content' / 'post.md'}" in err, err
    assert "Traceback (most recent call last)" in err and "in after_all" in err and "in check" in err, err
    assert "KeyError: 'reading_time'" in err, err


def test_an_author_error_from_a_plugin_stays_one_clear_line(tmp_path, build_with_plugin):
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
    status, err = build_with_plugin(plugin)
    assert status == 1, err
    assert f"{tmp_path / 'content' / 'post.md'}:4: unknown word 'foo'" in err, err
    assert "Traceback" not in err and "a bug in the build code" not in err, err
