"""Every budget the bench checks, in one table (issue 4's, plus any a section adds).

A budget reads one value a section measured (`Bench.values[measure]`) and compares it with a
limit. A value that could not be measured (None, or its section did not run) fails.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    "== to 2 decimals": lambda value, limit: round(value, 2) == limit,
}


@dataclass(frozen=True)
class Budget:
    name: str  # as the table prints it
    measure: str  # a key of Bench.values, "section.what"
    limit: float
    compare: str  # a key of COMPARISONS: how the value must stand to the limit
    shown: str = "{:,.2f}"  # how the value is printed

    def check(self, values: dict[str, float | None]) -> tuple[str, bool]:
        """(the value as printed, whether the budget holds)."""
        value = values.get(self.measure)
        if value is None:
            return "not measured", False
        return self.shown.format(value), COMPARISONS[self.compare](value, self.limit)


BUDGETS = [
    Budget("≤ 120 KB (122,880 B) before a figure is in view", "reader.before_bytes", 120 * 1024, "<=", "{:,.0f} B"),
    Budget(
        "No JavaScript needed for maths: formulas missing without it",
        "reader.formulas_missing_without_js",
        0,
        "<=",
        "{:.0f}",
    ),
    Budget("No JavaScript needed for layout: page width at 375 px", "reader.width_without_js", 375, "<=", "{:.0f} px"),
    Budget("Lighthouse Performance ≥ 98", "lighthouse.performance", 98, ">=", "{:.0f}"),
    Budget("Lighthouse Accessibility ≥ 100", "lighthouse.accessibility", 100, ">=", "{:.0f}"),
    Budget("Lighthouse Best practices ≥ 100", "lighthouse.best-practices", 100, ">=", "{:.0f}"),
    Budget("Lighthouse SEO ≥ 100", "lighthouse.seo", 100, ">=", "{:.0f}"),
    Budget("CLS 0.00 while Lighthouse loads the page", "lighthouse.cls", 0, "== to 2 decimals", "{:.3f}"),
    Budget("CLS 0.00 while scrolling through every figure", "reader.scroll_cls", 0, "== to 2 decimals", "{:.3f}"),
    Budget("No-change rebuild ≤ 1.5 s", "author.no_change", 1.5, "<=", "{:.2f} s"),
    Budget("`figures` in total < 60 s", "author.figures_total", 60, "<", "{:.1f} s"),
]
