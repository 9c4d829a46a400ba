"""The readers' output cache never serves stale HTML: each kind of input it depends on misses it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from plugins.incremental import content_cache
from tests.conftest import ROOT, run_build, write_settings
from tools.blog_fixture import make_blog


def settings_for(content) -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})


@pytest.fixture
def content(tmp_path):
    return make_blog(tmp_path / "content", 1, swiglu_only=True).content


def test_the_key_is_the_same_in_another_process(content):
    """Settings hold objects whose repr has an address: the key must not depend on it."""
    here = content_cache.build_key(settings_for(content)).hex()
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from plugins.incremental import content_cache\n"
        "from tests.test_content_cache import settings_for\n"
        f"print(content_cache.build_key(settings_for({str(content)!r})).hex())"
    )
    there = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert there.stdout.strip() == here


def test_a_changed_setting_changes_the_key(content):
    settings = settings_for(content)
    before = content_cache.build_key(settings)
    settings["MARKDOWN"]["extension_configs"]["markdown.extensions.toc"]["permalink_title"] = "Anchor"
    assert content_cache.build_key(settings) != before


def test_the_output_folder_is_not_part_of_the_key(content):
    settings = settings_for(content)
    before = content_cache.build_key(settings)
    settings["OUTPUT_PATH"] = "/elsewhere/.output.building-123"
    assert content_cache.build_key(settings) == before


def test_changed_plugin_code_changes_the_key(content, tmp_path):
    code = tmp_path / "code" / "plugins"
    shutil.copytree(ROOT / "plugins", code, ignore=shutil.ignore_patterns("__pycache__"))
    settings = settings_for(content)
    before = content_cache.build_key(settings, code=[code])
    path = code / "markdown" / "kramdown_math.py"
    path.write_text(path.read_text() + "\n# changed\n")
    assert content_cache.build_key(settings, code=[code]) != before


def test_another_katex_version_changes_the_key(content, tmp_path):
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"name": "katex", "version": "0.19.1"}))
    settings = settings_for(content)
    before = content_cache.build_key(settings, katex_package_json=package)
    package.write_text(json.dumps({"name": "katex", "version": "0.19.2"}))
    assert content_cache.build_key(settings, katex_package_json=package) != before


def test_a_changed_image_or_figure_metadata_changes_the_key(content):
    settings = settings_for(content)
    image = content / "posts" / "pictures" / "x.png"  # Jekyll serves images from any folder
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(b"one")
    meta = content / "assets" / "figures" / "demo.meta.json"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text('{"caption": "one"}')
    before = content_cache.build_key(settings)
    image.write_bytes(b"two!")
    after_image = content_cache.build_key(settings)
    meta.write_text('{"caption": "two!"}')
    assert len({before, after_image, content_cache.build_key(settings)}) == 3


def test_editing_a_post_keeps_the_other_posts_entries(content):
    """The build key leaves the sources out: an edit misses only the edited post's entry."""
    settings = settings_for(content)
    before = content_cache.build_key(settings)
    post = next((content / "posts").glob("*.md"))
    post.write_text(post.read_text() + "\nOne more line.\n")
    assert content_cache.build_key(settings) == before


def test_a_post_whose_liquid_reads_other_posts_misses_when_a_post_is_added(content):
    posts = content / "posts"
    linking = posts / "2020-01-05-linking.md"
    linking.write_text("---\ntitle: Linking\n---\nNext: [next]({{ page.next.url }})\n")
    plain = posts / "2020-01-06-plain.md"
    plain.write_text("---\ntitle: Plain\n---\nA {% figure beta-slider %} tag reads no other post.\n")
    settings = settings_for(content)
    first = content_cache.ReaderCache(settings, folder=content.parent / "cache")
    paths = {p: first._path(str(p)) for p in (linking, plain)}
    (posts / "2020-01-07-newer.md").write_text("---\ntitle: Newer\n---\nText.\n")
    second = content_cache.ReaderCache(settings_for(content), folder=content.parent / "cache")  # the next build
    assert second._path(str(linking)) != paths[linking]  # its page.next changed
    assert second._path(str(plain)) == paths[plain]


def edit_caption(content, prefix: str) -> None:
    meta = content / "assets" / "figures" / "x2-fit.meta.json"
    data = json.loads(meta.read_text())
    data["caption"] = prefix + data["caption"]
    meta.write_text(json.dumps(data))


def post_html(output) -> str:
    return next(output.glob("2020/01/01/*/index.html")).read_text()


@pytest.mark.build
def test_every_kind_of_edit_shows_in_the_rebuilt_page(tmp_path, content):
    """End to end through `python -m tools.build` with a private cache."""
    env = {"SITE_BUILD_CACHE": str(tmp_path / "cache")}
    output = tmp_path / "output"
    settings = write_settings(tmp_path, content)

    def build() -> str:
        result = run_build(settings, output, env=env)
        assert result.returncode == 0, result.stderr
        return post_html(output)

    first = build()
    assert build() == first  # a cache hit gives the same bytes
    assert list((tmp_path / "cache" / "content").rglob("*.pickle")), "nothing was cached"

    post = next((content / "posts").glob("*.md"))
    post.write_text(post.read_text().replace("Activation functions allow", "Activation functions let"))
    edited = build()
    assert "Activation functions let" in edited and edited != first

    image = content / "assets" / "images" / "theory" / "act.svg"
    image.write_text(
        re.sub(r'(<svg\b[^>]*?) width="[^"]*" height="[^"]*"', r'\1 width="123" height="45"', image.read_text())
    )
    assert 'width="123" height="45"' in build()  # the image's size, read while converting

    edit_caption(content, "Freshly edited caption. ")
    assert "Freshly edited caption." in build()

    assert "“activates”" not in first
    settings.write_text(settings.read_text() + 'MARKDOWN["extensions"].append("markdown.extensions.smarty")\n')
    assert "&ldquo;activates&rdquo;" in build()  # a Markdown setting: the post is converted again


def test_the_site_index_is_read_once_per_build(content, monkeypatch):
    """The reader cache of each generator and the Liquid reader share one index a build."""
    from plugins.jekyll import site as jekyll_site

    posts = content / "posts"
    (posts / "2020-01-05-linking.md").write_text("---\ntitle: Linking\n---\n[next]({{ page.next.url }})\n")
    made = []
    real = jekyll_site.SiteIndex
    monkeypatch.setattr(jekyll_site, "SiteIndex", lambda settings: made.append(1) or real(settings))
    settings = settings_for(content)
    for _ in range(2):  # the articles' and the pages' generators
        content_cache.ReaderCache(settings, folder=content.parent / "cache")._path(str(posts / "2020-01-05-linking.md"))
    assert jekyll_site.site_index(settings) is jekyll_site.site_index(settings)
    assert len(made) == 1
