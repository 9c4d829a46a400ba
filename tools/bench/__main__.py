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
from tools.bench.budgets import BUDGETS
from tools.bench.context import Bench, Section
from tools.bench.report import budgets_of, machine, notes, table, write_report
from tools.bench.sections import SECTIONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=tools.bench.__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 Lighthouse run instead of 3, blogs of 1 and 100 posts (not 1,000), no test suite",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (sites, Lighthouse JSON)")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="PATH",
        help="also write the report to PATH as a Markdown page (make bench: docs/performance.md)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=[s.name for s in SECTIONS],
        metavar="SECTION",
        help="measure only this section (repeatable), and print only its rows and budgets; one of: "
        + ", ".join(s.name for s in SECTIONS),
    )
    args = parser.parse_args(argv)
    chosen = [s for s in SECTIONS if not args.only or s.name in args.only]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    start = time.perf_counter()
    try:
        with ExitStack() as stack:
            bench = Bench(work, args.quick, stack)
            for section in chosen:
                if not (args.quick and section.skipped_by_quick):
                    measure(section, bench)
        # Sections skipped by --quick still print their rows ("skipped (--quick)").
        budgets = budgets_of(chosen) if args.only else BUDGETS
        report = "\n".join([machine() + "\n", table(bench, chosen, budgets), notes(bench, chosen)])
        took = f"The bench took {time.perf_counter() - start:.0f} s."
        print(report + f"\n\n{took}" + (f" Files kept in {work}." if args.keep else ""))
        if args.write:
            write_report(args.write, report, took, argv if argv is not None else sys.argv[1:])
            print(f"bench: wrote {args.write}", file=sys.stderr)
        if bench.failed:
            print(f"bench: could not measure {', '.join(bench.failed)} (see above)", file=sys.stderr)
        return 2 if bench.failed else 0
    except Exception:
        traceback.print_exc()
        print("bench: could not measure (see above)", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def measure(section: Section, bench: Bench) -> None:
    """One section; if it fails, its traceback now and "not measured" in the table, and the
    bench goes on: an hour's run is not lost to one section."""
    try:
        section.measure(bench)
    except Exception as error:
        traceback.print_exc()
        bench.failed[section.name] = (
            f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        )


if __name__ == "__main__":
    sys.exit(main())
