"""Mutated real posts end in a page or in one clear error naming the file: never a traceback,
a hang, or a KaTeX error box in the page.

Hypothesis mutates the SwiGLU post and the Jekyll corpus posts (../shared/jekyll-corpus, when
present) with cuts, copies, swaps and hostile fragments, and each mutant is read the way a
build reads it (Pelican's `Readers.read_file` with this site's reader and Markdown extensions,
then the post's URL and save path). An outcome is acceptable when it is

- a post whose HTML holds no `katex-error` and no NUL byte, or
- one of the build's author errors (`tools.build.author_errors()`) whose message starts with
  the post's path and does not say "internal error".

Each case has a time limit (`CASE_SECONDS`). The examples are derandomized, so a run is
repeatable: the fast tier reads `FAST_EXAMPLES` mutants, the build tier `FULL_EXAMPLES`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.test_jekyll_corpus import CORPUS, IMAGE_PATH, one_pixel_png

CASE_SECONDS = 20
FAST_EXAMPLES = 150
FULL_EXAMPLES = 2000

SOURCES = sorted((ROOT / "content" / "posts").glob("*.md")) + (
    sorted((CORPUS / "posts").iterdir()) if (CORPUS / "posts").is_dir() else []
)

# Fragments an author (or an attacker) might put anywhere in a post: maths and Liquid
# delimiters, kramdown blocks, front-matter lines, control characters, runaway work.
HOSTILE = [
    "$$",
    "$",
    "\\\\(",
    "\\\\)",
    "{%",
    "%}",
    "{{",
    "}}",
    "{:",
    "---\n",
    "\n---\n",
    "\n\n",
    "\\begin{align}",
    "\\end{align}",
    "\\begin{equation}\\label{eq:a}x\\end{equation}",
    "\\eqref{eq:nowhere}",
    "\\label{eq:twice}",
    "$$\\href{https://example.com}{x}$$",
    "$$\\url{file:///etc/passwd}$$",
    "$$\\includegraphics{/etc/passwd}$$",
    "$$\\htmlId{x}{y}$$",
    "$$\\def\\a{\\a\\a}\\a$$",
    "$$" + "{" * 300 + "x" + "}" * 300 + "$$",
    "{% include /etc/passwd %}",
    "{% include ../../../../etc/passwd %}",
    "{% link ../../../etc/passwd %}",
    "![x](/../../../etc/passwd)",
    '<img src="../../../../etc/hostname">',
    "{% for i in (1..1000000000) %}x{% endfor %}",
    "{% comment %}\n\n{% endcomment %}",
    "{% raw %}",
    "{% endraw %}",
    "{% figure ellipse %}",
    "{% figure %}",
    "{% figure nonexistent %}",
    "{% post_url 2099-01-01-missing %}",
    "{::comment}hidden{:/comment}",
    "{::nomarkdown}<b>x</b>{:/nomarkdown}",
    "[^1]",
    "\n[^1]: note\n",
    "```mermaid\ngraph TD\n  A-->\n```\n",
    "```\n",
    '<div class="mermaid">',
    "<script>alert(1)</script>",
    '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    "\x00",
    "\ufeff",
    "\r",
    "\u202e",
    "\ud7ff",
    "permalink: /\n",
    "permalink: /tags/\n",
    "date: 2020-02-30\n",
    "tags: {a: b}\n",
    "authors: [null]\n",
    "lang: fr\n",
    "title: [a, b]\n",
]


@contextmanager
def time_limit(seconds: float):
    """Raise TimeoutError in this thread if the block runs longer than `seconds`."""

    def expired(signum, frame):
        raise TimeoutError(f"a case ran over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def mutate(text: str, edits: list[tuple[str, int, int, str]]) -> str:
    """Apply edits in turn; positions are taken modulo the text's current length."""
    for op, a, b, fragment in edits:
        n = len(text) + 1
        i, j = sorted((a % n, b % n))
        if op == "insert":
            text = text[:i] + fragment + text[i:]
        elif op == "delete":
            text = text[:i] + text[j : j + (j - i) % 400]
        elif op == "copy":
            text = text[:j] + text[i : i + 300] + text[j:]
        elif op == "swap":
            lines = text.split("\n")
            x, y = a % len(lines), b % len(lines)
            lines[x], lines[y] = lines[y], lines[x]
            text = "\n".join(lines)
        elif op == "replace":
            text = text[:i] + fragment + text[i + len(fragment) :]
    return text


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["insert", "insert", "delete", "copy", "swap", "replace"]),
        st.integers(0, 1 << 20),
        st.integers(0, 1 << 20),
        st.sampled_from(HOSTILE) | st.text(max_size=12),
    ),
    min_size=1,
    max_size=5,
)
NAMES = st.sampled_from([None, None, None, "2020-13-45-bad.md", "2020-01-01-upper.MD", "no-date.md"])


