"""The one list of figures: the CLI, the Pelican plugin and the tests all read it.

A figure's id is what posts write (`{% figure beta-slider %}`); its module is
the id with `_` for `-`, in this package, and exposes `ID` and `make()`.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent

FIGURE_IDS = ["beta-slider", "x2-fit", "ellipse", "act"]
# Static figures that posts show as a plain image (not a {% figure %} tag): the picture's path
# under content/assets/, which the figure's module writes and posts link to.
PICTURE_PATHS = {"act": "images/theory/act.svg"}

# The modules that turn every figure's output into files: what they import counts too.
PIPELINE = ["generate.py"]
# Libraries whose version can change a figure's bytes.
LIBRARIES = ["numpy", "scipy", "plotly", "matplotlib", "contourpy", "kaleido"]


def module_name(figure_id: str) -> str:
    return "figures." + figure_id.replace("-", "_")


def load(figure_id: str) -> ModuleType:
    """The module that makes `figure_id`; KeyError naming the known ids if unknown."""
    if figure_id not in FIGURE_IDS:
        raise KeyError(f"unknown figure id {figure_id!r}; known ids: {', '.join(FIGURE_IDS)}")
    module = importlib.import_module(module_name(figure_id))
    if module.ID != figure_id:
        raise ValueError(f"{module.__name__}.ID is {module.ID!r}, expected {figure_id!r}")
    return module


def imported_files(path: Path, package: Path) -> set[Path]:
    """The files of `package` that the module at `path` imports (anywhere in it, lazy imports included)."""
    stat = path.stat()
    return set(_imported_files(path, package, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=256)
def _imported_files(path: Path, package: Path, mtime_ns: int, size: int) -> frozenset[Path]:
    """imported_files, parsed once per version of the file (a build asks once per figure a post shows)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.name if node.level else (node.module or "")
            if node.level and node.module:
                base += "." + node.module
            # `from figures import nets` names a module; `from figures.nets import fit` names its parent.
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] != package.name or len(parts) < 2:
                continue
            candidate = package.joinpath(*parts[1:]).with_suffix(".py")
            if candidate.is_file():
                found.add(candidate)
    return frozenset(found)


def dependencies(figure_id: str, package: Path | None = None) -> list[Path]:
    """The figure's module, the pipeline, and every package module they import, transitively."""
    package = package or PACKAGE
    todo = [package / (module_name(figure_id).split(".")[1] + ".py"), *(package / name for name in PIPELINE)]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += imported_files(path, package) - seen
    return sorted(seen)


def source_hash(figure_id: str, package: Path | None = None) -> str:
    """Hash of everything that determines the figure's files: its code, what it imports, library versions."""
    from figures.theme import LIGHT  # the static pictures are drawn in the site's light colours

    package = package or PACKAGE
    digest = hashlib.sha256()
    for path in dependencies(figure_id, package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(repr(sorted(LIGHT.items())).encode())
    digest.update(library_versions().encode())
    return digest.hexdigest()[:16]


@functools.cache
def library_versions() -> str:
    """The LIBRARIES' installed versions, read once per process from their metadata (importing
    them would cost seconds per build; the dev server restarts its builds when code changes)."""
    return "".join(f"{lib}={version(lib)}" for lib in LIBRARIES)
