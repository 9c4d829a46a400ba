"""The build's helper processes (node for KaTeX, node and Chromium for Mermaid): they end with
the build however it ends, and their answers are awaited for a limited time.

`start` runs a child that cannot outlive the build, even one killed by SIGKILL while the
child is busy (a child that only notices a closed stdin between requests would run on):

- on Linux the kernel kills it when the build dies (`PR_SET_PDEATHSIG`). The kernel
  sends that signal when the *thread* that started the child ends, so it is asked for
  only from the main thread, which lives as long as the build;
- the node scripts watch their parent too (plugins/parent_watch.mjs, told the build's pid
  in `BUILD_PID`): a worker thread ends the process within a fraction of a second of the
  build's death, however busy the script's own thread is.

`Lines` reads a child's answers, one line each, each within a time limit.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # looked up here: a forked child must not dlopen
    except (OSError, AttributeError):
        return None


PRCTL = _prctl()


def start(args: list[str], **popen_args) -> subprocess.Popen:
    """`subprocess.Popen(args, **popen_args)` for a child that dies with this process."""
    parent = os.getpid()
    env = {**(popen_args.pop("env", None) or os.environ), "BUILD_PID": str(parent)}
    preexec = None
    if PRCTL is not None and threading.current_thread() is threading.main_thread():

        def preexec():  # in the child, between fork and exec
            PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL))
            if os.getppid() != parent:  # the build died before the line above: nobody to signal it
                os._exit(1)

    return subprocess.Popen(args, env=env, preexec_fn=preexec, **popen_args)


def stop(process: subprocess.Popen) -> None:
    """Kill a child at once and reap it."""
    if process.poll() is None:
        process.kill()
    process.wait()


class Lines:
    """The lines a child writes on a binary pipe, each awaited for at most a given time."""

    def __init__(self, stream):
        self.stream = stream  # kept open as long as this reader
        self.fd = stream.fileno()
        self.buffer = bytearray()
        self.start = 0  # the unread part of the buffer begins here
        self.poll = select.poll()
        self.poll.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)

    def readline(self, deadline: float | None) -> bytes:
        """The next line (with its newline), or b"" once the child closed its end. Raises
        TimeoutError when `deadline` (a time.monotonic() value; None: no limit) passes first."""
        while True:
            end = self.buffer.find(b"\n", self.start)
            if end >= 0:
                line = bytes(self.buffer[self.start : end + 1])
                self.start = end + 1
                if self.start > len(self.buffer) // 2:  # drop what was read, in amortised linear time
                    del self.buffer[: self.start]
                    self.start = 0
                return line
            wait = None if deadline is None else max(0, round((deadline - time.monotonic()) * 1000))
            if not self.poll.poll(wait):  # poll(0) still reports an answer that is already there
                raise TimeoutError
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                rest = bytes(self.buffer[self.start :])
                self.buffer.clear()
                self.start = 0
                return rest
            self.buffer += chunk
