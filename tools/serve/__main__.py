"""`python -m tools.serve`: serve the output folder with live reload (see tools/serve/__init__.py)."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

import tools.serve
from tools.serve.builder import ROOT, Builder
from tools.serve.server import Generation, make_server
from tools.serve.watcher import watch_and_rebuild


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.serve", description=tools.serve.__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--output", type=Path, default=ROOT / "output")
    parser.add_argument("--no-reload", action="store_true", help="serve only: no watching, no rebuilds")
    args = parser.parse_args(argv)
    generation = None if args.no_reload else Generation()
    builder = None
    if generation:
        builder = Builder(args.output.resolve())
        builder.start()  # warms up while the author opens the page
        threading.Thread(target=watch_and_rebuild, args=(builder, generation.bump), daemon=True).start()
    server = make_server(args.output.resolve(), args.host, args.port, generation)
    print(f"Serving {args.output} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if builder:
            builder.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
