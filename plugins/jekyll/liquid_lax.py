"""Jekyll's Liquid errors that are only warnings, and what Jekyll makes of the Liquid it warns about.

Jekyll runs Liquid 4 with `error_mode: warn` (its default), `strict_filters` and
`strict_variables` off. So:

- a tag or output whose markup the strict parser refuses is read by Liquid's lax parser
  and Jekyll warns: `{{a, b, c}}` is `{{ a }}`, `{% assign w = include.width | default: 100% %}`
  assigns `include.width | default: nil` (`100%` is a variable that does not exist). Here
  outputs and `assign` are read as Liquid's lax parser reads them (`lax_markup`); any other
  tag of Liquid's own whose markup is refused is left out (with its block), with a warning;
- an unknown filter passes its input through unchanged (no warning in Jekyll; one here,
  since it is a typo more often than not);
- an unknown tag, a block never closed, and `{{`/`{%` never closed stay errors (Jekyll fails
  the build on them), and so do the errors of Jekyll's own tags (an include that does not
  exist, a `post_url` to no post), except inside an HTML comment: there the comment is left
  as written, with a warning (`protect_comment`).

Every warning names the file and line, as errors do.
"""

from __future__ import annotations

import re

from liquid.builtin.expressions import FilteredExpression, parse_identifier
from liquid.builtin.expressions._tokenize import tokenize
from liquid.builtin.output import Output
from liquid.builtin.tags.assign_tag import AssignTag
from liquid.exceptions import LiquidError, LiquidSyntaxError, UnknownFilterError
from liquid.stream import TokenStream
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

# Liquid 4's lexical pieces (lib/liquid.rb) and lax readings (variable.rb, expression.rb).
QUOTED = r"\"[^\"]*\"|'[^']*'"
FRAGMENT = re.compile(rf"{QUOTED}|(?:[^\s,|'\"]|{QUOTED})+")
FILTER = re.compile(rf"(?:\s+|{FRAGMENT.pattern}|,)+")
FILTER_ARG = re.compile(rf"(?::|,)\s*((?:\w+\s*:\s*)?(?:{FRAGMENT.pattern}))")
KEYWORD_ARG = re.compile(rf"\A(\w+)\s*:\s*({FRAGMENT.pattern})\Z")
LOOKUP_PART = re.compile(r"\[[^\]]+\]|[\w-]+\??")
IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*\??\Z")
LITERALS = {
    "nil": "nil",
    "null": "nil",
    "": "nil",
    "true": "true",
    "false": "false",
    "blank": "blank",
    "empty": "empty",
}
ASSIGN = re.compile(r"([\w\-.\[\]()]+)\s*=\s*(.*?)\s*\Z", re.DOTALL)


def lax_expression(markup: str) -> str:
    """Liquid's `Expression.parse` of one fragment, written for python-liquid's strict parser."""
    markup = markup.strip()
    if markup in LITERALS:
        return LITERALS[markup]
    if len(markup) >= 2 and markup[0] == markup[-1] and markup[0] in "'\"":
        inner = markup[1:-1]
        return f'"{inner}"' if '"' not in inner else f"'{inner}'"
    if re.fullmatch(r"-?\d+", markup):
        return markup
    ranged = re.fullmatch(r"\((\S+)\.\.(\S+)\)", markup)
    if ranged:
        return f"({lax_expression(ranged.group(1))}..{lax_expression(ranged.group(2))})"
    if re.fullmatch(r"-?\d[\d.]+", markup):
        number = re.match(r"-?\d+(?:\.\d+)?", markup).group(0)  # Ruby's to_f reads what it can
        return number if "." in number else number + ".0"
    parts = LOOKUP_PART.findall(markup)
    if not parts or not IDENTIFIER.match(parts[0]):
        return "nil"  # a variable no template can set (`100%` reads as the variable `100`)
    out = parts[0]
    for part in parts[1:]:
        if part.startswith("["):
            out += f"[{lax_expression(part[1:-1])}]"
        elif IDENTIFIER.match(part):
            out += f".{part}"
        else:
            out += f'["{part}"]'
    return out


def lax_markup(markup: str) -> str:
    """An output's markup (`a, b, c | upcase`) as Liquid's lax parser reads it (`a | upcase`):
    the first fragment, then the filters after the first `|`, each with the arguments it can read."""
    first = FRAGMENT.search(markup)
    if first is None:
        return "nil"
    out = lax_expression(first.group(0))
    rest = markup[first.end() :]
    bar = rest.find("|")
    if bar < 0:
        return out
    for chunk in FILTER.findall(rest[bar + 1 :]):
        name = re.search(r"\w+", chunk)
        if name is None:
            continue
        args = []
        for arg in FILTER_ARG.findall(chunk):
            keyword = KEYWORD_ARG.match(arg)
            args.append(f"{keyword.group(1)}: {lax_expression(keyword.group(2))}" if keyword else lax_expression(arg))
        out += f" | {name.group(0)}" + (": " + ", ".join(args) if args else "")
    return out


