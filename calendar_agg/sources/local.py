"""Local sources: one file, or a folder of issues (e.g. a clone of TWiR's content/)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import overload

from calendar_agg.config import SourceSettings
from calendar_agg.errors import DocumentError, SourceError
from calendar_agg.models import Document, Problem
from calendar_agg.sources import MAX_DOCUMENT_BYTES, FetchResult
from calendar_agg.sources.decode import decode_document

# Files a folder source reads; everything else (images, drafts folders' JSON...) is ignored.
DOCUMENT_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".xml", ".atom", ".rss", ".ics", ".txt"}


def read_path(source: SourceSettings) -> FetchResult:
    path = source.path
    assert path is not None
    if path.is_dir():
        return _read_folder(source, path)
    if not path.exists():
        raise SourceError(source.name, f"{path}: no such file or folder")
    if not path.is_file():  # a device or pipe could be endless
        raise SourceError(source.name, f"{path}: not a regular file or folder")
    return FetchResult(documents=[read_file(source, path)])


def _read_folder(source: SourceSettings, folder: Path) -> FetchResult:
    """Every document file of the folder, checked now (an unreadable one is a problem, the
    rest are read) but held as paths: each is read again when it is parsed, so a run over
    an archive of thousands of issues never holds all their text at once."""
    result = FetchResult()
    files = sorted(
        (p for p in folder.rglob("*") if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()),
        key=lambda p: (p.name, str(p)),
    )
    readable = []
    for path in files:
        try:
            read_file(source, path)
        except DocumentError as exc:
            result.problems.append(Problem(source.name, path.name, None, exc.reason))
        else:
            readable.append(path)
    result.documents = FolderDocuments(source, readable)
    return result


class FolderDocuments(Sequence[Document]):
    """A folder's documents, each read from its file when asked for and not kept. A file
    that can no longer be read as it was when the folder was listed (changed or removed
    meanwhile) fails the source: a run never parses part of a folder as if it were all."""

    def __init__(self, source: SourceSettings, paths: list[Path]) -> None:
        self._source, self._paths = source, paths

    def __len__(self) -> int:
        return len(self._paths)

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> list[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | list[Document]:
        if isinstance(index, slice):
            return [self._read(path) for path in self._paths[index]]
        return self._read(self._paths[index])

    def _read(self, path: Path) -> Document:
        try:
            return read_file(self._source, path)
        except DocumentError as exc:
            raise SourceError(self._source.name, f"{path}: changed while the folder was "
                              f"read ({exc.reason})") from None


def read_file(source: SourceSettings, path: Path) -> Document:
    """One file as a Document named by its file name; never more than the size cap is read,
    even of a file that grows while it is read."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_DOCUMENT_BYTES + 1) if size <= MAX_DOCUMENT_BYTES else b""
        if size > MAX_DOCUMENT_BYTES or len(data) > MAX_DOCUMENT_BYTES:
            raise DocumentError(source.name, path.name, f"{max(size, len(data))} bytes is "
                                f"over the {MAX_DOCUMENT_BYTES} byte limit")
    except OSError as exc:
        raise SourceError(source.name, f"{path}: {exc.strerror or exc}") from None
    text = decode_document(data, source.name, path.name)
    return Document(source=source.name, name=path.name, text=text, location=str(path),
                    format=source.format, timezone=source.timezone)
