"""A command's wall time and the peak memory of its whole process tree (node and Chromium
included), for the blog section's builds."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from pathlib import Path

from tools.scratch_site import ROOT

SAMPLE_EVERY = 0.25  # s: PSS costs the kernel a page-table walk, so sampling must not slow the build


def process_memory(pid: int) -> int:
    """One process's proportional set size (PSS: a page shared by n processes counts 1/n), in
    bytes; its RSS where the kernel gives no PSS. Summing RSS over a tree would count every
    shared page once per process: Chromium's and forked workers' shared libraries many times over."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE).group(1)) * 1024
    except (OSError, AttributeError):
        status = Path(f"/proc/{pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) * 1024 if found else 0


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants (PSS, see process_memory), in bytes."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += process_memory(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def timed(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, int, subprocess.CompletedProcess]:
    """(wall seconds, peak tree memory, result) of one command, memory sampled every SAMPLE_EVERY.

    The command runs with Python's bytecode cache on, as on an author's machine, whatever this
    shell says: PYTHONDONTWRITEBYTECODE would make every build compile its modules from source."""
    run_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_memory(process.pid))
            time.sleep(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate(timeout=3600)
    elapsed = time.perf_counter() - start
    sampler.join()
    return elapsed, peak[0], subprocess.CompletedProcess(cmd, process.returncode, out, err)
