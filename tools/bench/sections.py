"""The bench's sections, in the order they are measured and printed.

To add one, write a module with `SECTION = Section(name, measure, rows, notes)` (see
context.Section): `measure(bench)` puts the numbers budgets read into `bench.values["name.what"]`
and the rest into `bench.data`, and may serve a site of its own with `bench.serve("nginx",
start)`; list it here, and put its budgets in budgets.BUDGETS. Keep the test suite last: it
would disturb timings.
"""

from __future__ import annotations

from tools.bench import author, blog, hosting, lighthouse, notebook, reader, reading

# The blog comes before hosting, which times Pagefind on the blog's largest build.
SECTIONS = [
    reader.SECTION,
    reading.SECTION,
    notebook.SECTION,
    lighthouse.SECTION,
    author.SECTION,
    blog.SECTION,
    hosting.SECTION,
    author.SUITE,
]
