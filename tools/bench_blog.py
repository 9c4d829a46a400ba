"""What a blog of many maths-heavy posts costs its author: our build beside plain Pelican and Jekyll.

    python -m tools.bench_blog [--sizes 1 100 1000] [--swiglu-only] [--work DIR] [--no-jekyll]

For each size N it generates N posts (tools/blog_fixture.py: the SwiGLU post and
the real posts of ../shared/jekyll-corpus, each with its own title and date) and
times, for our build (`python -m tools.build`, with an empty build cache at first):
a cold build, a rebuild that changes nothing, a rebuild after editing one post,
and the peak memory of the build's process tree (node included). It times the
same Markdown with plain Pelican (default theme, no plugins, content cache on)
and with Jekyll when `jekyll` is on PATH, in the same run, and prints ratios
and the budgets of issue 11 (the blog rows of tools/bench/budgets.py) with PASS or
FAIL. `make bench` runs it through tools/bench/blog.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugins.jekyll_config import FRONT_MATTER  # noqa: E402
from tools.blog_fixture import CORPUS, SWIGLU, Blog, make_blog, page_path  # noqa: E402
from tools.scratch_site import write_settings  # noqa: E402


@dataclass
class Timings:
    cold: float | None = None
    first_rebuild: float | None = None  # the no-change rebuild right after the cold build
    no_change: float | None = None  # the next one: what an author's rebuilds cost from then on
    edit_one: float | None = None
    peak: int | None = None  # bytes, whole process tree
    save_to_reload: float | None = None  # s, through the dev server (ours only)
    error: str = ""


@dataclass
class SizeResult:
    n: int
    described: str
    ours: Timings
    plain: Timings
    jekyll: Timings | None


@dataclass
class Results:
    sizes: list[SizeResult] = field(default_factory=list)
    formulas: int = 0
    formula_errors: int = 0
    formulas_per_second: float | None = None
    formulas_per_cpu_second: float | None = None  # what an idle machine would see, sequentially
    formulas_in_text: int = 0  # every formula as the posts write it, repeats included


def process_memory(pid: int) -> int:
    """One process's proportional set size (PSS: a page shared by n processes counts 1/n), in
    bytes; its RSS where the kernel gives no PSS. Summing RSS over a tree counts every shared
    page once per process: Chromium's and forked workers' shared libraries many times over."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE).group(1)) * 1024
    except (OSError, AttributeError):
        status = Path(f"/proc/{pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) * 1024 if found else 0


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants (PSS, see process_memory), in bytes."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += process_memory(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def timed(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, int, subprocess.CompletedProcess]:
    """(wall seconds, peak tree memory, result) of one command; memory sampled every 0.25 s.

    Builds run with Python's bytecode cache on, as on an author's machine, whatever this
    shell says (PYTHONDONTWRITEBYTECODE made every build compile ~600 modules: 0.4 s)."""
    run_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_memory(process.pid))
            time.sleep(0.25)  # PSS costs the kernel a page-table walk: sampling must not slow the build

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate(timeout=3600)
    elapsed = time.perf_counter() - start
    sampler.join()
    return elapsed, peak[0], subprocess.CompletedProcess(cmd, process.returncode, out, err)


def edit(post: Path) -> None:
    """The author's edit: a sentence added to a post."""
    post.write_text(post.read_text() + f"\nAn edit made at {time.time_ns()}.\n")


