"""Build the site atomically: Pelican writes into a temporary folder that replaces
the output only when the build had no error and no warning.

    python -m tools.build [--settings pelicanconf.py] [--output output]

Any error or warning (invalid LaTeX, bad front matter, a missing image, …)
exits 1 with messages that name the file, and the last good output stays.
An author's mistake reads as one line naming the file, line and offending text;
an exception from build code (a bug) shows its traceback and the post it was
processing.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import io
import logging
import os
import shutil
import subprocess
import sys
import textwrap
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def author_errors() -> tuple[type[Exception], ...]:
    """Exceptions that mean "fix your post": their message already names the file, line
    and offending text, so a traceback would only bury it. Anything else is a bug."""
    from plugins.features.output_paths import OutputError
    from plugins.jekyll.config import ConfigError
    from plugins.jekyll.reader import SourceError
    from plugins.markdown.equation_refs import LabelError
    from plugins.markdown.figure_tag import FigureTagError
    from plugins.markdown.kramdown_math import MathError

    return (SourceError, MathError, FigureTagError, LabelError, ConfigError, OutputError)


# A file the build could not write or read because of the machine, not the post or the code.
DISK_ERRORS = {
    errno.ENOSPC: ("disk full", "free some space there, then build again"),
    errno.EDQUOT: ("disk quota exceeded", "free some space there, then build again"),
    errno.EROFS: ("read-only file system", "build into a writable folder (--output) or make this one writable"),
    errno.EACCES: ("permission denied", "make the output folder and its parent writable (and the content readable)"),
    errno.EPERM: ("operation not permitted", "make the output folder and its parent writable"),
}


def disk_problem(err: BaseException) -> str | None:
    """One line for a disk that is full or cannot be written: the path, what is wrong, what to do."""
    seen = err
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in DISK_ERRORS:
            what, fix = DISK_ERRORS[seen.errno]
            path = seen.filename2 or seen.filename or open_file(seen)
            return f"{path}: {what}; {fix}" if path else f"{what} ({seen.strerror}); {fix}"
        seen = seen.__cause__ or seen.__context__
    return None


def open_file(err: BaseException) -> str | None:
    """The file being written when a write failed (an OSError from write() names none): the
    innermost open file among the traceback's frames."""
    for frame, _ in reversed(list(traceback.walk_tb(err.__traceback__))):
        for value in frame.f_locals.values():
            if isinstance(value, io.IOBase) and isinstance(getattr(value, "name", None), str):
                return value.name
    return None


def processed_file(err: BaseException) -> str | None:
    """The content file the failing code was working on: the innermost Pelican content
    object found in the traceback's frames (signal handlers get one as an argument)."""
    from pelican.contents import Content

    for frame, _ in reversed(list(traceback.walk_tb(err.__traceback__))):
        for value in frame.f_locals.values():
            if isinstance(value, Content) and value.source_path:
                return value.source_path
    return None


def bug_report(err: BaseException) -> str:
    """The traceback of an exception that is not an author error, indented under the message."""
    lines = "".join(traceback.format_exception(err)).rstrip()
    return "a bug in the build code, not a problem in the post:\n" + textwrap.indent(lines, "    ")


class Outcome(list):
    """A build's errors (the list: any one fails it), its authors' warnings (`warnings`: what
    Jekyll would publish broken; they fail only a publish build) and its notes (`notes`)."""

    def __init__(self, errors=(), warnings=(), notes=()):
        super().__init__(errors)
        self.warnings, self.notes = list(warnings), list(notes)


# Pelican's warning group for `<img alt="">`. An empty alt is valid HTML (a decorative image, which
# screen readers skip) and Jekyll publishes it: it is a note for the author, never a failed build.
PELICAN_EMPTY_ALT = "Other images have empty alt attributes"


