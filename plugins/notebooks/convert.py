"""A notebook as one Jekyll text (front matter, then Markdown) that the Jekyll reader converts like any post.

Markdown cells are copied in order, so they get everything a Markdown post gets (Liquid,
kramdown maths, footnotes, heading anchors, the contents box, citations); a fence left open
at a cell's end is closed there, as Jupyter shows each cell on its own. A code cell and its
outputs become one or more marker lines (an HTML comment holding a per-file nonce), each
standing for HTML made here (`parts`): plugins/notebooks/blocks.py swaps each marker for its
HTML inside the Markdown step, one line for one line, so errors keep their lines. Markdown
outputs stay Markdown, between markers. `where[i]` says what line i + 1 of the text came
from ("cell 4, line 2", "cell 6, output 1"), for messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown import Markdown as MarkdownConverter

from plugins.jekyll.front_matter import SourceError
from plugins.notebooks import outputs as out_
from plugins.notebooks.outputs import Html, Latex, Outputs
from plugins.notebooks.plotly_figures import TraceNotBundled, add_figure, check_traces, figure_id, site_spec
from plugins.notebooks.source import Front, cell_options, cell_source, front_matter

FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


@dataclass
class Converted:
    text: str
    where: list[str]
    parts: dict[str, list]  # marker line → its pieces (Html, Latex)
    outputs: Outputs
    front: Front


@dataclass
class _Text:
    lines: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    parts: dict[str, list] = field(default_factory=dict)
    pending: list = field(default_factory=list)
    pending_where: str = ""
    nonce: str = ""

    def add(self, lines: list[str], where: list[str] | str) -> None:
        self.flush()
        self.lines += lines
        self.where += where if isinstance(where, list) else [where] * len(lines)

    def piece(self, piece, where: str) -> None:
        if not self.pending:
            self.pending_where = where
        self.pending.append(piece)

    def flush(self) -> None:
        if not self.pending:
            return
        marker = f"<!-- notebook {self.nonce} {len(self.parts) + 1} -->"
        self.parts[marker] = self.pending
        self.pending = []
        self.lines += ["", marker, ""]
        self.where += [self.pending_where] * 3


def closed_fences(lines: list[str]) -> list[str]:
    """The cell's lines, with a fence it leaves open closed at its end."""
    open_fence = None
    for line in lines:
        m = FENCE.match(line)
        if not m:
            continue
        fence = m.group(1)
        if open_fence is None:
            open_fence = fence
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not line.strip()[len(fence) :].strip():
            open_fence = None
    return lines + [open_fence[0] * len(open_fence)] if open_fence else lines


class Highlighter:
    """Code as a ``` fence of the same language shows in a Markdown post (the site's Pygments setup)."""

    def __init__(self, settings: dict, language: str):
        configs = settings["MARKDOWN"].get("extension_configs", {})
        names = ["pymdownx.highlight", "pymdownx.superfences"]
        self.md = MarkdownConverter(extensions=names, extension_configs={n: configs.get(n, {}) for n in names})
        self.language = language

    def __call__(self, code: str) -> str:
        longest = max((len(m) for m in re.findall(r"^[ ]{0,3}(`{3,})", code, re.M)), default=2)
        fence = "`" * max(3, longest + 1)
        self.md.reset()
        return self.md.convert(f"{fence}{self.language}\n{code}\n{fence}")


def language_of(notebook) -> str:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    info = notebook.metadata.get("language_info") or {}
    kernel = notebook.metadata.get("kernelspec") or {}
    for name in (info.get("pygments_lexer"), info.get("name"), kernel.get("language"), "python"):
        if name:
            try:
                get_lexer_by_name(str(name))
                return str(name)
            except ClassNotFound:
                continue
    return "text"


def convert(path: str, notebook, settings: dict, slug: str, folder: str, exporter: Callable, nonce: str) -> Converted:
    """The notebook as Jekyll text (see the module's docstring); `folder` is its files' folder under
    assets/, `exporter()` an open kaleido session for figures whose pictures are not cached, `nonce`
    a string the notebook cannot hold (a hash of its bytes), for the markers."""
    front = front_matter(notebook)
    text = _Text(nonce=nonce)
    text.add(["---", *front.lines, "---"], ["front matter", *front.where, "front matter"])
    liquid = front.values.get("render_with_liquid") is not False
    out = Outputs(folder=folder)
    highlight = Highlighter(settings, language_of(notebook))
    first_markdown = next((i for i, c in enumerate(notebook.cells) if cell_source(c).strip()), None)
    for index, cell in enumerate(notebook.cells):
        number = index + 1
        if index == front.skip_cell:
            continue
        if cell.cell_type == "markdown":
            taken = front.first_lines_taken if index == first_markdown else 0
            _markdown_cell(cell, number, taken, text, out)
        elif cell.cell_type == "code":
            _code_cell(path, cell, number, text, out, highlight, slug, exporter, liquid)
        elif cell.cell_type == "raw":
            kind = str(cell.metadata.get("format") or cell.metadata.get("raw_mimetype") or "")
            if kind == "text/markdown":
                _markdown_cell(cell, number, 0, text, out)
            elif kind == "text/html":
                text.piece(Html(out_.sanitised_html(cell_source(cell))), f"cell {number}")
    text.flush()
    return Converted("\n".join(text.lines) + "\n", text.where, text.parts, out, front)