def three_builds(command, posts: list[Path], env: dict | None = None, cwd: Path = ROOT) -> Timings:
    """Cold, two no-change rebuilds and one after an edit, the same for every builder. The
    first rebuild after a cold build is kept apart: ours then also makes the spare site
    it stages into from then on (plugins/unchanged_outputs.py)."""
    t = Timings()
    for step in ("cold", "first_rebuild", "no_change", "edit_one"):
        if step == "edit_one":
            edit(posts[len(posts) // 2])
        seconds, peak, result = timed(command, env, cwd)
        if result.returncode != 0:
            t.error = f"{step}: exit {result.returncode}: {(result.stderr or result.stdout).strip()[-400:]}"
            return t
        setattr(t, step, seconds)
        t.peak = max(t.peak or 0, peak)
    return t


def ours(blog: Blog, work: Path) -> Timings:
    settings = write_settings(work, blog.content)
    output, env = work / "ours-output", {"SITE_BUILD_CACHE": str(work / "ours-cache")}
    cmd = [sys.executable, "-m", "tools.build", "--settings", str(settings), "--output", str(output)]
    timings = three_builds(cmd, blog.posts, env)
    if not timings.error:
        post = blog.posts[len(blog.posts) // 3]
        timings.save_to_reload, _ = save_to_reload(blog.content, settings, output, env, post, edit)
    return timings


def save_to_reload(content: Path, settings: Path, output: Path, env: dict, post: Path, change) -> tuple[float, str]:
    """Seconds from saving `post` (change(post)) to its page, reloaded through the dev server,
    and that page's HTML. Drives tools/serve.py's own pieces over a built site: the warm
    builder, the watcher's rebuild for a saved post, the reload stream, the HTTP server."""
    import http.client
    import threading

    from tools.serve import Builder, Generation, make_server, rebuild, saved_posts

    generation = Generation()
    builder = Builder(output, settings, env)
    builder.start()  # with the server, before the author edits anything
    httpd = make_server(output, "127.0.0.1", 0, generation)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    rebuilding = None
    try:
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        stream.request("GET", "/__reload")
        events = stream.getresponse()
        saved = time.perf_counter()
        change(post)
        # What the watcher runs: the saved post's page first (then the full build, in its thread).
        posts = saved_posts([(None, str(post))], content)
        rebuilding = threading.Thread(target=rebuild, args=(generation, builder, posts))
        rebuilding.start()
        if events.fp.readline() != b"data: reload\n":
            raise RuntimeError("the dev server's rebuild failed (its errors are above)")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/{page_path(post)}")
        page = conn.getresponse().read().decode()
        elapsed = time.perf_counter() - saved
        stream.close()
        return elapsed, page
    finally:
        if rebuilding is not None:
            rebuilding.join()  # the full build, before its builder stops
        httpd.shutdown()
        builder.stop()


def plain_copy(blog: Blog, dest: Path) -> list[Path]:
    """The same Markdown with Pelican's own metadata header instead of YAML front matter."""
    (dest / "posts").mkdir(parents=True, exist_ok=True)
    posts = []
    for post in blog.posts:
        text = post.read_text()
        m = FRONT_MATTER.match(text)
        front, body = (m.group(1) or "", text[m.end() :]) if m else ("", text)
        title = re.search(r'^title: "(.*)"$', front, re.MULTILINE).group(1)
        date = re.search(r"^date: (\S+)$", front, re.MULTILINE).group(1)
        copy = dest / "posts" / (post.stem + ".md")
        copy.write_text(f"Title: {title}\nDate: {date}\n\n{body}")
        posts.append(copy)
    return posts


def plain_pelican(blog: Blog, work: Path) -> Timings:
    content = work / "plain-content"
    posts = plain_copy(blog, content)
    settings = work / "plain.py"
    settings.write_text(
        f"PATH = {str(content)!r}\nOUTPUT_PATH = {str(work / 'plain-output')!r}\nPLUGINS = []\n"
        f"CACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\nCACHE_PATH = {str(work / 'plain-cache')!r}\n"
        "TIMEZONE = 'UTC'\nSITEURL = ''\nRELATIVE_URLS = False\n"
    )
    return three_builds([sys.executable, "-m", "pelican", "-q", "-s", str(settings)], posts)


def jekyll_copy(blog: Blog, dest: Path) -> list[Path]:
    """The same posts for Jekyll: our own Liquid tags (figures) and links to posts not in
    this blog (post_url) would stop it, so they become text."""
    (dest / "_posts").mkdir(parents=True, exist_ok=True)
    (dest / "_config.yml").write_text("markdown: kramdown\nkramdown:\n  input: GFM\n  math_engine: mathjax\n")
    for folder in ("assets",):
        if (blog.content / folder).exists() and not (dest / folder).exists():
            shutil.copytree(blog.content / folder, dest / folder)
    posts = []
    for post in blog.posts:
        text = re.sub(r"\{%\s*(figure|post_url)\s+([^%]*?)\s*%\}", r"\1 \2", post.read_text())
        copy = dest / "_posts" / post.name
        copy.write_text(text)
        posts.append(copy)
    return posts


def jekyll(blog: Blog, work: Path) -> Timings:
    site = work / "jekyll-site"
    posts = jekyll_copy(blog, site)
    cmd = ["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(work / "jekyll-output")]
    return three_builds(cmd, posts, cwd=site)


def formula_rate(blog_sources: list[Path], cache: Path, runs: int = 3) -> tuple[int, int, float, float, int]:
    """(distinct formulas, refused, per wall second, per CPU second of Python + node, formulas in
    the text): every formula of the sources, rendered cold through the build's renderer (node
    start, one request per page, facts, disk cache); the median of `runs` runs.

    Cold means that no formula is in the cache. KaTeX's compiled code (V8's code cache, kept
    between builds as Python keeps .pyc files) is there as any earlier build leaves it: the
    first run makes it, and the median is of the runs after it when there are several."""
    import json
    import statistics

    from plugins import katex_render
    from plugins.kramdown_math import MathError, find_math

    pages = []
    expected = CORPUS.parent / "expected.json"
    tex = json.loads(expected.read_text()) if expected.exists() else {}
    for source in blog_sources:
        try:
            found = [(latex, display) for _, _, latex, display in find_math(source.read_text()) if latex]
        except MathError:  # a post our reader cannot read yet: its formulas as kramdown found them
            entry = tex.get(source.name, {})
            found = [(t, True) for t in entry.get("display_tex", [])] + [
                (t, False) for t in entry.get("inline_tex", [])
            ]
        pages.append(found)
    measured = []
    code_cache = None
    for run in range(runs + (1 if runs > 1 else 0)):
        folder = cache / f"run-{run}"
        if code_cache is not None:
            shutil.copytree(code_cache, folder / "katex-v8")
        katex_render.CACHE = folder  # no formula in it: every formula is rendered
        renderer = katex_render.Renderer()
        start, cpu = time.perf_counter(), time.process_time()
        for page in pages:
            renderer.prerender(page)
        node_cpu = 0.0
        for server in [renderer.server] if renderer.server else []:  # node's CPU time (utime + stime)
            stat = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            node_cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
            process = server.process
        renderer.close()  # includes the last cache writes: end to end
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu + node_cpu
        if renderer.server is None and node_cpu:
            process.wait(timeout=10)  # node writes KaTeX's code cache as it exits
        code_cache = folder / "katex-v8" if (folder / "katex-v8").is_dir() else None
        n = len(renderer.memo)
        refused = sum(isinstance(v, katex_render.KaTeXError) for v in renderer.memo.values())
        measured.append((n / elapsed, n / cpu))
    if runs > 1:
        measured = measured[1:]  # the first run made the code cache
    wall = statistics.median(r for r, _ in measured)
    per_cpu = statistics.median(c for _, c in measured)
    return n, refused, wall, per_cpu, sum(len(page) for page in pages)


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def measure(sizes: list[int], swiglu_only: bool, work: Path, with_jekyll: bool) -> Results:
    results = Results()
    for n in sizes:
        folder = work / f"n{n}"
        shutil.rmtree(folder, ignore_errors=True)
        blog = make_blog(folder / "content", n, swiglu_only)
        print(f"blog bench: {blog.described} (load average {load()})", file=sys.stderr, flush=True)
        jekyll_t = jekyll(blog, folder) if with_jekyll and shutil.which("jekyll") else None
        results.sizes.append(SizeResult(n, blog.described, ours(blog, folder), plain_pelican(blog, folder), jekyll_t))
    # KaTeX speed is measured on every real formula at hand (the corpus too, even with --swiglu-only).
    sources = [SWIGLU] + (sorted(CORPUS.glob("*.m*")) if CORPUS.is_dir() else [])
    (
        results.formulas,
        results.formula_errors,
        results.formulas_per_second,
        results.formulas_per_cpu_second,
        results.formulas_in_text,
    ) = formula_rate(sources, work / "formula-cache")
    return results


def s(v: float | None) -> str:
    return f"{v:.2f} s" if v is not None else "—"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2g}" if a is not None and b else "—"


def row(name: str, ours_: str, base: str = "", last: str = "") -> str:
    return f"| {name} | {ours_} | {base} | {last} |"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def rows(r: Results) -> list[str]:
    """Table rows (Measure | Ours | Baseline | ratio or verdict): plain Pelican is the baseline."""
    out = [row("**Blog** (ours ÷ plain Pelican; Jekyll in brackets)", "", "", "")]
    for size in r.sizes:
        j = size.jekyll
        out.append(row(f"*{size.described}*", "", "", ""))
        for name, attr in (
            ("cold build", "cold"),
            ("first no-change rebuild after it", "first_rebuild"),
            ("no-change rebuild", "no_change"),
            ("rebuild after editing one post", "edit_one"),
        ):
            mine, plain = getattr(size.ours, attr), getattr(size.plain, attr)
            jek = getattr(j, attr) if j else None
            base = f"{s(plain)} (Jekyll {s(jek)})" if j else s(plain)
            last = f"{ratio(mine, plain)} ({ratio(mine, jek)})" if j else ratio(mine, plain)
            out.append(row(f"{size.n} posts: {name}", s(mine), base, last))
        out.append(row(f"{size.n} posts: save a post → page reloaded (dev server)", s(size.ours.save_to_reload)))
        peak = size.ours.peak
        out.append(
            row(f"{size.n} posts: peak memory (build tree)", f"{peak / 1048576:,.0f} MB" if peak else "—", "", "")
        )
        for who, t in (("ours", size.ours), ("plain Pelican", size.plain), ("Jekyll", j)):
            if t and t.error:
                out.append(row(f"{size.n} posts: {who} failed", t.error.replace("|", "/").replace("\n", " "), "", ""))
    rate = r.formulas_per_second
    out.append(
        row(
            f"KaTeX, cold, end to end ({r.formulas} distinct formulas, {r.formulas_in_text} in the posts, "
            f"{r.formula_errors} refused; median of 3)",
            f"{rate:,.0f} formulas/s" if rate else "—",
            f"{r.formulas_per_cpu_second:,.0f} per CPU second" if r.formulas_per_cpu_second else "",
        )
    )
    return out


def budgets(r: Results) -> list[tuple[str, str, bool]]:
    """The blog rows of the bench's one budget table (tools/bench/budgets.py), checked on `r`:
    (name, value as printed, holds)."""
    from tools.bench.blog import values
    from tools.bench.budgets import BUDGETS

    measured, _ = values(r, quick=False)
    return [(b.name, *b.check(measured)) for b in BUDGETS if b.section == "blog"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--swiglu-only", action="store_true", help="copy only the SwiGLU post (not the corpus)")
    parser.add_argument("--work", type=Path, help="keep the generated blogs and outputs here")
    parser.add_argument("--no-jekyll", action="store_true")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-blog-"))
    results = measure(list(args.sizes), args.swiglu_only, work, not args.no_jekyll)
    print("| Measure | Ours | Baseline | Ours ÷ baseline, or verdict |\n|---|--:|--:|--:|")
    print("\n".join(rows(results) + [row(name, shown, "", verdict(ok)) for name, shown, ok in budgets(results)]))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
