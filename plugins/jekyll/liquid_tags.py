"""Jekyll's Liquid tags: `post_url`, `link`, `highlight`, `include file k=v`, and this
site's `figure`, which Liquid leaves for plugins/markdown/figure_tag.py; two plugins'
tags that al-folio sites use: `twitter` (a link to the post) and `mermaid` (a diagram).

Files come only from the content folder (Jekyll's site root) and includes only from
content/_includes/: a name that leads elsewhere, as written or through a symlink, is
refused with the same message whether or not such a file exists.
"""

from __future__ import annotations

import re
from typing import TextIO
from urllib.parse import urlsplit

from liquid.ast import Node
from liquid.builtin.expressions import parse_primitive
from liquid.builtin.expressions._tokenize import tokenize
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, Token

from plugins.jekyll.liquid_lines import tracing
from plugins.jekyll.site import AmbiguousPost
from plugins.markdown.external_embeds import embed_link
from plugins.markdown.local_files import inside


def raw_expression(stream: TokenStream, tag: Token) -> str:
    """The text after a tag's name, as written (Jekyll's tags take unquoted words).

    Liquid's parser expects a tag to leave the stream on its last token: the
    expression if there is one, else the tag itself."""
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
        return stream.current.value.strip()
    return ""


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, max(index, 0)) + 1


class TextNode(Node):
    """Output computed at render time from the site index."""

    def __init__(self, token: Token, make):
        super().__init__(token)
        self.make = make

    def __str__(self) -> str:
        return f"{{% {self.token.value} %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        buffer.write(self.make(context))
        return True


def site_of(context):
    return context.env.site


class PostUrlTag(Tag):
    """`{% post_url 2017-09-28-some-post %}`: the post's URL (with baseurl, as Jekyll 4)."""

    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        name = raw_expression(stream, token)
        try:
            post = self.env.site.find(name)
        except AmbiguousPost as err:
            raise LiquidSyntaxError(f"post_url: {err}; name it by its path under _posts/", token=token) from None
        if post is None:
            raise LiquidSyntaxError(
                f"post_url: no post named {name!r} (a file {name.lstrip('/')}.md or .html under _posts/ in content/)",
                token=token,
            )
        return TextNode(token, lambda context: site_of(context).url(post.url))


class LinkTag(Tag):
    """`{% link _posts/2016-01-01-x.md %}` or `{% link assets/paper.pdf %}`: the URL of that
    file, a path from the content folder."""

    name = "link"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        target = raw_expression(stream, token)
        site = self.env.site
        path = inside(site.root, site.root / target.lstrip("/"))
        if path is None:
            raise LiquidSyntaxError(f"link: {target!r} leads outside the content folder", token=token)
        if not path.is_file():
            raise LiquidSyntaxError(f"link: no file {target!r} in {site.root}", token=token)
        post = site.of(path)
        url = post.url if post else "/" + target.lstrip("/")
        return TextNode(token, lambda context: site_of(context).url(url))


class HighlightNode(Node):
    def __init__(self, token: Token, lang: str, linenos: bool, block: Node):
        super().__init__(token)
        self.lang, self.linenos, self.block = lang, linenos, block

    def __str__(self) -> str:
        return f"{{% highlight {self.lang} %}}{self.block}{{% endhighlight %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        code = context.get_buffer(buffer)
        self.block.render(context, code)
        # A fenced block, so Markdown highlights it exactly like ``` fences (same Pygments look).
        body = code.getvalue()
        body = body[1:] if body.startswith("\n") else body
        body = re.sub(r"\n[ \t]*\Z", "\n", body)  # the indentation before {% endhighlight %}
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", body)), default=0))
        options = ' linenums="1"' if self.linenos else ""
        end = "" if body.endswith("\n") else "\n"
        # The closing fence lines up with the tag, so a block inside a list item stays in it.
        source, at = self.token.source, self.token.start_index
        line = source[source.rfind("\n", 0, at) + 1 : at]
        indent = line[: len(line) - len(line.lstrip())]
        buffer.write(f"{fence}{self.lang}{options}\n{body}{end}{indent}{fence}")
        return True