def _markdown_cell(cell, number: int, taken: int, text: _Text, out: Outputs) -> None:
    source = cell_source(cell)
    for name, bundle in sorted((cell.get("attachments") or {}).items()):
        mime = next((m for m in out_.PICTURES if m in bundle), None)
        if mime is None:
            continue
        tag = out_.picture(mime, bundle[mime], f"cell{number}-{_safe(name)}", out, f"cell {number}", name)
        if tag:
            url = re.search(r'src="([^"]+)"', tag).group(1)
            source = source.replace(f"attachment:{name}", url)
    lines = closed_fences(source.split("\n")[taken:])
    text.add(lines + [""], [f"cell {number}, line {taken + k + 1}" for k in range(len(lines))] + [f"cell {number}"])


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "attachment"


def _code_cell(path, cell, number, text, out, highlight, slug, exporter, liquid) -> None:
    options = cell_options(cell)
    where = f"cell {number}"
    for problem in options.problems:
        out.warnings.append(f"{where}: {problem}")
    shown = [o for o in cell.get("outputs", []) if options.output]
    if not (options.echo and options.source.strip()) and not shown:
        return
    text.piece(Html('<div class="notebook-cell">'), where)
    if options.echo and options.source.strip():
        code = highlight(options.source)
        if options.fold:
            attr = " open" if options.fold == "show" else ""
            code = f'<details class="notebook-fold"{attr}><summary>Code</summary>{code}</details>'
        text.piece(Html(f'<div class="notebook-input">{code}</div>'), where)
    figures = sum(1 for o in shown if out_.PLOTLY in o.get("data", {}))
    seen_figures = 0
    for k, output in enumerate(_merged_streams(shown), start=1):
        label = f"{where}, output {k}"
        if out_.size_of(output) > out_.LARGE:
            megabytes = out_.size_of(output) / 1024 / 1024
            out.warnings.append(f"{label}: a {megabytes:.1f} MB output, which every reader of the post downloads")
        kind = output.get("output_type")
        if kind == "stream":
            name = "stderr" if output.get("name") == "stderr" else "stream"
            text.piece(Html(out_.text_block(out_.joined(output.get("text", "")), name)), label)
        elif kind == "error":
            text.piece(Html(out_.error_block(output)), label)
        elif kind in ("execute_result", "display_data"):
            if out_.PLOTLY in output.get("data", {}):
                seen_figures += 1
                several = seen_figures if figures > 1 else None
                html_ = _figure(path, output, options, number, k, slug, several, out, exporter, label)
                text.piece(Html(html_), label)
            else:
                _bundle(output, options, number, k, text, out, label, liquid)
    text.piece(Html("</div>"), where)


def _merged_streams(outputs: list) -> list:
    """Consecutive stream outputs of one name as one (a kernel may split a print into several)."""
    merged = []
    for output in outputs:
        if output.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream":
            if merged[-1].get("name") == output.get("name"):
                merged[-1] = {**merged[-1], "text": out_.joined(merged[-1]["text"]) + out_.joined(output["text"])}
                continue
        merged.append(output)
    return merged


def _figure(path, output, options, number, k, slug, several, out, exporter, label) -> str:
    figure = output["data"][out_.PLOTLY]
    if not isinstance(figure, dict):
        raise SourceError(path, None, f"{label}: a Plotly output that is not a figure (no 'data' and 'layout')")
    try:
        check_traces(site_spec(figure), label)
    except TraceNotBundled as err:
        raise SourceError(path, None, str(err)) from None
    title = (figure.get("layout") or {}).get("title")
    title = title.get("text") if isinstance(title, dict) else title
    title = re.sub(r"<[^>]*>", "", str(title or ""))
    alt = options.alt or options.caption or title or f"Interactive figure from cell {number}"
    caption = options.caption or title
    fid = figure_id(slug, number, options.label, several)
    return add_figure(figure, out, fid, f"cell{number}-{k}", alt, caption, exporter)


def _bundle(output, options, number, k, text, out, label, liquid) -> None:
    data = output.get("data", {})
    mime, interactive = out_.choose(data)
    if interactive:
        out.warnings.append(
            f"{label}: an output that needs scripts ({interactive}) is shown as a note: the site runs no script "
            "from a notebook; save a picture of it in the notebook (a PNG or SVG output beside it is shown instead)"
        )
        text.piece(
            Html(
                '<p class="notebook-output notebook-note">This output is interactive: it needs scripts, which this '
                "site does not run, so it is not shown here.</p>"
            ),
            label,
        )
        return
    if mime is None:
        return
    value = out_.joined(data[mime]) if mime != "image/png" and mime != "image/jpeg" else data[mime]
    if mime == "text/html":
        text.piece(Html(out_.sanitised_html(value)), label)
    elif mime == "text/markdown" or (mime == "text/latex" and out_.latex_of(value) is None):
        _markdown_output(value, text, label, liquid)
    elif mime == "text/latex":
        text.piece(Latex(out_.latex_of(value), label), label)
    elif mime in out_.PICTURES:
        alt = options.alt or options.caption or f"Output of cell {number}"
        tag = out_.picture(mime, value, f"cell{number}-{k}", out, label, alt)
        if tag:
            tag = out_.sized(tag, (output.get("metadata") or {}).get(mime) or {})
            caption = f"<figcaption>{html.escape(options.caption)}</figcaption>" if options.caption else ""
            text.piece(Html(f'<figure class="notebook-output notebook-figure">{tag}{caption}</figure>'), label)
    else:
        text.piece(Html(out_.text_block(value, "text")), label)


def _markdown_output(value: str, text: _Text, label: str, liquid: bool) -> None:
    """A Markdown (or mixed LaTeX) output, as Markdown of the post; Liquid never reads it."""
    if liquid and ("{{" in value or "{%" in value):
        if "endraw" in value:
            text.piece(Html(out_.text_block(value, "text")), label)
            return
        value = "{% raw %}" + value + "{% endraw %}"
    lines = value.strip("\n").split("\n")
    text.add(["", *closed_fences(lines), ""], label)