@pytest.fixture(scope="module")
def reading(tmp_path_factory, generated):
    """read(name, text) -> Article, as a build reads one post (content folder in tmp, with the figures)."""
    from pelican import signals
    from pelican.contents import Article
    from pelican.readers import Readers
    from pelican.settings import read_settings

    from plugins import build_state
    from plugins.jekyll.reader import add_reader

    folder = tmp_path_factory.mktemp("fuzz")
    content = folder / "content"
    shutil.copytree(generated, content / "assets")
    shutil.copy(ROOT / "content" / "references.bib", content / "references.bib")
    (content / "posts").mkdir()
    for source in SOURCES:  # stand-ins for the images the posts show
        for path in IMAGE_PATH.findall(source.read_text(encoding="utf-8")):
            target = content / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(one_pixel_png())
    settings_ = read_settings(
        str(ROOT / "pelicanconf.py"), override={"PATH": str(content), "OUTPUT_PATH": str(folder / "out")}
    )

    def read(name: str, text: str):
        path = content / "posts" / name
        for old in (content / "posts").iterdir():
            old.unlink()
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        build_state.of(settings_).site = None  # each case is a new post: the site index is made again
        readers = Readers(settings_)
        article = readers.read_file(
            base_path=str(content),
            path=str(path),
            content_class=Article,
            context={"generated_content": {}, "static_content": {}, "static_links": set()},
        )
        return path, article, (article.url, article.save_as, article._content)  # links resolve at write time

    read.posts = content / "posts"
    signals.readers_init.connect(add_reader)  # as the build's plugin does: Readers makes ours
    try:
        yield read
    finally:
        signals.readers_init.disconnect(add_reader)
        build_state.close_any()


class Logged(logging.Handler):
    """The warnings and errors logged while a case runs (each one fails a real build)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def logged():
    handler = Logged()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.messages
    finally:
        logging.getLogger().removeHandler(handler)


def check_outcome(read, source: Path, text: str, name: str | None) -> None:
    """The mutant gives a clean page or one author error naming it; anything it logs names it."""
    from tools.build import author_errors

    name = name or source.name
    with logged() as messages:
        try:
            check_read(read, name, text, author_errors())
        finally:
            for message in messages:
                assert name in message, f"a warning that does not name the post: {message[:300]!r}"


def check_read(read, name: str, text: str, author_errors: tuple[type[Exception], ...]) -> None:
    try:
        with time_limit(CASE_SECONDS):
            path, article, (url, save_as, html) = read(name, text)
    except TimeoutError:
        from plugins import build_state

        build_state.close_any()  # the renderer may be mid-answer: start a new one
        raise
    except author_errors as err:
        message = str(err)
        assert message.startswith(str(read.posts / name)), message
        assert "internal error" not in message, message
        event(f"author error: {type(err).__name__}")
        return
    event("page")
    assert "katex-error" not in html
    assert "\x00" not in html
    assert not re.search(r"(^|/)\.\.(/|$)", save_as), save_as


def fuzz(max_examples: int):
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


SOURCE = st.sampled_from(SOURCES)


@fuzz(FAST_EXAMPLES)
@given(source=SOURCE, edits=EDITS, name=NAMES)
def test_mutated_posts_give_a_page_or_one_clear_error(reading, source, edits, name):
    check_outcome(reading, source, mutate(source.read_text(encoding="utf-8"), edits), name)


@pytest.mark.build
@fuzz(int(os.environ.get("FUZZ_EXAMPLES", FULL_EXAMPLES)))
@given(source=SOURCE, edits=EDITS, name=NAMES)
def test_many_more_mutated_posts_give_a_page_or_one_clear_error(reading, source, edits, name):
    check_outcome(reading, source, mutate(source.read_text(encoding="utf-8"), edits), name)
