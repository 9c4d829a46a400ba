"""The old site's maths settings: MathJax configs and hidden macro blocks in the templates
the site uses, as the `katex:` block of content/_config.yml and the report's lines.

Searched: `_includes/`, `_layouts/`, `assets/js/` and `_config.yml`. With layouts, an
include counts only if a layout pulls it in (through other includes too), under
conditions that can hold: `{% if site.x %}` is decided from `_config.yml`; a condition on
the page (`{% if page.use_macro %}`) cannot be kept, since layouts are not imported, so
what it guards is applied site-wide and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.import_jekyll.liquid_scan import conditions_at, includes_of
from tools.import_jekyll.mathjax import find_configs, names, settings
from tools.import_jekyll.site import Site
from tools.import_jekyll.tex_macros import hidden_macro_block


@dataclass
class Maths:
    block: dict = field(default_factory=dict)  # the katex: block ({}: nothing found, nothing written)
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def reached(site: Site) -> dict[str, list[str]] | None:
    """Include name → the page conditions on the way from a layout to it; None without layouts."""
    if not site.layouts:
        return None
    out: dict[str, list[str]] = {}
    todo = [(text, []) for text in site.layouts.values()]
    while todo:
        text, above = todo.pop(0)
        for name, offset in includes_of(text):
            possible, page = conditions_at(text, offset, site.config)
            if possible and name in site.includes and name not in out:
                out[name] = above + page
                todo.append((site.includes[name], out[name]))
    return out


def line_counter(text: str):
    return lambda offset: text.count("\n", 0, offset) + 1


def used_configs(site: Site, reach: dict | None) -> tuple[list, list[str]]:
    """The configs and script URLs of templates the site uses, and notes on those it does not."""
    sources = [(f"_includes/{n}", t, n) for n, t in sorted(site.includes.items())]
    sources += [(rel, t, None) for rel, t in sorted(site.layouts.items())]
    sources += [(rel, site.text(rel), None) for rel in sorted(site.files) if rel.startswith("assets/js/")]
    if (site.root / "_config.yml").is_file():
        sources.append(("_config.yml", (site.root / "_config.yml").read_text(encoding="utf-8", errors="replace"), None))
    found, notes = [], []
    for where, text, include in sources:
        configs = find_configs(text, where, line_counter(text))
        if not configs:
            continue
        if include and reach is not None and include not in reach:
            notes.append(f"{where}: a maths config in an include no layout uses: not read")
            continue
        for f in configs:
            offset = text_offset(text, f.where)
            possible, page = conditions_at(text, offset, site.config)
            if not possible:
                notes.append(f"{f.where}: under a condition _config.yml makes false: not read")
                continue
            f.conditions = (reach or {}).get(include, []) + page if include else page
            found.append(f)
    return found, notes


def text_offset(text: str, where: str) -> int:
    line = int(where.rsplit(":", 1)[1])
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def site_maths(site: Site, post_includes: set[str]) -> Maths:
    maths = Maths()
    reach = reached(site)
    found, maths.notes = used_configs(site, reach)
    maths.block, maths.lines, more = settings(found, site.config)
    maths.notes += more
    for f in found:
        if f.conditions:
            maths.notes.append(
                f"{f.where}: used when {' and '.join(f.conditions)}: applied site-wide (layouts are not imported)"
            )
    for name, text in sorted(site.includes.items()):
        block = hidden_macro_block(text)
        if not block:
            continue
        macros, notes = block
        where = f"_includes/{name}"
        if reach is not None and name not in reach:
            why = "posts include it themselves" if name in post_includes else "no layout includes it"
            maths.notes.append(f"{where}: {len(macros)} TeX macros, not made site-wide ({why})")
            continue
        condition = (reach or {}).get(name) or []
        how = (
            f"the layouts include it when {' and '.join(condition)}: applied site-wide here (layouts are not imported)"
            if condition
            else "applied site-wide" + ("" if reach is not None else " (no layouts to say where it is included)")
        )
        maths.block.setdefault("macros", {}).update(macros)
        maths.lines.append(f"macros: {len(macros)} from {where} (a hidden TeX block): {names(macros)}; {how}")
        maths.notes += [f"{where}: {note}" for note in notes]
    return maths
