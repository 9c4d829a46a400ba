"""A moved Jekyll blog's `content/_config.yml`, as Pelican settings.

`pelicanconf.py` reads it so that a blog imported with `make import` keeps its
title and its post URLs (`permalink`) without editing any Python. Liquid's
`site.*` reads the same file (plugins/jekyll/liquid.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# libyaml's parser when PyYAML was built with it: the same values, 8× faster over a blog's
# front matter (the site index reads every post's on each build). Same safe constructor.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JekyllLoader(_BASE_LOADER):
    """The safe loader, with Ruby's (Psych's) reading of an impossible date such as
    `2020-02-30`: a string, not an exception. (Jekyll then rejects it as a post's `date`.)"""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_JekyllLoader.add_constructor("tag:yaml.org,2002:timestamp", _JekyllLoader.construct_yaml_timestamp)


# Jekyll's front matter: a '---' line, YAML, a '---' line (a file's first bytes; \r\n allowed).
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def load_yaml(text: str):
    """yaml.safe_load, as Jekyll's safe YAML: plain data only."""
    return yaml.load(text, Loader=_JekyllLoader)  # noqa: S506 (a safe loader)


def key_lines(text: str) -> dict[str, int]:
    """The 1-based line in `text` (YAML) of each top-level key, lower-cased; {} if it does not parse."""
    try:
        node = yaml.compose(text, Loader=_JekyllLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value).lower(): key.start_mark.line + 1 for key, _ in node.value
    }  # a repeated key: its last line, as YAML keeps the last value


class ConfigError(ValueError):
    """Bad input in content/_config.yml: the message names the file, line and what to do."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


# Jekyll's named permalink styles (jekyll/utils.rb), before any custom pattern. With a
# _config.yml and no `permalink:`, Jekyll uses `date`.
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
PLACEHOLDERS = {
    ":year": "{date:%Y}",
    ":short_year": "{date:%y}",
    ":month": "{date:%m}",
    ":i_month": "{date:%-m}",
    ":short_month": "{date:%b}",
    ":day": "{date:%d}",
    ":i_day": "{date:%-d}",
    ":y_day": "{date:%j}",
    ":hour": "{date:%H}",
    ":minute": "{date:%M}",
    ":second": "{date:%S}",
    ":title": "{slug}",
    ":slug": "{slug}",
    ":categories": "{jekyll_categories}",
    ":output_ext": ".html",
}
# `:categories/` is one field, `a/b/` or nothing: Jekyll squeezes the `//` that a post
# without categories leaves (`/:categories/:title/` is `/x/` then).
CATEGORIES_DIR = "{jekyll_categories_dir}"


def categories_fields(categories: list[str]) -> dict[str, str]:
    """The URL fields of a post's categories as Jekyll's `:categories` writes them: lower-cased,
    each once, joined by `/` (not slugified: Jekyll keeps `machine learning` as it is)."""
    joined = "/".join(dict.fromkeys(str(c).lower() for c in categories if str(c).strip()))
    return {"jekyll_categories": joined, "jekyll_categories_dir": joined + "/" if joined else ""}


class PermalinkError(ValueError):
    pass


PLACEHOLDER = re.compile(r":[a-z_]+/?")


def permalink_pattern(permalink: str) -> str:
    """A Jekyll permalink pattern as a format string over Pelican's URL fields (`date`, `slug`,
    and the categories' fields of `categories_fields`): `/:year/:title/` → `/{date:%Y}/{slug}/`.
    The one reading of placeholders, for _config.yml's `permalink`, a post's own `permalink:`
    and Liquid's `post_url`."""
    literal = permalink.replace("{", "{{").replace("}", "}}")
    unknown = [p.rstrip("/") for p in PLACEHOLDER.findall(literal) if p.rstrip("/") not in PLACEHOLDERS]
    if unknown:
        known = ", ".join(PLACEHOLDERS)
        raise PermalinkError(f"permalink {permalink!r}: {', '.join(unknown)} is not one of Jekyll's ({known})")

    def field(m: re.Match) -> str:
        name = m.group(0)
        if name == ":categories/":
            return CATEGORIES_DIR
        return PLACEHOLDERS[name.rstrip("/")] + ("/" if name.endswith("/") else "")

    return PLACEHOLDER.sub(field, literal)


def output_paths(url: str) -> tuple[str, str]:
    """(URL, file written) for a path from the site root, as Jekyll writes a page: a path ending in
    `/` is that folder's index.html, one ending in `.html` is that file; any other path (`/about`)
    is served as a folder here too, so that every server finds it."""
    url = re.sub(r"/{2,}", "/", url).lstrip("/")
    if not url:
        return "", "index.html"
    if url.endswith("/"):
        return url, url + "index.html"
    if url.endswith((".html", ".htm")):
        return url, url
    return url + "/", url + "/index.html"


def article_url(permalink: str) -> tuple[str, str]:
    """(ARTICLE_URL, ARTICLE_SAVE_AS) for _config.yml's permalink: a pattern or a named style."""
    return output_paths(permalink_pattern(STYLES.get(permalink, permalink)))


