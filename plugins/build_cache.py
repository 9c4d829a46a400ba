"""One on-disk cache for slow, pure build steps (font subsets, diagram checks, cards, …).

A value is stored under a hash of everything that determines it: the inputs,
the source of the module that computes it, and the versions of the libraries
it uses. So a changed input, a changed plugin or an upgraded library all miss
the cache, and a warm machine publishes the same bytes as a fresh one.
Writes go through a temporary file, so a killed build never leaves half a value.
The cache lives in `build/cache`, or in the folder named by the environment
variable `SITE_BUILD_CACHE`, read each time `folder()` is asked (tests and the
bench build cold with an empty folder of their own). `make clean` removes the default.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "build" / "cache"


def folder() -> Path:
    """The cache's folder: SITE_BUILD_CACHE, else build/cache."""
    return Path(os.environ.get("SITE_BUILD_CACHE") or DEFAULT)


def fingerprint(code_file: str, libraries: Iterable[str] = ()) -> bytes:
    """The source of the computing module and the versions of its libraries."""
    parts = [Path(code_file).read_bytes()]
    for lib in libraries:
        try:
            parts.append(f"{lib}={version(lib)}".encode())
        except PackageNotFoundError:
            parts.append(f"{lib}=?".encode())
    return b"\0".join(parts)


def cached(namespace: str, inputs: Iterable[bytes | str], compute: Callable[[], bytes], suffix: str = "") -> bytes:
    """compute(), or the stored result for the same inputs."""
    digest = hashlib.sha256()
    for part in inputs:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    path = folder() / namespace / f"{digest.hexdigest()[:32]}{suffix}"
    if path.exists():
        return path.read_bytes()
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # threads may share a key
    tmp.write_bytes(value)
    os.replace(tmp, path)
    return value
