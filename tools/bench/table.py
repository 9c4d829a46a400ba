"""Cells and rows of the bench's Markdown table (Measure | Ours | Baseline | ratio or verdict)."""

from __future__ import annotations

from collections.abc import Callable

HEAD = ["| Measure | Ours | Baseline | Ours ÷ baseline, or verdict |", "|---|--:|--:|--:|"]


def kb(n: float) -> str:
    return f"{n / 1048576:,.2f} MB" if n >= 1048576 else f"{n / 1024:,.1f} KB"


def seconds(v: float) -> str:
    return f"{v:.2f} s"


def ratio(ours: float | None, base: float | None) -> str:
    return f"{ours / base:.2g}" if base and ours is not None else "—"


def row(name: str, ours: str, base: str = "", last: str = "") -> str:
    return f"| {name} | {ours} | {base} | {last} |"


def compare(
    name: str, ours: float | None, base: float | None, fmt: Callable[[float], str], with_base: bool = True
) -> str:
    """A row with both values and their ratio; None shows as Lighthouse's missing score.
    Without a baseline (`with_base` False), ours alone and a dash."""
    shown = [fmt(v) if v is not None else "no score (audit error)" for v in (ours, base)]
    if not with_base:
        return row(name, shown[0], "—")
    return row(name, shown[0], shown[1], ratio(ours, base))


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"
