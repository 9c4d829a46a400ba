"""A code cell's outputs, each shown the way this site shows such a thing, loading nothing from elsewhere.

For each output one representation is chosen (`PRIORITY`): a Plotly figure becomes one of
the site's interactive figures (plugins/notebooks/plotly_figures.py); HTML (a pandas table) is
sanitised by nh3 (no scripts, no event handlers, no styles that load anything); Markdown
goes through the post's own Markdown step; LaTeX is rendered by the page's KaTeX; SVG
(sanitised: no scripts, no handlers, no external references), PNG and JPEG become files
under the post's assets folder shown with their size; text, streams and tracebacks are
preformatted, ANSI colours as classes. An output that needs scripts (a widget, an Altair or
Bokeh chart) shows its picture if it has one, else a note, with a warning for the author.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field

PLOTLY = "application/vnd.plotly.v1+json"
PRIORITY = [
    "text/html",
    "text/markdown",
    "text/latex",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/plain",
]
PICTURES = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}
INTERACTIVE = re.compile(r"application/(javascript|vnd\.[\w.+-]*(widget|vega|bokeh|holoviews)[\w.+-]*)")
NEEDS_SCRIPTS = re.compile(r"<(script|iframe|object|embed|link)\b", re.I)
LARGE = 5 * 1024 * 1024  # bytes: an output larger than this warns
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
HTML_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir", "style"},
    "a": {"href"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
}
# Properties that draw, never load: no url(), so no background-image, no fonts, no cursor.
STYLE_PROPERTIES = {
    "color", "background-color", "text-align", "vertical-align", "font-weight", "font-style", "font-size",
    "text-decoration", "white-space", "border", "border-top", "border-bottom", "border-left", "border-right",
    "border-color", "border-collapse", "padding", "padding-left", "padding-right", "width", "min-width",
}  # fmt: skip


@dataclass
class Html:
    html: str


@dataclass
class Latex:
    tex: str
    where: str  # "cell 4, output 2", for an error


@dataclass
class Outputs:
    """What a notebook's outputs add to the post: files under its assets folder (path → bytes),
    its figures (for their pages) and the warnings for its author."""

    folder: str  # "notebooks/<stem>", under assets/
    files: dict[str, bytes] = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# Links to the site's own files are written with this prefix, which the reader replaces with
# SITEURL once Markdown is done (the Markdown step would look for them in content/).
SITE = "notebook-site:"


def asset_url(rel: str) -> str:
    return f"{SITE}/assets/{rel}"


def joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def choose(data: dict) -> tuple[str | None, str | None]:
    """(the MIME type to show, or None; the interactive type that could not be shown, or None)."""
    interactive = next((m for m in sorted(data) if INTERACTIVE.fullmatch(m)), None)
    if "text/html" in data and NEEDS_SCRIPTS.search(joined(data["text/html"])):
        interactive = interactive or "text/html"
    if interactive:
        picture = next((m for m in ("image/png", "image/svg+xml", "image/jpeg") if m in data), None)
        return picture, None if picture else interactive
    return next((m for m in PRIORITY if m in data), None), None


def size_of(output) -> int:
    if output.get("output_type") == "stream":
        return len(joined(output.get("text", "")).encode())
    if output.get("output_type") == "error":
        return sum(len(line.encode()) for line in output.get("traceback", []))
    return sum(len(joined(v).encode()) if not isinstance(v, dict) else 0 for v in output.get("data", {}).values())


def text_block(text: str, kind: str) -> str:
    """Preformatted text: carriage-return overwrites done (progress bars), ANSI colours as classes."""
    text = text.replace("\r\n", "\n")
    if "\r" in text:  # each line shows what was written after its last carriage return
        text = "\n".join(line.rpartition("\r")[2] for line in text.split("\n"))
    if "\x1b[" in text:
        from ansi2html import Ansi2HTMLConverter

        body = Ansi2HTMLConverter(inline=False, line_wrap=False).convert(text.rstrip("\n"), full=False)
        body = ANSI.sub("", body)  # any sequence ansi2html does not know
    else:
        body = html.escape(text.rstrip("\n"), quote=False)
    return f'<pre class="notebook-output notebook-{kind}">{body}</pre>'


def error_block(output) -> str:
    name = html.escape(str(output.get("ename", "Error")))
    traceback = "\n".join(output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"])
    return (
        f'<div class="notebook-error"><p class="notebook-error-label">Error: {name}</p>'
        f"{text_block(traceback, 'traceback')}</div>"
    )


def sanitised_html(text: str) -> str:
    import nh3

    clean = nh3.clean(
        text,
        tags=HTML_TAGS,
        clean_content_tags={"script", "style", "template", "textarea", "title"},
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
    )
    return f'<div class="notebook-output notebook-html">{clean.strip()}</div>'


def latex_of(text: str) -> str | None:
    """The formula of a LaTeX output that is one formula ($…$, $$…$$, \\[…\\], an environment), else None."""
    text = text.strip()
    for start, end in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if text.startswith(start) and text.endswith(end) and len(text) > len(start) + len(end):
            inner = text[len(start) : -len(end)]
            if "$" not in inner.replace("\\$", ""):
                return inner.strip().removeprefix("\\displaystyle").strip()
    if text.startswith("\\begin{") and "$" not in text:
        return text
    return None


def picture(mime: str, value, rel_stem: str, out: Outputs, where: str, alt: str) -> str | None:
    """An image output as a file under the assets folder, and its <img>; None if it is not an image."""
    from plugins.markdown.local_files import svg_size
    from plugins.notebooks.svg import sanitised_svg

    if mime == "image/svg+xml":
        try:
            data, size = sanitised_svg(joined(value).encode())
        except ValueError as err:
            out.warnings.append(f"{where}: an SVG output that is not a drawing ({err}); it is left out")
            return None
        size = size or svg_size(data)
    else:
        try:
            data = base64.b64decode(joined(value))
        except ValueError:
            out.warnings.append(f"{where}: an {mime} output whose base64 does not decode; it is left out")
            return None
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                size = image.size
        except (UnidentifiedImageError, OSError):
            out.warnings.append(f"{where}: an {mime} output that is not a picture; it is left out")
            return None
    rel = f"{out.folder}/{rel_stem}.{PICTURES[mime]}"
    out.files[rel] = data
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    return f'<img src="{asset_url(rel)}" alt="{html.escape(alt)}"{dims} loading="lazy" decoding="async">'


def sized(tag: str, metadata: dict) -> str:
    """The <img> at the size the notebook displayed it (IPython's width/height, retina pictures) if it says."""
    width, height = metadata.get("width"), metadata.get("height")
    if not isinstance(width, int | float) or width <= 0:
        return tag
    m = re.search(r' width="(\d+)" height="(\d+)"', tag)
    if not m:
        return tag
    w, h = int(m.group(1)), int(m.group(2))
    height = height if isinstance(height, int | float) and height > 0 else round(h * width / w)
    return tag.replace(m.group(0), f' width="{round(width)}" height="{round(height)}"')
