"""Posts converted by helper processes (plugins/incremental/parallel_reads.py): each post once,
the same site byte for byte, and an author's mistake reported as when one process reads."""

from __future__ import annotations

import multiprocessing
import os
import re

import pytest

from plugins.incremental.parallel_reads import MIN_POSTS, Fronts
from tests.conftest import run_build, write_settings
from tests.test_incremental import digests
from tools.blog_fixture import make_blog

CORES = len(os.sched_getaffinity(0))


def test_the_build_and_its_helpers_claim_every_post_once_and_the_build_waits_for_a_helpers_post():
    context = multiprocessing.get_context("fork")
    paths = [f"posts/{n:03}.md" for n in range(200)]
    fronts = Fronts(paths, context)
    converted = context.Array("i", len(paths), lock=False)  # how many times each post was converted

    def helper():
        while (i := fronts.claim_from_back()) is not None:
            converted[i] += 1
            fronts.finished(i)

    fronts.helpers = [context.Process(target=helper) for _ in range(2)]
    for process in fronts.helpers:
        process.start()
    read_by_build = []
    for path in paths:
        fronts.claim_or_wait(path)
        i = fronts.index[path]
        assert i < fronts.back.value or fronts.done[i], f"{path}: read before its helper was done with it"
        if i < fronts.back.value:
            read_by_build.append(i)
            converted[i] += 1
    fronts.join()
    assert list(converted) == [1] * len(paths), "a post converted twice, or never"
    assert read_by_build == list(range(len(read_by_build))), "the build reads from the front"


def normalised(stderr: str) -> list[str]:
    return sorted(line for line in re.sub(r"[\d.]+ s(econds)?", "", stderr).splitlines() if "Done:" not in line)


@pytest.mark.build
@pytest.mark.skipif(CORES < 2, reason="one core: the build starts no helper")
def test_a_blog_read_with_helpers_is_the_one_read_alone_and_its_errors_are_the_same(tmp_path):
    blog = make_blog(tmp_path / "content", MIN_POSTS + 4)
    bad = blog.posts[-3]  # a post the helper reaches first: it walks from the back
    good_text = bad.read_text()
    bad.write_text(good_text + "\n\n$$\\frac{1$$\n")
    builds = {}
    for name, helpers in (("helpers", 3), ("alone", 0)):
        (tmp_path / name).mkdir()
        settings = write_settings(tmp_path / name, blog.content, PARALLEL_READS=helpers)
        env = {"SITE_BUILD_CACHE": str(tmp_path / f"cache-{name}")}
        failed = run_build(settings, tmp_path / f"out-{name}", env=env)
        assert failed.returncode == 1 and bad.name in failed.stderr, failed.stderr
        builds[name] = (settings, env, normalised(failed.stderr.replace(f"out-{name}", "out")))
    assert builds["helpers"][2] == builds["alone"][2], "the author's messages differ"

    bad.write_text(good_text)
    for name, (settings, env, _) in builds.items():
        built = run_build(settings, tmp_path / f"out-{name}", env=env)
        assert built.returncode == 0, built.stderr
    assert digests(tmp_path / "out-helpers") == digests(tmp_path / "out-alone")
