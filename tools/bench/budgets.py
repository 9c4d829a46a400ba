"""Every budget the bench checks, in one table: the reader's page, reading costs at two
viewports, Lighthouse mobile and desktop, the author's loop on this post, and a 1,000-post blog.

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

    @property
    def section(self) -> str:
        """The section that measures this budget's value."""
        return self.measure.split(".")[0]

    def check(self, values: dict[str, float | None]) -> tuple[str, bool]:
        """(the value as printed, whether the budget holds)."""
        value = values.get(self.measure)
        if value is None:
            return "not measured", False
        return self.shown.format(value), COMPARISONS[self.compare](value, self.limit)


KB = 1024
MB = 1024 * KB
VIEWPORTS = {"desktop": "desktop 1280×900", "phone": "phone 375×740"}
LIGHTHOUSE = {"mobile": "mobile", "desktop": "desktop"}
SCORES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}


def reading_budgets(v: str, shown: str, section: str = "reading", what: str = "Reading") -> list[Budget]:
    """The reading budgets for one viewport (raw bytes, local server); `section` "notebook": the
    notebook post's values."""
    budgets = [
        Budget(
            f"{what}, {shown}: ≤ 120 KB before scrolling",
            f"{section}.{v}.before_scrolling",
            120 * KB,
            "<=",
            "{:,.0f} B",
        ),
        Budget(
            f"{what}, {shown}: ≤ 300 KB after reading to the end, no figure touched",
            f"{section}.{v}.after_reading",
            300 * KB,
            "<=",
            "{:,.0f} B",
        ),
        Budget(
            f"{what}, {shown}: no Mermaid and no plotly.js requested while reading (1 if any)",
            f"{section}.{v}.heavy_js_while_reading",
            0,
            "<=",
            "{:.0f}",
        ),
        Budget(
            f"{what}, {shown}: ≤ 1.5 MB after touching every figure",
            f"{section}.{v}.after_touching",
            1.5 * MB,
            "<=",
            "{:,.0f} B",
        ),
        Budget(
            f"{what}, {shown}: every figure interactive once touched (figures left static)",
            f"{section}.{v}.figures_not_interactive",
            0,
            "<=",
            "{:.0f}",
        ),
    ]
    return budgets


BUDGETS = [
    # The reader, on the phone Lighthouse emulates (412×823): no JavaScript needed to read, no layout shift.
    Budget("≤ 120 KB (122,880 B) before a figure is in view", "reader.before_bytes", 120 * KB, "<=", "{:,.0f} B"),
    Budget(
        "No JavaScript needed for maths: formulas missing without it",
        "reader.formulas_missing_without_js",
        0,
        "<=",
        "{:.0f}",
    ),
    Budget("No JavaScript needed for layout: page width at 375 px", "reader.width_without_js", 375, "<=", "{:.0f} px"),
    Budget("CLS 0.00 while scrolling through every figure", "reader.scroll_cls", 0, "== to 2 decimals", "{:.3f}"),
    # Reading costs at two viewports, and Lighthouse 100 everywhere.
    *(budget for v, shown in VIEWPORTS.items() for budget in reading_budgets(v, shown)),
    # A notebook post with two Plotly outputs costs a reader what a Markdown post does.
    *(budget for v, shown in VIEWPORTS.items() for budget in reading_budgets(v, shown, "notebook", "Notebook post")),
    *(
        Budget(f"Lighthouse {preset} {name} = 100", f"lighthouse.{preset}.{category}", 100, ">=", "{:.0f}")
        for preset in LIGHTHOUSE
        for category, name in SCORES.items()
    ),
    *(
        Budget(
            f"CLS 0.00 while Lighthouse {preset} loads the page",
            f"lighthouse.{preset}.cls",
            0,
            "== to 2 decimals",
            "{:.3f}",
        )
        for preset in LIGHTHOUSE
    ),
    # The author's loop on this one post.
    Budget("No-change rebuild ≤ 1.5 s", "author.no_change", 1.5, "<=", "{:.2f} s"),
    Budget("`figures` in total < 60 s", "author.figures_total", 60, "<", "{:.1f} s"),
    # A blog of 1,000 maths-heavy posts, against plain Pelican on the same Markdown.
    Budget("Blog, 1,000 posts: no-change rebuild ≤ 2× plain Pelican", "blog.no_change_ratio", 2, "<=", "{:.2f}×"),
    Budget(
        "Blog, 1,000 posts: rebuild after editing one post ≤ 2× plain Pelican",
        "blog.edit_one_ratio",
        2,
        "<=",
        "{:.2f}×",
    ),
    Budget("Blog, 1,000 posts: no-change rebuild no slower than Hugo's", "blog.no_change_vs_hugo", 1, "<=", "{:.2f}×"),
    Budget(
        "Blog, 1,000 posts: rebuild after editing one post no slower than Hugo's",
        "blog.edit_one_vs_hugo",
        1,
        "<=",
        "{:.2f}×",
    ),
    Budget("Blog, 1,000 posts: cold build ≤ 60 s", "blog.cold", 60, "<=", "{:.1f} s"),
    Budget("Blog, 1,000 posts: cold build ≤ 2× plain Pelican's", "blog.cold_ratio", 2, "<=", "{:.2f}×"),
    Budget("Blog, 1,000 posts: peak memory ≤ 2 GB", "blog.peak_mb", 2048, "<=", "{:,.0f} MB"),
    Budget("Blog: no-change rebuild ≤ 10 ms per extra post", "blog.per_post_ms", 10, "<=", "{:.1f} ms"),
    Budget("Blog, 1,000 posts: dev server, save → page reloaded ≤ 1 s", "blog.save_to_reload", 1, "<=", "{:.2f} s"),
    Budget("Blog: cold KaTeX ≥ 1,500 formulas/s in every run", "blog.formulas_per_second", 1500, ">=", "{:,.0f}/s"),
    # The search index in pieces against one index of the same 1,000-post blog (tools/bench/search_pieces.py).
    Budget(
        "Search in pieces: first search downloads ≤ 1.5× the single index's bytes",
        "hosting.search_bytes_ratio",
        1.5,
        "<=",
        "{:.2f}×",
    ),
    Budget(
        "Search in pieces: same top results as one index (ellipse, sigmoid, \\sigma; queries differing)",
        "hosting.search_differing",
        0,
        "<=",
        "{:.0f}",
    ),
]