def empty_alt_note(image: str, source: str) -> str:
    """The note for an image with empty alt text in `source`: the file, the line that names the
    image (its first mention), and what to do if the image carries meaning."""
    try:
        text = Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    at = text.find(image)
    where = f"{source}:{text.count(chr(10), 0, at) + 1}" if at >= 0 else source
    return (
        f"{where}: image {image!r} has empty alt text, so screen readers skip it; "
        "if it shows something, describe it in the alt text"
    )


class Problems(logging.Handler):
    """Collects every warning and error logged during the build, with its cause."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.warnings: list[str] = []  # authors' warnings (plugins.jekyll.front_matter.author_warning)
        self.notes: list[str] = []  # facts for the author that need no action (front_matter.build_note)
        self.disk = False  # a full or read-only disk was reported: the files that follow fail alike

    def add_note(self, message: str) -> None:
        if f"note: {message}" not in self.notes:
            self.notes.append(f"note: {message}")

    def add(self, message: str) -> None:
        if message not in self.messages:  # one mistake, one message, however many posts meet it
            self.messages.append(message)

    def emit(self, record: logging.LogRecord) -> None:
        if record.__dict__.get("limit_msg") == PELICAN_EMPTY_ALT:
            if record.args:  # the first few; Pelican's own summary line after them says nothing new
                self.add_note(empty_alt_note(*record.args))
            return
        message = record.getMessage()
        if getattr(record, "build_note", False):
            self.add_note(message)
            return
        if getattr(record, "author_warning", False):
            if f"warning: {message}" not in self.warnings:
                self.warnings.append(f"warning: {message}")
            return
        # Pelican logs "Could not process <file>" inside its except block but
        # hides the exception unless DEBUG is set: fetch the cause here.
        cause = sys.exc_info()[1] or (record.exc_info[1] if record.exc_info else None)
        if cause is not None:
            if self.report_disk(cause):
                return
            if isinstance(cause, author_errors()):
                # Pelican's "Could not process <source>" (the path from content/, the line
                # tools read to set a post aside), then the cause: its file, line and text.
                message = f"{message}\n    {cause}" if message.startswith("Could not process") else str(cause)
            elif record.levelno >= logging.ERROR:
                message = f"{message}\n    {bug_report(cause)}"
            elif str(cause) not in message:
                message = f"{message}\n    {cause}"
        self.add(f"{record.levelname.lower()}: {message}")

    def report_disk(self, err: BaseException) -> bool:
        """A full or read-only disk: reported once (every later file fails the same way)."""
        problem = disk_problem(err)
        if problem and not self.disk:
            self.disk = True
            self.add(f"error: {problem}")
        return problem is not None

    def crashed(self, err: Exception) -> None:
        """An exception that escaped Pelican (a signal handler, the figures, publishing)."""
        if self.report_disk(err):
            return
        if isinstance(err, author_errors()):
            for line in str(err).splitlines():
                self.add(f"error: {line}")
            return
        where = processed_file(err)
        self.add(f"error: {f'while processing {where}: ' if where else ''}{bug_report(err)}")


def recover(output: Path) -> None:
    """Clean up after builds that died: put the previous site back if one died between
    its two renames, and remove staging folders whose build process is gone."""
    previous = output.with_name(output.name + ".previous")
    if previous.exists() and not output.exists():
        previous.rename(output)
    shutil.rmtree(previous, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.building-*"):
        pid = leftover.name.rsplit("-", 1)[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            discard(leftover, output)
    for leftover in output.parent.glob(f".{output.name}.old-*"):
        pid = leftover.name.rsplit("-", 1)[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            # Its build is gone, but its deleter may still run: delete it in the background too.
            subprocess.Popen(["rm", "-rf", "--", str(leftover)], start_new_session=True)


def swap_in(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` with two renames (a crash in between is recovered).

    The previous site is kept aside as the spare that the next build stages into
    (plugins/incremental/unchanged_outputs.py): its unchanged pages need not be written again. An
    older spare is deleted off the critical path: deleting a 1,000-post site takes
    seconds, and neither the author nor the dev server should wait.
    """
    previous = output.with_name(output.name + ".previous")
    if output.exists():
        output.rename(previous)
    try:
        staging.rename(output)
    except OSError:
        if previous.exists():
            previous.rename(output)  # the current site stays served
        raise
    if previous.exists():
        spare = spare_of(output)
        if spare.exists():
            discard(spare, output)
        previous.rename(spare)


