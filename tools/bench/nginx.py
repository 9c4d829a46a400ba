"""A real host for the bench and the hosting tests: Debian's nginx over a `make publish` build.

    with nginx_publish_build(tmp_folder) as url:   # run Lighthouse against url
        ...

nginx runs from Debian's package (`tools/setup.sh nginx`) with the server block
deploy/nginx.conf.template renders (tools/headers.py), under a prefix folder
of its own (config, pid file, logs, temp files), in the foreground, and is
stopped by its own pid: nothing touches the system's nginx.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.headers import BROTLI_MODULE, brotli_available, nginx_server
from tools.scratch_site import ROOT


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise FileNotFoundError("nginx is not installed: run `bash tools/setup.sh nginx` (make test does)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main_config(prefix: Path, server_block: Path, brotli: bool) -> str:
    """nginx.conf for a private nginx: every path inside `prefix`, the site's server block."""
    temp = prefix / "temp"
    lines = [f"load_module {BROTLI_MODULE};"] if brotli and BROTLI_MODULE.exists() else []
    if os.geteuid() == 0:
        lines.append("user root;")  # workers must read the build, which may sit in a root-only folder
    lines += [
        f"pid {prefix / 'nginx.pid'};",
        f"error_log {prefix / 'error.log'} warn;",
        "worker_processes 1;",
        "events { worker_connections 256; }",
        "http {",
        "    access_log off;",
        *(f"    {kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        f"    include {server_block};",
        "}",
    ]
    return "\n".join(lines) + "\n"


@contextmanager
def nginx_serving(site: Path, prefix: Path, port: int | None = None) -> Iterator[str]:
    """Serve `site` (a publish build) with nginx on 127.0.0.1; yield its URL; stop it."""
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "temp").mkdir(exist_ok=True)
    port = port or free_port()
    brotli = brotli_available() and BROTLI_MODULE.exists()
    server = prefix / "server.conf"
    server.write_text(nginx_server(site.resolve(), f"127.0.0.1:{port}", "localhost", brotli=brotli))
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, server, brotli))
    # -g 'daemon off;': the process we start is the master, so its pid is the one to stop.
    proc = subprocess.Popen(
        [nginx_binary(), "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc, prefix / "error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()  # SIGTERM to our master: fast shutdown of it and its worker
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read().decode() if proc.stdout else ""
            errors = log.read_text() if log.exists() else ""
            raise RuntimeError(f"nginx exited with {proc.returncode}:\n{output}{errors}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on port {port} within {timeout} s")


def publish_build(output: Path, siteurl: str) -> None:
    """`make publish` into `output`, with the address the site will be served at."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.build", "--settings", str(ROOT / "publishconf.py"), "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SITEURL": siteurl},
    )
    if result.returncode != 0:
        raise RuntimeError(f"publish build failed:\n{result.stdout}{result.stderr}")


@contextmanager
def nginx_publish_build(folder: Path) -> Iterator[str]:
    """A fresh publish build in `folder`, served by nginx; yields the URL (for Lighthouse)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    publish_build(folder / "output", url)
    with nginx_serving(folder / "output", folder / "nginx", port) as served:
        yield served
