"""The dev server's warm site: the whole site read before the author saves, so that a save's
first answer re-reads only the saved posts and writes only their pages.

A warm site runs in a process of its own (`WarmSite`), forked from the builder's warm process
(tools/serve/builder.py) once a build is done. It runs Pelican as `tools.build --only` does
(the same settings, plugins, staging folder, lock and messages), except that `WarmPelican`
stops where Pelican asks for its writer: by then every source is read, every generator holds
its context, `all_generators_finalized` has run and links are resolved. It says `ready` and
waits for one request, the saved sources. For those it:

1. re-reads each source with its generator's readers (the reader cache answers for the rest);
2. puts the new content object wherever the old one was (the generators' lists and maps and
   the templates' context), with what the steps after reading attached to the old one
   (neighbours, related posts, translations);
3. runs `all_generators_finalized` and the link refresh again. Their handlers must give the
   same result when run twice over the same contents (plugins/mermaid/render.py keeps each
   page's diagrams for it); tests/test_warm_site.py compares the page with a full build's;
4. lets Pelican go on with the pages-only writer (plugins/incremental/dev_pages.py) and moves
   the pages it wrote into the served site.

It answers the build's exit code, or `declined: <why>` when it cannot answer as `tools.build --only`
would: preparing logged an error, a source is new to the site (or failed to read before), a
saved source no longer reads, or it changed whether or where it is published (its kind,
status, URL or output file). The builder then runs `tools.build --only`. A warm site answers
one request, then its process ends.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from pelican import Pelican, signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator

from plugins.build_state import CONTENT_KINDS
from tools import build

READY, DECLINED = "ready", "declined"
# Attributes the reader sets and the generator sets again after reading (Pelican's translations).
SET_AFTER_READING = ("translations",)
# Generator attributes that hold no content object (and the settings, which hold none either).
NOT_CONTENT = ("context", "settings", "env", "readers")


class Declined(Exception):
    """This request is one the warm site cannot answer as `tools.build --only` would."""


class Errors(logging.Handler):
    """Counts the errors logged while the site is read."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class WarmPelican(Pelican):
    """Pelican that, asked for its writer, first waits for the saved sources (`ask()`, which
    blocks) and brings the site in memory up to date with them; then takes the output's lock
    (`hold`, an ExitStack the caller closes once the pages are moved)."""

    def __init__(self, settings: dict, ask: Callable[[], list[Path]], hold: ExitStack, output: Path):
        self.ask, self.hold, self.output = ask, hold, output
        self.declined: str | None = None  # why, when it did
        self.locked = False  # the output's lock is held: the staging folder is this process's
        self.generators: list = []
        self.read_as: dict[int, tuple[object, frozenset]] = {}  # id → (content, its attributes as read)
        self.errors = Errors()
        logging.getLogger().addHandler(self.errors)
        signals.readers_init.connect(self.watch_readers)
        signals.all_generators_finalized.connect(self.keep_generators)
        super().__init__(settings)

    def watch_readers(self, readers) -> None:
        """Note each content object's attributes as its reader made it."""
        read = readers.read_file

        def read_file(*args, **kwargs):
            content = read(*args, **kwargs)
            self.read_as[id(content)] = (content, frozenset(vars(content)))
            return content

        readers.read_file = read_file

    def keep_generators(self, generators) -> None:
        self.generators = list(generators)

    def _get_writer(self):
        logging.getLogger().removeHandler(self.errors)
        signals.all_generators_finalized.disconnect(self.keep_generators)
        warm_up(self.generators, self.settings)
        sources = self.ask()
        try:
            if self.errors.count:
                raise Declined(f"{self.errors.count} error(s) while the site was read")
            for source in sources:
                self.refresh(Path(source))
        except Declined as why:
            self.declined = str(why)
            raise
        except Exception as err:  # a bug in this module: the builder takes the usual way
            traceback.print_exc()
            self.declined = f"{type(err).__name__}: {err}"
            raise Declined(self.declined) from err
        signals.all_generators_finalized.send(self.generators)
        for generator in self.generators:
            if hasattr(generator, "refresh_metadata_intersite_links"):
                generator.refresh_metadata_intersite_links()
        self.settings["DEV_ONLY_SOURCES"] = [str(s) for s in sources]
        self.hold.enter_context(build.locked(self.output))
        self.locked = True
        return super()._get_writer()

    def refresh(self, source: Path) -> None:
        """Re-read `source` and put its new content object where the old one was."""
        wanted, name = os.path.realpath(source), os.path.basename(source)
        found = [
            (generator, content)
            for generator in self.generators
            for kind in CONTENT_KINDS
            for content in getattr(generator, kind, None) or ()
            if os.path.basename(content.source_path) == name and os.path.realpath(content.source_path) == wanted
        ]
        if not found:
            raise Declined(f"{source} is not among the sources read")
        generator, old = found[0]
        new = reread(generator, old)
        placed = (type(old), old.status, old.save_as, old.url)
        if new is None or (type(new), new.status, new.save_as, new.url) != placed:
            raise Declined(f"{source} no longer reads, or changed where or whether it is published")
        read = self.read_as.get(id(old))
        as_read = read[1] if read and read[0] is old else frozenset(vars(new))
        for name in set(vars(old)) - as_read | set(SET_AFTER_READING):
            if hasattr(old, name):
                setattr(new, name, getattr(old, name))
        roots = [value for g in self.generators for name, value in vars(g).items() if name not in NOT_CONTENT]
        roots += [value for key, value in self.generators[0].context.items() if not key.isupper()]
        replace(old, new, roots)


