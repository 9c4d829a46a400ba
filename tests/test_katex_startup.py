"""The build's KaTeX process: batched requests, per-formula errors, and a life tied to its build's.

plugins/katex/server.mjs reads requests on its stdin and exits when stdin closes;
the kernel closes that pipe when the build dies, even by SIGKILL, so no node
process (and, with no socket, no temporary folder) outlives a build.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from plugins.katex import render as katex_render
from tests.conftest import ROOT, write_settings


@pytest.fixture
def renderer(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    r = katex_render.Renderer()
    yield r
    r.close()


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def katex_servers(run: str | None = None) -> set[int]:
    """Pids of running plugins/katex/server.mjs processes: any build's, or only those of builds
    started with SITE_TEST_RUN=run in their environment (other builds may run beside the tests)."""
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or b"katex/server.mjs" not in (proc / "cmdline").read_bytes():
                continue
            if run is not None and f"SITE_TEST_RUN={run}".encode() not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            if alive(int(proc.name)):
                found.add(int(proc.name))
        except OSError:
            continue
    return found


def test_one_request_renders_all_of_a_pages_formulas_and_keeps_each_error(renderer):
    renderer.prerender([(r"\sigma(x)", False), (r"\frac{1}{", True), (r"x^2", True)])
    assert renderer.rendered == 2  # one request: two formulas rendered, one refused
    assert 'class="katex-display"' in renderer.formula("x^2", True).html
    with pytest.raises(katex_render.KaTeXError, match=r"KaTeX parse error: .*expected '}'"):
        renderer.formula(r"\frac{1}{", True)


def test_formulas_and_their_facts_are_cached_by_tex_and_display(renderer, tmp_path, monkeypatch):
    first = renderer.formula(r"\mathbf{w} \in \mathbb{R}", False)
    assert "w" in first.fonts["KaTeX_Main-Bold.woff2"] and "R" in first.fonts["KaTeX_AMS-Regular.woff2"]
    assert {"katex", "mathbf", "mathbb"} <= first.classes
    renderer.close()  # the build ends: its cache writes are done
    again = katex_render.Renderer()  # a later build: found on disk, node never started
    assert again.formula(r"\mathbf{w} \in \mathbb{R}", False) == first
    assert again.server is None and again.rendered == 0
    assert again.formula(r"\mathbf{w} \in \mathbb{R}", True) != first  # display is part of the key
    again.close()


def test_the_server_exits_when_the_build_closes_it(renderer):
    renderer.formula("x", False)
    process = renderer.server.process
    renderer.close()
    assert process.wait(timeout=5) == 0


def test_the_server_dies_with_a_parent_killed_by_sigkill(tmp_path):
    """The parent never gets to clean up; the closed pipe ends node anyway."""
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from plugins.katex import render as katex_render
        __import__("os").environ["SITE_BUILD_CACHE"] = {str(tmp_path)!r}
        r = katex_render.Renderer()
        r.formula("x", False)
        print(r.server.process.pid, flush=True)
        time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    node = int(parent.stdout.readline())
    assert alive(node)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while alive(node) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(node), "the KaTeX process outlived its killed build"


SLOW_FORMULA = "\\def\\a{" + "x" * 1000 + "}" + "\\a" * 300  # 2 KB of TeX, 300,000 symbols: minutes


@pytest.mark.parametrize("thread", ["main", "worker"])
def test_the_server_dies_with_a_parent_killed_while_it_is_busy_rendering(tmp_path, thread):
    """node is deep in one long synchronous render, so it never reads its stdin's close: the
    kernel (the main thread's child) or its watchdog thread (any child) must end it."""
    script = textwrap.dedent(
        f"""
        import sys, threading, time
        sys.path.insert(0, {str(ROOT)!r})
        from plugins.katex import render as katex_render
        __import__("os").environ["SITE_BUILD_CACHE"] = {str(tmp_path)!r}
        def start():
            global server
            server = katex_render.new_server()
        if {thread!r} == "main":
            start()
        else:  # a thread that has ended by the time the parent dies
            worker = threading.Thread(target=start)
            worker.start()
            worker.join()
        server.send(server.request([({SLOW_FORMULA!r}, False)]))
        print(server.process.pid, flush=True)
        time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    node = int(parent.stdout.readline())
    time.sleep(0.5)  # node is rendering
    assert alive(node)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 2
    while alive(node) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(node), "the KaTeX process outlived its killed build"


def test_a_formula_that_takes_too_long_is_refused_and_node_stopped(renderer):
    renderer.time_limit = 1
    start = time.monotonic()
    renderer.prerender([("a", False), (SLOW_FORMULA, False), ("b", False)])
    assert time.monotonic() - start < 5
    with pytest.raises(katex_render.KaTeXTimeout, match=r"ran out \(1 s, KATEX_TIME_LIMIT\)"):
        renderer.formula(SLOW_FORMULA, False)
    assert renderer.server is None  # killed; the next formula starts a new one
    assert "katex" in renderer.formula("b", False).html


@pytest.mark.parametrize(
    "latex",
    [
        r"\def\a{\a\a}\a",  # endless expansion
        r"\def\a{xxxxxxxxxx}\def\b{\a\a\a\a\a\a\a\a\a\a}\def\c{\b\b\b\b\b\b\b\b\b\b}\def\d{\c\c\c\c\c\c\c\c\c\c}\d",
    ],
)
def test_macro_bombs_are_latex_errors_at_once(renderer, latex):
    start = time.monotonic()
    with pytest.raises(katex_render.KaTeXError, match="KaTeX parse error: Too many expansions"):
        renderer.formula(latex, False)
    assert time.monotonic() - start < 3


def test_nesting_too_deep_for_katex_is_the_authors_error_not_a_crash(renderer):
    with pytest.raises(katex_render.KaTeXRefused, match="nested too deeply"):
        renderer.formula("{" * 30_000 + "x" + "}" * 30_000, False)


UNTRUSTED = [
    r"\href{https://example.org}{a}",
    r"\url{https://example.org}",
    r"\includegraphics{https://example.org/a.png}",
    r"\htmlId{x}{a}",
    r"\htmlClass{x}{a}",
    r"\htmlStyle{color: red}{a}",
    r"\htmlData{foo=bar}{a}",
    r"\href{java&#58script:alert(1)}{a}",  # KaTeX refuses its protocol before asking
]


@pytest.mark.parametrize("latex", UNTRUSTED)
def test_commands_that_make_links_images_or_attributes_are_refused_not_drawn(renderer, latex):
    with pytest.raises(katex_render.KaTeXRefused, match="KATEX_TRUST|refuses"):
        renderer.formula(latex, False)


def test_the_sites_trust_list_allows_its_own_links_and_is_part_of_the_cache_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILD_CACHE", str(tmp_path / "cache"))
    trusted = katex_render.Renderer(trust=[{"command": "\\href", "protocol": "https", "host": "my.site"}])
    try:
        assert 'href="https://my.site/post/"' in trusted.formula(r"\href{https://my.site/post/}{a}", False).html
        for other in (r"\href{http://my.site/}{a}", r"\href{https://my.site.evil/}{a}", r"\url{https://my.site/}"):
            with pytest.raises(katex_render.KaTeXRefused):
                trusted.formula(other, False)
    finally:
        trusted.close()
    default = katex_render.Renderer()  # the same formula, found on disk only under the same trust
    try:
        with pytest.raises(katex_render.KaTeXRefused):
            default.formula(r"\href{https://my.site/post/}{a}", False)
    finally:
        default.close()


def test_a_malformed_trust_list_says_what_an_entry_is():
    with pytest.raises(ValueError, match="KATEX_TRUST.*command"):
        katex_render.trust_list([{"command": "\\frac"}])
    with pytest.raises(ValueError, match="KATEX_TRUST"):
        katex_render.trust_list([{"command": "\\href", "hots": "my.site"}])


@pytest.mark.slow
@pytest.mark.build
def test_a_build_killed_mid_render_leaves_no_node_process_and_no_temporary_folder(tmp_path):
    """SIGKILL `python -m tools.build` while node renders thousands of new formulas."""
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    nonce = f"{time.time_ns()}"  # formulas no cache has seen: node must render them
    for p in range(20):
        maths = " ".join(f"${{x_{{{p}}}}}^{{{i}}} + \\sqrt{{{nonce}+{i}}}$" for i in range(300))
        (content / "posts" / f"2026-01-{p + 1:02d}-p{p}.md").write_text(f"---\ntitle: P{p}\n---\n\n{maths}\n")
    settings = write_settings(tmp_path, content)
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    run = tmp_path.name
    build = subprocess.Popen(
        [sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(tmp_path / "output")],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(private_tmp), "SITE_TEST_RUN": run},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not katex_servers(run) and time.monotonic() < deadline:
        assert build.poll() is None, "the build ended before it rendered any maths"
        time.sleep(0.02)
    ours = katex_servers(run)
    assert ours, "the build never started its KaTeX process"
    time.sleep(0.3)  # mid-render
    assert build.poll() is None, "the build finished before it could be killed: give it more formulas"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in ours) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in ours), "a node process outlived the killed build"
    assert list(private_tmp.iterdir()) == [], "the killed build left temporary files"
    assert not (tmp_path / "output").exists(), "a killed build must not publish a half site"


@pytest.mark.slow
@pytest.mark.build
def test_repeated_piped_builds_under_cpu_load_never_fail_hang_or_leave_node(site, tmp_path):
    """20 builds with stdout piped while every core is busy (pelican-katex's socket race showed
    in 3 of 30 of these, and its orphaned node kept the pipe open so `| tail` hung)."""
    from tests.conftest import run_build

    burners = [
        subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 600\nwhile time.time() < end: pass"])
        for _ in range(3)
    ]
    settings = write_settings(tmp_path, ROOT / "content")
    run = tmp_path.name
    try:
        for attempt in range(20):
            result = run_build(settings, tmp_path / "output", timeout=180, env={"SITE_TEST_RUN": run})  # a hang raises
            assert result.returncode == 0, f"build {attempt}: {result.stderr}"
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    deadline = time.monotonic() + 5  # a closed pipe ends node within moments of its build
    while katex_servers(run) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not katex_servers(run), "a build left its KaTeX process running"


def test_closing_while_python_exits_still_closes(monkeypatch):
    """A failed build closes from atexit, where Python 3.12+ refuses to start a thread."""
    import threading

    def refuse(self):
        raise RuntimeError("can't create new thread at interpreter shutdown")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    done = []
    from plugins.katex.process import in_background

    in_background(lambda: done.append(True))
    assert done == [True]
