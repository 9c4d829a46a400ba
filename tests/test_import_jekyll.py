"""`make import JEKYLL=…` on a temporary Jekyll-shaped folder built from the corpus."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plugins.jekyll.config import article_url, pelican_settings
from tests.conftest import ROOT
from tests.test_jekyll_corpus import CORPUS, IMAGE_PATH, one_pixel_png


def jekyll_site(folder: Path) -> Path:
    """_posts from the corpus, a draft, an include, the images posts use, a layout and a plugin."""
    site = folder / "jekyll"
    (site / "_posts").mkdir(parents=True)
    for post in sorted((CORPUS / "posts").iterdir()):
        shutil.copyfile(post, site / "_posts" / post.name)
        for path in IMAGE_PATH.findall(post.read_text(encoding="utf-8")):
            (site / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (site / path.lstrip("/")).write_bytes(one_pixel_png())
    (site / "_drafts").mkdir()
    (site / "_drafts" / "an-idea.md").write_text("---\ntitle: An idea\n---\n\nLater.\n")
    (site / "_includes").mkdir()
    (site / "_includes" / "note.html").write_text("<aside>{{ include.text }}</aside>\n")
    (site / "_layouts").mkdir()
    (site / "_layouts" / "post.html").write_text("{{ content }}\n")
    (site / "_plugins").mkdir()
    (site / "_plugins" / "x.rb").write_text("# a Ruby plugin\n")
    (site / "unrelated").mkdir()
    (site / "unrelated" / "notes.txt").write_text("not used by any post\n")
    (site / "_config.yml").write_text(
        "title: Lil'Log\nurl: https://example.org\nbaseurl: ''\npermalink: /:year/:month/:day/:title/\n"
        "plugins:\n  - jekyll-feed\n"
    )
    return site


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


@pytest.mark.skipif(not (CORPUS / "expected.json").is_file(), reason=f"the Jekyll corpus is not at {CORPUS}")
def test_import_copies_posts_drafts_includes_and_used_assets_and_reports_the_rest(tmp_path):
    site = jekyll_site(tmp_path)
    content = tmp_path / "project" / "content"
    content.mkdir(parents=True)
    (tmp_path / "project" / "pelicanconf.py").write_text("# untouched\n")
    before_site, before_conf = digest(site), (tmp_path / "project" / "pelicanconf.py").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "tools.import_jekyll", str(site), "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert sorted(p.name for p in (content / "_posts").iterdir()) == sorted(
        p.name for p in (CORPUS / "posts").iterdir()
    )
    assert (content / "_drafts" / "an-idea.md").is_file() and (content / "_includes" / "note.html").is_file()
    assert (content / "assets" / "images" / "GAN.png").is_file() and (content / "assets" / "rl" / "pong.gif").is_file()
    assert (content / "_config.yml").is_file()
    assert not (content / "_layouts").exists() and not (content / "_plugins").exists()
    assert not (content / "unrelated").exists()  # no post points there
    assert "_posts/ (6 files)" in out and "_layouts/" in out and "_plugins/" in out and "jekyll-feed" in out
    assert "title: Lil'Log" in out and "ARTICLE_URL {date:%Y}/{date:%m}/{date:%d}/{slug}/" in out
    # Nothing outside content/ changed, the Jekyll site included.
    assert digest(site) == before_site and (tmp_path / "project" / "pelicanconf.py").read_text() == before_conf
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["content", "pelicanconf.py"]
    # A second run copies nothing and overwrites nothing.
    (content / "_posts" / "2016-05-31-rl.markdown").write_text("edited here\n")
    again = subprocess.run(
        [sys.executable, "-m", "tools.import_jekyll", str(site), "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Copied 0 files" in again.stdout and "_posts/2016-05-31-rl.markdown" in again.stdout
    assert (content / "_posts" / "2016-05-31-rl.markdown").read_text() == "edited here\n"


def test_a_folder_that_is_not_a_jekyll_site_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tools.import_jekyll", str(tmp_path), "--content", str(tmp_path / "c")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "not a Jekyll site" in result.stderr
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    "permalink, url",
    [
        ("/:year/:month/:day/:title/", "{date:%Y}/{date:%m}/{date:%d}/{slug}/"),
        ("pretty", "{jekyll_categories_dir}{date:%Y}/{date:%m}/{date:%d}/{slug}/"),
        ("none", "{jekyll_categories_dir}{slug}.html"),
        ("ordinal", "{jekyll_categories_dir}{date:%Y}/{date:%j}/{slug}.html"),
        ("/:categories/:title", "{jekyll_categories_dir}{slug}/"),
        ("/blog/:title:output_ext", "blog/{slug}.html"),
    ],
)
def test_permalinks_become_article_urls(permalink, url):
    assert article_url(permalink)[0] == url


def test_config_title_and_permalink_become_pelican_settings(tmp_path):
    (tmp_path / "_config.yml").write_text("title: Old Blog\npermalink: /:year/:title.html\n")
    assert pelican_settings(tmp_path / "_config.yml") == {
        "SITENAME": "Old Blog",
        "ARTICLE_URL": "{date:%Y}/{slug}.html",
        "ARTICLE_SAVE_AS": "{date:%Y}/{slug}.html",
    }


def test_a_malformed_config_names_the_file(tmp_path):
    (tmp_path / "_config.yml").write_text("title: [unclosed\n")
    with pytest.raises(ValueError, match=r"_config\.yml:1: malformed YAML"):
        pelican_settings(tmp_path / "_config.yml")


def test_asset_folders_are_found_however_a_post_writes_the_path(tmp_path):
    from tools.import_jekyll import asset_folders

    for folder in ("assets/img", "files", "images", "downloads", "_sass", "posts"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-01-a.md").write_text(
        "---\ntitle: A\nimage: /images/card.png\n---\n\n"
        "![a]({{ site.baseurl }}/assets/img/a.png) [paper]({% link files/p.pdf %})\n"
        "[elsewhere](https://example.org/downloads/x.zip) ![rel](../posts/x.png)\n"
    )
    assert asset_folders(tmp_path) == ["assets", "files", "images"]
