"""Write figures to the content folder, regenerating only those whose source changed.

Each figure's files go under content/assets/ at the paths its module names,
with a `figures/<id>.meta.json` beside them that records the source hash the
files came from, the caption and the accessible name. The site build reads the
meta files; a hash that differs from the code's means the figure is stale.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from figures.export import csv_files
from figures.output import FigureOutput, dumps
from figures.registry import FIGURE_IDS, PICTURE_PATHS, load, source_hash
from figures.static import Exporter, has_narrow_picture

ASSETS = Path(__file__).resolve().parent.parent / "content" / "assets"


def meta_path(figure_id: str, assets: Path = ASSETS) -> Path:
    return assets / "figures" / f"{figure_id}.meta.json"


def read_meta(figure_id: str, assets: Path = ASSETS) -> dict | None:
    path = meta_path(figure_id, assets)
    return json.loads(path.read_text()) if path.exists() else None


def is_stale(figure_id: str, assets: Path = ASSETS) -> bool:
    """True if the figure was never made, its files are gone, or its code changed since."""
    meta = read_meta(figure_id, assets)
    if meta is None or meta.get("source_hash") != source_hash(figure_id):
        return True
    return not all((assets / f).is_file() for f in meta["files"])


def write(out: FigureOutput, assets: Path = ASSETS) -> None:
    """Write the figure's files, then its meta (last, so a crash leaves it stale).

    Files the previous version wrote and this one does not (say a picture that changed format)
    are removed, so the site never publishes them."""
    previous = read_meta(out.id, assets)
    for rel in sorted(set(previous["files"] if previous else []) - set(out.files)):
        (assets / rel).unlink(missing_ok=True)
    for rel, data in sorted(out.files.items()):
        path = assets / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    meta = {
        "id": out.id,
        "kind": out.kind,
        "label": out.label,
        "caption": out.caption,
        "files": sorted(out.files),
        "facts": out.facts,
        "source_hash": source_hash(out.id),
    }
    meta_path(out.id, assets).parent.mkdir(parents=True, exist_ok=True)
    meta_path(out.id, assets).write_bytes(dumps(meta) + b"\n")


def _make(figure_id: str) -> tuple[FigureOutput, float]:
    start = time.perf_counter()
    out = load(figure_id).make()
    return out, time.perf_counter() - start


def add_fallbacks(out: FigureOutput, exporter: Exporter) -> None:
    """Beside an interactive figure's JSON: a static picture of its default state (no-JS readers,
    feeds, print) and its data for every slider state as CSV."""
    spec = json.loads(out.files[f"figures/{out.id}.json"])
    extension, picture = exporter.picture(spec)
    out.files[f"figures/{out.id}.{extension}"] = picture
    add_narrow_picture(out, spec, exporter)
    out.files.update(csv_files(spec, out.id))


def add_narrow_picture(out: FigureOutput, spec: dict, exporter: Exporter) -> None:
    """A figure whose phone layout is more than a new height (stacked panels) also gets a phone-shaped
    picture, `<id>-narrow.<ext>`, that the page serves under (max-width: 34rem)."""
    if has_narrow_picture(spec):
        extension, picture = exporter.picture(spec, narrow=True)
        out.files[f"figures/{out.id}-narrow.{extension}"] = picture


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
FIGURE_TAG = re.compile(r"\{%-?\s*figure\s+([\w-]+)")


def used_in(content: Path, ids: list[str], suffixes: tuple[str, ...]) -> list[str]:
    """Those of `ids` that the content folder's sources (files with one of `suffixes`) show: named
    by a {% figure ID %} tag, or (a static figure such as Fig 1) linked by its picture's path. A
    blog that shows none of our figures never trains a network or starts Chromium for them."""
    texts = [
        p.read_text(errors="replace")
        for p in sorted(content.rglob("*"))
        if p.suffix.lower() in suffixes and p.is_file()
    ]
    text = "\n".join(texts)
    tagged = set(FIGURE_TAG.findall(text))
    return [i for i in ids if i in tagged or (i in PICTURE_PATHS and PICTURE_PATHS[i] in text)]


def generate(
    ids: list[str] | None = None,
    assets: Path = ASSETS,
    only_stale: bool = False,
    progress: Callable[[str], None] = print,
    jobs: int | None = None,
    content: Path | None = None,
    source_suffixes: tuple[str, ...] = (),
) -> dict[str, float]:
    """Make the figures `ids` (default: all), in parallel processes; return seconds per figure.
    With `content`, only those its posts (files with `source_suffixes`) show, looked for only
    when some figure needs making."""
    todo = [i for i in ids or FIGURE_IDS if not (only_stale and not is_stale(i, assets))]
    if todo and content is not None:
        todo = used_in(content, todo, source_suffixes)
    for figure_id in todo:
        load(figure_id)  # an unknown id fails here, before any work
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    times = {}
    if not todo:
        return times
    progress(f"generating {', '.join(todo)} ({jobs} process{'es' if jobs > 1 else ''})")
    # Each figure is made from its own seeded generator, so running them in
    # parallel processes changes no byte of the output.
    with ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent) if jobs > 1 else _InProcess() as pool:
        futures = {figure_id: pool.submit(_make, figure_id) for figure_id in todo}
        outputs = {figure_id: future.result() for figure_id, future in futures.items()}
    interactive = [out for out, _ in outputs.values() if out.kind == "interactive"]
    if interactive:
        start = time.perf_counter()
        with Exporter() as exporter:  # one browser for every picture (no browser: ChromiumMissing, saying how)
            for out in interactive:
                add_fallbacks(out, exporter)
        progress(f"static pictures of {', '.join(o.id for o in interactive)}: {time.perf_counter() - start:.1f} s")
    for figure_id, (out, seconds) in outputs.items():
        write(out, assets)
        times[figure_id] = seconds
        progress(f"{figure_id}: done in {seconds:.1f} s")
    return times


def die_with_parent() -> None:
    """In a worker: end when the process that started it dies (a build killed with SIGKILL
    would otherwise leave its workers sleeping forever). Linux's PR_SET_PDEATHSIG; elsewhere
    nothing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


class _InProcess:
    """The executor interface, run inline: one figure needs no extra process."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, fn, *args):
        future = Future()
        future.set_result(fn(*args))
        return future
