"""The one list of figures: the CLI, the Pelican plugin and the tests all read it.

A figure's id is what posts write (`{% figure beta-slider %}`); its module is
the id with `_` for `-`, in this package, and exposes `ID` and `make()`.
"""

from __future__ import annotations

import hashlib
import importlib
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent

FIGURE_IDS = ["beta-slider", "x2-fit", "ellipse", "act"]

# Modules every figure depends on: a change to one of them makes all figures stale.
SHARED_MODULES = [
    "activations.py", "nets.py", "output.py", "style.py", "registry.py", "static.py", "export.py", "generate.py"
]
# Libraries whose version can change a figure's bytes.
LIBRARIES = ["numpy", "scipy", "plotly", "matplotlib", "contourpy"]


def module_name(figure_id: str) -> str:
    return "figures." + figure_id.replace("-", "_")


def load(figure_id: str) -> ModuleType:
    """The module that makes `figure_id`; KeyError naming the known ids if unknown."""
    if figure_id not in FIGURE_IDS:
        raise KeyError(f"unknown figure id {figure_id!r}; known ids: {', '.join(FIGURE_IDS)}")
    module = importlib.import_module(module_name(figure_id))
    assert module.ID == figure_id, f"{module.__name__}.ID is {module.ID!r}, expected {figure_id!r}"
    return module


def source_hash(figure_id: str) -> str:
    """Hash of everything that determines the figure's files: its code and library versions."""
    digest = hashlib.sha256()
    for name in [*SHARED_MODULES, module_name(figure_id).split(".")[1] + ".py"]:
        digest.update(name.encode() + b"\0" + (PACKAGE / name).read_bytes())
    for lib in LIBRARIES:  # read from metadata: importing them would cost seconds per build
        digest.update(f"{lib}={version(lib)}".encode())
    return digest.hexdigest()[:16]
