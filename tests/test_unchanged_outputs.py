"""Unchanged pages are not written again (plugins/incremental/unchanged_outputs.py), and nothing is lost:
edits show, deleted posts go, and the site being replaced is never changed in place."""

from __future__ import annotations

import pytest

from tests.conftest import run_build, write_settings
from tools.blog_fixture import make_blog, page_path


def page_of(output, post):
    return output / page_path(post) / "index.html"


def tree(site):
    return {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.build
def test_unchanged_pages_are_kept_changed_ones_rewritten_and_deleted_ones_removed(tmp_path):
    blog = make_blog(tmp_path / "content", 3, swiglu_only=True)
    settings = write_settings(tmp_path, blog.content)
    output, spare = tmp_path / "output", tmp_path / ".output.spare"
    env = {"SITE_BUILD_CACHE": str(tmp_path / "cache")}

    def build():
        result = run_build(settings, output, env=env)
        assert result.returncode == 0, result.stderr

    build()
    first = tree(output)
    unchanged, edited, deleted = blog.posts
    inode = page_of(output, unchanged).stat().st_ino

    build()  # no change: the pages are links to the first build's
    assert tree(output) == first
    assert page_of(output, unchanged).stat().st_ino == inode

    edited.write_text(edited.read_text().replace("Activation functions allow", "Activation functions enable", 1))
    build()  # stages into the spare (the first build's site), whose pages the current site shares
    assert page_of(output, unchanged).stat().st_ino == inode, "an unchanged page was written again"
    assert "Activation functions enable" in page_of(output, edited).read_text()
    # The site it replaced (now the spare) was not changed in place: links are shared with it.
    assert "Activation functions allow" in page_of(spare, edited).read_text()

    gone = f"/{page_path(deleted)}"
    assert gone in page_of(output, unchanged).read_text()  # among its related posts
    deleted.unlink()
    build()
    assert not page_of(output, deleted).exists() and not page_of(output, deleted).parent.exists()
    assert gone not in page_of(output, unchanged).read_text()  # its related posts changed: written again
    assert page_of(spare, deleted).exists() and gone in page_of(spare, unchanged).read_text()  # not in place

    # A build with an empty cache gives byte for byte the same site as this incremental one.
    fresh = tmp_path / "fresh"
    result = run_build(settings, fresh, env={"SITE_BUILD_CACHE": str(tmp_path / "cold-cache")})
    assert result.returncode == 0, result.stderr
    assert tree(fresh) == tree(output)


def test_the_manifest_never_names_anything_outside_the_site(tmp_path, monkeypatch):
    """Pelican records a skipped write as os.devnull, and a manifest may be damaged: neither
    may make a build delete, or keep, anything outside its folder."""
    from plugins.incremental.unchanged_outputs import finish, keep_only_pages, manifest_of

    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    site, outside = tmp_path / "site", tmp_path / "outside.html"
    (site / "posts").mkdir(parents=True)
    (site / "posts" / "index.html").write_text("page")
    (site / "static.css").write_text("css")
    outside.write_text("not ours")
    finish(site, {str(site / "posts" / "index.html"), "/dev/null"})
    assert manifest_of(site).read_text() == "posts/index.html\n"

    manifest_of(site).write_text("posts/index.html\n../outside.html\n../../../dev/null\n")
    keep_only_pages(site)
    assert (site / "posts" / "index.html").exists() and not (site / "static.css").exists()
    finish(site, set())  # the post was deleted
    assert outside.exists() and not (site / "posts").exists()


@pytest.mark.build
def test_a_page_is_rendered_again_when_its_template_changes_or_its_file_was_replaced(tmp_path):
    """A page kept by its key (plugins/incremental/page_keys.py) is only ever the page that key
    made: a template edit renders every page again, and a page whose file something else replaced
    (the dev server moves its pages in) is rendered again, not trusted."""
    import shutil

    from tests.conftest import ROOT

    blog = make_blog(tmp_path / "content", 2, swiglu_only=True)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = write_settings(tmp_path, blog.content, THEME=str(theme))
    output, env = tmp_path / "output", {"SITE_BUILD_CACHE": str(tmp_path / "cache")}

    def build():
        result = run_build(settings, output, env=env)
        assert result.returncode == 0, result.stderr

    build()
    build()  # the spare is made: from now on pages can be kept from either site
    first, second = (page_of(output, post) for post in blog.posts)
    template = theme / "templates" / "article.html"
    template.write_text(template.read_text().replace("Cite this post", "Cite this article"))
    build()
    assert "Cite this article" in first.read_text() and "Cite this article" in second.read_text()

    right = second.read_bytes()
    second.unlink()
    second.write_bytes(right.replace(b"Cite this article", b"A page moved in by hand"))
    build()  # nothing changed in the sources: the replaced page is rendered, not kept
    assert second.read_bytes() == right
    build()
    assert second.read_bytes() == right
