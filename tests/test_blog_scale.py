"""A generated 200-post blog: saving one post reaches an open page through the dev server.

The dev server (tools/serve/) rebuilds with `tools.build` in a process forked
from a warm one (started with the server) and then pushes a reload event to open
pages. This drives the same pieces on a 200-post blog: the server and its reload
stream over the built site, an edit to one post, the server's rebuild (its
Builder, with this blog's settings), the reload event, and the edited page as
the browser would fetch it. How fast is measured by `make bench` (its budget
is one second at 1,000 posts), never asserted here: these machines are noisy.
"""

from __future__ import annotations

import pytest

from tests.conftest import run_build, write_settings
from tools.blog_fixture import make_blog, page_path

POSTS = 200


@pytest.mark.slow
@pytest.mark.build
def test_an_edit_shows_in_an_open_page_of_a_200_post_blog(tmp_path):
    from tools.bench.dev_server import save_to_reload

    blog = make_blog(tmp_path / "content", POSTS, swiglu_only=True)
    settings = write_settings(tmp_path, blog.content)
    output = tmp_path / "output"
    env = {"SITE_BUILD_CACHE": str(tmp_path / "cache")}
    first = run_build(settings, output, env=env)  # the site the author has open (cold: not timed)
    assert first.returncode == 0, first.stderr

    post = blog.posts[POSTS // 2]
    before = output.stat().st_ino

    def change(path):
        path.write_text(path.read_text().replace("Activation functions allow", "Activation functions enable", 1))

    _, page = save_to_reload(blog.content, settings, output, env, post, change)
    assert "Activation functions enable" in page
    # The full build that followed swapped in a whole new site, with the edit in it too.
    assert output.stat().st_ino != before
    assert "Activation functions enable" in (output / page_path(post) / "index.html").read_text()
