"""The bench's sections, in the order they are measured and printed. To add one, write a module
with `SECTION = Section(name, measure, rows, notes)` (see context.Section), list it here, and
put its budgets in budgets.BUDGETS. Keep the test suite last: it would disturb timings."""

from __future__ import annotations

from tools.bench import author, lighthouse, reader

SECTIONS = [reader.SECTION, lighthouse.SECTION, author.SECTION, author.SUITE]
