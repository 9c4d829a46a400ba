"""Liquid in posts, as Jekyll runs it: on the source, before Markdown.

The engine is python-liquid (Shopify-compatible Liquid); this module adds what
Jekyll adds on top: the `site` and `page` variables (plugins/jekyll/site.py), the
filters `relative_url`/`absolute_url` (and a few more Jekyll filters), and the tags
`post_url`, `link`, `highlight` and Jekyll's `include file k=v`
(plugins/jekyll/liquid_tags.py). `raw`, `date`, `escape`, `default` and the rest are
Liquid's own.

A post is untrusted input: its Liquid runs within python-liquid's resource limits
(loops, output, variables, nesting), reads files only from the content folder, and
every error names the post's line (and the include's, for an error inside one).
`render` also returns where each output line came from (plugins/jekyll/liquid_lines.py),
so that errors found later, in the Markdown, name the source's lines too.
"""

from __future__ import annotations

import json
import re
import time

from liquid import Environment, Mode
from liquid.builtin.expressions.primitive import RangeLiteral
from liquid.context import RenderContext
from liquid.exceptions import (
    ContextDepthError,
    LiquidError,
    LiquidSyntaxError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    ResourceLimitError,
)
from liquid.template import BoundTemplate
from liquid.token import Token

from plugins.jekyll import liquid_lax
from plugins.jekyll.liquid_lines import LineMap, TracingBuffer, origin, trace
from plugins.jekyll.liquid_tags import (
    FigureTag,
    HighlightTag,
    JekyllIncludeTag,
    LinkTag,
    MermaidTag,
    PostUrlTag,
    TwitterTag,
    included,
    line_of,
)
from plugins.jekyll.site import (
    LiquidSourceError,
    SiteIndex,
    as_datetime,
)
from plugins.markdown.local_files import inside

RAW_OPEN = re.compile(r"{%-?\s*raw\s*-?%}")
RAW_CLOSE = re.compile(r"{%-?\s*endraw\s*-?%}")


def jekyll_slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def date_to_xmlschema(value) -> str:
    date = as_datetime(value)
    return date.isoformat() if date else str(value)


def xml_escape(value) -> str:
    if value is None:
        return ""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class TimeLimitError(ResourceLimitError):
    """A post's Liquid ran longer than `JekyllEnvironment.time_limit`."""


