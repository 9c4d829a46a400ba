"""The import's report: printed once, before any build, in four sections (carried over;
maths settings and macros found; not carried over; needs your attention), each fact once."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Report:
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already in content/ and different: not overwritten
    carried_notes: list[str] = field(default_factory=list)
    maths: list[str] = field(default_factory=list)
    maths_notes: list[str] = field(default_factory=list)
    maths_written: str = ""  # where the settings went, or the block to add by hand
    skipped: list[str] = field(default_factory=list)
    attention: dict[str, list[str]] = field(default_factory=dict)  # heading → lines

    @property
    def notes(self) -> list[str]:
        return self.carried_notes

    def print(self, out=sys.stdout) -> None:
        def say(text=""):
            print(text, file=out)

        say(f"Carried over: {len(self.copied)} file{'s' if len(self.copied) != 1 else ''} copied")
        for line in summarise(self.copied):
            say(f"  {line}")
        for line in self.carried_notes:
            say(f"  {line}")
        if self.kept:
            say(f"  {len(self.kept)} already in content/ and different, not overwritten:")
            for path in self.kept:
                say(f"    {path}")
        if self.maths:
            say(f"Maths settings and macros found ({self.maths_written}):")
            for line in self.maths + self.maths_notes:
                say(f"  {line}")
        else:
            say("Maths settings: no MathJax config found; posts keep strict KaTeX (a TeX error fails the build)")
            for line in self.maths_notes:
                say(f"  {line}")
        if self.skipped:
            say("Not carried over:")
            for line in self.skipped:
                say(f"  {line}")
        if any(self.attention.values()):
            say("Needs your attention:")
            for heading, lines in self.attention.items():
                if lines:
                    say(f"  {heading} ({len(lines)}):")
                    for line in lines:
                        say(f"    {line}")


def summarise(paths: list[str], depth: int = 1, shown: int = 0) -> list[str]:
    """One line per top folder: `_posts/ (6 files)`; files at the top by name."""
    counts: Counter = Counter()
    for path in paths:
        folders = path.split("/")[:-1][:depth]
        top = "/".join(folders) + "/" if folders else path
        counts[top] += 1
    items = list(counts.items()) if not shown else counts.most_common()
    lines = [f"{top} ({n} file{'s' if n != 1 else ''})" if top.endswith("/") else top for top, n in items]
    if shown and len(lines) > shown:
        rest = sum(n for _, n in items[shown:])
        lines = lines[:shown] + [f"… and {rest} more files"]
    return lines
