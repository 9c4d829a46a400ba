"""The figures package: registry, CLI, determinism, staleness, and the numbers figures show."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from figures import beta_slider
from figures.activations import swish
from figures.generate import ASSETS, generate, is_stale, read_meta
from figures.registry import FIGURE_IDS, PACKAGE, dependencies, load, source_hash
from figures.spec import values
from tests.conftest import ROOT


def cli(*args):
    return subprocess.run([sys.executable, "-m", "figures", *args], cwd=ROOT, capture_output=True, text=True)


def test_every_registered_id_has_a_module_named_after_it():
    for figure_id in FIGURE_IDS:
        module = load(figure_id)
        assert module.__name__ == "figures." + figure_id.replace("-", "_")
        assert callable(module.make)


def test_the_cli_lists_ids_one_per_line():
    result = cli("--list")
    assert result.returncode == 0
    assert result.stdout.split() == FIGURE_IDS


def test_the_cli_rejects_an_unknown_id_naming_it():
    result = cli("no-such-figure")
    assert result.returncode != 0
    assert "no-such-figure" in result.stderr and "beta-slider" in result.stderr


@pytest.mark.build  # a subprocess that imports the figures and draws two: ~3 s quiet, ~9 s busy
def test_the_cli_prints_progress_and_time(tmp_path):
    result = cli("beta-slider", "act", "--assets", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "beta-slider: done in" in result.stdout and "act: done in" in result.stdout
    assert read_meta("beta-slider", tmp_path)["source_hash"] == source_hash("beta-slider")


@pytest.mark.build
@pytest.mark.parametrize("figure_id", ["beta-slider", "act", "x2-fit", pytest.param("ellipse", marks=pytest.mark.slow)])
def test_regeneration_is_byte_identical(tmp_path, figure_id):
    """A fresh regeneration against an earlier one by the same code: the repository's copy when
    it is current (the site build made it, in another process), else a second one made here."""
    earlier = ASSETS if not is_stale(figure_id, ASSETS) else tmp_path / "a"
    if earlier != ASSETS:
        generate([figure_id], assets=earlier, progress=lambda m: None)
    generate([figure_id], assets=tmp_path / "b", progress=lambda m: None)
    files = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files
    for f in files:
        assert (earlier / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def copy_package(tmp_path: Path) -> Path:
    """A copy of the figures package to edit: the hash is computed over files, so none is imported."""
    package = tmp_path / "figures"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    return package


def test_editing_a_helper_that_a_figure_imports_changes_its_hash(tmp_path):
    package = copy_package(tmp_path)
    (package / "helper.py").write_text("SCALE = 1\n")
    figure = package / "beta_slider.py"
    figure.write_text(
        figure.read_text().replace("import numpy as np\n", "import numpy as np\n\nfrom figures import helper\n")
    )
    before = {i: source_hash(i, package) for i in FIGURE_IDS}
    (package / "helper.py").write_text("SCALE = 2\n")
    after = {i: source_hash(i, package) for i in FIGURE_IDS}
    assert after["beta-slider"] != before["beta-slider"]
    assert all(after[i] == before[i] for i in FIGURE_IDS if i != "beta-slider")  # the others do not import it


def test_editing_a_module_imported_through_another_changes_the_hash(tmp_path):
    package = copy_package(tmp_path)
    before = source_hash("ellipse", package)
    nets = package / "nets.py"  # ellipse imports nets, which imports activations
    (package / "activations.py").write_text((package / "activations.py").read_text() + "\n# edited\n")
    assert source_hash("ellipse", package) != before
    assert figure_files("ellipse") >= {"ellipse.py", "nets.py", "activations.py", "generate.py", "static.py"}
    assert nets.is_file()


def test_editing_the_figure_module_changes_its_hash_and_no_other(tmp_path):
    package = copy_package(tmp_path)
    before = {i: source_hash(i, package) for i in FIGURE_IDS}
    (package / "x2_fit.py").write_text((package / "x2_fit.py").read_text() + "\n# edited\n")
    after = {i: source_hash(i, package) for i in FIGURE_IDS}
    assert [i for i in FIGURE_IDS if after[i] != before[i]] == ["x2-fit"]


@pytest.mark.build
def test_a_figure_is_stale_when_its_code_changes(tmp_path, monkeypatch):
    assets = tmp_path / "assets"
    generate(["act"], assets=assets, progress=lambda m: None)
    assert not is_stale("act", assets)
    package = copy_package(tmp_path)
    (package / "act.py").write_text((package / "act.py").read_text() + "\n# edited\n")
    monkeypatch.setattr("figures.registry.PACKAGE", package)  # the code the build would hash
    assert is_stale("act", assets)


@pytest.mark.build
def test_a_figure_is_stale_when_a_file_is_missing(tmp_path):
    generate(["act"], assets=tmp_path, progress=lambda m: None)
    assert not is_stale("act", tmp_path)
    (tmp_path / "images" / "theory" / "act.svg").unlink()
    assert is_stale("act", tmp_path)


def figure_files(figure_id: str) -> set[str]:
    return {p.name for p in dependencies(figure_id)}


def test_the_hash_covers_the_figure_module_and_what_it_imports():
    assert source_hash("beta-slider") != source_hash("x2-fit")
    assert "nets.py" in figure_files("x2-fit") and "nets.py" not in figure_files("beta-slider")
    assert {"spec.py", "output.py", "style.py", "theme.py"} <= figure_files("beta-slider")


def test_the_beta_slider_grid_includes_zero_and_one_and_is_denser_near_zero():
    betas = beta_slider.BETAS
    assert 0 in betas and 1 in betas and max(betas) >= 8
    steps = np.diff(betas)
    assert steps[0] < steps[-1]


def test_every_beta_state_is_the_swish_curve_it_names():
    spec = json.loads(beta_slider.make().files["figures/beta-slider.json"])
    x = np.array(spec["data"][3]["x"])
    for beta, state in zip(beta_slider.BETAS, spec["slider"]["states"], strict=True):
        (call,) = state["restyle"]
        np.testing.assert_allclose(values(call["update"]["y"][0]), swish(x, beta), atol=1e-6)
        assert state["label"] == f"β = {beta:g}"


@pytest.fixture(scope="module")
def site_figures(site):
    """Meta of the figures the session's site build used (regenerated if stale)."""
    return {figure_id: read_meta(figure_id) for figure_id in FIGURE_IDS}


