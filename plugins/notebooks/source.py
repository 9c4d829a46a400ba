"""A notebook file as a post's parts: its cells (nbformat 4), its front matter, each code cell's options.

Front matter comes from the first of these that the notebook has, later ones filling in
keys the earlier lack:

1. a first raw cell holding YAML between `---` lines (Quarto, nbdev), kept as written;
2. fastpages' first Markdown cell: `# Title`, then `> summary`, then `- key: value` lines
   (those lines leave the body; the rest of the cell stays). A first cell that opens with a
   `# Title` alone gives the title too, as Jupyter Book reads it;
3. the notebook's metadata: `title`, `authors`, `date`, `tags`… (FRONT_KEYS).

A code cell's options are Quarto's `#| key: value` lines at its top and fastpages' flag
comments (`#hide`, `#hide_input`, `#collapse-hide`…) on lines of their own; both leave the
source shown. Jupyter Book's cell tags (`remove-input`, `hide-input`…) mean the same.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from plugins.jekyll.config import FRONT_MATTER, load_yaml
from plugins.jekyll.front_matter import SourceError

# Notebook metadata keys read as front matter (others are Jupyter's own: kernelspec, widgets…).
FRONT_KEYS = (
    "title",
    "subtitle",
    "description",
    "summary",
    "date",
    "last_modified_at",
    "authors",
    "author",
    "tags",
    "categories",
    "category",
    "published",
    "permalink",
    "execute",
    "render_with_liquid",
)
OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
FLAG_LINE = re.compile(r"^#\s?(hide|hide[_-]input|hide[_-]output|collapse|collapse[_-]hide|collapse[_-]show)\s*$")
FASTPAGES_KEY = re.compile(r"^- (?P<key>[\w-]+):\s*(?P<value>.*)$")


def read_notebook(path: str, data: bytes):
    """The notebook (nbformat 4, validated), or a SourceError naming the file and the reason."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise SourceError(path, None, f"not a notebook: not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise SourceError(path, err.lineno, f"not a notebook: not valid JSON ({err.msg}, column {err.colno})") from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise SourceError(path, None, "not a notebook: the JSON has no 'cells'")
    version = raw.get("nbformat")
    if version != 4:
        raise SourceError(
            path,
            None,
            f"a notebook in nbformat {version}, not 4: open and save it in Jupyter, or run "
            "`jupyter nbconvert --to notebook --nbformat 4` on it",
        )
    try:
        notebook = nbformat.from_dict(raw)
        nbformat.validate(notebook)
        rejoin_lines(notebook)  # sources and texts as one string each, as Jupyter holds them
    except nbformat.ValidationError as err:
        where = "/".join(str(p) for p in err.absolute_path) or "the notebook"
        raise SourceError(path, None, f"not a valid nbformat 4 notebook: {where}: {err.message}") from None
    return notebook


def front_values(path) -> dict:
    """The notebook's front matter as values, or {} if it cannot be read (the reader reports why)."""
    from pathlib import Path

    try:
        return dict(front_matter(read_notebook(str(path), Path(path).read_bytes())).values)
    except (SourceError, OSError):
        return {}


def cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


@dataclass
class Front:
    """The front matter as YAML lines, where each came from, and what of the body it took."""

    lines: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    skip_cell: int | None = None  # index of a cell that was front matter only
    first_lines_taken: int = 0  # lines taken off the top of the first Markdown cell (fastpages)
    values: dict = field(default_factory=dict)


def front_matter(notebook) -> Front:
    """The post's front matter (see the module's docstring)."""
    front = Front()
    cells = notebook.cells
    first = next((i for i, c in enumerate(cells) if cell_source(c).strip()), None)
    if first is not None and cells[first].cell_type == "raw" and FRONT_MATTER.match(cell_source(cells[first]).lstrip()):
        text = cell_source(cells[first])
        leading = len(text) - len(text.lstrip())
        offset = text[:leading].count("\n")
        m = FRONT_MATTER.match(text.lstrip())
        inner = m.group("yaml") or ""
        front.lines = inner.rstrip("\n").split("\n") if inner.strip() else []
        front.where = [f"cell {first + 1}, line {offset + 2 + k}" for k in range(len(front.lines))]
        front.skip_cell = first
        try:
            front.values = load_yaml(inner) or {}
        except yaml.YAMLError:
            front.values = {}  # the reader reports it, at its line
        if not isinstance(front.values, dict):
            front.values = {}
    if first is not None and cells[first].cell_type == "markdown":
        _fastpages(cell_source(cells[first]), first, front)
    meta = {k: notebook.metadata[k] for k in FRONT_KEYS if k in notebook.metadata}
    _add(front, meta, "the notebook's metadata")
    return front


