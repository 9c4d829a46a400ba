"""Pages whose bytes did not change are not written again.

tools/build.py builds into a staging folder and swaps it in. An empty staging
folder made every build create every page and folder again: 355 MB and 2,600
folders for a 1,000-post maths blog, most of a no-change rebuild's time on
this file system (a new file or folder costs 0.1–0.4 ms, an unchanged one
nothing). So the staging folder is the site before the current one, kept by
tools/build.py as a spare: its pages are listed in a manifest (in the build
cache, named after the folder's inode, which renames keep), and every other
file in it (static copies, search index, cards) is removed before the build.
A post or page whose key (page_keys.py: everything its template shows) is the
one the spare's or the current site's build recorded for it, on a file left
untouched since (same inode, size and time), is not rendered at all: the
staged page is kept or the current one linked. Every other page is rendered,
and this writer then

- keeps the staged page when its bytes are already those (the usual case);
- else links the current site's page when that one has those bytes (a page
  changed by the previous build);
- else writes a new file (unlinking the old name first: a staged page may be
  a link shared with the current site, so it is never changed in place).

Once the pages are written, and before the static files are copied (`finish`),
staged pages this build did not write (a deleted post) are removed and the
manifest lists the pages written.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from pelican.generators import Generator
from pelican.utils import sanitised_join
from pelican.writers import Writer

from plugins.incremental.page_keys import Keys


def manifest_of(site: Path) -> Path:
    """Where the list of a built site's pages is kept: outside the site (it is not published),
    under the folder's device and inode, which stay the same through the build's renames."""
    from plugins import build_cache

    st = site.stat()
    return build_cache.folder() / "site-pages" / f"{st.st_dev}-{st.st_ino}"


def _listed(site: Path) -> set[str]:
    manifest = manifest_of(site)
    return set(manifest.read_text().splitlines()) if manifest.is_file() else set()


def _same_bytes(path: Path, data: bytes) -> bool:
    """Whether the file holds exactly `data`, read in chunks (a page is a few hundred KB:
    reading it whole would allocate, and fault in, that much memory again per page)."""
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size != len(data):
                return False
            view, at = memoryview(data), 0
            while chunk := f.read(CHUNK):
                if view[at : at + len(chunk)] != chunk:
                    return False
                at += len(chunk)
            return at == len(data)
    except OSError:
        return False


CHUNK = 1 << 16


class _ComparedFile(io.TextIOBase):
    """Stands for the text file Pelican opens to write a page or a feed: keeps the text it
    is given (a page is one string: no copy) and, when closed, keeps the staged file, links
    the current one or writes a new file. A staged file is never changed in place. (A text
    stream, so that the feed writer's XML generator writes text to it, not bytes.)"""

    def __init__(self, path: str, current: Path | None, encoding: str):
        super().__init__()
        self.path, self.current, self.text_encoding = path, current, encoding
        self.parts: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def close(self) -> None:
        if self.closed:
            return
        try:
            self._put(("".join(self.parts)).encode(self.text_encoding))
        finally:
            self.parts = []
            super().close()

    def _put(self, data: bytes) -> None:
        staged = Path(self.path)
        if _same_bytes(staged, data):
            return
        staged.unlink(missing_ok=True)
        if self.current is not None and _same_bytes(self.current, data):
            try:
                os.link(self.current, staged)
                return
            except OSError:  # another file system, a link limit: write it
                pass
        staged.write_bytes(data)


def keys_of(site: Path) -> Path:
    """Where a built site's page keys are kept (beside its manifest)."""
    manifest = manifest_of(site)
    return manifest.with_name(f"{manifest.name}.keys.json")


def _read_keys(site: Path | None) -> dict[str, list]:
    """A site's pages as its build recorded them: {relative path: [key, inode, size, mtime_ns]}."""
    try:
        keys = json.loads(keys_of(site).read_text()) if site is not None and site.is_dir() else {}
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def _record(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _holds(site_keys: dict, rel: str, key: str, path: str) -> bool:
    """Whether the file at `path` is the page its site's build wrote under `key`, untouched since
    (the same inode, size and time: a page moved in by the dev server, or rewritten for a host, is not)."""
    entry = site_keys.get(rel)
    return isinstance(entry, list) and entry[:1] == [key] and entry[1:] == _record(path)


class UnchangedOutputsWriter(Writer):
    """Renders a post or page only when its key (page_keys.py) is not the one the current
    site's or the spare's build wrote it under; otherwise that page is kept (staged) or linked
    (current). Every other file is rendered and compared (_ComparedFile)."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        current = self.settings.get("PREVIOUS_OUTPUT")
        self.current = Path(current) if current else None
        # A publish build rewrites its pages afterwards (hashed asset names): no key is trusted or kept.
        self.keys = None if self.settings.get("PREPARE_FOR_HOST") else Keys(self.settings["THEME"])
        self.current_keys = _read_keys(self.current)
        self.staged_keys = _read_keys(Path(output_path))
        self.new_keys: dict[str, list] = {}

    def write_file(self, name, template, context, relative_urls=False, paginated=None, **kwargs):
        content = kwargs.get("article") or kwargs.get("page")
        if self.keys is None or content is None or paginated or relative_urls or not name:
            return super().write_file(name, template, context, relative_urls, paginated, **kwargs)
        path = sanitised_join(self.output_path, name)
        rel = os.path.relpath(path, self.output_path)
        if path in self._written_files or path in self._overridden_files:  # Pelican's override rules decide
            return super().write_file(name, template, context, relative_urls, paginated, **kwargs)
        key = self.keys.of(content, template.name, context, kwargs)
        if self._keep(rel, path, key):
            self._written_files.add(path)
            if kwargs.get("override_output"):
                self._overridden_files.add(path)
        else:
            super().write_file(name, template, context, relative_urls, paginated, **kwargs)
        record = _record(path)
        if record is not None:
            self.new_keys[rel] = [key, *record]

    def _keep(self, rel: str, path: str, key: str) -> bool:
        """Keep the staged page, or link the current one, when it was written under `key`."""
        if _holds(self.staged_keys, rel, key, path):
            return True
        if self.current is None:
            return False
        current = str(self.current / rel)
        if not _holds(self.current_keys, rel, key, current):
            return False
        try:
            if os.path.exists(path) and os.path.samefile(path, current):
                return True
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if os.path.lexists(path):
                os.unlink(path)  # never changed in place: it may be shared with the current site
            os.link(current, path)
            return True
        except OSError:  # another file system, a link limit: render it
            return False

    def _open_w(self, filename, encoding, override=False):
        if filename in self._written_files or filename in self._overridden_files:
            # A second write to one name (Pelican's override rules decide): through a new file.
            if override and filename not in self._overridden_files:
                Path(filename).unlink(missing_ok=True)
            return super()._open_w(filename, encoding, override)
        # Pelican's bookkeeping for a first write (Writer._open_w, pelican 4.12.0).
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        current = self.current / os.path.relpath(filename, self.output_path) if self.current else None
        return _ComparedFile(filename, current, encoding)


def _inside(site: Path, rels) -> set[str]:
    """The relative paths that name a file inside `site` (Pelican records a skipped write as
    os.devnull; a damaged manifest must never make the build delete anything outside)."""
    root = os.path.realpath(site)
    return {rel for rel in rels if os.path.realpath(os.path.join(root, rel)).startswith(root + os.sep)}


def keep_only_pages(site: Path) -> None:
    """Before a build into a spare site: remove every file but the pages its manifest lists,
    and the folders left empty."""
    pages = _inside(site, _listed(site))
    for folder, _dirs, files in os.walk(site, topdown=False):
        for name in files:
            path = os.path.join(folder, name)
            if os.path.relpath(path, site) not in pages:
                os.unlink(path)
        if folder != str(site) and not os.listdir(folder):
            os.rmdir(folder)


def finish(site: Path, written: set[str], keys: dict[str, list] | None = None) -> None:
    """Once the pages are written: remove the pages the spare held that this build did not
    write (a deleted post), and folders left empty, then list the pages written in the
    manifest. Runs before the static files are copied, so that none of them is ever
    copied onto a kept page, which may be shared with the current site."""
    root = os.path.realpath(site)
    written_rel = _inside(site, {os.path.relpath(os.path.realpath(p), root) for p in written if p != os.devnull})
    for rel in sorted(_inside(site, _listed(site)) - written_rel):
        path = site / rel
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == site or not folder.exists() or any(folder.iterdir()):
                break
            folder.rmdir()
    manifest = manifest_of(site)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    write_whole(manifest, "".join(f"{rel}\n" for rel in sorted(written_rel)))
    write_whole(keys_of(site), json.dumps({rel: v for rel, v in sorted((keys or {}).items()) if rel in written_rel}))
    prune_manifests(manifest.parent)


def write_whole(path: Path, text: str) -> None:
    """Write `path` so that a reader sees the old file or the new one, never part of one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def prune_manifests(folder: Path, days: int = 30) -> None:
    """Manifests of sites deleted long ago (each names a folder inode that is gone)."""
    import time

    for old in folder.iterdir():
        try:
            if time.time() - old.stat().st_mtime > days * 86400:
                old.unlink()
        except OSError:
            pass


class FinishPages(Generator):
    """Pelican runs plugin generators after its own and before StaticGenerator: by then
    every page is written (figure pages come from an earlier plugin generator)."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        if isinstance(writer, UnchangedOutputsWriter):
            finish(Path(self.output_path), writer._written_files, writer.new_keys)


def get_generators(pelican):
    return FinishPages


def get_writer(pelican):
    settings = pelican.settings
    if not settings.get("DEV_ONLY_SOURCES"):  # plugins/incremental/dev_pages.py has its own writer
        return UnchangedOutputsWriter
    return None
