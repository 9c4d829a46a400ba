"""Which line of a post (or of an include) each line of Liquid's output comes from.

Markdown reads Liquid's output, so the lines its errors name are output lines: after a
`{% comment %}` block, an `{% if %}`, an include or a `{% raw %}` they are not the
source's. Every statement of a parsed template is wrapped in a `Traced` node, which,
when it renders into the post's `TracingBuffer`, notes where its output starts and the
source lines it spans; text maps line for line, any other statement to its own lines.
Output written elsewhere first (a `{% capture %}`) counts where it is printed.
"""

from __future__ import annotations

import bisect
import itertools
import re
from contextlib import contextmanager
from typing import TextIO

from liquid.ast import BlockNode, Node
from liquid.builtin.content import ContentNode
from liquid.exceptions import LiquidError
from liquid.output import LimitedStringIO

# An include's place: (its path as shown, the line of its {% include %} in the file that includes it).
Frame = tuple[str, int]


def origin(chain: tuple[Frame, ...], line: int) -> tuple[str, int]:
    """(what to put before the post's path, the post's line) for `line` of the innermost
    include of `chain` (outermost first), or of the post itself if `chain` is empty:
    ("…/_includes/b.html:2, included from …/_includes/a.html:7, included from ", 5).
    An include that includes itself is named once, with how many times."""
    if not chain:
        return "", line
    lines = [at for _, at in chain[1:]] + [line]
    places = [f"{name}:{at}" for (name, _), at in zip(chain, lines, strict=True)][::-1]
    runs = [(place, len(list(group))) for place, group in itertools.groupby(places)]
    return "".join(f"{p}{f' ({n} times)' if n > 1 else ''}, included from " for p, n in runs), chain[0][1]


class Lines:
    """Line numbers of a text by character offset."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def of(self, index: int) -> int:
        return bisect.bisect_right(self.starts, max(index, 0))


class TracingBuffer(LimitedStringIO):
    """A post's Liquid output (at most `limit` bytes), with a mark where each statement's
    output starts: (first source line, last source line, include chain)."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.offsets: list[int] = []
        self.marks: list[tuple[int, int, tuple[Frame, ...]]] = []
        self.chain: tuple[Frame, ...] = ()

    def mark(self, first: int, last: int) -> None:
        at = self.tell()
        if self.offsets and self.offsets[-1] == at:  # the last statement wrote nothing: forget it
            self.marks[-1] = (first, last, self.chain)
        else:
            self.offsets.append(at)
            self.marks.append((first, last, self.chain))

    @contextmanager
    def including(self, path: str, line: int):
        """While an include renders: its marks are lines of `path`, included at `line`."""
        self.chain, outer = (*self.chain, (path, line)), self.chain
        try:
            yield
        finally:
            self.chain = outer


@contextmanager
def tracing(buffer: TextIO, path: str, line: int):
    """`TracingBuffer.including` if Liquid is writing the post's output, else nothing."""
    if isinstance(buffer, TracingBuffer):
        with buffer.including(path, line):
            yield
    else:
        yield


class Traced(Node):
    """A statement that marks where its output starts (only in a TracingBuffer), and
    names itself in the errors it raises that name no statement."""

    __slots__ = ("node", "first", "last")

    def __init__(self, node: Node, first: int, last: int):
        super().__init__(node.token)
        self.blank = node.blank
        self.node, self.first, self.last = node, first, last

    def __str__(self) -> str:
        return str(self.node)

    def render_to_output(self, context, buffer: TextIO) -> int:
        context.step()  # plugins/jekyll/liquid.py's JekyllContext: one more statement, within the time limit
        if isinstance(buffer, TracingBuffer):
            buffer.mark(self.first, self.last)
        try:
            return self.node.render(context, buffer)
        except LiquidError as err:
            err.token = err.token or self.token
            raise

    def children(self, static_context, *, include_partials: bool = True):
        return self.node.children(static_context, include_partials=include_partials)


def traced(nodes: list[Node], end: int, lines: Lines, prepare) -> list[Node]:
    """`nodes` (statements in this order in one source, up to offset `end`) wrapped in
    Traced, after prepare(node) has seen every node inside them."""
    out = []
    for i, node in enumerate(nodes):
        prepare(node)
        start, source = node.token.start_index, node.token.source
        if isinstance(node, ContentNode) and not source.startswith(node.text, start):
            start = source.find(node.text, start)  # whitespace control took the text's start
        stop = nodes[i + 1].token.start_index if i + 1 < len(nodes) else end
        out.append(Traced(node, lines.of(start), max(lines.of(start), lines.of(stop - 1))))
    return out


def trace(template, visit=lambda node: None) -> None:
    """Wrap every statement of a freshly parsed template in Traced nodes; call visit(node)
    on every node of it."""
    source = template.nodes[0].token.source if template.nodes else ""
    lines, static_context = Lines(source), template.context_class(template)

    def prepare(node: Node) -> None:
        visit(node)
        for child in node.children(static_context, include_partials=False):
            if isinstance(child, BlockNode):
                visit(child)
                child.nodes = traced(child.nodes, child.token.start_index, lines, prepare)
            else:
                prepare(child)

    template.nodes = traced(template.nodes, len(source), lines, prepare)


class LineMap:
    """Where each line of a post's Liquid output came from (no Liquid: from the same line)."""

    def __init__(self, buffer: TracingBuffer | None = None):
        self.output = buffer.getvalue() if buffer else ""
        self.offsets, self.marks = (buffer.offsets, buffer.marks) if buffer else ([], [])
        self._lines = Lines(self.output)

    def line(self, line: int) -> tuple[str, int]:
        """(prefix naming the includes, or "", the post's line) of output `line` (1-based)."""
        if not self.marks or line < 1:
            return "", line
        at = self._lines.starts[min(line, len(self._lines.starts)) - 1]
        i = max(bisect.bisect_right(self.offsets, at) - 1, 0)
        first, last, chain = self.marks[i]
        own = min(first + self.output.count("\n", self.offsets[i], at), last)
        return origin(chain, own)

    def where(self, path: str, line: int | None, offset: int = 0) -> tuple[str, int | None]:
        """(file, line) to name for output `line` of the post at `path`, whose body starts
        after `offset` lines: the post's line, or the include's line before the post's path
        (`SourceError(*lines.where(path, err.line, offset), message)`)."""
        if line is None:
            return path, None
        prefix, own = self.line(line)
        return prefix + path, own + offset