def _fastpages(text: str, index: int, front: Front) -> None:
    lines = text.split("\n")
    at = 0
    while at < len(lines) and not lines[at].strip():
        at += 1
    title = re.match(r"^#\s+(.+?)\s*#*\s*$", lines[at]) if at < len(lines) else None
    if not title:
        return
    found = {"title": _unquote(title.group(1))}
    at += 1
    summary = []
    while at < len(lines) and (lines[at].startswith(">") or not lines[at].strip() and not summary):
        if lines[at].strip():
            summary.append(_unquote(lines[at].lstrip("> ").strip()))
        at += 1
    if summary:
        found["description"] = " ".join(summary)
    while at < len(lines) and (FASTPAGES_KEY.match(lines[at]) or not lines[at].strip()):
        m = FASTPAGES_KEY.match(lines[at])
        if m:
            try:
                value = load_yaml(f"v: {m.group('value')}")["v"]
            except (yaml.YAMLError, TypeError):
                value = m.group("value")
            found[m.group("key")] = value
        at += 1
    front.first_lines_taken = at
    _add(front, found, f"cell {index + 1}")


def _add(front: Front, values: dict, where: str) -> None:
    """Keys `front` lacks, as YAML lines that say where they came from."""
    new = {k: v for k, v in values.items() if k not in front.values and v is not None}
    if not new:
        return
    dumped = yaml.safe_dump(new, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)
    lines = dumped.rstrip("\n").split("\n")
    front.lines += lines
    front.where += [where] * len(lines)
    front.values.update(new)


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'" else text


def execution_requested(values: dict) -> bool:
    """`execute: true` (or Quarto's `execute: {enabled: true}`)."""
    value = values.get("execute")
    if isinstance(value, dict):
        value = value.get("enabled", value.get("freeze") in (True, "auto"))
    return value is True


@dataclass
class Options:
    """What a code cell asks for, and its source without the option lines."""

    source: str
    echo: bool = True  # show the source
    output: bool = True  # show the outputs
    fold: str | None = None  # "hide" (folded) or "show" (open): the source in a <details>
    evaluate: bool = True  # run it when the notebook is executed
    caption: str = ""  # Quarto's fig-cap
    alt: str = ""  # fig-alt
    label: str = ""  # label: the figure's id
    problems: list[str] = field(default_factory=list)


TAGS = {
    "remove-cell": {"echo": False, "output": False},
    "remove-input": {"echo": False},
    "remove-output": {"output": False},
    "hide-input": {"fold": "hide"},
    "hide-cell": {"fold": "hide"},
    "hide-output": {"output": False},
    "skip-execution": {"evaluate": False},
}


def cell_options(cell) -> Options:
    """A code cell's options (see the module's docstring); a bad `#|` line is a problem to report."""
    lines = cell_source(cell).split("\n")
    options = Options(source="")
    yaml_lines = []
    at = 0
    while at < len(lines) and (m := OPTION_LINE.match(lines[at])):
        yaml_lines.append(m.group(1))
        at += 1
    kept = []
    for line in lines[at:]:
        flag = FLAG_LINE.match(line.strip())
        if not flag:
            kept.append(line)
            continue
        name = flag.group(1).replace("_", "-")
        if name == "hide":
            options.echo = options.output = False
        elif name == "hide-input":
            options.echo = False
        elif name == "hide-output":
            options.output = False
        else:
            options.fold = "show" if name == "collapse-show" else "hide"
    options.source = "\n".join(kept).strip("\n")
    for tag in cell.get("metadata", {}).get("tags", []) or []:
        for key, value in TAGS.get(tag, {}).items():
            setattr(options, key, value)
    if yaml_lines:
        _quarto(options, "\n".join(yaml_lines))
    return options


def _quarto(options: Options, text: str) -> None:
    try:
        values = yaml.safe_load(text)
    except yaml.YAMLError as err:
        options.problems.append(f"its '#|' options are not YAML ({getattr(err, 'problem', err)})")
        return
    if not isinstance(values, dict):
        options.problems.append("its '#|' options must be 'key: value' lines")
        return
    if values.get("echo") is False:
        options.echo = False
    if values.get("output") is False or values.get("include") is False:
        options.output = False
    if values.get("include") is False:
        options.echo = False
    if values.get("eval") is False:
        options.evaluate = False
    fold = values.get("code-fold")
    if fold is True:
        options.fold = "hide"
    elif fold == "show":
        options.fold = "show"
    for key, attr in (("fig-cap", "caption"), ("fig-alt", "alt"), ("label", "label")):
        if values.get(key) is not None:
            setattr(options, attr, str(values[key]))
