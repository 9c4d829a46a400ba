"""An SVG output made safe to publish as a file: no scripts, no event handlers, no external references.

The site shows it in an <img> (where no script runs), but the file is served from the
site's own origin and can be opened on its own, so it is cleaned as if it were a page:
parsed as XML without entities, DTDs or the network; `<script>`, `<foreignObject>` and
other embedding elements removed; `on…` attributes removed; `href`s kept only to the
drawing's own ids (`#…`) and to embedded raster pictures (`data:image/…`); `url(…)` in
styles kept only to the drawing's own ids; `@import` removed. Same input, same bytes.
"""

from __future__ import annotations

import re

from plugins.markdown.local_files import svg_size

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
REMOVED = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler", "listener"}
SAFE_HREF = re.compile(r"\s*(#|data:image/(png|jpeg|gif|webp);base64,)", re.I)
EXTERNAL_URL = re.compile(r"""url\(\s*(?!['"]?#)[^)]*\)""", re.I)
IMPORT = re.compile(r"@import[^;]*;?", re.I)


def _clean_style(text: str) -> str:
    return EXTERNAL_URL.sub("none", IMPORT.sub("", text))


def sanitised_svg(data: bytes) -> tuple[bytes, tuple[int, int] | None]:
    """(the cleaned SVG's bytes, its size in CSS pixels or None); ValueError if it is not an SVG."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        root = etree.fromstring(data.strip(), parser)
    except etree.XMLSyntaxError as err:
        raise ValueError(f"not XML: {err}") from None
    if root.tag not in (f"{SVG}svg", "svg"):
        raise ValueError(f"its root is <{etree.QName(root).localname}>, not <svg>")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname in REMOVED:
            element.getparent().remove(element)
            continue
        for name, value in list(element.attrib.items()):
            local = etree.QName(name).localname.lower()
            if local.startswith("on") or "javascript:" in value.lower():
                del element.attrib[name]
            elif name in (XLINK_HREF, "href") and not SAFE_HREF.match(value):
                del element.attrib[name]
            elif local == "style":
                element.attrib[name] = _clean_style(value)
        if etree.QName(element).localname == "style" and element.text:
            element.text = _clean_style(element.text)
    # No XML declaration, no DOCTYPE (it names an external DTD): the drawing alone.
    cleaned = etree.tostring(root, encoding="utf-8")
    return cleaned, svg_size(cleaned)
