"""The bench's and the test suite's shared helpers, without a browser or a build: budgets,
the report table, the Chromium lookup, settings files, the baseline page."""

from __future__ import annotations

import json
import runpy

import pytest

from tools.bench.budgets import BUDGETS, Budget
from tools.bench.context import Bench, Section
from tools.bench.report import budget_rows, notes, table
from tools.bench.sections import SECTIONS
from tools.browser import chromium_path
from tools.scratch_site import ROOT, write_settings


@pytest.mark.parametrize(
    ("compare", "value", "limit", "ok"),
    [
        ("<=", 120, 120, True),
        ("<=", 121, 120, False),
        ("<", 60, 60, False),
        (">=", 98, 98, True),
        (">=", 97, 98, False),
        ("== to 2 decimals", 0.004, 0, True),
        ("== to 2 decimals", 0.006, 0, False),
    ],
)
def test_a_budget_compares_its_value_with_its_limit(compare, value, limit, ok):
    budget = Budget("b", "s.v", limit, compare, "{:.3f}")
    assert budget.check({"s.v": value}) == (f"{value:.3f}", ok)


def test_a_value_that_could_not_be_measured_fails_its_budget():
    budget = Budget("Lighthouse SEO ≥ 100", "lighthouse.seo", 100, ">=")
    assert budget.check({"lighthouse.seo": None}) == ("not measured", False)
    assert budget.check({}) == ("not measured", False)


def test_every_budget_reads_a_value_some_section_measures():
    # Each section module names its values "section.what"; a typo would fail silently as "not measured".
    sections = {s.name for s in SECTIONS}
    assert all(b.measure.split(".")[0] in sections for b in BUDGETS)
    assert all(b.measure in SOURCES for b in BUDGETS), [b.measure for b in BUDGETS if b.measure not in SOURCES]


SOURCES = "\n".join(
    (ROOT / "tools" / "bench" / f"{name}.py").read_text() for name in ("reader", "lighthouse", "author")
)
SOURCES += "\n".join(f'"lighthouse.{c}"' for c in ("performance", "accessibility", "best-practices", "seo"))


def test_the_test_suite_is_measured_last_so_it_disturbs_no_other_measurement():
    assert SECTIONS[-1].name == "suite" and SECTIONS[-1].skipped_by_quick


def test_the_report_is_one_table_of_section_rows_then_budgets(tmp_path):
    demo = Section("demo", lambda b: None, lambda b: ["| Demo row | 1 |  |  |"], lambda b: ["", "A note."])
    bench = Bench(tmp_path, quick=True, stack=None, values={"author.no_change": 2.0})
    text = table(bench, [demo])
    lines = text.splitlines()
    assert lines[0].startswith("| Measure |") and lines[2] == "| Demo row | 1 |  |  |"
    assert "| No-change rebuild ≤ 1.5 s | 2.00 s |  | **FAIL** |" in lines
    assert "| `figures` in total < 60 s | not measured |  | **FAIL** |" in lines
    assert len(budget_rows({})) == len(BUDGETS) + 1
    assert notes(bench, [demo]) == "\nA note."


