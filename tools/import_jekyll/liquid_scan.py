"""What a Jekyll site's templates say without running them: which includes each file
pulls in, under which `{% if %}` conditions, and which Liquid tags posts use.

Conditions on `site.*` are decided from `_config.yml` (`{% if site.enable_math %}` with
`enable_math: false` never happens); conditions on `page.*`, `layout.*` or anything else
depend on the page and are reported as they are written.
"""

from __future__ import annotations

import re

from liquid.exceptions import LiquidError

TAG = re.compile(r"{%-?\s*(?P<name>[A-Za-z_][\w-]*)(?P<args>.*?)-?%}", re.S)
INCLUDE = re.compile(r"{%-?\s*include(?:_relative|_cached)?\s+(?P<name>[^\s%{}]+)")
RAW = re.compile(r"{%-?\s*(raw|comment)\s*-?%}.*?{%-?\s*end\1\s*-?%}", re.S)
SIMPLE = re.compile(r"\s*(?P<var>site(?:\.[\w-]+)+)\s*(?:(?P<op>==|!=)\s*(?P<value>'[^']*'|\"[^\"]*\"|[\w.-]+)\s*)?$")
# Words that close or continue a block: tags to Liquid's parser, not tags of their own.
STRUCTURE = {"else", "elsif", "when", "empty", "break", "continue"}


def without_raw(text: str) -> str:
    """`text` with `{% raw %}…{% endraw %}` and `{% comment %}…` blanked (same length, same lines)."""
    return RAW.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def open_conditions(text: str, offset: int) -> list[str]:
    """The `{% if %}`/`{% unless %}` conditions in force at `offset`, innermost last;
    in an `else` branch as `not (…)`."""
    stack: list[list[str]] = []
    for m in TAG.finditer(without_raw(text), 0, offset):
        name, args = m.group("name"), m.group("args").strip()
        if name in ("if", "unless"):
            stack.append([args if name == "if" else f"not ({args})"])
        elif name == "elsif" and stack:
            stack[-1] = [f"not ({c})" for c in stack[-1]] + [args]
        elif name == "else" and stack:
            stack[-1] = [f"not ({c})" for c in stack[-1]]
        elif name in ("endif", "endunless") and stack:
            stack.pop()
    return [c for frame in stack for c in frame]


def lookup(config: dict, dotted: str):
    value = config
    for key in dotted.split(".")[1:]:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def decide(condition: str, config: dict) -> bool | None:
    """True/False for a condition on `site.*` alone; None when it depends on the page."""
    negate = False
    while condition.startswith("not (") and condition.endswith(")"):
        negate, condition = not negate, condition[5:-1]
    m = SIMPLE.fullmatch(condition)
    if not m:
        return None
    value = lookup(config, m.group("var"))
    if m.group("op"):
        wanted = m.group("value").strip("'\"")
        result = (str(value).lower() if isinstance(value, bool) else str(value)) == wanted
        result = result if m.group("op") == "==" else not result
    else:
        result = value is not None and value is not False  # Liquid: only nil and false are falsy
    return result != negate


def conditions_at(text: str, offset: int, config: dict) -> tuple[bool, list[str]]:
    """(can it happen, the page-dependent conditions) for the template text at `offset`."""
    page = []
    for condition in open_conditions(text, offset):
        verdict = decide(condition, config)
        if verdict is False:
            return False, []
        if verdict is None:
            page.append(condition)
    return True, page


def includes_of(text: str) -> list[tuple[str, int]]:
    """(include name, offset) of each `{% include NAME %}` with a literal name."""
    return [(m.group("name"), m.start()) for m in INCLUDE.finditer(without_raw(text))]


def known_tags() -> set[str]:
    """The tag names this build's Liquid knows (python-liquid's and Jekyll's)."""
    from plugins.jekyll.liquid import JekyllEnvironment

    class NoSite:
        config = {"url": ""}

        @staticmethod
        def url(path):
            return path

    try:
        env = JekyllEnvironment(NoSite())
    except (LiquidError, AttributeError, TypeError):  # an environment that needs more of a site
        env = JekyllEnvironment.__new__(JekyllEnvironment)
        env.tags = {}
    return set(env.tags)


def tags_used(text: str) -> list[tuple[str, int]]:
    """(tag name, offset) of every Liquid tag in `text` outside raw and comment blocks."""
    return [(m.group("name"), m.start()) for m in TAG.finditer(without_raw(text))]


def unknown(name: str, known: set[str]) -> bool:
    return name not in known and name not in STRUCTURE and not name.startswith("end")
