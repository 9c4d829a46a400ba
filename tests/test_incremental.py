"""The speed layer changes how fast a site is built, never what is built: a blog built with
`INCREMENTAL = False` (plain Pelican's ways) has exactly the bytes of one built with it, from
an empty cache and again warm (the reader cache, the spare site, unchanged pages kept)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from plugins.incremental import compat
from tests.conftest import run_build, write_settings
from tools.blog_fixture import make_blog


def digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.mark.build
def test_a_blog_is_the_same_bytes_with_and_without_the_speed_layer(tmp_path):
    blog = make_blog(tmp_path / "content", 12)  # the SwiGLU post and the corpus posts, if present
    (tmp_path / "fast").mkdir()
    fast = write_settings(tmp_path / "fast", blog.content, INCREMENTAL=True)
    env = {"SITE_BUILD_CACHE": str(tmp_path / "cache-fast")}
    for _ in range(2):  # cold, then warm (the second keeps the first site as its spare)
        assert run_build(fast, tmp_path / "out-fast", env=env).returncode == 0
    # Then an edit and a deletion, built warm: from the cache, staged in the spare site, which
    # holds the deleted post's page.
    edited = blog.posts[1]
    edited.write_text(edited.read_text() + "\nOne more sentence.\n")
    texts = "".join(post.read_text() for post in blog.posts)
    unlinked = next(post for post in blog.posts[2:] if texts.count(post.stem) == 0)  # no post_url leads to it
    unlinked.unlink()
    result = run_build(fast, tmp_path / "out-fast", env=env)
    assert result.returncode == 0, result.stderr

    (tmp_path / "plain").mkdir()
    plain = write_settings(tmp_path / "plain", blog.content, INCREMENTAL=False)
    result = run_build(plain, tmp_path / "out-plain", env={"SITE_BUILD_CACHE": str(tmp_path / "cache-plain")})
    assert result.returncode == 0, result.stderr
    built = digests(tmp_path / "out-plain")
    assert digests(tmp_path / "out-fast") == built
    assert len(built) > 100


def test_the_speed_layer_runs_on_this_pelican_and_names_what_it_relies_on():
    assert compat.problem() is None
    assert all(compat._present(name) for name in compat.PRIVATE)


def test_a_pelican_outside_the_supported_range_turns_the_layer_off(monkeypatch):
    from plugins import incremental

    monkeypatch.setattr(compat.pelican, "__version__", "4.13.0")
    assert "not one the speed layer supports" in compat.problem()
    assert not incremental.enabled({"INCREMENTAL": True})
    monkeypatch.setattr(compat.pelican, "__version__", "4.12.1")
    assert compat.problem() is None and incremental.enabled({}) and not incremental.enabled({"INCREMENTAL": False})
