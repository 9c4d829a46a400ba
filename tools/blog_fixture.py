"""Generate a blog of N maths-heavy posts to build, profile and benchmark at scale.

    python -m tools.blog_fixture DEST N [--swiglu-only]

The posts are copies of real ones: the SwiGLU post, and (unless `swiglu_only`)
the Jekyll posts of `../shared/jekyll-corpus/posts`, taken in turn, each with
its own title, date and file name (so its own slug and URL). The site's assets,
pages, extra files and bibliography are copied beside them, and every local
image a corpus post points at gets a 1×1 stand-in (the corpus ships no images).
The corpus is third-party writing: it is read from where it lives, never
copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from plugins.jekyll.config import FRONT_MATTER
from plugins.jekyll.site import MARKDOWN_SUFFIXES

ROOT = Path(__file__).resolve().parent.parent
SWIGLU = ROOT / "content" / "posts" / "2026-11-26-swiglu-intuition.md"
# Beside the project (../shared), or beside the folder of worktrees holding it.
CORPUS = next(
    (
        p
        for p in (
            ROOT.parent / "shared" / "jekyll-corpus" / "posts",
            ROOT.parent.parent / "shared" / "jekyll-corpus" / "posts",
        )
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "jekyll-corpus" / "posts",
)
FIRST_DATE = dt.date(2020, 1, 1)

# A valid 1×1 PNG (and SVG): local_images reads their sizes.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4580000000049454e44ae426082"
)
SVG_1X1 = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>\n'
LOCAL_IMAGE = re.compile(r"""(?<![\w:/.])(/[\w./%-]+\.(?:png|jpe?g|gif|svg|webp))""", re.IGNORECASE)
POST_URL = re.compile(r"(\{%-?\s*post_url\s+)([^\s%]+)")


@dataclass
class Blog:
    content: Path  # the content folder (PATH)
    posts: list[Path]  # the generated posts, oldest first
    sources: list[str]  # names of the real posts they were copied from
    corpus_used: bool  # False when only the SwiGLU post was copied

    @property
    def described(self) -> str:
        kind = "SwiGLU + jekyll-corpus" if self.corpus_used else "SwiGLU only"
        return f"{len(self.posts)} posts ({kind}: {len(self.sources)} distinct sources)"


def page_path(post: Path) -> str:
    """A generated post's URL path under the site (pelicanconf.py's ARTICLE_URL, from the
    date and slug in its file name): `2020/01/01/post-0000/`."""
    return f"{post.name[:4]}/{post.name[5:7]}/{post.name[8:10]}/{post.stem[11:]}/"


def source_posts(swiglu_only: bool = False) -> list[Path]:
    """The real posts to copy: SwiGLU first, then the corpus (if present and wanted)."""
    posts = [SWIGLU]
    if not swiglu_only and CORPUS.is_dir():
        posts += sorted(p for p in CORPUS.iterdir() if p.suffix in MARKDOWN_SUFFIXES)
    return posts


def retitled(text: str, number: int, date: dt.date) -> str:
    """The post with its own title and date in the front matter (other keys kept)."""
    m = FRONT_MATTER.match(text)
    front, body = (m.group(1) or "", text[m.end() :]) if m else ("", text)
    lines = [line for line in front.splitlines() if not re.match(r"(title|date)\s*:", line)]
    title = re.search(r"^title\s*:\s*[\"']?(.*?)[\"']?\s*$", front, re.MULTILINE)
    name = title.group(1) if title else "Post"
    lines = [f'title: "{name} (copy {number})"', f"date: {date.isoformat()}", *lines]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def add_stand_in_images(content: Path, text: str) -> None:
    for path in LOCAL_IMAGE.findall(text):
        target = content / path.lstrip("/")
        if not target.exists() and path.startswith("/assets/"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(SVG_1X1 if target.suffix.lower() == ".svg" else PNG_1X1)


def make_blog(dest: Path, n: int, swiglu_only: bool = False, assets_from: Path = ROOT / "content") -> Blog:
    """Write a content folder with `n` posts into `dest` (created; must not hold posts already)."""
    content = Path(dest)
    content.mkdir(parents=True, exist_ok=True)
    for folder in ("assets", "extra", "pages"):
        if (assets_from / folder).is_dir() and not (content / folder).exists():
            shutil.copytree(assets_from / folder, content / folder)
    if (assets_from / "references.bib").exists():
        shutil.copyfile(assets_from / "references.bib", content / "references.bib")
    sources = source_posts(swiglu_only)
    posts_dir = content / "posts"
    posts_dir.mkdir(exist_ok=True)
    posts = []
    # A real post's {% post_url other-post %} points at the first copy of that post here.
    first_copy = {
        source.stem: f"{(FIRST_DATE + dt.timedelta(days=j)).isoformat()}-post-{j:04d}"
        for j, source in enumerate(sources[:n])
    }
    for i in range(n):
        source = sources[i % len(sources)]
        date = FIRST_DATE + dt.timedelta(days=i)
        text = POST_URL.sub(lambda m: m[1] + first_copy.get(m[2], m[2]), source.read_text(encoding="utf-8"))
        add_stand_in_images(content, text)
        post = posts_dir / f"{date.isoformat()}-post-{i:04d}{source.suffix}"
        post.write_text(retitled(text, i, date), encoding="utf-8")
        posts.append(post)
    used = sources[: min(n, len(sources))]
    return Blog(content, posts, [s.name for s in used], any(s != SWIGLU for s in used))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--swiglu-only", action="store_true", help="copy only the SwiGLU post")
    args = parser.parse_args(argv)
    blog = make_blog(args.dest, args.n, args.swiglu_only)
    print(f"{blog.content}: {blog.described}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
