"""The bench's and the test suite's shared helpers, without a browser or a build: budgets,
the report table, the Chromium lookup, settings files, the baseline page."""

from __future__ import annotations

import json
import runpy

import pytest

from tools.bench.budgets import BUDGETS, Budget
from tools.bench.context import Bench, Section
from tools.bench.report import budget_rows, budgets_of, notes, table
from tools.bench.sections import SECTIONS
from tools.browser import chromium_path
from tools.scratch_site import write_settings


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


def test_every_budget_reads_a_value_its_section_measures(tmp_path, monkeypatch):
    # A typo in a value's name would fail silently as "not measured": run every section on
    # fake measurements and check that each budget finds its value.
    bench = measured_bench(tmp_path, monkeypatch)
    assert {b.section for b in BUDGETS} <= {s.name for s in SECTIONS}
    missing = [b.measure for b in BUDGETS if bench.values.get(b.measure) is None]
    assert not missing, missing


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


def test_chromium_path_honours_chromium_path(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", "/opt/my/chromium")
    assert chromium_path() == "/opt/my/chromium"
    monkeypatch.delenv("CHROMIUM_PATH")
    monkeypatch.setenv("PATH", "")
    import plugins.chromium

    monkeypatch.setattr(plugins.chromium, "RECORDED_CHROMIUM", tmp_path / "chromium-path")
    assert chromium_path() is None  # Playwright then uses its own download
    # Without root, tools/setup.sh records the Chromium it downloaded: builds find it there.
    binary = tmp_path / "chrome"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    (tmp_path / "chromium-path").write_text(f"{binary}\n")
    assert chromium_path() == str(binary)
    binary.chmod(0o644)  # gone or broken: not offered
    assert chromium_path() is None


def test_a_settings_file_takes_the_project_settings_and_reads_other_content(tmp_path):
    settings = write_settings(tmp_path, tmp_path / "content", DEFAULT_PAGINATION=3)
    values = runpy.run_path(str(settings))
    assert values["PATH"] == str(tmp_path / "content")
    assert values["DEFAULT_PAGINATION"] == 3
    assert values["SITENAME"] == "Wiggly Networks"  # from pelicanconf


def test_the_baseline_page_inlines_plotly_per_figure_and_reads_the_sites_front_matter(tmp_path):
    from tools.bench.baseline import build_baseline

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
    bench.data["lighthouse"] = {"mobile": {"ours": median, "baseline": median}, "desktop": {"ours": median}}
    bench.data["author"] = author.AuthorCosts(1.3, 1.2, 1.2, {"act": 0.1}, 0.1)
    sections = [reader.SECTION, lighthouse.SECTION, author.SECTION, author.SUITE]
    text = table(bench, sections)
    assert "| Bytes before any figure is in view | 2.0 KB | 2.0 KB | 1 |" in text
    assert "| Requests to other hosts | 1 | 1 | 1 |" in text
    assert "| Performance score | 99 | 99 | 1 |" in text  # the median of 99, 100, 50
    assert "| Test suite (`python -m pytest -q`) | skipped (--quick) | — |  |" in text
    below = notes(bench, sections)
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


def test_make_bench_writes_the_report_it_prints_into_docs_performance_md(tmp_path, monkeypatch, capsys):
    import tools.bench.__main__ as cli
    from tools.scratch_site import ROOT

    demo = Section("demo", lambda bench: None, lambda bench: ["| Demo row | 1 |  |  |"])
    monkeypatch.setattr(cli, "SECTIONS", [demo])
    monkeypatch.setattr(cli, "machine", lambda: "Date: 2026-01-01 00:00 UTC  \nMachine: a test")
    written = tmp_path / "docs" / "performance.md"
    assert cli.main(["--only", "demo", "--write", str(written)]) == 0
    page = written.read_text()
    assert page.startswith("# Performance") and "do not edit by hand" in page
    assert f"`python -m tools.bench --only demo --write {written}`" in page
    printed = capsys.readouterr().out
    report = printed.split("\n\nThe bench took")[0]
    assert "Date: 2026-01-01 00:00 UTC" in report and "| Demo row | 1 |  |  |" in report
    assert report in page  # what it printed, as it printed it
    assert not list(written.parent.glob("*.tmp"))
    assert "$(BIN)/python -m tools.bench --write docs/performance.md" in (ROOT / "Makefile").read_text()


# --- Every section on fake measurements: no browser, no build, no Lighthouse. ---

KB = 1024


def reading_row(viewport: str, before: int = 100 * KB, touched: int = 1_400 * KB, heavy: bool = False):
    from tools.bench.reading import ReadingRow

    return ReadingRow(viewport, before, 250 * KB, heavy, touched, figures_interactive=3, figures=3)


def fake_blog_results(sizes=(1, 100, 1000), ours_no_change=(1.0, 2.0, 6.0)):
    """What blog.measure_blogs returns, in shape."""
    from types import SimpleNamespace as NS

    def timings(cold, no_change, edit_one, peak=None, save_to_reload=None):
        return NS(
            cold=cold,
            first_rebuild=no_change,
            no_change=no_change,
            edit_one=edit_one,
            peak=peak,
            save_to_reload=save_to_reload,
            error="",
        )

    return NS(
        sizes=[
            NS(
                n=n,
                described=f"{n} posts",
                ours=timings(7.0, t, t + 0.5, 900 * 1024**2, 0.8),
                plain=timings(4, 3.5, 3.6),
                jekyll=None,
                hugo=NS(timings=timings(18.0, 7.0, 7.5), pages=n, drawn=50 * n, refused=0),
                ours_formulas=50 * n,
            )
            for n, t in zip(sizes, ours_no_change, strict=True)
        ],
        formulas=698,
        formula_errors=0,
        formulas_per_second=2_000.0,
        formulas_per_cpu_second=2_500.0,
        formulas_in_text=721,
        formula_rates=[2_000.0, 2_400.0],
    )


def fake_measure_blogs(results):
    """A stand-in for blog.measure_blogs that returns `results` and records the sizes asked for."""

    def measure_blogs(sizes, swiglu_only, work, with_jekyll):
        measure_blogs.calls.append(sizes)
        (work / f"n{max(sizes)}" / "ours-output").mkdir(parents=True)
        return results

    measure_blogs.calls = []
    return measure_blogs


def measured_bench(tmp_path, monkeypatch, quick=False, reading_rows=None, blog=None):
    """A Bench after every section but the suite ran on fake measurements."""
    from tools.bench import author, hosting, lighthouse, notebook, reader, reading
    from tools.bench import blog as blog_section

    bench = Bench(tmp_path, quick=quick, stack=None)
    bench.urls = {"ours": "http://o", "baseline": "http://b", "nginx": "http://n"}  # served already
    transfer = reader.Transfer([("http://o/a", "script", 2048, 1024)], "http://o", 0)
    run = reader.PageRun(transfer, transfer, 0.0)
    reader.record(bench, reader.ReaderResults(run, run, (23, 23, 375), (23, 0, 477)))
    rows = reading_rows or [reading_row("desktop 1280×900"), reading_row("phone 375×740")]
    reading.record(bench, reading.ReadingResults(rows, [1.5, 1.2, 2.0]))
    notebook.record(bench, reading.ReadingResults(rows, []))
    perfect = lighthouse_report(1.0, 1400.0)
    perfect["audits"]["total-byte-weight"] = {"numericValue": 150_000.0}
    fake = lighthouse.Lighthouse({c: 100.0 for c in lighthouse.CATEGORIES}, perfect)
    monkeypatch.setattr(lighthouse, "lighthouse", lambda *a, **k: fake)
    monkeypatch.setattr(hosting, "lighthouse", lambda *a, **k: fake)
    lighthouse.measure(bench)
    monkeypatch.setattr(author, "time_builds", lambda work, costs: setattr(costs, "no_change", 1.0))
    monkeypatch.setattr(author, "time_figures", lambda work, costs: setattr(costs, "figures_total", 30.0))
    author.measure(bench)
    monkeypatch.setattr(blog_section, "measure_blogs", blog or fake_measure_blogs(fake_blog_results()))
    blog_section.measure(bench)
    monkeypatch.setattr(hosting, "time_pagefind", lambda output: (4.2, 1000))
    monkeypatch.setattr(hosting, "compare_pieces", lambda output, work: fake_comparison())
    hosting.measure(bench)
    return bench


def fake_comparison(pieced_bytes=120_000):
    from tools.bench.search_pieces import QUERIES, Comparison, IndexRun

    def found(titles):
        return {q: {"total": 140, "titles": titles, "scores": [1.0] * len(titles)} for q in QUERIES}

    single = IndexRun(1, 100_000, {}, found(["SwiGLU Intuition (copy 7)", "Gates (copy 2)"]))
    return Comparison(
        1000, single, IndexRun(8, pieced_bytes, {}, found(["SwiGLU Intuition (copy 0)", "Gates (copy 9)"]))
    )


def test_every_budget_holds_on_good_measurements_and_the_table_shows_the_new_sections(tmp_path, monkeypatch):
    bench = measured_bench(tmp_path, monkeypatch)
    text = table(bench, SECTIONS)
    assert "**FAIL**" not in text.split("| **Budgets** |")[1]
    assert "| desktop 1280×900: before scrolling | 100.0 KB | — |  |" in text
    assert "| phone 375×740: Mermaid or plotly.js requested while reading | no | — |  |" in text
    assert (
        "| First touch to interactive figure (phone, 4× CPU, slow 4G) | 1.50 s (median of 1.50, 1.20, 2.00) | — |  |"
        in text
    )
    assert "| **Lighthouse 12.2.3, desktop** (local server, median of 3; ours only) |  |  |  |" in text
    assert "| Performance score | 100 | — |  |" in text
    assert (
        "**Lighthouse 12.2.3, mobile, through nginx**" in text
        and "| Bytes transferred on load | 146.5 KB | — |  |" in text
    )
    assert "| Pagefind index of 1,000 posts (1,000 pages) | 4.20 s | — |  |" in text
    assert "| Search, first query: bytes downloaded, 8 pieces merged (one index) | 117.2 KB | 97.7 KB | 1.20 |" in text
    assert "| Search `sigmoid`: top 2 of 140 results | same top results |  |  |" in text
    assert "| Search in pieces: first search downloads ≤ 1.5× the single index's bytes | 1.20× |  | **PASS** |" in text
    assert "| 1000 posts: no-change rebuild | 6.00 s | Pelican 3.50 s · Hugo 7.00 s | 1.7 · 0.86 |" in text
    assert "| Blog, 1,000 posts: no-change rebuild no slower than Hugo's | 0.86× |  | **PASS** |" in text
    assert "Hugo 50,000 in 1,000 pages, 0 refused by ToMath" in text
    assert "| Blog, 1,000 posts: no-change rebuild ≤ 2× plain Pelican | 1.71× |  | **PASS** |" in text
    assert "| Blog: no-change rebuild ≤ 10 ms per extra post | 5.0 ms |  | **PASS** |" in text
    assert "| Blog, 1,000 posts: peak memory ≤ 2 GB | 900 MB |  | **PASS** |" in text
    assert text.count("no-change rebuild ≤ 2× plain Pelican") == 1  # one table holds every budget


def test_a_broken_reading_budget_fails(tmp_path, monkeypatch):
    rows = [
        reading_row("desktop 1280×900", before=130 * KB, heavy=True),
        reading_row("phone 375×740", touched=1_600 * KB),
    ]
    rows[1].figures_interactive = 2
    text = table(measured_bench(tmp_path, monkeypatch, reading_rows=rows), SECTIONS)
    assert "| Reading, desktop 1280×900: ≤ 120 KB before scrolling | 133,120 B |  | **FAIL** |" in text
    heavy = "| Reading, desktop 1280×900: no Mermaid and no plotly.js requested while reading (1 if any) | 1 |"
    assert heavy + "  | **FAIL** |" in text
    assert "| Reading, phone 375×740: ≤ 1.5 MB after touching every figure | 1,638,400 B |  | **FAIL** |" in text
    assert (
        "| Reading, phone 375×740: every figure interactive once touched (figures left static) | 1 |  | **FAIL** |"
        in text
    )
    assert "| Reading, phone 375×740: ≤ 120 KB before scrolling | 102,400 B |  | **PASS** |" in text


def test_a_broken_blog_budget_fails_and_quick_sizes_are_said(tmp_path, monkeypatch):
    slow = fake_measure_blogs(fake_blog_results(sizes=(1, 100), ours_no_change=(1.0, 9.0)))
    bench = measured_bench(tmp_path, monkeypatch, quick=True, blog=slow)
    assert slow.calls == [[1, 100]]
    text = table(bench, SECTIONS)
    assert (
        "| Blog, 1,000 posts: no-change rebuild ≤ 2× plain Pelican | 2.57× (at 100 posts, --quick) |  | **FAIL** |"
        in text
    )
    assert "| Blog: no-change rebuild ≤ 10 ms per extra post | 80.8 ms (at 100 posts, --quick) |  | **FAIL** |" in text
    assert "| Blog: cold KaTeX ≥ 1,500 formulas/s in every run | 2,000/s |  | **PASS** |" in text
    assert "*--quick: 1 and 100 posts only; the budgets hold at 1,000*" in text


def test_the_blog_sections_result_types_give_its_values_rows_and_budgets(tmp_path):
    from tools.bench import blog
    from tools.bench.builders import Timings

    def t(cold, no_change, edit_one, peak=None):
        return Timings.of(peak, cold=cold, no_change=no_change, edit_one=edit_one)

    sizes = [
        blog.SizeResult(1, "1 post", t(9.0, 1.0, 1.2, 300 * 1024**2), t(2.0, 1.0, 1.0), None),
        blog.SizeResult(1000, "1000 posts", t(50.0, 6.0, 6.5, 1500 * 1024**2), t(4.4, 3.6, 3.7), None),
    ]
    results = blog.Results(sizes, 698, 0, 2_900.0, 3_000.0, formula_rates=[2_900.0, 1_600.0])
    values, caveats = blog.values(results, quick=False)
    assert values["blog.no_change_ratio"] == pytest.approx(6.0 / 3.6) and caveats == {}
    assert values["blog.per_post_ms"] == pytest.approx(5000 / 999)
    bench = Bench(tmp_path, quick=False, stack=None, data={"blog": blog.BlogRun(results, blog.SIZES)})
    shown = blog.rows(bench)
    assert shown[0].startswith("| **Blog**") and not any(line.endswith("**PASS** |") for line in shown)
    # Run alone (python -m tools.bench.blog), it checks the same budgets as the bench's table.
    checked = {name: ok for name, _, ok in blog.budgets(results)}
    assert checked["Blog, 1,000 posts: no-change rebuild ≤ 2× plain Pelican"] is True
    assert checked["Blog: cold KaTeX ≥ 1,500 formulas/s in every run"] is True and len(checked) == 10
    results.formula_rates = [2_900.0, 1_400.0]  # one slow run fails it, whatever the median
    assert (
        dict((n, ok) for n, _, ok in blog.budgets(results))["Blog: cold KaTeX ≥ 1,500 formulas/s in every run"] is False
    )
    # Without Hugo's rows its two budgets are not measured: they fail rather than pass unseen.
    assert checked["Blog, 1,000 posts: no-change rebuild no slower than Hugo's"] is False


def test_only_prints_the_chosen_sections_rows_and_budgets():
    from tools.bench import blog, reading

    chosen = budgets_of([reading.SECTION, blog.SECTION])
    assert chosen and {b.section for b in chosen} == {"reading", "blog"}


def test_lighthouse_runs_the_desktop_preset_with_its_flag(tmp_path, monkeypatch):
    from tools.bench import lighthouse

    commands = []

    def fake_run(cmd, **kwargs):
        import subprocess

        commands.append(cmd)
        return 1.0, subprocess.CompletedProcess(cmd, 0, json.dumps(lighthouse_report(1.0, 900.0)), "")

    monkeypatch.setattr(lighthouse, "run", fake_run)
    monkeypatch.setattr(lighthouse, "chromium_executable", lambda: "/usr/bin/chromium")
    result = lighthouse.lighthouse("http://x/", 2, tmp_path / "desktop", "desktop")
    assert result.scores["seo"] == 100 and (tmp_path / "desktop" / "run2.json").exists()
    assert all("--preset=desktop" in cmd for cmd in commands)
    lighthouse.lighthouse("http://x/", 1, tmp_path / "mobile")
    assert not any(arg.startswith("--preset") for arg in commands[-1])


def test_hosting_without_the_blog_section_builds_its_own_blog(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from tools.bench import hosting

    monkeypatch.setattr(hosting, "lighthouse", lambda *a, **k: None)
    monkeypatch.setattr(hosting, "PRESETS", {})
    monkeypatch.setattr(hosting, "time_pagefind", lambda output: (2.0, 100))
    monkeypatch.setattr(hosting, "compare_pieces", lambda output, work: fake_comparison())
    built = []
    monkeypatch.setattr(hosting, "build", lambda settings, output, env: built.append((output, env)))
    made = lambda content, n, swiglu_only: SimpleNamespace(content=content, n=n, only=swiglu_only)  # noqa: E731
    monkeypatch.setattr(hosting, "make_blog", made)
    bench = Bench(tmp_path, quick=True, stack=None, urls={"nginx": "http://n"})
    hosting.measure(bench)
    assert built == [
        (tmp_path / "pagefind-blog" / "output", {"SITE_BUILD_CACHE": str(tmp_path / "pagefind-blog" / "cache")})
    ]
    assert "| Pagefind index of 100 posts (100 pages) | 2.00 s | — |  |" in hosting.rows(bench)


def test_a_section_that_fails_is_not_measured_and_the_bench_goes_on(tmp_path, capsys):
    from tools.bench.__main__ import measure

    def broken(bench):
        raise RuntimeError("build into /tmp/x failed:\nerror: posts/a.md:3: bad maths")

    sections = [
        Section("author", broken, lambda b: []),
        Section("demo", lambda b: None, lambda b: ["| Demo | 1 |  |  |"]),
    ]
    bench = Bench(tmp_path, quick=True, stack=None)
    for section in sections:
        measure(section, bench)
    assert "bad maths" in capsys.readouterr().err  # the traceback
    assert bench.failed == {"author": "RuntimeError: build into /tmp/x failed:"}
    text = table(bench, sections, budgets_of(sections))
    assert "| **Author** | not measured (RuntimeError: build into /tmp/x failed:) | — |  |" in text
    assert "| Demo | 1 |  |  |" in text and "| No-change rebuild ≤ 1.5 s | not measured |  | **FAIL** |" in text


def test_a_corpus_post_our_build_refuses_makes_the_blog_measured_again_on_swiglu_copies(tmp_path, monkeypatch):
    from tools.bench import blog

    refusing = fake_blog_results()
    for size in refusing.sizes[1:]:  # one post is the SwiGLU post alone
        size.described = f"{size.n} posts (SwiGLU + jekyll-corpus: 40 distinct sources)"
        size.ours.error = "cold: exit 1: error: posts/x.md:120: unterminated maths"
        size.ours.cold = size.ours.first_rebuild = size.ours.no_change = size.ours.edit_one = None
    good = fake_blog_results()
    runs = []

    def measure_blogs(sizes, swiglu_only, work, with_jekyll):
        runs.append(swiglu_only)
        (work / f"n{max(sizes)}" / "ours-output").mkdir(parents=True)
        return good if swiglu_only else refusing

    monkeypatch.setattr(blog, "measure_blogs", measure_blogs)
    bench = Bench(tmp_path, quick=False, stack=None)
    blog.measure(bench)
    assert runs == [False, True]
    assert bench.data["blog"].output == tmp_path / "blog-swiglu" / "n1000" / "ours-output"
    text = table(bench, [blog.SECTION], budgets_of([blog.SECTION]))
    assert "*With the corpus our build failed (100 posts: cold: exit 1: error: posts/x.md:120: unter" in text
    assert "| Blog, 1,000 posts: cold build ≤ 60 s | 7.0 s (SwiGLU copies only) |  | **PASS** |" in text
    assert "| Blog: cold KaTeX ≥ 1,500 formulas/s in every run | 2,000/s |  | **PASS** |" in text


def test_pagefind_is_timed_cold_and_leaves_the_projects_cache_alone(tmp_path, monkeypatch):
    """Timed twice on one site, Pagefind indexes both times: no index comes from a cache."""
    from plugins import build_cache
    from plugins.features import search
    from tools.bench.hosting import time_pagefind

    project_cache = tmp_path / "project-cache"
    monkeypatch.setenv("SITE_BUILD_CACHE", str(project_cache))
    runs = []
    real = search.PendingIndex.start
    monkeypatch.setattr(search.PendingIndex, "start", lambda self: (runs.append(self), real(self))[1])
    post = tmp_path / "site" / "2020" / "a" / "index.html"
    post.parent.mkdir(parents=True)
    post.write_text('<html lang="en"><body><article class="post"><h1>A</h1><p>ellipse</p></article></body></html>')
    for _ in range(2):
        seconds, pages = time_pagefind(tmp_path / "site")
        assert pages == 1 and seconds > 0
    assert len({id(index) for index in runs if index.command}) == 2  # Pagefind ran each time
    assert not project_cache.exists() and build_cache.folder() == project_cache
