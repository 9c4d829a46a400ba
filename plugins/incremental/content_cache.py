"""Sources already converted are not converted again: a cache of the readers' output.

A post's HTML and metadata (with its KaTeX facts and reading counts) depend on
its bytes, the settings, our plugin and figure code, the library versions,
KaTeX's version, and the files a reader looks at while converting (images for
their size, figure metadata). Each entry is stored under a hash of all of
those, so changing any of them misses the cache: it cannot serve stale HTML.
Pelican's own content cache keys only on the source file, and writes one big
pickle in place; this one keeps a file per entry, written atomically.

It hooks into the `Readers` object Pelican builds for each generator: its
`get_cached_data`/`cache_data`/`save_cache` calls (pelican 4.12.0's
`Readers.read_file`) are pointed at this cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from plugins import build_cache
from plugins.jekyll.site import MARKDOWN_SUFFIXES

ROOT = Path(__file__).resolve().parents[2]
# Code a reader runs: every plugin, and the figures package (the figure tag).
CODE = [ROOT / "plugins", ROOT / "figures"]
LIBRARIES = ["pelican", "markdown", "pymdown-extensions", "pygments", "pyyaml", "lxml", "pybtex"]
KATEX_PACKAGE_JSON = ROOT / "node_modules" / "katex" / "package.json"
SOURCE_SUFFIXES = (*MARKDOWN_SUFFIXES, ".ipynb")  # what the Jekyll and notebook readers convert
# Liquid that can read other posts ({% post_url %}, page.previous, site.posts…): anything but
# our own {% figure %} tag, which reads only figure metadata (covered by inputs_digest).
SITE_LIQUID = re.compile(rb"\{\{|\{%-?\s*(?!figure\s)\w")
# Settings that do not change what a reader makes (the staging folder's name has the pid in it).
IGNORED_SETTINGS = {
    "OUTPUT_PATH",
    "CACHE_PATH",
    "DELETE_OUTPUT_DIRECTORY",
    # The dev server's pages-only build (plugins/incremental/dev_pages.py): what is written, not how it reads.
    "DEV_ONLY_SOURCES",
    "STATIC_CREATE_LINKS",
    "PREVIOUS_OUTPUT",  # where unchanged pages are linked from (plugins/incremental/unchanged_outputs.py)
    "DEFER_TO_RUNNER",  # when the search index is made, not what a reader makes
    "PARALLEL_READS",  # how many processes convert posts (plugins/incremental/parallel_reads.py)
}


def stable(value, depth: int = 0, special=None):
    """A JSON-able picture of a settings value that is the same from one process to the next
    (object reprs carry memory addresses; functions and classes are named by module path).
    `special(value)`, when given, pictures the values it knows at any depth (None: the others)."""
    if depth > 8:
        return "…"
    if special is not None and (shown := special(value)) is not None:
        return shown
    if isinstance(value, dict):
        return {str(k): stable(v, depth + 1, special) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [stable(v, depth + 1, special) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Path):
        return str(value)
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    state = getattr(value, "__dict__", None)
    if isinstance(state, dict):
        # Markdown extensions keep their options in `config`; skip back-references to parsers.
        return [kind, stable({k: v for k, v in state.items() if k not in ("md", "parser")}, depth + 1, special)]
    return kind


def code_digest(folders: list[Path] = CODE) -> bytes:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".mjs", ".js", ".json") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def inputs_digest(settings: dict) -> bytes:
    """Stats of the files a reader may look at: everything in the content folder but the
    sources themselves (images anywhere, as in Jekyll; `_includes/`, `_config.yml`), and the
    generated figures' metadata. A source's own bytes are part of its entry's key instead."""
    content = Path(settings["PATH"])
    folders = [content, ROOT / "content" / "assets" / "figures"]
    digest = hashlib.sha256()
    for folder in dict.fromkeys(f.resolve() for f in folders if f.is_dir()):
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in SOURCE_SUFFIXES or not path.is_file():
                continue
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.digest()


def build_key(settings: dict, code: list[Path] = CODE, katex_package_json: Path = KATEX_PACKAGE_JSON) -> bytes:
    """Everything but the source file that determines a reader's output."""
    versions = []
    for lib in LIBRARIES:
        try:
            versions.append(f"{lib}={version(lib)}")
        except PackageNotFoundError:
            versions.append(f"{lib}=?")
    shown = {k: v for k, v in settings.items() if k not in IGNORED_SETTINGS}
    digest = hashlib.sha256(json.dumps(stable(shown), sort_keys=True).encode())
    digest.update(code_digest(code))
    digest.update(json.dumps(versions).encode())
    digest.update(katex_package_json.read_bytes() if katex_package_json.exists() else b"no katex")
    digest.update(inputs_digest(settings))
    return digest.digest()


class _Pickler(pickle.Pickler):
    """Categories and tags hold the settings dict: store a reference, not a copy per post."""

    def __init__(self, file, settings):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        return "settings" if obj is self.settings else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, settings):
        super().__init__(file)
        self.settings = settings

    def persistent_load(self, pid):
        if pid != "settings":
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self.settings


class ReaderCache:
    """get/put of (content, metadata) for one build, keyed by build_key and the source's bytes."""

    def __init__(self, settings: dict, folder: Path | None = None):
        self.settings = settings
        self.folder = folder or build_cache.folder() / "content"
        self.key = build_key(settings)
        self.hits = 0
        self._site_digest: bytes | None = None

    def _path(self, source: str) -> Path:
        data = Path(source).read_bytes()
        digest = hashlib.sha256(self.key + b"\0" + source.encode() + b"\0" + data)
        if SITE_LIQUID.search(data):  # its HTML may name other posts: key it on all of them
            digest.update(self.site_digest())
        if source.lower().endswith(".ipynb"):  # a notebook's outputs may come from its frozen copy
            from plugins.notebooks.reader import cache_inputs

            digest.update(cache_inputs(source, self.settings))
        digest = digest.hexdigest()
        return self.folder / digest[:2] / f"{digest[2:40]}.pickle"

    def site_digest(self) -> bytes:
        """Every post's stem, URL, title and date (what Liquid may print about other posts),
        worked out once per build, and only when a source uses such Liquid."""
        if self._site_digest is None:
            from plugins.jekyll.site import site_index

            self._site_digest = site_index(self.settings).digest()
        return self._site_digest

    def has(self, source: str) -> bool:
        """Whether an entry for `source` as it is now is stored (plugins/incremental/parallel_reads.py)."""
        try:
            return self._path(source).is_file()
        except OSError:
            return False

    def get(self, source: str, default=None):
        try:
            path = self._path(source)
            data = path.read_bytes()
        except OSError:
            return default
        try:
            value = _Unpickler(io.BytesIO(data), self.settings).load()
        except Exception:  # a damaged entry is only a miss
            return default
        self.hits += 1
        return value

    def put(self, source: str, value) -> None:
        buffer = io.BytesIO()
        try:
            _Pickler(buffer, self.settings).dump(value)
        except (pickle.PicklingError, TypeError, AttributeError):
            return  # something in the metadata cannot be stored: convert it again next time
        path = self._path(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, path)


def attach(readers) -> None:
    """Point this generator's Readers at the cache (unless the settings turn it off)."""
    if not readers.settings.get("READER_CACHE", True):
        return
    cache = ReaderCache(readers.settings)
    readers.get_cached_data = cache.get
    readers.cache_data = cache.put
    readers.save_cache = lambda: None  # every entry is written when it is made
    readers.reader_cache = cache