def read_config(path: Path) -> dict:
    """The YAML mapping in `path`, or {} if there is no such file; ConfigError names the line
    of bytes that are not UTF-8, of a YAML error, or of a mapping that is not one."""
    if not path.is_file():
        return {}
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # Ruby's "bom|utf-8", as Jekyll reads it
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 8]
        raise ConfigError(path, line, f"not valid UTF-8 (bytes {bad!r}); save the file as UTF-8") from None
    try:
        config = load_yaml(text) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        problem = "; ".join(filter(None, [getattr(err, "context", None), getattr(err, "problem", None)])) or str(err)
        rows = text.splitlines()
        if mark and mark.line < len(rows) and "\t" in rows[mark.line][: mark.column + 1]:
            problem += "; a tab: YAML indents with spaces, and PyYAML takes no tab between tokens either"
        raise ConfigError(path, mark.line + 1 if mark else None, f"malformed YAML ({problem})") from None
    if not isinstance(config, dict):
        raise ConfigError(path, 1, f"expected 'key: value' lines, got {type(config).__name__} {config!r:.60}")
    return config


# The `katex:` block (written by `make import` from the old site's MathJax config) → the
# Pelican setting of each key (pelicanconf.py gives each its value for our own posts).
MATH_SETTINGS = {
    "macros": "KATEX_MACROS",
    "numbering": "MATH_NUMBERING",
    "single_dollar": "MATH_SINGLE_DOLLAR",
    "mathjax": "MATH_COMPAT",
    "environments": "MATH_ENVIRONMENTS",
}


def nested_key_lines(text: str, key: str) -> dict[str, int]:
    """The 1-based line of each key of the top-level mapping `key`, and of `key` itself as ''."""
    try:
        node = yaml.compose(text, Loader=_JekyllLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return {}
    for k, v in node.value if isinstance(node, yaml.MappingNode) else []:
        if str(k.value).lower() == key:
            lines = {"": k.start_mark.line + 1}
            if isinstance(v, yaml.MappingNode):
                lines.update({str(kk.value): kk.start_mark.line + 1 for kk, _ in v.value})
            return lines
    return {}


def math_settings(config: dict, path: Path) -> dict:
    """KATEX_MACROS, MATH_NUMBERING, MATH_SINGLE_DOLLAR, MATH_COMPAT, MATH_ENVIRONMENTS from the
    `katex:` block, for the keys it has; ConfigError naming the line of a key or value it cannot use."""
    block = config.get("katex")
    if block is None:
        return {}
    lines = nested_key_lines(path.read_text(encoding="utf-8-sig"), "katex")

    def bad(key: str, message: str):
        return ConfigError(path, lines.get(key) or lines.get(""), f"katex: {message}")

    if not isinstance(block, dict):
        raise bad("", f"expected a mapping of {', '.join(MATH_SETTINGS)}, got {block!r:.60}")
    settings = {}
    for key, value in block.items():
        if key not in MATH_SETTINGS:
            raise bad(key, f"unknown setting {key!r} (known: {', '.join(MATH_SETTINGS)})")
        if key == "macros":
            value = macros_setting(value, lambda m, key=key: bad(key, m))
        elif key == "numbering":
            if str(value).lower() not in ("none", "ams", "all"):
                raise bad(key, f"numbering {value!r}: none, ams or all (as MathJax's tags)")
            value = str(value).lower()
        elif key == "mathjax":
            if value not in (2, 3) or isinstance(value, bool):
                raise bad(key, f"mathjax {value!r}: 2 or 3 (the old site's MathJax)")
        elif not isinstance(value, bool):
            raise bad(key, f"{key} {value!r}: true or false")
        settings[MATH_SETTINGS[key]] = value
    return settings


def macros_setting(value, bad) -> dict:
    """{name: body | [body, nargs]}; names as MathJax writes them, without the backslash."""
    if not isinstance(value, dict):
        raise bad(f"macros: expected name: body lines, got {value!r:.60}")
    macros = {}
    for name, body in value.items():
        name = str(name).removeprefix("\\")
        ok_list = isinstance(body, list) and len(body) == 2 and isinstance(body[0], str)
        ok_list = ok_list and isinstance(body[1], int) and not isinstance(body[1], bool) and 0 <= body[1] <= 9
        if not (isinstance(body, str) or ok_list) or not re.fullmatch(r"[A-Za-z]+|[^A-Za-z\s]", name):
            raise bad(f"macro {name!r}: expected a TeX body or [body, number of arguments 0-9], got {body!r:.60}")
        macros[name] = body
    return macros


def pelican_settings(path: Path) -> dict:
    """SITENAME, SITESUBTITLE, AUTHOR, TIMEZONE, ARTICLE_URL/ARTICLE_SAVE_AS, the maths settings
    of its `katex:` block (MATH_SETTINGS) and KRAMDOWN_PARSE_BLOCK_HTML (kramdown's
    `parse_block_html`: Markdown, and so maths, inside HTML blocks) from a Jekyll _config.yml."""
    config = read_config(path)
    settings = math_settings(config, path)
    kramdown = config.get("kramdown")
    if isinstance(kramdown, dict) and "parse_block_html" in kramdown:
        settings["KRAMDOWN_PARSE_BLOCK_HTML"] = kramdown["parse_block_html"] is True
    for key, name in (
        ("title", "SITENAME"),
        ("description", "SITESUBTITLE"),
        ("author", "AUTHOR"),
        ("timezone", "TIMEZONE"),
    ):
        if isinstance(config.get(key), str) and config[key].strip():
            settings[name] = config[key].strip()
    if path.is_file():
        try:
            settings["ARTICLE_URL"], settings["ARTICLE_SAVE_AS"] = article_url(str(config.get("permalink") or "date"))
        except PermalinkError as err:
            line = key_lines(path.read_text(encoding="utf-8")).get("permalink")
            raise ConfigError(
                path,
                line,
                f"{err}; use those, or remove the line for Jekyll's default, {STYLES['date']}",
            ) from None
    return settings
