"""Measure what a reader and the author pay for the post, against a naive baseline (issues 4, 11, 12, 13).

    python -m tools.bench [--quick] [--keep] [--only SECTION ...]

Builds the site fresh into a temporary folder and the naive page of
`tools.baseline` into another, serves both locally, and measures them with
Playwright (bytes and requests, no throttling) and Lighthouse 12.2.3 (mobile
and desktop presets, median of 3 runs: paint timings and scores), both driving
Debian's Chromium. Then what reading costs at two viewports, the author's
costs (builds, figures), a blog of 1,000 generated posts beside plain Pelican
and Jekyll, the site as nginx serves a publish build, and the test suite.
Prints the date, the machine and one Markdown table with the budgets as
PASS/FAIL, then the requests and Lighthouse audits behind any failure.

It reports and does not gate: the exit code is 0 even when a budget fails,
and non-zero only when something could not be measured. The local server does
not compress, so gzip sizes are computed here from the response bodies
(`gzip -9` of text types; fonts and images count as sent); nginx compresses.

The package, one job per module:
- `context`: the run's temporary folder, the sites and servers it measures, the values measured;
- `reader`, `reading`, `lighthouse`, `author`, `blog`, `hosting`: the sections, each measuring
  and printing its table rows;
- `budgets`: every budget, one table of rows (name, measure, limit, how compared);
- `report`: the machine, the table and the notes under it;
- `sections`: the list of sections, in the order they are measured and printed.

To add a measurement, write a module with a `SECTION = Section(...)`, list it in
`sections.py`, and add its budgets to `budgets.BUDGETS`.
"""

# Names other modules imported from the single-file tools/bench.py, kept so they still work;
# new code should import them from where they live.
from tools.bench.reader import sizes  # noqa: E402
from tools.browser import CLS_SO_FAR  # noqa: E402
from tools.browser import HEADLESS_ARGS as CHROME_FLAGS  # noqa: E402
from tools.browser import chromium_executable as chromium  # noqa: E402
from tools.scratch_site import serving  # noqa: E402

__all__ = ["CHROME_FLAGS", "CLS_SO_FAR", "chromium", "serving", "sizes"]