class LaxOutput(Output):
    """`{{ … }}`: markup the strict parser refuses is read as Liquid's lax parser reads it."""

    def parse(self, stream: TokenStream):
        token = stream.current
        try:
            return super().parse(stream)
        except LiquidSyntaxError as err:
            expression = stream.current
            if expression.kind != TOKEN_EXPRESSION:
                raise
            lax = lax_markup(expression.value)
            try:
                parsed = FilteredExpression.parse(self.env, TokenStream(tokenize(lax, expression)))
            except LiquidError:
                raise err from None
            node = self.node_class(token, parsed)
            self.env.tolerate(err, token, f"Jekyll warns and reads it as {{{{ {lax} }}}}")
            return node


class LaxAssign(AssignTag):
    """`{% assign name = … %}`: the value read as Liquid's lax parser reads an output's markup."""

    def parse(self, stream: TokenStream):
        token = stream.current
        try:
            return super().parse(stream)
        except LiquidSyntaxError as err:
            expression = stream.current
            m = ASSIGN.match(expression.value) if expression.kind == TOKEN_EXPRESSION else None
            if m is None:
                raise
            lax = lax_markup(m.group(2))
            try:
                name = parse_identifier(self.env, TokenStream(tokenize(m.group(1), expression)))
                value = FilteredExpression.parse(self.env, TokenStream(tokenize(lax, expression)))
            except LiquidError:
                raise err from None
            self.env.tolerate(err, token, f"Jekyll warns and reads it as {{% assign {m.group(1)} = {lax} %}}")
            return self.node_class(token, name=name, expression=value)


class TracksTag:
    """Mixed into every tag: the environment knows which tag it is parsing (an error in a
    tag's markup often has no position of its own)."""

    def get_node(self, stream: TokenStream):
        self.env.tag_tokens.append(stream.current)
        try:
            return super().get_node(stream)
        finally:
            self.env.tag_tokens.pop()


def tracked(tag: type) -> type:
    if issubclass(tag, TracksTag):
        return tag
    return type(tag.__name__, (TracksTag, tag), {"__doc__": tag.__doc__, "__module__": tag.__module__})


UNCLOSED = re.compile(r"expected tag \w+, found")


def tolerated(env, err: LiquidError) -> bool:
    """A syntax error in the markup of one of Liquid's own tags (known to the environment):
    Jekyll's Liquid warns about it. Unknown tags, unclosed blocks and the errors of Jekyll's
    own tags (plugins/jekyll/liquid_tags.py) are not."""
    tag = getattr(err, "tag_token", None)
    if not isinstance(err, LiquidSyntaxError) or tag is None or UNCLOSED.match(err.message or ""):
        return False
    name = tag.value if tag.kind == TOKEN_TAG else tag.kind
    known = env.tags.get(name)
    return known is not None and (type(known).__module__.startswith("liquid.") or type(known).__module__ == __name__)


def unknown_filters(env, node, warn) -> None:
    """warn(err) for each filter of a node's expressions that the environment lacks: Jekyll
    passes the value through unchanged (python-liquid's `strict_filters=False` does too)."""
    expressions = list(node.expressions())
    while expressions:
        expression = expressions.pop()
        for f in getattr(expression, "filters", None) or ():
            if f.name not in env.filters:
                warn(UnknownFilterError(f"unknown filter '{f.name}'", token=f.token))
        expressions.extend(expression.children())


COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
PLACEHOLDER = "\0comment {}\0"  # a NUL never appears in a post (front_matter.read_text refuses it)


def comment_at(text: str, position: int) -> re.Match | None:
    """The HTML comment of `text` around `position`, if any."""
    for m in COMMENT.finditer(text):
        if m.start() <= position < m.end():
            return m
        if m.start() > position:
            break
    return None


def protect_comment(text: str, comment: re.Match, kept: list[str]) -> str:
    """`text` with the comment swapped for a placeholder of as many lines (so output lines
    still map to source lines); `kept` holds the comment, for `restore`."""
    kept.append(comment.group(0))
    placeholder = PLACEHOLDER.format(len(kept) - 1) + "\n" * comment.group(0).count("\n")
    return text[: comment.start()] + placeholder + text[comment.end() :]


def restore(output: str, kept: list[str]) -> str:
    for n, comment in enumerate(kept):
        placeholder = PLACEHOLDER.format(n) + "\n" * comment.count("\n")
        output = output.replace(placeholder, comment)
    return output


def markup_around(source: str, index: int) -> str | None:
    """The tag or output (`{{ … }}`, `{% … %}`) of `source` that `index` is in, as written."""
    start = max(source.rfind("{{", 0, index + 2), source.rfind("{%", 0, index + 2))
    end = min((e for e in (source.find("}}", index), source.find("%}", index)) if e >= 0), default=-1)
    return source[start : end + 2] if 0 <= start <= index < end + 2 and end + 2 - start <= 120 else None


def error_position(err: LiquidError) -> int | None:
    """Where in the post an error is: the include tag it happened under, else its tag or token."""
    includes = getattr(err, "includes", [])
    if includes:
        return includes[-1][1].start_index
    for token in (err.token, getattr(err, "tag_token", None)):
        if isinstance(token, Token) and token.start_index >= 0:
            return token.start_index
    return None
