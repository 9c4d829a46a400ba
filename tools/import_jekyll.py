"""Move a Jekyll blog into content/ in one step.

    python -m tools.import_jekyll path/to/jekyll-site [--content content]
    make import JEKYLL=path/to/jekyll-site

Copies `_posts/`, `_drafts/`, `_includes/`, `_config.yml` and the top-level
folders that posts point into with site-root paths (`/assets/…`, `/images/…`),
so posts build unchanged. Reports what it copied and what it could not carry
over (layouts, plugins, Sass, data files, theme gems). Writes nothing outside
the content folder, and never overwrites a different file already there.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import sys
from pathlib import Path

from plugins.jekyll.config import PermalinkError, article_url, read_config

ROOT = Path(__file__).resolve().parent.parent
CARRIED = ("_posts", "_drafts", "_includes")
MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")
NOT_CARRIED = {
    "_layouts": "theme layouts: this site's theme (theme/templates) lays out every post",
    "_plugins": "Ruby plugins: Jekyll plugins do not run here; see README 'Writing a post'",
    "_sass": "Sass: this site's theme has its own CSS",
    "_data": "data files (site.data): not available to Liquid here",
    "_site": "Jekyll's build output",
}


class Report:
    def __init__(self):
        self.copied: list[str] = []
        self.kept: list[str] = []
        self.skipped: list[str] = []
        self.notes: list[str] = []

    def print(self, out=sys.stdout) -> None:
        print(f"Copied {len(self.copied)} files:", file=out)
        for line in summarise(self.copied):
            print(f"  {line}", file=out)
        if self.kept:
            print(f"Left {len(self.kept)} files that already exist and differ (not overwritten):", file=out)
            for path in self.kept:
                print(f"  {path}", file=out)
        for note in self.notes:
            print(note, file=out)
        if self.skipped:
            print("Not carried over:", file=out)
            for line in self.skipped:
                print(f"  {line}", file=out)


def summarise(paths: list[str]) -> list[str]:
    """One line per top folder: `_posts/ (6 files)`."""
    counts: dict[str, int] = {}
    for path in paths:
        top = path.split("/", 1)[0] + ("/" if "/" in path else "")
        counts[top] = counts.get(top, 0) + 1
    return [f"{top} ({n} file{'s' if n != 1 else ''})" for top, n in counts.items()]


def copy_file(source: Path, target: Path, name: str, report: Report) -> None:
    if target.exists():
        if filecmp.cmp(source, target, shallow=False):
            return
        report.kept.append(name)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    report.copied.append(name)


def copy_tree(source: Path, target: Path, name: str, report: Report) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(source).parts):
            rel = path.relative_to(source).as_posix()
            copy_file(path, target / rel, f"{name}/{rel}", report)


def asset_folders(site: Path) -> list[str]:
    """Top-level folders of the site that posts and includes point into with site-root paths."""
    tops = sorted(d.name for d in site.iterdir() if d.is_dir() and not d.name.startswith(("_", ".")))
    if not tops:
        return []
    # A site-root path into one of them, however the post writes it: `](/assets/`, `src="/files/`,
    # `{{ site.baseurl }}/assets/`, `image: /assets/` in front matter, `{% link files/x.pdf %}`.
    # (Not after a word character or a dot: `https://host/assets/` and `../assets/` are not ours.)
    names = "|".join(map(re.escape, tops))
    root_path = re.compile(rf"(?:(?<![\w.-])/|\{{%-?\s*link\s+)(?P<top>{names})/")
    folders = set()
    for folder in CARRIED:
        for post in (site / folder).rglob("*") if (site / folder).is_dir() else []:
            if post.is_file() and (post.suffix in MARKDOWN or folder == "_includes"):
                for m in root_path.finditer(post.read_text(encoding="utf-8", errors="replace")):
                    folders.add(m.group("top"))
    return sorted(folders)


def import_site(site: Path, content: Path) -> Report:
    """Copy what a Jekyll site's posts need into `content`; return what was done."""
    if not (site / "_posts").is_dir() and not (site / "_config.yml").is_file():
        raise SystemExit(f"{site}: not a Jekyll site (no _posts/ and no _config.yml)")
    content = content.resolve()
    if content == site.resolve() or site.resolve() in content.parents:
        raise SystemExit(f"{content}: the content folder must not be inside the Jekyll site")
    report = Report()
    for folder in CARRIED:
        if (site / folder).is_dir():
            copy_tree(site / folder, content / folder, folder, report)
    for folder in asset_folders(site):
        copy_tree(site / folder, content / folder, folder, report)
    config = read_config(site / "_config.yml")
    if (site / "_config.yml").is_file():
        copy_file(site / "_config.yml", content / "_config.yml", "_config.yml", report)
    for folder, why in NOT_CARRIED.items():
        if (site / folder).is_dir():
            report.skipped.append(f"{folder}/: {why}")
    for key in ("plugins", "gems"):
        if config.get(key):
            names = ", ".join(map(str, config[key]))
            report.skipped.append(f"_config.yml {key}: {names} (Jekyll plugins do not run here)")
    if config.get("theme") or config.get("remote_theme"):
        report.skipped.append(
            f"_config.yml theme: {config.get('theme') or config.get('remote_theme')} (this site has its own)"
        )
    for key in ("title", "url", "baseurl"):
        if config.get(key):
            report.notes.append(f"{key}: {config[key]} (site.{key}; read from content/_config.yml)")
    if config.get("permalink"):
        try:
            url, _ = article_url(str(config["permalink"]))
            report.notes.append(f"permalink {config['permalink']} → ARTICLE_URL {url}")
        except PermalinkError as err:
            report.skipped.append(f"{err}; posts keep /:year/:month/:day/:title/")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the Jekyll site's folder (with _posts/ and _config.yml)")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="the content folder (default: content/)")
    args = parser.parse_args(argv)
    report = import_site(args.site, args.content)
    report.print()
    print(f"Done. Build with `make html`; drafts with `make serve DRAFTS=1`. Content: {args.content}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
