"""pelican-katex's start-up race (socket file exists before node listens) neither fails nor hangs a build."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pelican_katex.rendering as rendering
import pytest

from plugins import katex_render
from tests.conftest import ROOT, run_build, write_settings

# A stand-in render server that reproduces the race on purpose: it creates the
# socket file (bind) long before it listens, then accepts one connection.
SLOW_SERVER = """
import socket, sys, time
path, delay = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)  # the file exists from here: pelican-katex 1.8.9 connects now and is refused
time.sleep(delay)
if delay < 60:
    s.listen(1)
    conn, _ = s.accept()
    time.sleep(30)
"""


@pytest.fixture
def fake_server(tmp_path, monkeypatch):
    script = tmp_path / "slow_server.py"
    script.write_text(SLOW_SERVER)

    def use(delay: float):
        def build_command(socket=None, port=None):
            return [sys.executable, str(script), str(socket), str(delay)]

        monkeypatch.setattr(rendering.RenderServer, "build_command", staticmethod(build_command))

    katex_render.configure(startup_timeout=5.0)
    return use


def test_a_server_that_listens_late_is_waited_for(fake_server, tmp_path):
    fake_server(0.5)
    rundir = tmp_path / "run"
    rundir.mkdir()
    process, sock = rendering.RenderServer.start_unix_socket(rundir, 5.0)
    try:
        assert sock.getpeername() == str(rundir / "katex.sock")
    finally:
        sock.close()
        process.kill()
        process.wait()


def test_a_server_that_never_listens_is_killed_and_cleaned_up(fake_server, tmp_path, monkeypatch):
    fake_server(3600)
    started = []
    real_popen = katex_render.Popen
    monkeypatch.setattr(katex_render, "Popen", lambda *a, **k: started.append(real_popen(*a, **k)) or started[-1])
    rundir = tmp_path / "run"
    rundir.mkdir()
    begin = time.monotonic()
    with pytest.raises(rendering.KaTeXError, match="did not start"):
        rendering.RenderServer.start_unix_socket(rundir, 1.0)
    assert time.monotonic() - begin < 5
    assert started and started[0].poll() is not None, "the render server was left running"
    assert not rundir.exists(), "its temporary folder was left behind"


@pytest.mark.slow
def test_repeated_piped_builds_under_cpu_load_never_fail_or_hang(site, tmp_path):
    """20 builds with stdout piped while every core is busy (the race showed in 3 of 30 before)."""
    burners = [
        subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 600\nwhile time.time() < end: pass"])
        for _ in range(3)
    ]
    settings = write_settings(tmp_path, ROOT / "content")
    leftovers_before = set(Path("/tmp").glob("pelican_katex*"))
    try:
        for attempt in range(20):
            result = run_build(settings, tmp_path / "output", timeout=180)  # a hang raises TimeoutExpired
            assert result.returncode == 0, f"build {attempt}: {result.stderr}"
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert set(Path("/tmp").glob("pelican_katex*")) <= leftovers_before
