"""The dev server's warm site (tools/serve/warm_site.py): a save's pages written from the site
held in memory, as `tools.build --only` writes them, or that build when it cannot."""

from __future__ import annotations

import pytest

from tests.test_dev_pages import built_blog, page_of
from tools.serve.builder import Builder
from tools.serve.warm_site import replace

DECLINED = "The warm site declined"


def files_of(output):
    return {p: (p.stat().st_ino, p.read_bytes()) for p in output.rglob("*") if p.is_file()}


def builder_for(tmp_path, settings, output, env) -> tuple[Builder, object]:
    log = open(tmp_path / "dev-server.log", "w")
    builder = Builder(output, settings, env, stderr=log)
    builder.start()
    assert builder.wait_ready(), "the warm site did not read the site"
    return builder, log


def messages(tmp_path) -> str:
    return (tmp_path / "dev-server.log").read_text()


@pytest.mark.build
def test_a_saved_posts_page_comes_from_the_warm_site_as_the_full_build_makes_it(tmp_path):
    blog, settings, output, env = built_blog(tmp_path, 3)
    builder, log = builder_for(tmp_path, settings, output, env)
    try:
        edited = blog.posts[1]  # the SwiGLU post: maths, figures, diagrams, citations, neighbours
        before = files_of(output)
        edited.write_text(edited.read_text().replace("Activation functions allow", "Activation functions enable", 1))
        assert builder.build(only=[edited]), messages(tmp_path)
        quick = page_of(output, edited).read_bytes()
        assert "Activation functions enable" in quick.decode()
        changed = {p for p, seen in files_of(output).items() if before.get(p) != seen}
        assert changed == {page_of(output, edited)}, "only the saved post's page may change"
        assert not list(tmp_path.glob(".output.building-*")), "its staging folder was left behind"

        assert builder.build(), messages(tmp_path)  # the full build that follows, and a new warm site
        assert page_of(output, edited).read_bytes() == quick, "the warm site's page differs from the build's"

        # The next save is answered by the warm site made after that build.
        assert builder.wait_ready()
        edited.write_text(edited.read_text().replace("Activation functions enable", "Activation functions let", 1))
        assert builder.build(only=[edited]), messages(tmp_path)
        assert "Activation functions let" in page_of(output, edited).read_text()
    finally:
        builder.stop()
        log.close()
    assert DECLINED not in messages(tmp_path), messages(tmp_path)


@pytest.mark.build
def test_what_the_warm_site_cannot_answer_goes_the_usual_way_with_the_same_result(tmp_path):
    blog, settings, output, env = built_blog(tmp_path, 2)
    builder, log = builder_for(tmp_path, settings, output, env)
    try:
        # A post that did not exist when the site was read.
        new = blog.posts[0].with_name(blog.posts[0].name.replace("post-0000", "post-new"))
        new.write_text(blog.posts[0].read_text().replace('title: "', 'title: "New: ', 1))
        assert builder.build(only=[new]), messages(tmp_path)
        assert "New: " in page_of(output, new).read_text()
        assert "is not among the sources read" in messages(tmp_path)
        assert builder.build(), messages(tmp_path)
        assert builder.wait_ready()  # the next warm site has read the site before the next edit

        # A post made a draft: no longer published where it was.
        post = blog.posts[1]
        post.write_text(post.read_text().replace("---\n", "---\nstatus: draft\n", 1))
        builder.build(only=[post])
        assert "changed where or whether it is published" in messages(tmp_path)
        post.write_text(post.read_text().replace("status: draft\n", "", 1))
        assert builder.build(), messages(tmp_path)
        assert builder.wait_ready()

        # A save with a TeX error: the author's one-line message, and the served page stays.
        good = page_of(output, post).read_bytes()
        post.write_text(post.read_text() + "\n\n$$\\frac{1$$\n")
        assert not builder.build(only=[post])
        assert page_of(output, post).read_bytes() == good
        assert post.name in messages(tmp_path) and "Traceback" not in messages(tmp_path)
    finally:
        builder.stop()
        log.close()


def test_replace_reaches_every_list_and_map_that_holds_the_old_object():
    old, new, other = object(), object(), object()
    by_tag = {"a": [old, other], "b": [other]}
    categories = [("cat", [other, old])]
    archives = {"year": [{"articles": [old], "dates": (old,)}]}
    context = {"articles": [old], "generated_content": {"posts/x.md": old}}
    replace(old, new, [by_tag, categories, archives, context, [by_tag]])
    assert by_tag == {"a": [new, other], "b": [other]}
    assert categories == [("cat", [other, new])]
    assert archives["year"][0]["articles"] == [new]
    assert archives["year"][0]["dates"] == (old,), "a tuple cannot change: it is left as it is"
    assert context == {"articles": [new], "generated_content": {"posts/x.md": new}}
