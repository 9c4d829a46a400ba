"""The imported `content/_config.yml`: the old one, readable by PyYAML, with the maths
settings found in the old site's templates as its `katex:` block.

Ruby's YAML (libyaml) accepts a tab where YAML separates tokens (`title:\\t'X'`,
`a: 1\\t# note`); PyYAML's own scanner refuses it. `without_tabs` replaces each such tab
with a space, where libyaml's tokens say it is one: the data read are the same. A tab in
the indentation, which Ruby refuses too, stays, and `checked` names its line.
"""

from __future__ import annotations

import json

import yaml

from plugins.jekyll.config import ConfigError, key_lines, load_yaml

HEADER = "# Maths settings read by `make import` from the old site's MathJax config (README: Moving a Jekyll blog)\n"


def without_tabs(text: str) -> str:
    """`text` with every tab that separates YAML tokens (outside scalars and comments) a space."""
    if "\t" not in text:
        return text
    loader = getattr(yaml, "CSafeLoader", None)  # libyaml: the parser Ruby's YAML uses
    spans: list[tuple[int, int, str | None]] = []
    try:
        for token in yaml.scan(text, Loader=loader or yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark.index, token.end_mark.index
                # A one-line plain scalar holding a tab (`a: x\ty`, a string to libyaml): quoted.
                plain_tab = token.plain and "\t" in text[start:end] and "\n" not in text[start:end]
                spans.append((start, end, json.dumps(token.value, ensure_ascii=False) if plain_tab else None))
    except yaml.YAMLError:
        return text  # libyaml refuses it too: `checked` names the line
    out, pos = [], 0
    for start, end, quoted in spans + [(len(text), len(text), None)]:
        out.append(separators(text[pos:start]))
        out.append(quoted or text[start:end])
        pos = end
    return "".join(out)


def separators(gap: str) -> str:
    """Text between two scalars: tabs outside `#` comments become spaces, indentation kept."""
    lines = gap.split("\n")
    for i, line in enumerate(lines):
        code, hash_, comment = line.partition("#")
        if i > 0 and not code.strip(" \t"):
            continue  # a line's indentation (or a blank line): a tab there is Ruby's problem too
        lines[i] = code.replace("\t", " ") + hash_ + comment
    return "\n".join(lines)


def without_key(text: str, key: str) -> tuple[str, int | None]:
    """`text` with a top-level `key:` block commented out, and its line (None if absent)."""
    line = key_lines(text).get(key)
    if line is None:
        return text, None
    lines = text.splitlines(keepends=True)
    end = line
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t#"):
        end += 1
    while end > line and not lines[end - 1].strip():
        end -= 1
    note = f"# (the old site's {key}: block, not read here; make import wrote its own below)\n"
    body = [f"# {x}" if x.strip() else x for x in lines[line - 1 : end]]
    return "".join(lines[: line - 1] + [note] + body + lines[end:]), line


def katex_block(settings: dict) -> str:
    """The `katex:` mapping as YAML text, after a comment line."""
    dumped = yaml.safe_dump({"katex": settings}, sort_keys=False, allow_unicode=True, width=4096)
    return HEADER + dumped


def imported_config(source_text: str, settings: dict, path: str) -> tuple[str, list[str]]:
    """(the text of content/_config.yml, notes); ConfigError if PyYAML cannot read it."""
    notes = []
    text = without_tabs(source_text)
    if text != source_text:
        rows = zip(source_text.splitlines(), text.splitlines(), strict=True)
        changed = [i + 1 for i, (a, b) in enumerate(rows) if a != b]
        where = f"line{'s' if len(changed) > 1 else ''} {', '.join(map(str, changed))}"
        notes.append(f"_config.yml: tabs between YAML tokens made spaces ({where}), as Ruby's YAML reads them")
    if settings:
        text, line = without_key(text, "katex")
        if line:
            notes.append(f"_config.yml:{line}: its own katex: block commented out (the maths settings replace it)")
        text = text if text.endswith("\n") or not text else text + "\n"
        text += ("\n" if text else "") + katex_block(settings)
    checked(text, path)
    return text, notes


def checked(text: str, path: str) -> None:
    """ConfigError naming the line if PyYAML, with or without libyaml, cannot read `text`."""
    try:
        load_yaml(text)  # plugins/jekyll/config.py's reading
        yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 (PyYAML's own scanner, without libyaml)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        lines = text.splitlines()
        line = lines[mark.line] if mark and mark.line < len(lines) else ""
        lead = line[: len(line) - len(line.lstrip(" \t"))]
        why = "a tab in the indentation: YAML indents with spaces" if "\t" in lead else getattr(err, "problem", err)
        raise ConfigError(path, mark.line + 1 if mark else None, f"malformed YAML ({why})") from None