def reread(generator, old):
    """`old`'s source read again as its generator reads it; None if it fails or is skipped."""
    if isinstance(generator, ArticlesGenerator):
        kind, preread, context = Article, signals.article_generator_preread, signals.article_generator_context
    elif isinstance(generator, PagesGenerator):
        kind, preread, context = Page, signals.page_generator_preread, signals.page_generator_context
    else:
        return None
    try:
        new = generator.readers.read_file(
            base_path=generator.path,
            path=os.path.relpath(old.source_path, generator.path),
            content_class=kind,
            context=generator.context,
            preread_signal=preread,
            preread_sender=generator,
            context_signal=context,
            context_sender=generator,
        )
    except Exception:  # the author's mistake: `tools.build --only` reports it as builds do
        return None
    if not isinstance(new, kind) or not new.is_valid():
        return None
    generator.add_source_path(new)
    generator.add_static_links(new)
    return new


def replace(old, new, roots: list) -> None:
    """Every reference to `old` in `roots` (lists and dicts, and tuples of them, at any depth)
    made a reference to `new`."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        value = stack.pop()
        if id(value) in seen or not isinstance(value, list | dict | tuple):
            continue
        seen.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if item is old and not isinstance(value, tuple):
                value[key] = new
            else:
                stack.append(item)


def warm_up(generators: list, settings: dict) -> None:
    """What the first page written would otherwise wait for: the theme's templates compiled,
    KaTeX's node started (the formula an author just wrote is not in the cache)."""
    for generator in generators:
        env = getattr(generator, "env", None)
        for name in env.list_templates() if env is not None else ():
            try:
                env.get_template(name)
            except Exception:  # a template that does not compile fails the page that uses it, as in a build
                pass
    if "plugins.katex" in settings.get("PLUGINS", ()):
        from plugins.katex import render

        render.renderer(settings).start()


def serve(settings_file: Path, output: Path, requests, answers) -> None:
    """The warm site's process: read the site, say READY on `answers`, read one request (a JSON
    list of sources) from `requests`, answer it (an exit code, or DECLINED). Ends at once when
    `requests` closes before a request came."""
    output = output.resolve()
    started: list[float] = []

    def ask() -> list[Path]:
        print(READY, file=answers, flush=True)
        line = requests.readline()
        if not line:
            os._exit(0)  # the dev server went on without this site
        started.append(time.perf_counter())
        return [Path(s) for s in json.loads(line)]

    made: list[WarmPelican] = []

    def warm_pelican(settings: dict) -> WarmPelican:
        made.append(WarmPelican(settings, ask, hold, output))
        return made[-1]

    with ExitStack() as hold:
        staging = build.staging_of(output)
        problems = build.run_pelican(settings_file, staging, build.pages_only_settings([]), pelican_class=warm_pelican)
        site = made[0] if made else None
        if site is None or site.declined or not started:
            answer = f"{DECLINED}: {site.declined if site and site.declined else 'the site was not read'}"
        else:
            if not problems:
                build.move_pages(staging, output)
            answer = str(build.report(problems, output, started[0]))
        if site is not None and site.locked and staging.exists():
            build.discard(staging, output)  # the pages not moved, and what plugins wrote beside them
    print(answer, file=answers, flush=True)


class WarmSite:
    """A warm site in a process forked from this one (which must have imported the build's
    code and run nothing): `wait_ready()`, then `pages(sources)` once, or `stop()`."""

    def __init__(self, settings_file: Path, output: Path, close_in_child: tuple[int, ...] = ()):
        requests_in, requests_out = os.pipe()
        answers_in, answers_out = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            for fd in (requests_out, answers_in, *close_in_child):
                os.close(fd)
            try:
                serve(settings_file, output, os.fdopen(requests_in), os.fdopen(answers_out, "w"))
            except BaseException:  # a bug here: the builder takes the usual way
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(0)
        os.close(requests_in)
        os.close(answers_out)
        self.requests, self.answers = os.fdopen(requests_out, "w"), os.fdopen(answers_in)
        self.ready = False
        self.declined = ""

    def wait_ready(self) -> bool:
        """Wait until the site is read; False if its process ended instead."""
        if not self.ready and self.pid:
            self.ready = self.answers.readline().strip() == READY
        return self.ready

    def pages(self, sources: list[Path]) -> int | None:
        """The pages-only build of `sources`: its exit code, or None when the warm site declined
        (why is in `declined`) or its process died; the process has ended either way."""
        answer = ""
        if self.wait_ready():
            try:
                self.requests.write(json.dumps([str(s) for s in sources]) + "\n")
                self.requests.flush()
                answer = self.answers.readline().strip()
            except OSError:
                pass
        self.stop(answered=bool(answer))
        if answer.lstrip("-").isdigit():
            return int(answer)
        self.declined = answer.partition(": ")[2] or "its process ended"
        return None

    def stop(self, answered: bool = False) -> None:
        """End the warm site's process (at once, unless it has `answered` and is ending by
        itself) and reap it."""
        if not self.pid:
            return
        for stream in (self.requests, self.answers):
            try:
                stream.close()
            except OSError:
                pass
        if answered or os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if not answered:
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self.pid = 0