def spare_of(output: Path) -> Path:
    """The site before the current one, which the next build stages into."""
    return output.with_name(f".{output.name}.spare")


def discard(folder: Path, output: Path) -> None:
    """Delete `folder` (beside `output`) in the background. It is renamed to `.<output>.old-<n>-<pid>`
    first: if the deleter and this build both die, the next build's recover() removes it."""
    trash = output.with_name(f".{output.name}.old-{time.time_ns()}-{os.getpid()}")
    folder.rename(trash)
    # Its own session: a Ctrl-C of the build or the dev server does not interrupt it.
    subprocess.Popen(["rm", "-rf", "--", str(trash)], start_new_session=True)


def run_pelican(
    settings_file: Path, staging: Path, extra: dict | None = None, prepare=None, pelican_class=None
) -> list[str]:
    """Read the settings, make stale figures, run Pelican; return the problems logged.
    `prepare(settings)` runs once the settings are read, before Pelican starts;
    `pelican_class` (default Pelican) is what runs (the dev server's warm site)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from plugins import build_state

    problems = Problems()
    logging.getLogger().addHandler(problems)
    settings = None
    try:
        override = {
            "OUTPUT_PATH": str(staging),
            "DELETE_OUTPUT_DIRECTORY": False,
            # The build's deferred work (the search index) runs once Pelican has let go of the
            # posts: Pagefind takes 1 GB to index 1,000 maths posts, and Pelican holds as much
            # of their HTML until it returns.
            build_state.DEFER_TO_RUNNER: True,
            **(extra or {}),
        }
        settings = read_settings(str(settings_file), override=override)
        if prepare is not None:
            prepare(settings)
        refresh_figures(Path(settings["PATH"]))
        (pelican_class or Pelican)(settings).run()
        if settings.get("PREPARE_FOR_HOST") and problems.warnings and not os.environ.get("ALLOW_WARNINGS"):
            problems.add(
                f"error: {len(problems.warnings)} warning(s) above: a publish build fails on warnings "
                "(fix them, or publish anyway with ALLOW_WARNINGS=1 make publish)"
            )
        build_state.finish(settings, ok=not problems.messages)
        if settings.get("PREPARE_FOR_HOST") and not problems.messages:
            from tools.publish import prepare as prepare_for_host

            prepare_for_host(staging)  # hashed asset names and .gz/.br files (publishconf.py)
    except Exception as err:  # report it like any other build problem
        problems.crashed(err)
    finally:
        if settings is not None:
            build_state.finish(settings, ok=False)  # a crash: no Pagefind left running, no scratch folder
        logging.getLogger().removeHandler(problems)
    return Outcome(problems.messages, problems.warnings, problems.notes)


def refresh_figures(content: Path) -> None:
    """Regenerate the figures the posts show whose code changed, so a stale figure is never published."""
    from figures.generate import generate
    from plugins.jekyll.site import SOURCE_SUFFIXES

    generate(
        assets=content / "assets",
        only_stale=True,
        content=content,
        source_suffixes=SOURCE_SUFFIXES,
        progress=lambda m: print(f"figure {m}", flush=True),
    )


def staging_of(output: Path) -> Path:
    """The folder this process builds `output` in."""
    return output.with_name(f".{output.name}.building-{os.getpid()}")


@contextmanager
def locked(output: Path) -> Iterator[Path]:
    """Hold `output`'s build lock (one build at a time per output folder: say `make html` while
    the dev server rebuilds), with what dead builds left cleaned up; yields this process's
    staging folder, empty."""
    with open(output.with_name(f".{output.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        recover(output)
        staging = staging_of(output)
        shutil.rmtree(staging, ignore_errors=True)
        yield staging


def build(settings_file: Path, output: Path) -> list[str]:
    """Build into a staging folder and swap it in; return problems (empty on success)."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with locked(output) as staging:
        current = {"PREVIOUS_OUTPUT": str(output)} if output.is_dir() else {}

        def stage(settings: dict) -> None:
            # Unchanged pages are kept from the spare site or linked from the current one rather
            # than written again (plugins/incremental/), when the speed layer is on.
            from plugins import incremental

            if spare_of(output).is_dir() and incremental.reuses_spare(settings):
                incremental.reuse_spare(spare_of(output), staging)

        try:
            problems = run_pelican(settings_file, staging, current, prepare=stage)
            if problems:
                return problems
            swap_in(staging, output)
            return Outcome(warnings=problems.warnings, notes=problems.notes)
        finally:
            if staging.exists():
                discard(staging, output)


