"""Move a Jekyll blog into content/ in one step.

    python -m tools.import_jekyll path/to/jekyll-site [--content content]
    make import JEKYLL=path/to/jekyll-site

Copies `_posts/` (subfolders and `.html` posts too), `_drafts/`, `_includes/`, the files
posts point at (images, PDFs, embedded HTML figures, the bibliographies their front matter
names) and `_config.yml`, written so PyYAML reads it, with the maths settings found in
the old site's MathJax config as its `katex:` block. No theme file is copied: layouts,
site pages (files with front matter outside `_posts/`), collections, Sass, and the CSS and
JavaScript only the theme uses stay behind. The report, printed once before any build,
says what was carried over, which maths settings and macros were found, what was left
behind, and what needs the author (missing files, images on other hosts, Liquid tags
nothing here knows). Writes nothing outside the content folder and never overwrites a
different file already there.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
from pathlib import Path

from plugins.jekyll.config import ConfigError, PermalinkError, article_url, read_config
from tools.import_jekyll.config_file import imported_config, katex_block
from tools.import_jekyll.liquid_scan import known_tags
from tools.import_jekyll.maths import site_maths
from tools.import_jekyll.plugins_and_tags import plugin_lines, tag_uses, unknown_tags
from tools.import_jekyll.pointers import post_files
from tools.import_jekyll.report import Report, summarise
from tools.import_jekyll.site import THEME_CODE, load_site

ROOT = Path(__file__).resolve().parent.parent.parent
NOT_CARRIED = {
    "_layouts": "theme layouts: this site's theme (theme/templates) lays out every post",
    "_plugins": "Ruby plugins: Jekyll plugins do not run here; see README 'Writing a post'",
    "_sass": "Sass: this site's theme has its own CSS",
    "_data": "data files (site.data): not available to Liquid here",
    "_site": "Jekyll's build output",
}
CARRIED = ("_posts", "_drafts", "_includes")

__all__ = ["import_site", "main", "Report"]


def copy_file(source: Path, target: Path, name: str, report: Report) -> None:
    if target.exists():
        if not filecmp.cmp(source, target, shallow=False):
            report.kept.append(name)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    report.copied.append(name)


def write_text(text: str, target: Path, name: str, report: Report) -> bool:
    """Write `text` unless a different file is there; whether content/ now holds it."""
    if target.exists():
        same = target.read_bytes() == text.encode("utf-8")
        if not same:
            report.kept.append(name)
        return same
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    report.copied.append(name)
    return True


def import_site(site_path: Path, content: Path) -> Report:
    """Copy what a Jekyll site's posts need into `content`; return what was done and found."""
    if not (site_path / "_posts").is_dir() and not (site_path / "_config.yml").is_file():
        raise SystemExit(f"{site_path}: not a Jekyll site (no _posts/ and no _config.yml)")
    content = content.resolve()
    if content == site_path.resolve() or site_path.resolve() in content.parents:
        raise SystemExit(f"{content}: the content folder must not be inside the Jekyll site")
    config = read_config(site_path / "_config.yml")
    site = load_site(site_path, config)
    report = Report()
    found = post_files(site)
    maths = site_maths(site, found.reached_includes)
    # What is carried over: posts, drafts, includes, the files posts point at, the config.
    for rel in site.posts:
        copy_file(site_path / rel, content / rel, rel, report)
    for name in sorted(site.includes):
        copy_file(site_path / "_includes" / name, content / "_includes" / name, f"_includes/{name}", report)
    for rel in sorted(set(found.copy) | set(found.bibliographies)):
        copy_file(site_path / rel, content / rel, rel, report)
    carry_config(site_path, content, config, maths, report)
    report.maths, report.maths_notes = maths.lines, maths.notes
    known = known_tags()
    uses = tag_uses(found.posts_text | {f"_includes/{n}": site.includes[n] for n in sorted(found.reached_includes)})
    left_behind(site, found, config, report)
    report.skipped += plugin_lines(config, known, {name for _, name in uses})
    if config.get("theme") or config.get("remote_theme"):
        report.skipped.append(
            f"_config.yml theme: {config.get('theme') or config.get('remote_theme')} (this site has its own)"
        )
    report.attention = {
        "missing files posts point at": [f"{where}: {value}" for where, value in found.missing],
        "images on other hosts (download each into assets/ and point at it there; the build shows each as a link)": [
            f"{where}: {url}" for where, url in found.external
        ],
        "Liquid tags this build does not know (a post using one fails until it is replaced)": unknown_tags(uses, known),
    }
    return report


