"""Posts the reader cache lacks are converted on every core, not one at a time.

Converting a maths post (Markdown, KaTeX, figures, citations) takes tens of milliseconds, and
Pelican reads its posts one after the other, so a cold build of a large blog keeps one core
busy and leaves the others idle. When the articles generator is made, `start` forks helpers
(one fewer than the cores this process may use, at most MAX_HELPERS) that walk the posts
from the last one backwards, converting each one the cache lacks with the generator's own
readers, which store the result in the reader cache (content_cache.py); they skip a post
the cache has. Pelican reads from the first post onwards as always. The two fronts claim
posts under one lock, so each post is converted once: a post a helper claimed is read by
Pelican once the helper is done with it (a cache hit), one it did not is read as usual.

A helper only fills the cache, whose entries do not depend on who made them (their key is
all a conversion depends on), so the site is the same byte for byte. It logs nothing: an
author's mistake is met again, and reported, when Pelican reads that post itself (a failed
conversion is never cached). A helper that dies leaves its claimed post to Pelican. Helpers
end when the fronts meet, or when the build's process is gone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os

from pelican import signals
from pelican.contents import Article

from plugins import build_state

MIN_POSTS = 16  # fewer posts than this are read faster than a helper starts
MAX_HELPERS = 3
WAIT = 0.5  # s between checks that the helper holding a claimed post is alive


def helpers_for(settings: dict) -> int:
    """How many helpers this build may start."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(0, min(MAX_HELPERS, cores - 1, settings.get("PARALLEL_READS", MAX_HELPERS)))


class Fronts:
    """The posts (in Pelican's order) and who has claimed which: Pelican from the front
    (`front`: the first it has not reached), the helpers from the back (`back`: the last
    one claimed), each post's `done` flag set by the helper that converted it."""

    def __init__(self, paths: list[str], context):
        self.index = {path: i for i, path in enumerate(paths)}
        self.paths = paths
        self.changed = context.Condition()
        self.front = context.Value("i", 0, lock=False)
        self.back = context.Value("i", len(paths), lock=False)
        self.done = context.Array("b", len(paths), lock=False)
        self.helpers: list = []

    def claim_from_back(self) -> int | None:
        with self.changed:
            if self.back.value - 1 < self.front.value:
                return None
            self.back.value -= 1
            return self.back.value

    def finished(self, i: int) -> None:
        with self.changed:
            self.done[i] = 1
            self.changed.notify_all()

    def claim_or_wait(self, path: str) -> None:
        """Before Pelican reads `path`: claim it, or wait until its helper is done with it."""
        i = self.index.get(path)
        if i is None:
            return
        with self.changed:
            if i < self.back.value:
                self.front.value = max(self.front.value, i + 1)
                return
            while not self.done[i] and any(helper.is_alive() for helper in self.helpers):
                self.changed.wait(WAIT)

    def join(self) -> None:
        with self.changed:
            self.front.value = len(self.paths)  # nothing is left to claim
        for helper in self.helpers:
            helper.join()
        self.helpers = []


def convert(generator, fronts: Fronts, parent: int) -> None:
    """A helper: convert the posts it claims that the cache lacks, from the back."""
    logging.disable(logging.CRITICAL)  # Pelican reports every problem when it reads the post itself
    state = build_state.of(generator.settings)
    state.katex = None  # this process's own node; the build's is not started yet, or not ours to use
    readers, cache = generator.readers, generator.readers.reader_cache
    try:
        while os.getppid() == parent and (i := fronts.claim_from_back()) is not None:
            path = os.path.join(generator.path, fronts.paths[i])
            try:
                if not cache.has(os.path.abspath(path)):
                    readers.read_file(
                        base_path=generator.path,
                        path=fronts.paths[i],
                        content_class=Article,
                        context=generator.context,
                        preread_signal=signals.article_generator_preread,
                        preread_sender=generator,
                        context_signal=signals.article_generator_context,
                        context_sender=generator,
                    )
            except Exception:  # the author's mistake, met again (and reported) by the build
                pass
            fronts.finished(i)
    finally:
        if state.katex is not None:
            state.katex.close()  # its last formulas into the cache


def start(generator) -> None:
    """At the articles generator's making: start the helpers, and have its readers wait for them."""
    settings = generator.settings
    readers = generator.readers
    helpers = helpers_for(settings)
    if not helpers or getattr(readers, "reader_cache", None) is None:
        return
    paths = list(generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]))
    if len(paths) < MIN_POSTS:
        return
    context = multiprocessing.get_context("fork")
    fronts = Fronts(paths, context)
    for _ in range(helpers):
        helper = context.Process(target=convert, args=(generator, fronts, os.getpid()), daemon=True)
        helper.start()
        fronts.helpers.append(helper)
    read = readers.read_file

    def read_file(*args, **kwargs):
        fronts.claim_or_wait(kwargs.get("path", args[1] if len(args) > 1 else None))
        return read(*args, **kwargs)

    readers.read_file = read_file
    generator.parallel_reads = fronts


def finish(generator) -> None:
    """Once the articles are read: the helpers have ended."""
    fronts = getattr(generator, "parallel_reads", None)
    if fronts is not None:
        fronts.join()
        del generator.parallel_reads
