"""Measure what a reader and the author pay for the post, against a naive baseline.

    python -m tools.bench [--quick] [--keep] [--only SECTION ...] [--write docs/performance.md]

Builds the site fresh into a temporary folder and the naive page of
`tools.bench.baseline` into another, serves both locally, and measures them with
Playwright (bytes and requests, no throttling) and Lighthouse 12.2.3 (mobile
and desktop presets, median of 3 runs: paint timings and scores), both driving
Debian's Chromium. Then what reading costs at two viewports, the author's
costs (builds, figures), a blog of 1,000 generated posts beside plain Pelican
and Jekyll, the site as nginx serves a publish build, and the test suite.
Prints the date, the machine and one Markdown table with the budgets as
PASS/FAIL, then the requests and Lighthouse audits behind any failure; with
`--write PATH` (as `make bench` runs it) also writes that report to PATH.

It reports and does not gate: the exit code is 0 even when a budget fails,
and non-zero only when something could not be measured. The local server
gzips text as hosts do; gzip sizes of the reader section are computed here
from the response bodies (`gzip -9` of text types; fonts and images count as sent).

The package, one job per module:
- `context`: the run's temporary folder, the sites and servers it measures, the values measured;
- `reader`, `reading`, `notebook`, `lighthouse`, `author`, `blog`, `hosting`: the sections, each measuring
  and printing its table rows;
- `baseline`: the naive page and its plain server; `nginx`: a private nginx over a publish build;
- `builders`, `processes`, `dev_server`, `katex_rate`: what the blog section times (our build,
  plain Pelican and Jekyll; a command's time and memory; a save through the dev server; KaTeX);
- `budgets`: every budget, one table of rows (name, measure, limit, how compared);
- `table`: the table's cells and rows; `report`: the machine, the table and the notes under it;
- `sections`: the list of sections, in the order they are measured and printed.

To add a measurement, write a module with a `SECTION = Section(...)`, list it in
`sections.py`, and add its budgets to `budgets.BUDGETS`.
"""
