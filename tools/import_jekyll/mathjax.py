"""An old site's MathJax (or KaTeX auto-render) configuration, read from its template text.

`find_configs` finds each config object (MathJax 2's `MathJax.Hub.Config({…})`, in a
`text/x-mathjax-config` script or in the body of the `<script src=…MathJax.js>` tag;
MathJax 3's `window.MathJax = {…}` / `MathJax = {…}`; KaTeX's `renderMathInElement(…, {…})`)
and each MathJax/KaTeX script URL; `settings` turns them into the `katex:` block of
content/_config.yml (docs: README "Moving a Jekyll blog"):
`mathjax` 2|3, `numbering` none|ams|all, `single_dollar`, `environments`, `macros`.
Object literals are parsed with json5; an entry that is not data (a function) is left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import json5

MARKERS = re.compile(
    r"(?P<v2>MathJax\.Hub\.Config\s*\(\s*)"
    r"|(?<![\w$.])(?:window\.)?MathJax\s*=(?![=>])\s*"
    r"|(?P<katex>renderMathInElement\s*\([^,()]*,\s*)"
)
_URL_PART = r"""(?:[^"'\s<>{]|{{[^{}"']*}})"""
SCRIPT_URL = re.compile(rf"""["'=]\s*(?P<url>{_URL_PART}*?(?:mathjax|katex){_URL_PART}*?\.js{_URL_PART}*)""", re.I)
LIQUID_SITE = re.compile(r"{{\s*(site(?:\.[\w-]+)+)\s*}}")
V2_KEYS = {"tex2jax", "TeX", "jax", "extensions", "HTML-CSS", "CommonHTML", "SVG", "messageStyle", "showMathMenu"}
V3_KEYS = {"tex", "loader", "startup", "options", "chtml", "svg", "output", "mml"}


@dataclass
class Found:
    """One config object or script URL, where it is, and the page conditions it is under."""

    where: str  # "_includes/head.html:23"
    kind: str  # "v2", "v3", "katex" (objects) or "url"
    value: dict | str
    version: int | None = None
    conditions: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # entries that are not data


def closing(text: str, start: int) -> int:
    """The index after the bracket that closes the one at `start` (JavaScript strings and comments skipped)."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in "\"'`":
            i += 1
            while i < len(text) and text[i] != c:
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if text.find("\n", i) >= 0 else len(text)
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 1 if text.find("*/", i) >= 0 else len(text)
        elif c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def entries(body: str) -> list[str]:
    """The top-level comma-separated entries of an object literal's inside."""
    out, start, i = [], 0, 0
    while i < len(body):
        if body[i] in "{[(\"'`" or body.startswith(("//", "/*"), i):
            i = closing(body, i) if body[i] in "{[(" else skip_string_or_comment(body, i)
            continue
        if body[i] == ",":
            out.append(body[start:i])
            start = i + 1
        i += 1
    out.append(body[start:])
    return [e.strip() for e in out if e.strip() and not re.fullmatch(r"(?://[^\n]*\s*|/\*.*?\*/\s*)+", e.strip(), re.S)]


def skip_string_or_comment(text: str, i: int) -> int:
    if text.startswith("//", i):
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if text.startswith("/*", i):
        end = text.find("*/", i)
        return len(text) if end < 0 else end + 2
    quote, i = text[i], i + 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def parse_object(source: str, path: str = "", skipped: list[str] | None = None) -> dict:
    """A JavaScript object literal as a dict: json5 for the whole, else entry by entry
    (nested objects likewise), leaving out what is not data (functions, expressions)."""
    skipped = [] if skipped is None else skipped
    try:
        value = json5.loads(source)
        return value if isinstance(value, dict) else {}
    except ValueError:
        pass
    out = {}
    for entry in entries(source.strip()[1:-1]):
        m = re.match(r"""\s*(?:(?P<q>["'])(?P<qkey>.*?)(?P=q)|(?P<key>[\w$]+))\s*:\s*""", entry, re.S)
        if not m:
            skipped.append(f"{path}{entry.split('(')[0].strip()[:30]}")
            continue
        key, value = m.group("qkey") or m.group("key"), entry[m.end() :].strip()
        if value.startswith("{") and closing(value, 0) == len(value):
            out[key] = parse_object(value, f"{path}{key}.", skipped)
            continue
        try:
            out[key] = json5.loads(value)
        except ValueError:
            skipped.append(f"{path}{key}")
    return out


def url_version(url: str, config: dict) -> int | None:
    """The MathJax major version a script URL loads (None if it does not say)."""
    from tools.import_jekyll.liquid_scan import lookup

    url = LIQUID_SITE.sub(lambda m: str(lookup(config, m.group(1)) or ""), url)
    m = re.search(r"mathjax(?:@|/|-)v?(\d+)(?:[.\-/]|$)", url, re.I)
    if m:
        return int(m.group(1))
    if re.search(r"MathJax\.js", url):
        return 2
    if re.search(r"(?:^|/)(?:tex|mml)-[\w-]*(?:chtml|svg)[\w-]*\.js|/es5/|startup\.js", url):
        return 3
    return None


def find_configs(text: str, where: str, line_of) -> list[Found]:
    """Every MathJax/KaTeX config object and script URL in one file's text."""
    found = []
    for m in MARKERS.finditer(text):
        start = m.end()
        if start >= len(text) or text[start] != "{":
            continue
        source = text[start : closing(text, start)]
        skipped: list[str] = []
        value = parse_object(source, "", skipped)
        if m.group("katex"):
            kind = "katex"
        elif m.group("v2") or set(value) & V2_KEYS:
            kind = "v2"
        else:
            kind = "v3" if set(value) & V3_KEYS or not value else "v2"
        found.append(Found(f"{where}:{line_of(m.start())}", kind, value, 2 if kind == "v2" else None, [], skipped))
    for m in SCRIPT_URL.finditer(text):
        url = m.group("url")
        kind = "url" if "mathjax" in url.lower() else "katex-url"
        found.append(Found(f"{where}:{line_of(m.start())}", kind, url))
    return found


def pairs(value) -> list:
    """A delimiter list, also in MathJax 4's {'[+]': […]} form."""
    if isinstance(value, dict):
        return [p for v in value.values() if isinstance(v, list) for p in v]
    return value if isinstance(value, list) else []


def macros_of(value, notes: list[str], where: str) -> dict:
    out = {}
    for name, body in (value or {}).items() if isinstance(value, dict) else []:
        name = str(name).removeprefix("\\")  # KaTeX writes the backslash, MathJax does not
        if isinstance(body, str):
            out[name] = body
        elif isinstance(body, list) and body and isinstance(body[0], str):
            nargs = body[1] if len(body) > 1 and isinstance(body[1], int) else 0
            out[name] = [body[0], nargs] if nargs else body[0]
            if len(body) > 2:
                notes.append(f"\\{name} ({where}): the optional argument's default is dropped")
        else:
            notes.append(f"\\{name} ({where}): not a macro body, left out")
    return out


def deep_merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for key, value in b.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def read_v2(merged: dict, notes: list[str]) -> tuple:
    tex2jax, tex = merged.get("tex2jax") or {}, merged.get("TeX") or {}
    number = (tex.get("equationNumbers") or {}).get("autoNumber")
    return (
        tex.get("Macros"),
        ("TeX.equationNumbers.autoNumber", number),
        ("tex2jax.inlineMath", tex2jax.get("inlineMath")),
        ("tex2jax.processEnvironments", tex2jax.get("processEnvironments")),
        "TeX.Macros",
    )


def read_v3(merged: dict, notes: list[str]) -> tuple:
    tex = merged.get("tex") or {}
    return (
        tex.get("macros"),
        ("tex.tags", tex.get("tags")),
        ("tex.inlineMath", tex.get("inlineMath")),
        ("tex.processEnvironments", tex.get("processEnvironments")),
        "tex.macros",
    )


def settings(found: list[Found], config: dict) -> tuple[dict, list[str], list[str]]:
    """(the `katex:` block, report lines, notes) from the configs and URLs a site uses."""
    urls = [f for f in found if f.kind == "url"]
    objects = [f for f in found if f.kind in ("v2", "v3")]
    notes: list[str] = []
    if not urls and not objects:
        return katex_settings([f for f in found if f.kind == "katex"], notes)
    versions = [(v, f) for f in urls if (v := url_version(f.value, config))]
    if versions:
        version, source = versions[0][0], f"script {versions[0][1].value} ({versions[0][1].where})"
    else:
        version = 3 if any(f.kind == "v3" for f in objects) else 2
        source = f"the config's form ({objects[0].where})" if objects else "its script"
    if version > 3:
        notes.append(f"MathJax {version} read as MathJax 3 (the same TeX settings)")
        version = 3
    kind = f"v{version}"
    used = [f for f in objects if f.kind == kind] or objects
    merged: dict = {}
    for f in used:
        merged = deep_merge(merged, f.value)
        notes += [f"{f.where}: {name} is not data (a function?), not read" for name in f.skipped]
    macros, (num_key, number), (inline_key, inline), (env_key, envs), macros_key = (
        read_v2 if version == 2 else read_v3
    )(merged, notes)
    numbering = str(number).lower() if number is not None else "none"
    if numbering not in ("none", "ams", "all"):
        notes.append(f"{num_key} {number!r} is not none/ams/all: read as none")
        numbering = "none"
    single = ["$", "$"] in pairs(inline)
    block = {"mathjax": version, "numbering": numbering, "single_dollar": single, "environments": envs is not False}
    where = ", ".join(f.where for f in used) or "none (MathJax's defaults)"
    lines = [
        f"mathjax: {version} (from {source}; config: {where})",
        f"numbering: {numbering} ("
        + (f"{num_key}: {number!r}" if number is not None else f"no {num_key}: MathJax default")
        + ")",
        f"single_dollar: {str(single).lower()} ({inline_key} "
        + (f"{'has' if single else 'lacks'} ['$','$']" if inline is not None else "absent: MathJax default, no $")
        + ")",
        f"environments: {str(block['environments']).lower()} ({env_key}"
        + (f": {json.dumps(envs)}" if envs is not None else " absent: MathJax default")
        + ")",
    ]
    found_macros = macros_of(macros, notes, macros_key)
    if found_macros:
        block["macros"] = found_macros
        lines.append(f"macros: {len(found_macros)} from {macros_key}: {names(found_macros)}")
    return block, lines, notes


def katex_settings(found: list[Found], notes: list[str]) -> tuple[dict, list[str], list[str]]:
    """KaTeX auto-render's options: its delimiters (single `$`?) and macros; no `mathjax`."""
    if not found:
        return {}, [], notes
    merged: dict = {}
    for f in found:
        merged = deep_merge(merged, f.value)
    block, lines = {}, [f"KaTeX auto-render ({', '.join(f.where for f in found)}): no MathJax"]
    delimiters = merged.get("delimiters")
    if isinstance(delimiters, list):
        single = any(isinstance(d, dict) and d.get("left") == "$" and d.get("right") == "$" for d in delimiters)
        block["single_dollar"] = single
        lines.append(f"single_dollar: {str(single).lower()} (delimiters {'have' if single else 'lack'} $…$)")
    found_macros = macros_of(merged.get("macros"), notes, "macros")
    if found_macros:
        block["macros"] = found_macros
        lines.append(f"macros: {len(found_macros)} from the options' macros: {names(found_macros)}")
    return block, lines, notes


def names(macros: dict, shown: int = 12) -> str:
    listed = ", ".join(f"\\{n}" for n in list(macros)[:shown])
    return listed + (f", … ({len(macros) - shown} more)" if len(macros) > shown else "")