def carry_config(site_path: Path, content: Path, config: dict, maths, report: Report) -> None:
    source = site_path / "_config.yml"
    if not source.is_file():
        if maths.block:
            written = write_text(katex_block(maths.block), content / "_config.yml", "_config.yml", report)
            report.maths_written = "written to content/_config.yml" if written else "NOT written"
        return
    text, notes = imported_config(source.read_text(encoding="utf-8-sig"), maths.block, str(source))
    written = write_text(text, content / "_config.yml", "_config.yml", report)
    report.carried_notes += notes
    if maths.block:
        report.maths_written = (
            "written to content/_config.yml as katex:"
            if written
            else "NOT written: content/_config.yml differs; add this katex: block to it by hand:\n    "
            + katex_block(maths.block).replace("\n", "\n    ").rstrip()
        )
    for key in ("title", "url", "baseurl"):
        if config.get(key):
            report.carried_notes.append(f"_config.yml {key}: {config[key]} (site.{key})")
    if config.get("permalink"):
        try:
            url, _ = article_url(str(config["permalink"]))
            report.carried_notes.append(f"_config.yml permalink {config['permalink']} → ARTICLE_URL {url}")
        except PermalinkError as err:
            report.skipped.append(f"{err}; posts keep /:year/:month/:day/:title/")


def left_behind(site, found, config: dict, report: Report) -> None:
    tops = sorted(d.name for d in site.root.iterdir() if d.is_dir() and d.name.startswith("_"))
    collections = config.get("collections") if isinstance(config.get("collections"), dict | list) else {}
    for top in tops:
        if top in CARRIED:
            continue
        if top in NOT_CARRIED:
            report.skipped.append(f"{top}/: {NOT_CARRIED[top]}")
            continue
        count = sum(1 for p in (site.root / top).rglob("*") if p.is_file())
        kind = "a collection" if top[1:] in collections else "pages or a collection"
        report.skipped.append(f"{top}/ ({count} file{'s' if count != 1 else ''}): {kind} of the old site, not posts")
    theme = {rel for rel in site.pages if rel.lower().endswith(THEME_CODE)}  # main.scss with front matter
    if site.pages - theme:
        pages = sorted(site.pages - theme, key=lambda p: (-found.pages[p], p))
        shown = [f"{p} ({plural(found.pages[p], 'link')} from posts)" if found.pages[p] else p for p in pages[:12]]
        more = f", … {len(pages) - 12} more" if len(pages) > 12 else ""
        why = "front matter outside _posts/: the old theme renders them"
        report.skipped.append(f"{plural(len(pages), 'site page')} ({why}): {', '.join(shown)}{more}")
    carried = set(found.copy) | set(found.bibliographies)
    rest = [rel for rel in site.files if (rel not in site.pages or rel in theme) and rel not in carried]
    if rest:
        groups = ", ".join(summarise(rest, depth=2, shown=10))
        report.skipped.append(f"{plural(len(rest), 'file')} no post points at (the theme's CSS, JavaScript…): {groups}")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the Jekyll site's folder (with _posts/ and _config.yml)")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="the content folder (default: content/)")
    args = parser.parse_args(argv)
    try:
        report = import_site(args.site, args.content)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    report.print()
    print(f"Done. Build with `make html`; drafts with `make serve DRAFTS=1`. Content: {args.content}")
    return 0