def test_chromium_path_honours_chromium_path(monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", "/opt/my/chromium")
    assert chromium_path() == "/opt/my/chromium"
    monkeypatch.delenv("CHROMIUM_PATH")
    monkeypatch.setenv("PATH", "")
    assert chromium_path() is None  # Playwright then uses its own download


def test_a_settings_file_takes_the_project_settings_and_reads_other_content(tmp_path):
    settings = write_settings(tmp_path, tmp_path / "content", DEFAULT_PAGINATION=3)
    values = runpy.run_path(str(settings))
    assert values["PATH"] == str(tmp_path / "content")
    assert values["DEFAULT_PAGINATION"] == 3
    assert values["SITENAME"] == "Wiggly Networks"  # from pelicanconf


def test_the_baseline_page_inlines_plotly_per_figure_and_reads_the_sites_front_matter(tmp_path):
    from tools.baseline import build_baseline

    assets = tmp_path / "assets"
    (assets / "figures").mkdir(parents=True)
    spec = {"data": [{"type": "scatter", "x": [0, 1], "y": [1, 0]}], "layout": {}}
    (assets / "figures" / "demo.json").write_text(json.dumps(spec))
    (assets / "figures" / "demo.meta.json").write_text(json.dumps({"caption": "A <demo> figure"}))
    post = tmp_path / "2026-01-01-demo.md"
    post.write_text('---\ntitle: "Demo & co"\nsubtitle: Sub\n---\n\nText.\n\n{% figure demo %}\n\nMore.\n')
    page = build_baseline(tmp_path / "out", post, assets).read_text()
    assert "<title>Demo &amp; co</title>" in page
    assert page.count("<figure>") == 1 and "A &lt;demo&gt; figure" in page
    assert "{% figure" not in page and "---" not in page


def lighthouse_report(score: float, lcp: float) -> dict:
    """The parts of a Lighthouse JSON report the bench reads."""
    audits = {
        "first-contentful-paint": {"numericValue": 1200.0},
        "largest-contentful-paint": {"numericValue": lcp},
        "total-blocking-time": {"numericValue": 0.0},
        "cumulative-layout-shift": {"numericValue": 0.001},
        "image-alt": {"score": 0, "title": "Images have alt text", "details": {"items": [{"url": "/x.png"}]}},
    }
    categories = {
        c: {"score": score, "auditRefs": [{"id": "image-alt", "weight": 10}]}
        for c in ("performance", "accessibility", "best-practices", "seo")
    }
    return {"audits": audits, "categories": categories}


def test_every_section_prints_its_rows_and_notes_from_its_measurements(tmp_path):
    from tools.bench import author, lighthouse, reader

    bench = Bench(tmp_path, quick=True, stack=None)
    transfer = reader.Transfer([("http://h/a", "script", 2048, 1024), ("http://x/b", "font", 10, 10)], "http://h", 5)
    run = reader.PageRun(transfer, transfer, 0.0)
    bench.data["reader"] = reader.ReaderResults(run, run, (23, 23, 375), (23, 0, 477))
    reports = [lighthouse_report(0.99, 1500.0), lighthouse_report(1.0, 1400.0), lighthouse_report(0.5, 9000.0)]
    median = lighthouse.Lighthouse({c: lighthouse.median_score(reports, c) for c in lighthouse.CATEGORIES}, reports[0])
    bench.data["lighthouse"] = {"ours": median, "baseline": median}
    bench.data["author"] = author.AuthorCosts(1.3, 1.2, 1.2, {"act": 0.1}, 0.1)
    text = table(bench, SECTIONS)
    assert "| Bytes before any figure is in view | 2.0 KB | 2.0 KB | 1 |" in text
    assert "| Requests to other hosts | 1 | 1 | 1 |" in text
    assert "| Performance score | 99 | 99 | 1 |" in text  # the median of 99, 100, 50
    assert "| Test suite (`python -m pytest -q`) | skipped (--quick) | — |  |" in text
    below = notes(bench, SECTIONS)
    assert "- /a (script): 2,048 B / 1,024 B" in below
    assert "`image-alt` (weight 10): Images have alt text: score 0.00. /x.png" in below


def test_a_site_is_started_once_shared_by_every_section_and_stopped_at_the_end(tmp_path):
    from contextlib import ExitStack, contextmanager

    events = []

    @contextmanager
    def start(folder):
        events.append(f"start {folder.name}")
        yield "http://127.0.0.1:1"
        events.append("stop")

    with ExitStack() as stack:
        bench = Bench(tmp_path, quick=True, stack=stack)
        assert bench.serve("nginx", start) == bench.serve("nginx", start) == "http://127.0.0.1:1"
        assert events == ["start nginx"]
    assert events == ["start nginx", "stop"]


def test_python_m_tools_bench_keeps_its_options(capsys):
    from tools.bench.__main__ import main

    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    assert "python -m tools.bench" in shown and "--quick" in shown and "--keep" in shown
