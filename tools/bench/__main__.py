"""`python -m tools.bench`: measure every section, print the report (see tools/bench/__init__.py)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from contextlib import ExitStack
from pathlib import Path

import tools.bench
from tools.bench.context import Bench
from tools.bench.report import machine, notes, table
from tools.bench.sections import SECTIONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=tools.bench.__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 Lighthouse run instead of 3; skip the test suite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (sites, Lighthouse JSON)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    start = time.perf_counter()
    try:
        with ExitStack() as stack:
            bench = Bench(work, args.quick, stack)
            sections = [s for s in SECTIONS if not (args.quick and s.skipped_by_quick)]
            for section in sections:
                section.measure(bench)
        # Skipped sections still print their rows ("skipped (--quick)").
        print("\n".join([machine() + "\n", table(bench, SECTIONS), notes(bench, SECTIONS)]))
        print(
            f"\nThe bench took {time.perf_counter() - start:.0f} s." + (f" Files kept in {work}." if args.keep else "")
        )
        return 0
    except Exception:
        traceback.print_exc()
        print("bench: could not measure (see above)", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
