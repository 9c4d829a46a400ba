"""The notebook reader: a `.ipynb` in `content/` is a post, converted by the Jekyll reader's own path.

`NotebookReader` is the Jekyll reader with two of its steps replaced: the text it reads is
the notebook made into front matter and Markdown (plugins/notebooks/convert.py), and the
Markdown step gets one more extension (plugins/notebooks/blocks.py) that puts each code cell's
HTML in place. No kernel starts unless the notebook asks (plugins/notebooks/execute.py).
A message that the Jekyll reader gives as `file:LINE` names the cell instead
(`post.ipynb: cell 4, line 2: …`). The files the outputs become (pictures, figures' JSON,
CSV) are kept in the build cache by their hash and listed in the post's metadata
(`notebook_files`), so a post read from the reader cache still has them; plugins/notebooks/
publish.py writes them into the output.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pelican.utils import slugify

from plugins import build_cache
from plugins.jekyll.front_matter import SourceError
from plugins.jekyll.reader import JekyllMarkdownReader, case_variants
from plugins.notebooks import execute
from plugins.notebooks.blocks import NotebookPartsExtension
from plugins.notebooks.convert import Converted, convert
from plugins.notebooks.outputs import SITE
from plugins.notebooks.source import execution_requested, front_matter, read_notebook

STORE = "notebook-files"  # the build cache's folder of output files, by hash


class LocatedError(SourceError):
    """A SourceError whose text names the notebook's cell rather than a line of the generated text."""

    def __init__(self, text: str):
        ValueError.__init__(self, text)


def store(data: bytes) -> str:
    """Keep `data` in the build cache; its name (a hash) to load it back with."""
    digest = hashlib.sha256(data).hexdigest()
    path = build_cache.folder() / STORE / digest[:2] / digest
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{digest}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return digest


def load(digest: str) -> bytes | None:
    path = build_cache.folder() / STORE / digest[:2] / digest
    return path.read_bytes() if path.is_file() else None


def located(text: str, path: str, where: list[str]) -> str:
    """`text` with each `path:LINE` of the generated text replaced by what that line came from."""

    def name(m: re.Match) -> str:
        line = int(m.group(1))
        return f"{path}: {where[line - 1]}" if 0 < line <= len(where) else m.group(0)

    return re.sub(re.escape(path) + r":(\d+)", name, text)


class NotebookReader(JekyllMarkdownReader):
    """A Jupyter notebook (nbformat 4) as a Jekyll post; see the module's docstring."""

    file_extensions = ["ipynb"]
    _converted: Converted | None = None

    def read(self, source_path):
        self._converted = None
        try:
            content, metadata = super().read(source_path)
        except SourceError as err:
            where = self._converted.where if self._converted else []
            raise LocatedError(located(str(err), source_path, where)) from None
        converted = self._converted
        site = self.settings.get("SITEURL", "")
        content = content.replace(SITE, site)
        if isinstance(metadata.get("summary"), str):
            metadata["summary"] = metadata["summary"].replace(SITE, site)
        metadata["author_warnings"] = [located(w, source_path, converted.where) for w in metadata["author_warnings"]]
        metadata["notebook_files"] = sorted((rel, store(data)) for rel, data in converted.outputs.files.items())
        metadata["notebook_figures"] = [
            {k: v.replace(SITE, site) if isinstance(v, str) else v for k, v in figure.items()}
            for figure in converted.outputs.figures
        ]
        return content, metadata

    def source_text(self, source_path) -> str:
        data = Path(source_path).read_bytes()
        notebook = read_notebook(source_path, data)
        requested = execution_requested(front_matter(notebook).values)
        notebook = execute.published(notebook, source_path, self.settings, requested)
        stem = Path(source_path).stem
        named = re.match(self.settings.get("FILENAME_METADATA") or r"(?!)", stem)
        slug = slugify((named.groupdict().get("slug") if named else None) or stem)
        exporter = None

        def open_exporter():
            nonlocal exporter
            if exporter is None:
                from figures.static import Exporter

                exporter = Exporter().__enter__()
            return exporter

        nonce = hashlib.sha256(data).hexdigest()[:16]
        try:
            self._converted = convert(
                source_path, notebook, self.settings, slug, f"notebooks/{slugify(stem)}", open_exporter, nonce
            )
        finally:
            if exporter is not None:
                exporter.__exit__(None, None, None)
        for warning in self._converted.outputs.warnings:
            self.warn(source_path, None, warning)
        return self._converted.text

    def extensions(self, renderer) -> list:
        return [*super().extensions(renderer), NotebookPartsExtension(self._converted.parts, renderer)]


def cache_inputs(source_path: str, settings: dict) -> bytes:
    """What a notebook post depends on besides its file (the reader cache keys on it): its frozen copy."""
    try:
        notebook = read_notebook(source_path, Path(source_path).read_bytes())
    except (SourceError, OSError):
        return b""
    frozen = execute.frozen_path(notebook, settings)
    return b"frozen " + frozen.name.encode() if frozen.is_file() else b"saved"


def add_reader(readers) -> None:
    for ext in NotebookReader.file_extensions:
        for variant in case_variants(ext):
            readers.reader_classes[variant] = NotebookReader