def build_pages(settings_file: Path, output: Path, sources: list[Path]) -> list[str]:
    """The dev server's first answer to a save: render only the pages made from `sources`
    (plugins/incremental/dev_pages.py) and move them into the existing site, one atomic rename each.
    The full build that follows brings the rest of the site (lists, feeds, search) up to date."""
    output = output.resolve()
    if not output.is_dir():
        return build(settings_file, output)
    with locked(output) as staging:
        try:
            problems = run_pelican(settings_file, staging, pages_only_settings(sources))
            if problems:
                return problems
            move_pages(staging, output)
            return Outcome(warnings=problems.warnings, notes=problems.notes)
        finally:
            if staging.exists():
                discard(staging, output)  # the pages not moved, and what plugins wrote beside them


def pages_only_settings(sources: list[Path]) -> dict:
    """The settings a pages-only build adds: the saved sources, and links for static files."""
    return {
        "DEV_ONLY_SOURCES": [str(s) for s in sources],
        "STATIC_CREATE_LINKS": True,  # the staging copies are thrown away: links are enough
    }


def move_pages(staging: Path, output: Path) -> None:
    """The pages a pages-only build wrote into `staging`, moved into the site, one atomic rename each."""
    from plugins import incremental

    for name in incremental.pages_written(staging):
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", type=Path, default=ROOT / "pelicanconf.py")
    parser.add_argument("--output", type=Path, default=ROOT / "output")
    parser.add_argument(
        "--only",
        type=Path,
        action="append",
        metavar="SOURCE",
        help="write only the pages made from SOURCE into the existing output (the dev server's first step)",
    )
    args = parser.parse_args(argv)
    logging.getLogger().setLevel(logging.WARNING)  # Problems prints them once, at the end
    start = time.perf_counter()
    try:
        if args.only:
            problems = build_pages(args.settings.resolve(), args.output, args.only)
        else:
            problems = build(args.settings.resolve(), args.output)
    except OSError as err:  # the lock, the staging folder, the swap: outside Pelican
        if disk_problem(err) is None:
            raise
        problems = Outcome([f"error: {disk_problem(err)}"])
    return report(problems, args.output, start)


def report(problems: list[str], output: Path, start: float) -> int:
    """Print a build's problems (or its notes and warnings, and the time since `start`); its exit code."""
    warnings = getattr(problems, "warnings", [])
    if problems:
        print(f"Build failed; {output} still holds the last good site.", file=sys.stderr)
        for message in warnings + list(problems):
            print(message, file=sys.stderr)
        return 1
    for message in getattr(problems, "notes", []) + warnings:
        print(message, file=sys.stderr)
    if warnings:  # the summary a reader of a long log looks for last
        print(f"{len(warnings)} warning(s): what Jekyll would publish broken (see above)", file=sys.stderr)
    print(f"Built {output} in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
