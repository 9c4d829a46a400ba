"""`make notebooks`: run the content folder's notebooks and freeze what they print, so builds never run them.

    python -m tools.notebooks [--settings pelicanconf.py] [--force] [NOTEBOOK ...]

Each notebook (default: every `.ipynb` under the settings' PATH) runs with nbclient in the
project's environment unless the freeze folder already has a copy for its code cells and the
environment lock (plugins/notebooks/execute.py); `--force` runs it again anyway. A failing cell
stops with the notebook, the cell's number and its traceback (exit code 1). The build then
publishes the frozen outputs; the notebook files themselves are never rewritten.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from plugins.jekyll.front_matter import SourceError
    from plugins.notebooks import execute
    from plugins.notebooks.source import read_notebook

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--force", action="store_true", help="run even a notebook that has a frozen copy")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    settings = read_settings(args.settings)
    paths = args.notebooks or sorted(
        p for p in Path(settings["PATH"]).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    for path in paths:
        try:
            notebook = read_notebook(str(path), path.read_bytes())
            frozen = execute.frozen_path(notebook, settings)
            if frozen.is_file() and not args.force:
                print(f"{path}: frozen ({frozen.name})")
                continue
            start = time.perf_counter()
            execute.run(notebook, str(path), settings)
            print(f"{path}: ran in {time.perf_counter() - start:.1f} s, frozen as {frozen.name}")
        except SourceError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    if not paths:
        print(f"no notebooks under {settings['PATH']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
