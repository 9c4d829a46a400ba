"""A moved Jekyll blog's `content/_config.yml`, as Pelican settings.

`pelicanconf.py` reads it so that a blog imported with `make import` keeps its
title and its post URLs (`permalink`) without editing any Python. Liquid's
`site.*` reads the same file (plugins/liquid.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# libyaml's parser when PyYAML was built with it: the same values, 8× faster over a blog's
# front matter (the site index reads every post's on each build). Same safe constructor.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Jekyll's front matter: a '---' line, YAML, a '---' line (a file's first bytes; \r\n allowed).
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def load_yaml(text: str):
    """yaml.safe_load, as Jekyll's safe YAML: plain data only."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)


# Jekyll's named permalink styles (jekyll/utils.rb), before any custom pattern.
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
    ":categories": "{category}",
    ":output_ext": ".html",
}


class PermalinkError(ValueError):
    pass


def article_url(permalink: str) -> tuple[str, str]:
    """(ARTICLE_URL, ARTICLE_SAVE_AS) for a Jekyll permalink pattern or style."""
    pattern = STYLES.get(permalink, permalink)
    unknown = [p for p in re.findall(r":[a-z_]+", pattern) if p not in PLACEHOLDERS]
    if unknown:
        raise PermalinkError(f"permalink {permalink!r}: {', '.join(unknown)} has no Pelican equivalent")
    url = re.sub(r":[a-z_]+", lambda m: PLACEHOLDERS[m.group(0)], pattern).lstrip("/")
    url = re.sub(r"/{2,}", "/", url)
    save_as = url + "index.html" if url.endswith("/") or not url else url
    return url, save_as


def read_config(path: Path) -> dict:
    """The YAML mapping in `path`, or {} if there is no such file."""
    if not path.is_file():
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"{path}: malformed YAML: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected 'key: value' lines")
    return data


def pelican_settings(path: Path) -> dict:
    """SITENAME, SITESUBTITLE, AUTHOR, TIMEZONE and ARTICLE_URL/ARTICLE_SAVE_AS from a Jekyll _config.yml."""
    config = read_config(path)
    settings = {}
    for key, name in (
        ("title", "SITENAME"),
        ("description", "SITESUBTITLE"),
        ("author", "AUTHOR"),
        ("timezone", "TIMEZONE"),
    ):
        if isinstance(config.get(key), str) and config[key].strip():
            settings[name] = config[key].strip()
    if config.get("permalink"):
        settings["ARTICLE_URL"], settings["ARTICLE_SAVE_AS"] = article_url(str(config["permalink"]))
    return settings
