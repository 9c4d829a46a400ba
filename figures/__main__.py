"""python -m figures [--list] [--stale] [ID …]: regenerate the post's figures."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from figures.generate import ASSETS, generate
from figures.registry import FIGURE_IDS
from figures.static import ChromiumMissing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m figures", description="Regenerate the post's figures.")
    parser.add_argument("ids", nargs="*", metavar="ID", help="figures to make (default: all)")
    parser.add_argument("--list", action="store_true", help="print the figure ids, one per line")
    parser.add_argument("--stale", action="store_true", help="only figures whose source changed")
    parser.add_argument("--assets", type=Path, default=ASSETS, help=f"where to write them (default: {ASSETS})")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(FIGURE_IDS))
        return 0
    unknown = [i for i in args.ids if i not in FIGURE_IDS]
    if unknown:
        parser.error(f"unknown figure id(s): {', '.join(unknown)}; known: {', '.join(FIGURE_IDS)}")
    start = time.perf_counter()
    try:
        times = generate(args.ids or None, args.assets, args.stale, progress=lambda m: print(m, flush=True))
    except ChromiumMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(times)} figure(s) written to {args.assets} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
