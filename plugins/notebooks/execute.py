"""Running a notebook, only when asked, and keeping what it printed: the freeze.

Nothing runs unless the notebook's front matter says `execute: true` or its author runs
`make notebooks` (tools/notebooks.py). A run uses nbclient with a kernel of the project's
own Python (a kernel spec of this module's making, pointing at the Python that builds the
site, kept under the freeze folder: no Jupyter configuration of the machine is read), in the
notebook's folder, each cell within `NOTEBOOK_CELL_TIME_LIMIT` seconds (600). A failing
cell fails the post with the notebook, the cell's number and its traceback.

The executed copy is stored in the freeze folder (`NOTEBOOK_FREEZE`, default
build/freeze/) under a hash of the notebook's code cells, its language and the
environment (requirements.lock, the Python version): a build publishes a notebook's
frozen outputs whenever that hash has a copy, and never runs an unchanged notebook again.
Editing Markdown cells reuses the copy; editing code, or the lock, needs a new run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

from plugins.jekyll.front_matter import SourceError
from plugins.notebooks.source import cell_options, cell_source

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
DEFAULT_FREEZE = ROOT / "build" / "freeze"
CELL_TIME_LIMIT = 600  # seconds, per cell
KERNEL = "site-python"
FORMAT = b"notebook-freeze 1"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def freeze_folder(settings: dict) -> Path:
    return Path(settings.get("NOTEBOOK_FREEZE") or DEFAULT_FREEZE)


def freeze_key(notebook, lock: Path = LOCK) -> str:
    """The hash an executed copy is kept under (see the module's docstring)."""
    digest = hashlib.sha256(FORMAT)
    language = (notebook.metadata.get("kernelspec") or {}).get("language", "python")
    digest.update(f"\0{language}\0{sys.version}\0".encode())
    digest.update(lock.read_bytes() if lock.is_file() else b"no lock")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(b"\0cell\0" + cell_source(cell).encode())
    return digest.hexdigest()[:32]


def frozen_path(notebook, settings: dict) -> Path:
    return freeze_folder(settings) / f"{freeze_key(notebook)}.ipynb"


def with_outputs(notebook, executed):
    """The notebook as written (its Markdown as it is now), with the executed copy's code outputs."""
    import copy

    merged = copy.deepcopy(notebook)
    ran = [c for c in executed.cells if c.cell_type == "code"]
    for cell, done in zip((c for c in merged.cells if c.cell_type == "code"), ran, strict=False):
        cell.outputs = done.get("outputs", [])
        cell.execution_count = done.get("execution_count")
    return merged


def published(notebook, path: str, settings: dict, requested: bool):
    """The notebook whose outputs the post shows: the frozen copy's if there is one, else (when
    execution is `requested`) a new run's, else the notebook's own saved outputs."""
    import nbformat

    frozen = frozen_path(notebook, settings)
    if frozen.is_file():
        return with_outputs(notebook, nbformat.reads(frozen.read_text(encoding="utf-8"), as_version=4))
    if not requested:
        return notebook
    return with_outputs(notebook, run(notebook, path, settings))


def kernel_spec(settings: dict) -> Path:
    """The folder of kernel specs this module runs notebooks with: one, the Python building the site."""
    folder = freeze_folder(settings) / "kernels"
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (the site's environment)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    path = folder / KERNEL / "kernel.json"
    text = json.dumps(spec, indent=1, sort_keys=True)
    if not path.is_file() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, text.encode())
    return folder


def _kernel_manager(kernels: Path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class SiteKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _site_specs(self):
            return KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)

    return SiteKernelManager


def run(notebook, path: str, settings: dict):
    """Execute the notebook (see the module's docstring), store the copy, return it."""
    import copy

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    language = (notebook.metadata.get("kernelspec") or {}).get("language", "python")
    if language != "python":
        raise SourceError(path, None, f"cannot run a {language} notebook: the site runs Python notebooks only")
    limit = int(settings.get("NOTEBOOK_CELL_TIME_LIMIT") or CELL_TIME_LIMIT)
    todo = copy.deepcopy(notebook)
    for cell in todo.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if not cell_options(cell).evaluate:
                cell.metadata.setdefault("tags", []).append("skip-execution")
    current = {"index": 0}

    def started(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        todo,
        timeout=limit,
        startup_timeout=120,
        kernel_name=KERNEL,
        kernel_manager_class=_kernel_manager(kernel_spec(settings)),
        resources={"metadata": {"path": str(Path(path).parent)}},
        record_timing=False,
        skip_cells_with_tag="skip-execution",
        on_cell_start=started,
    )
    where = lambda: f"cell {current['index'] + 1}"  # noqa: E731
    try:
        client.execute()
    except CellExecutionError as err:
        traceback = ANSI.sub("", str(err)).strip()
        raise SourceError(path, None, f"{where()}: {err.ename} when the notebook ran:\n{traceback}") from None
    except CellTimeoutError:
        raise SourceError(
            path, None, f"{where()}: still running after {limit} s (NOTEBOOK_CELL_TIME_LIMIT); make it faster"
        ) from None
    except DeadKernelError as err:
        raise SourceError(path, None, f"{where()}: the kernel died while the notebook ran ({err})") from None
    target = frozen_path(notebook, settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(target, nbformat.writes(todo).encode())
    return todo


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