class JekyllContext(RenderContext):
    """python-liquid bounds each loop (nested ones multiplied); here a post's loops are
    bounded in all too, so that many loops one after another cannot run for hours, and
    its statements (`step`, from plugins/jekyll/liquid_lines.py's Traced) by time: the last
    resort against work the other limits do not count (includes of includes, filters
    on long strings)."""

    __slots__ = ("iterations", "steps", "deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.iterations = self.steps = 0
        self.deadline = time.monotonic() + self.env.time_limit

    def raise_for_loop_limit(self, length: int = 1) -> None:
        super().raise_for_loop_limit(length)
        self.iterations += length
        if self.iterations > self.env.loop_iteration_limit:
            raise LoopIterationLimitError("loop iteration limit reached", token=None)

    def step(self) -> None:
        self.steps += 1
        if self.steps % 1000 == 0 and time.monotonic() > self.deadline:
            raise TimeLimitError("time limit reached", token=None)


class BoundedRange(RangeLiteral):
    """`(1..n)` of at most `loop_iteration_limit` numbers: a filter (`join`, `map`) goes
    through a range without counting as a loop."""

    __slots__ = ()

    def evaluate(self, context) -> range:
        numbers = super().evaluate(context)
        if len(numbers) > context.env.loop_iteration_limit:
            raise LoopIterationLimitError(f"loop iteration limit reached: a range of {len(numbers):,}", token=None)
        return numbers


def bound_ranges(node) -> None:
    """Make every range literal of a node's expressions a BoundedRange."""
    expressions = list(node.expressions())
    while expressions:
        expression = expressions.pop()
        if type(expression) is RangeLiteral:
            expression.__class__ = BoundedRange
        expressions.extend(expression.children())


class JekyllTemplate(BoundTemplate):
    context_class = JekyllContext


class JekyllEnvironment(Environment):
    """python-liquid with Jekyll's variables, tags and filters, for one build.

    The limits are far above what real posts use (the Jekyll posts in ../shared loop not
    at all, write at most 92 KB and nest includes 3 deep) and low enough that a hostile
    post fails within seconds; the time limit is the last resort."""

    loop_iteration_limit = 100_000  # iterations in a post, all loops together
    output_stream_limit = 10_000_000  # bytes of Markdown a post's Liquid writes
    local_namespace_limit = 10_000_000  # bytes held by a post's variables (assign, capture)
    context_depth_limit = 30  # includes and loops inside one another (an include including itself)
    time_limit = 30  # seconds for a post's Liquid
    template_class = JekyllTemplate

    LIMITS = {  # what each limit allows, as error messages say it
        LoopIterationLimitError: "a post's loops may run {env.loop_iteration_limit:,} times in all",
        OutputStreamLimitError: "a post's Liquid may write {env.output_stream_limit:,} bytes",
        LocalNamespaceLimitError: "a post's variables may hold {env.local_namespace_limit:,} bytes",
        ContextDepthError: "includes and loops nest {env.context_depth_limit} deep at most: an include in itself?",
        TimeLimitError: "a post's Liquid may run {env.time_limit} s",
    }

    def __init__(self, site: SiteIndex):
        # Jekyll's Liquid: error_mode warn, strict_filters off (plugins/jekyll/liquid_lax.py).
        super().__init__(tolerance=Mode.STRICT, strict_filters=False)
        self.site = site
        self._includes: dict[str, BoundTemplate] = {}
        self._include_warnings: dict[str, list] = {}  # what parsing an include warned about
        self._parsing: set[str] = set()
        self.tag_tokens: list[Token] = []  # the tags being parsed, innermost last
        self.lenient: list[tuple[LiquidError, list, str]] = []  # (error, includes, what Jekyll does)
        self.parsing = 0
        for tag in (liquid_lax.LaxOutput, liquid_lax.LaxAssign):
            self.add_tag(tag)
        for tag in (PostUrlTag, LinkTag, HighlightTag, JekyllIncludeTag, FigureTag, TwitterTag, MermaidTag):
            self.add_tag(tag)
        del self.tags["render"]  # Liquid 5's, not Jekyll's (Liquid 4): only `include` reads files
        self.add_filter("relative_url", site.url)
        self.add_filter("absolute_url", lambda path: site.config["url"] + site.url(path))
        self.add_filter("slugify", jekyll_slugify)
        self.add_filter("date_to_xmlschema", date_to_xmlschema)
        self.add_filter("date_to_string", lambda d: (as_datetime(d) or d).strftime("%d %b %Y"))
        self.add_filter("date_to_long_string", lambda d: (as_datetime(d) or d).strftime("%d %B %Y"))
        self.add_filter("xml_escape", xml_escape)
        self.add_filter("jsonify", lambda v: json.dumps(v, default=str))

    def add_tag(self, tag) -> None:
        super().add_tag(liquid_lax.tracked(tag))

    def from_string(self, source: str, *args, **kwargs) -> BoundTemplate:
        self.parsing += 1
        try:
            template = super().from_string(source, *args, **kwargs)
        finally:
            self.parsing -= 1

        def visit(node) -> None:
            bound_ranges(node)
            liquid_lax.unknown_filters(self, node, lambda err: self.tolerate(err, None, JEKYLL_PASSES))

        trace(template, visit=visit)
        return template

    def error(self, exc, msg=None, token=None) -> None:
        """python-liquid's error hook: an error Jekyll's Liquid only warns about is kept (the
        tag is left out), any other is raised."""
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        elif not exc.token:
            exc.token = token
        if self.tag_tokens and getattr(exc, "tag_token", None) is None:
            exc.tag_token = self.tag_tokens[-1]
        if self.parsing and liquid_lax.tolerated(self, exc):
            self.tolerate(exc, exc.tag_token, "Jekyll warns and goes on; the tag is left out")
            return
        raise exc

    def tolerate(self, err: LiquidError, tag: Token | None, what: str) -> None:
        """Keep a warning for the post being rendered."""
        if tag is not None and getattr(err, "tag_token", None) is None:
            err.tag_token = tag
        self.lenient.append((err, [], what))

    def include_path(self, name: str) -> str:
        """An include as error messages name it."""
        return str(self.site.root / "_includes" / name)

    def site_include(self, name: str, token: Token) -> BoundTemplate | None:
        """The parsed template of content/_includes/NAME, parsed once per build (None while
        it is being parsed: an include that includes itself is bounded when it renders)."""
        if name in self._includes or name in self._parsing:
            return self._includes.get(name)
        folder = self.site.root / "_includes"
        path = inside(folder, folder / name)
        if path is None:
            raise LiquidSyntaxError(f"include: {name!r} leads outside {folder} (includes come from there)", token=token)
        if not path.is_file():
            raise LiquidSyntaxError(f"include: no file {name!r} in {folder}", token=token)
        self._parsing.add(name)
        outer, self.lenient = self.lenient, []
        try:
            self._includes[name] = self.from_string(path.read_text(encoding="utf-8"), name=name, path=path)
            self._include_warnings[name] = self.lenient
        except LiquidError as err:
            raise included(err, name, token) from None
        finally:
            self._parsing.discard(name)
            self.lenient = outer
        self.replay(name, token)
        return self._includes[name]

    def include_template(self, name: str, token: Token) -> BoundTemplate | None:
        """site_include for a post being parsed: the include's warnings are the post's too."""
        cached = name in self._includes
        template = self.site_include(name, token)
        if cached and self.parsing:
            self.replay(name, token)
        return template

    def replay(self, name: str, token: Token) -> None:
        for err, includes, what in self._include_warnings.get(name, []):
            self.lenient.append((err, [*includes, (name, token)], what))


JEKYLL_PASSES = "Jekyll passes the value through unchanged"
IN_COMMENT = "Jekyll warns and goes on; the HTML comment is left as written"


def render(env: JekyllEnvironment, text: str, page: dict, warn=None) -> tuple[str, LineMap]:
    """Run Liquid on a post's body: (output, where each output line came from).
    Errors raise LiquidSourceError with the line in `text`; what Jekyll's Liquid only warns
    about (plugins/jekyll/liquid_lax.py) is passed to warn(LiquidSourceError), if given."""
    for m in RAW_OPEN.finditer(text):
        if not RAW_CLOSE.search(text, m.end()):
            raise LiquidSourceError(line_of(text, m.start()), f"{m.group(0)} is never closed by {{% endraw %}}")
    env.lenient, kept = [], []
    try:
        template = parse_post(env, text, kept)
        site = {**env.site.config, "posts": [p.drop() for p in reversed(env.site.ordered)]}
        context = template.context_class(template, globals=template.make_globals({"site": site, "page": page}))
        buffer = TracingBuffer(env.output_stream_limit)
        template.render_with_context(context, buffer)
    except LiquidError as err:
        raise source_error(env, err) from None
    for err, includes, what in env.lenient if warn else ():
        warn(source_error(env, err, includes or None, what))
    return liquid_lax.restore(buffer.getvalue(), kept), LineMap(buffer)


def parse_post(env: JekyllEnvironment, text: str, kept: list[str]) -> BoundTemplate:
    """The post's template; a Liquid error inside an HTML comment leaves that comment as it is
    written (Jekyll warns and goes on), with a warning, and the rest is parsed again."""
    while True:
        try:
            return env.from_string(text)
        except LiquidError as err:
            at = liquid_lax.error_position(err)
            comment = liquid_lax.comment_at(text, at) if at is not None and err_in_post(err, text) else None
            if comment is None:
                raise
            env.lenient.append((err, None, IN_COMMENT))
            text = liquid_lax.protect_comment(text, comment, kept)


def err_in_post(err: LiquidError, text: str) -> bool:
    """The error's position is one in the post's text (not only in an include's)."""
    includes = getattr(err, "includes", [])
    token = includes[-1][1] if includes else (err.token if err.token and err.token.start_index >= 0 else None)
    token = token or getattr(err, "tag_token", None)
    return token is not None and token.source == text


def source_error(env: JekyllEnvironment, err: LiquidError, includes=None, what: str = "") -> LiquidSourceError:
    """A Liquid error as one message: the line (of the include it happened in, then of
    each include tag up to the post's), the problem (and what Jekyll does, for a warning:
    `what`), and the offending line as written."""
    token = err.token
    includes = getattr(err, "includes", []) if includes is None else includes
    if token is None or token.start_index < 0:
        token = getattr(err, "tag_token", None)
    if token is None or token.start_index < 0:
        token, includes = (includes[0][1], includes[1:]) if includes else (None, [])
    chain = tuple((env.include_path(name), line_of(tag.source, tag.start_index)) for name, tag in reversed(includes))
    line = line_of(token.source, token.start_index) if token is not None else None
    prefix, post_line = origin(chain, line) if line is not None else ("", None)
    limit = env.LIMITS[type(err)].format(env=env) if type(err) in env.LIMITS else None
    limit = limit or (err.__cause__ if token is None else None)  # "unexpected liquid parsing error": why
    lines = token.source.splitlines() if token is not None else []
    shown = lines[line - 1].strip() if line and line <= len(lines) else ""
    if what:
        shown = (liquid_lax.markup_around(token.source, token.start_index) if token is not None else None) or shown
        limit = what
    message = f"Liquid: {err.message}{f' ({limit})' if limit else ''}" + (f": {shown!r}" if shown else "")
    return LiquidSourceError(post_line, message, prefix)
