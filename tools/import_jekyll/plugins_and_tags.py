"""Jekyll plugins and Liquid tags: what happens to each here.

Ruby plugins do not run in this build. Each `plugins:` (or `gems:`) entry of
`_config.yml` gets one line saying what the build does instead, and any Liquid tag a
post uses (or an include a post pulls in) that this build's Liquid does not know is
listed with its file and lines: such a post fails until the tag is replaced.
"""

from __future__ import annotations

from collections import defaultdict

from tools.import_jekyll.liquid_scan import tags_used, unknown
from tools.import_jekyll.site import lines_of

# plugin → (the Liquid tags it adds, what happens here without it)
PLUGINS = {
    "jekyll-feed": ((), "the theme writes its own Atom feed (publish builds)"),
    "jekyll-sitemap": ((), "the theme writes sitemap.xml"),
    "jekyll-seo-tag": (("seo",), "the theme writes the page titles and meta tags"),
    "jekyll-paginate": ((), "the theme paginates the index"),
    "jekyll-paginate-v2": ((), "the theme paginates the index"),
    "jekyll-archives": ((), "the theme has its own tag and category pages"),
    "jekyll-redirect-from": ((), "redirect_from: is not honoured: old addresses do not redirect"),
    "jekyll-twitter-plugin": (("twitter",), ""),
    "jekyll-scholar": (("cite", "bibliography", "reference", "cite_details", "quote", "bibliography_count"), ""),
    "jekyll-gist": (("gist",), ""),
    "jekyll-include-cache": (("include_cached",), ""),
    "jekyll-katex": (("katex",), "maths is KaTeX here anyway"),
    "jekyll-jupyter-notebook": (("jupyter_notebook",), ""),
    "jekyll-imagemagick": ((), "no resized copies of images are made"),
    "jemoji": ((), ":emoji: codes stay text"),
    "jekyll-mentions": ((), "@mentions stay text"),
    "jekyll-github-metadata": ((), "site.github is empty"),
    "jekyll-relative-links": ((), "links to .md files are not rewritten"),
    "jekyll-toc": ((), "no toc filter"),
    "jekyll-minifier": ((), "the build minifies its own CSS and JavaScript"),
    "jekyll-target-blank": ((), "links are not rewritten"),
    "jekyll-link-attributes": ((), "links are not rewritten"),
    "jekyll-email-protect": ((), "no encode_email filter"),
    "jekyll-diagrams": (("mermaid", "graphviz", "plantuml"), "Mermaid diagrams are ```mermaid fences here"),
}


def plugin_lines(config: dict, known: set[str], used: set[str]) -> list[str]:
    """One line per plugin of `_config.yml`; `used`: the tags posts use."""
    lines = []
    for key in ("plugins", "gems"):
        for name in config.get(key) or []:
            name = str(name)
            tags, what = PLUGINS.get(name.replace("/", "-"), ((), "not run here"))  # jekyll/scholar too
            handled = [t for t in tags if t in known and t in used]
            missing = [t for t in tags if t not in known and t in used]
            parts = [what] if what else []
            if handled:
                parts.append(f"{', '.join('{% ' + t + ' %}' for t in handled)} handled by this build")
            if missing:
                parts.append(f"{', '.join('{% ' + t + ' %}' for t in missing)} not known here (see below)")
            lines.append(f"_config.yml {key}: {name}: {'; '.join(parts) or 'not run here'}")
    return lines


def provider(tag: str) -> str:
    for name, (tags, _) in PLUGINS.items():
        if tag in tags:
            return f" ({name})"
    return ""


def tag_uses(texts: dict[str, str]) -> dict[tuple[str, str], list[int]]:
    """(file, tag) → the lines it is used on, for every tag in the texts."""
    uses: dict[tuple[str, str], list[int]] = defaultdict(list)
    for where, text in texts.items():
        line_at = lines_of(text)
        for name, offset in tags_used(text):
            uses[(where, name)].append(line_at(offset))
    return uses


def unknown_tags(uses: dict[tuple[str, str], list[int]], known: set[str]) -> list[str]:
    """One line per file and unknown tag: `_posts/x.md: {% cite %} (jekyll-scholar) ×3, lines 4, 9, 12`."""
    lines = []
    for (where, name), at in sorted(uses.items()):
        if not unknown(name, known):
            continue
        shown = ", ".join(map(str, at[:8])) + (", …" if len(at) > 8 else "")
        count = f" ×{len(at)}" if len(at) > 1 else ""
        lines.append(f"{where}: {{% {name} %}}{provider(name)}{count}, line{'s' if len(at) > 1 else ''} {shown}")
    return lines