class HighlightTag(Tag):
    """`{% highlight python [linenos] %}…{% endhighlight %}`: highlighted like a fenced block."""

    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        words = raw_expression(stream, token).split()
        if not words:
            raise LiquidSyntaxError("highlight needs a language: {% highlight python %}", token=token)
        next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        stream.expect(TOKEN_TAG, value=self.end)
        return HighlightNode(token, words[0], any(w.startswith("linenos") for w in words[1:]), block)


class MermaidTag(Tag):
    """jekyll-diagrams' `{% mermaid %}…{% endmermaid %}`: a ```mermaid fence, drawn at build
    time as every diagram is (plugins/mermaid)."""

    name = "mermaid"
    end = "endmermaid"

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        raw_expression(stream, token)  # jekyll-diagrams' options (a theme): the site's own style wins
        next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        stream.expect(TOKEN_TAG, value=self.end)
        return HighlightNode(token, "mermaid", False, block)


class TwitterTag(Tag):
    """jekyll-twitter-plugin's `{% twitter URL [options] %}` (or `{% twitter oembed URL %}`):
    the plugin fetched the post from Twitter at build time and the page loaded Twitter's
    script; the site loads nothing from other hosts, so it is a link to the post, as an
    iframe from another host is (plugins/markdown/external_embeds.py)."""

    name = "twitter"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        words = raw_expression(stream, token).split()
        words = words[1:] if words[:1] == ["oembed"] else words
        url = words[0].strip("'\"") if words else ""
        host = urlsplit(url).hostname if re.match(r"https?://", url) else None
        if not host:
            raise LiquidSyntaxError(
                "twitter needs the post's address: {% twitter https://x.com/user/status/123 %}", token=token
            )
        text = embed_link(url, "Tweet" if host.endswith("twitter.com") else "Post", host)
        return TextNode(token, lambda context: text)


class FigureTag(Tag):
    """`{% figure ID %}` is this site's own tag (plugins/markdown/figure_tag.py reads it after
    Liquid): Liquid leaves it as written."""

    name = "figure"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        text = f"{{% figure {raw_expression(stream, token)} %}}"
        return TextNode(token, lambda context: text)


INCLUDE_ARG = re.compile(r"""(?P<key>[\w-]+)\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"']+)""")


def included(err: LiquidError, name: str, token: Token) -> LiquidError:
    """Note on `err` that it happened in include NAME, which the tag at `token` included
    (`err.includes`: innermost first)."""
    err.includes = [*getattr(err, "includes", []), (name, token)]
    return err


class JekyllIncludeNode(Node):
    def __init__(self, token: Token, name: str, args: dict):
        super().__init__(token)
        self.name, self.args = name, args
        self.line = line_of(token.source, token.start_index)

    def __str__(self) -> str:
        return f"{{% include {self.name} %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        env = context.env
        template = env.site_include(self.name, self.token)
        include = {key: value.evaluate(context) for key, value in self.args.items()}
        with context.extend({"include": include}, template=template):
            try:
                with tracing(buffer, env.include_path(self.name), self.line):
                    template.render_with_context(context, buffer, partial=True)
            except LiquidError as err:
                raise included(err, self.name, self.token) from None
        return True


class JekyllIncludeTag(Tag):
    """Jekyll's `{% include file.html key="value" other=page.title %}` from content/_includes/;
    the parameters may stand on lines of their own."""

    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        words = raw_expression(stream, token).split(None, 1)  # Jekyll splits at any whitespace
        if not words:
            raise LiquidSyntaxError("include needs a file name: {% include note.html %}", token=token)
        name, rest = words[0], words[1] if len(words) > 1 else ""
        args = {}
        for m in INCLUDE_ARG.finditer(rest):
            value = m.group("value")
            args[m.group("key")] = parse_primitive(self.env, TokenStream(tokenize(value, parent_token=token)))
        self.env.include_template(name, token)  # a missing or broken file fails when the post is parsed
        return JekyllIncludeNode(token, name, args)
