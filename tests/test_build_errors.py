"""What `python -m tools.build` says when it fails: an author error in one line naming
the file and line, a bug in a plugin with its traceback and the file being processed."""

from __future__ import annotations

import errno
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
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"crashing_{tmp_path.name.replace('-', '_')}"  # a fresh module for each test

    def run(plugin_code: str, posts: dict[str, str] | None = None, settings_code: str = "") -> tuple[int, str]:
        content = tmp_path / "content"
        content.mkdir()
        for post_name, text in (posts or {"post.md": POST}).items():
            (content / post_name).write_text(text)
        (tmp_path / f"{name}.py").write_text(plugin_code)
        settings = tmp_path / "settings.py"
        settings.write_text(
            settings_code + f"PATH = {str(content)!r}\n"
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


def test_an_author_error_from_a_plugin_is_one_clear_message(tmp_path, build_with_plugin):
    plugin = (
        "from pelican import signals\n"
        "from plugins.jekyll.reader import SourceError\n"
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
    # One message: Pelican's line naming the source as content/ has it, then the cause.
    assert err.splitlines()[1:] == [
        "error: Could not process ./post.md",
        f"    {tmp_path / 'content' / 'post.md'}:4: unknown word 'foo'",
    ], err


# The project's check of outputs and templates, hooked through the test plugin (so that
# disconnect_receivers_from unhooks it after the test).
CHECK_OUTPUTS = (
    "from pelican import signals\n"
    "from plugins.features import output_paths\n"
    "\n"
    "def check(generators):\n"
    "    output_paths.check(generators)\n"
    "\n"
    "def register():\n"
    "    signals.all_generators_finalized.connect(check)\n"
)


def test_two_posts_with_one_output_are_one_line_naming_both(tmp_path, build_with_plugin):
    same = POST.replace("Date:", "Save_as: same.html\nDate:")
    posts = {"a.md": same, "b.md": same.replace("A post", "B post")}
    status, err = build_with_plugin(CHECK_OUTPUTS, posts)
    assert status == 1, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {tmp_path / 'content' / 'a.md'}: writes same.html, as {tmp_path / 'content' / 'b.md'} does; "
        "give one of them another permalink"
    ], err
    assert "Traceback" not in err and "a bug in the build code" not in err
    assert not (tmp_path / "output").exists()


def test_a_post_on_the_home_page_is_named(tmp_path, build_with_plugin):
    status, err = build_with_plugin(CHECK_OUTPUTS, {"post.md": POST.replace("Date:", "Save_as: index.html\nDate:")})
    assert status == 1, err
    assert f"error: {tmp_path / 'content' / 'post.md'}: writes index.html, which is the home page;" in err, err


def test_a_template_the_theme_lacks_is_one_line_naming_the_post(tmp_path, build_with_plugin):
    status, err = build_with_plugin(CHECK_OUTPUTS, {"post.md": POST.replace("Date:", "Template: nonexistent\nDate:")})
    assert status == 1, err
    assert f"error: {tmp_path / 'content' / 'post.md'}: front matter 'template: nonexistent': the theme has no" in err
    assert "article" in err and "Traceback" not in err, err


def test_a_full_disk_is_one_line_naming_the_file(tmp_path, build_with_plugin):
    """/dev/full fails every write with ENOSPC, as a full disk does; write() names no file."""
    plugin = (
        "from pelican import signals\n"
        "\n"
        "def write(pelican):\n"
        "    with open('/dev/full', 'w') as f:\n"
        "        f.write('x' * 100_000)\n"
        "\n"
        "def register():\n"
        "    signals.finalized.connect(write)\n"
    )
    status, err = build_with_plugin(plugin)
    assert status == 1, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == ["error: /dev/full: disk full; free some space there, then build again"], err
    assert "Traceback" not in err and "a bug in the build code" not in err


def test_a_bad_config_yml_read_by_the_settings_is_one_line(tmp_path, build_with_plugin):
    config = tmp_path / "_config.yml"
    config.write_text("title: Blog\nnav: [home, about\n")
    settings_code = (
        "from pathlib import Path\n"
        "from plugins.jekyll.config import pelican_settings\n"
        f"JEKYLL_CONFIG = pelican_settings(Path({str(config)!r}))\n"
    )
    status, err = build_with_plugin("", settings_code=settings_code)
    assert status == 1, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {config}:2: malformed YAML"), err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "err, message",
    [
        (OSError(errno.EROFS, "Read-only file system", "/srv/site/.output.lock"), "/srv/site/.output.lock: read-only"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/site/x"), "/srv/site/x: permission denied"),
        (OSError(errno.ENOSPC, "No space left on device", "/a/src.png", None, "/b/dst.png"), "/b/dst.png: disk full"),
    ],
)
def test_a_disk_that_cannot_be_written_reads_as_the_path_and_what_to_do(err, message):
    assert build.disk_problem(err).startswith(message)
    assert build.disk_problem(ValueError("not a disk")) is None


def test_a_read_only_output_folder_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    """(As root, CI can make no folder read-only but by mounting: tests/test_bad_input.py does
    that where it can. Here the first write of a build, the lock beside the output, is refused.)"""
    real_open = open

    def refusing(path, *args, **kwargs):
        if str(path).endswith(".output.lock"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refusing)
    status = build.main(["--settings", str(tmp_path / "settings.py"), "--output", str(tmp_path / "output")])
    err = capsys.readouterr().err
    assert status == 1
    assert f"error: {tmp_path / '.output.lock'}: permission denied;" in err, err
    assert "Traceback" not in err


WARNING_PLUGIN = (
    "from pelican import signals\n"
    "from plugins.jekyll.front_matter import author_warning\n"
    "\n"
    "def warn(pelican):\n"
    "    pelican.settings['PREPARE_FOR_HOST'] = {publishing}\n"
    "    author_warning('posts/x.md', 7, 'image /a.png not found; Jekyll publishes it broken')\n"
    "\n"
    "def register():\n"
    "    signals.initialized.connect(warn)\n"
)


def test_an_authors_warning_is_listed_and_the_site_still_builds(build_with_plugin):
    status, err = build_with_plugin(WARNING_PLUGIN.format(publishing=False))
    assert status == 0, err
    assert err.splitlines() == [
        "warning: posts/x.md:7: image /a.png not found; Jekyll publishes it broken",
        "1 warning(s): what Jekyll would publish broken (see above)",
    ]


def test_a_publish_build_fails_on_warnings_unless_they_are_allowed(build_with_plugin, monkeypatch):
    monkeypatch.delenv("ALLOW_WARNINGS", raising=False)
    status, err = build_with_plugin(WARNING_PLUGIN.format(publishing=True))
    assert status == 1, err
    assert "warning: posts/x.md:7: image /a.png not found" in err
    assert "a publish build fails on warnings (fix them, or publish anyway with ALLOW_WARNINGS=1" in err


def test_a_build_note_is_printed_and_fails_nothing(build_with_plugin):
    plugin = (
        "from pelican import signals\n"
        "from plugins.jekyll.front_matter import build_note\n\n"
        "def note(pelican):\n"
        "    pelican.settings['PREPARE_FOR_HOST'] = True\n"
        "    build_note('2 formulas drawn by MathJax: posts/x.md:3, posts/x.md:9')\n\n"
        "def register():\n"
        "    signals.initialized.connect(note)\n"
    )
    status, err = build_with_plugin(plugin)
    assert status == 0, err
    assert err.splitlines()[0] == "note: 2 formulas drawn by MathJax: posts/x.md:3, posts/x.md:9", err
    assert "warning" not in err and "error" not in err, err


def test_an_image_with_empty_alt_text_is_a_note_naming_its_line_and_fails_nothing(build_with_plugin):
    """`alt=""` is valid HTML (a decorative image) and Jekyll publishes it: Pelican's own warning
    for it would fail the build, so it becomes a note with the file and the line."""
    post = POST + "\nMore text.\n\n<img src='deco.png' alt=''>\n"
    status, err = build_with_plugin("def register():\n    pass\n", posts={"post.md": post})
    assert status == 0, err
    (line,) = [m for m in err.splitlines() if "deco.png" in m]
    assert line.startswith("note: ") and line.split(": ")[1].endswith("post.md:8"), line
    assert "warning" not in err and "error" not in err, err
