"""What the bench prints: the machine, one table (every section's rows, then the budgets), notes."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
from datetime import datetime
from pathlib import Path

from tools.bench.budgets import BUDGETS, Budget
from tools.bench.context import Bench, Section
from tools.bench.table import HEAD, row, verdict
from tools.browser import chromium_executable


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    nproc = len(os.sched_getaffinity(0))
    chrome = subprocess.run([chromium_executable(), "--version"], capture_output=True, text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    text = (
        f"Date: {when}  \nMachine: {nproc} CPUs ({cpu}), {mem_kb / 1048576:.1f} GB RAM, {platform.platform()}  \n"
        f"Python {platform.python_version()}, Node {node}, {chrome}"
    )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        text += (
            "  \nNote: PYTHONDONTWRITEBYTECODE is set, so the author section's builds compile their modules"
            " from source (slower); the blog section's builds (ours, plain Pelican) run without it."
        )
    return text


def budget_rows(
    values: dict[str, float | None], budgets: list[Budget] = BUDGETS, caveats: dict[str, str] | None = None
) -> list[str]:
    rows = [row("**Budgets**", "")] if budgets else []  # --only hosting: it has none
    for budget in budgets:
        shown, ok = budget.check(values)
        caveat = (caveats or {}).get(budget.measure)
        rows.append(row(budget.name, f"{shown} ({caveat})" if caveat else shown, "", verdict(ok)))
    return rows


def budgets_of(sections: list[Section], budgets: list[Budget] = BUDGETS) -> list[Budget]:
    """The budgets that read a value one of `sections` measures (for `--only`)."""
    names = {section.name for section in sections}
    return [budget for budget in budgets if budget.section in names]


def section_rows(bench: Bench, section: Section) -> list[str]:
    if section.name in bench.failed:
        return [row(f"**{section.name.capitalize()}**", f"not measured ({bench.failed[section.name]})", "—")]
    return section.rows(bench)


def table(bench: Bench, sections: list[Section], budgets: list[Budget] = BUDGETS) -> str:
    rows = [line for section in sections for line in section_rows(bench, section)]
    return "\n".join(HEAD + rows + budget_rows(bench.values, budgets, bench.caveats))


def notes(bench: Bench, sections: list[Section]) -> str:
    return "\n".join(line for s in sections if s.name not in bench.failed for line in s.notes(bench))


def page(report: str, took: str, argv: list[str]) -> str:
    """The Markdown page `--write` writes: a heading, how it was made, then the report as printed."""
    command = shlex.join(["python", "-m", "tools.bench", *argv])
    return (
        "# Performance: the last bench run\n\n"
        f"Written by `{command}` (`make bench`); do not edit by hand: the next run replaces this page.\n"
        'The budgets and what each section measures: README.md, "Performance".\n\n'
        f"{report.rstrip()}\n\n{took}\n"
    )


def write_report(path: Path, report: str, took: str, argv: list[str]) -> None:
    """Write `page(...)` to `path` through a new file, so a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page(report, took, argv))
    os.replace(tmp, path)