@pytest.mark.build
def test_x2_fit_claims_hold_in_the_published_figure(site_figures):
    facts = site_figures["x2-fit"]["facts"]
    relu, swiglu = facts["mse"]["ReLU"], facts["mse"]["SwiGLU"]
    for n, r, s in zip(facts["neurons"], relu, swiglu, strict=True):
        if n >= 2:
            assert s < 1e-4 and r > s, (n, r, s)
    assert facts["params"]["SwiGLU"][0] > facts["params"]["ReLU"][0]  # stated, so the comparison is fair


@pytest.mark.build
def test_ellipse_claims_hold_in_the_published_figure(site_figures):
    acc = site_figures["ellipse"]["facts"]["accuracy"]
    good = [i for i, a in enumerate(acc["SwiGLU"][:4]) if a >= 0.99]
    assert good, acc
    assert acc["ReLU"][good[0]] < acc["SwiGLU"][good[0]]


@pytest.mark.build
def test_captions_quote_computed_numbers(site_figures):
    x2 = site_figures["x2-fit"]
    assert f"{x2['facts']['mse']['ReLU'][-1]:.1e}" in x2["caption"]
    ellipse = site_figures["ellipse"]
    best = next(i for i, a in enumerate(ellipse["facts"]["accuracy"]["SwiGLU"]) if a >= 0.99)
    assert f"{100 * ellipse['facts']['accuracy']['SwiGLU'][best]:.1f} %" in ellipse["caption"]


def test_without_chromium_the_error_says_how_to_install_it(monkeypatch, tmp_path):
    from figures.static import ChromiumMissing, chromium

    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChromiumMissing, match=r"tools/setup.sh chromium.*CHROMIUM_PATH"):
        chromium()
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chrome"))
    with pytest.raises(ChromiumMissing, match="no-chrome"):
        chromium()


@pytest.mark.build
def test_the_cli_fails_clearly_when_a_figure_needs_chromium_and_there_is_none(tmp_path):
    env = {"PATH": str(tmp_path), "CHROMIUM_PATH": "", "BROWSER_PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "figures", "beta-slider", "--assets", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "needs Chromium" in result.stderr and "CHROMIUM_PATH" in result.stderr
    assert not (tmp_path / "figures").exists()  # nothing half-written


def test_a_file_the_previous_version_wrote_is_removed(tmp_path):
    from figures.generate import write
    from figures.output import FigureOutput

    old = FigureOutput(id="act", kind="static", label="l", caption="c", files={"figures/a.svg": b"1", "b.csv": b"2"})
    write(old, tmp_path)
    write(FigureOutput(id="act", kind="static", label="l", caption="c", files={"figures/a.webp": b"3"}), tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.webp", "act.meta.json"]


def test_only_the_figures_a_content_folder_shows_are_needed(tmp_path):
    from figures.generate import used_in
    from plugins.jekyll.site import SOURCE_SUFFIXES

    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text("Text.\n\n{% figure ellipse %}\n\n![Fig 1](/assets/images/theory/act.svg)\n")
    (posts / "b.markdown").write_text("{%- figure beta-slider -%}\n")
    (posts / "c.txt").write_text("{% figure x2-fit %}")  # not a source
    assert used_in(tmp_path, ["beta-slider", "x2-fit", "ellipse", "act"], SOURCE_SUFFIXES) == [
        "beta-slider",
        "ellipse",
        "act",
    ]


def test_a_blog_without_our_figures_makes_none_even_when_all_are_stale(tmp_path):
    content = tmp_path / "content"
    (content / "_posts").mkdir(parents=True)
    (content / "_posts" / "2020-01-01-a.md").write_text("---\ntitle: A\n---\nNo figures here: $x^2$.\n")
    made = generate(
        assets=tmp_path / "assets", only_stale=True, content=content, source_suffixes=(".md",), progress=lambda m: None
    )
    assert made == {} and not (tmp_path / "assets").exists()


def test_figure_workers_end_with_a_killed_build():
    """A build killed with SIGKILL (OOM killer, CI timeout) must not leave its figure workers."""
    import os
    import signal
    import time

    code = (
        f"import sys, time; sys.path.insert(0, {str(PACKAGE.parent)!r})\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from figures.generate import die_with_parent\n"
        "pool = ProcessPoolExecutor(max_workers=2, initializer=die_with_parent)\n"
        "futures = [pool.submit(time.sleep, 60) for _ in range(2)]\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 10
    while (
        len(workers := subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True, text=True).stdout.split())
        < 2
    ):
        assert time.monotonic() < deadline, "the pool never started its workers"
        time.sleep(0.05)
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def alive(pid: str) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 5
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    leftover = [w for w in workers if alive(w)]
    for w in leftover:
        os.kill(int(w), signal.SIGKILL)
    assert leftover == [], "figure workers outlived their killed build"
