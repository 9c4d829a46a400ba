"""The bench's reading section (tools/bench/reading.py) measures what its budgets count, on the real site."""

from __future__ import annotations

import pytest

from tools.bench import reading

pytestmark = pytest.mark.browser


def test_reading_rows_for_desktop_and_phone(browser, server):
    rows = reading.run(server, browser)
    assert [r.viewport for r in rows] == ["desktop 1280×900", "phone 375×740"]
    for row in rows:
        assert 0 < row.before_scrolling <= row.after_reading < row.after_touching_figures
        assert not row.mermaid_or_plotly_while_reading
        assert row.figures_interactive == 3
        assert row.after_touching_figures - row.after_reading > 1_000_000  # plotly.js came only then
