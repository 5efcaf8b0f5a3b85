"""Local sources: one file, or a folder of issues (e.g. a clone of TWiR's content/)."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path

from calendar_agg.config import SourceSettings
from calendar_agg.errors import DocumentError, SourceError
from calendar_agg.models import Document, Problem
from calendar_agg.sources import MAX_DOCUMENT_BYTES, FetchResult
from calendar_agg.sources.decode import decode_document

# Files a folder source reads; everything else (images, drafts folders' JSON...) is ignored.
DOCUMENT_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".xml", ".atom", ".rss", ".ics", ".txt"}


def read_path(source: SourceSettings, skip: Collection[Path] = ()) -> FetchResult:
    """The file, or the document files of the folder, but for those in a ``skip`` folder
    (the run's output: a folder source run from inside it would read its own feeds)."""
    path = source.path
    assert path is not None
    if path.is_dir():
        return _read_folder(source, path, skip)
    if not path.exists():
        raise SourceError(source.name, f"{path}: no such file or folder")
    if not path.is_file():  # a device or pipe could be endless
        raise SourceError(source.name, f"{path}: not a regular file or folder")
    return FetchResult(documents=[read_file(source, path)])


def _read_folder(source: SourceSettings, folder: Path, skip: Collection[Path]) -> FetchResult:
    """Every document file of the folder, held as paths and read one at a time as the
    documents are gone through, so a run over an archive of thousands of issues never
    holds all their text at once. The result's ``problems`` fill as they are read."""
    inside = _inside(folder, skip)
    files = sorted(
        (p for p in folder.rglob("*") if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()
         and not any(p.is_relative_to(left) for left in inside)),
        key=lambda p: (p.name, str(p)),
    )
    problems: list[Problem] = []
    return FetchResult(documents=FolderDocuments(source, files, problems), problems=problems)


def _inside(folder: Path, skip: Collection[Path]) -> list[Path]:
    """The ``skip`` folders within ``folder``, as the paths its walk gives under them."""
    root = folder.resolve()
    return [folder / within.relative_to(root) for within in map(Path.resolve, skip)
            if within.is_relative_to(root)]


class FolderDocuments(Collection[Document]):
    """A folder's documents, each read from its file when the iteration reaches it and not
    kept. A file that is no readable document (binary, empty, over the size cap) is left
    out and noted in ``problems``, once however often the documents are gone through."""

    def __init__(self, source: SourceSettings, paths: list[Path],
                 problems: list[Problem]) -> None:
        self._source, self._paths, self._problems = source, paths, problems
        self._noted: set[Path] = set()

    def __len__(self) -> int:
        """How many files there are (some may turn out to be no document)."""
        return len(self._paths)

    def __contains__(self, document: object) -> bool:
        return isinstance(document, Document) and Path(document.location) in self._paths

    def __iter__(self) -> Iterator[Document]:
        for path in self._paths:
            try:
                yield read_file(self._source, path)
            except DocumentError as exc:
                if path not in self._noted:
                    self._noted.add(path)
                    self._problems.append(Problem(self._source.name, path.name, None,
                                                  exc.reason))


def read_file(source: SourceSettings, path: Path) -> Document:
    """One file as a Document named by its file name; never more than the size cap is read,
    even of a file that grows while it is read."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b""
            if size <= MAX_DOCUMENT_BYTES:  # read(n) sets n bytes aside: ask for the size
                data = handle.read(size + 1)
                if len(data) > size:  # it grew meanwhile: at most up to the cap
                    data += handle.read(MAX_DOCUMENT_BYTES + 1 - len(data))
        if size > MAX_DOCUMENT_BYTES or len(data) > MAX_DOCUMENT_BYTES:
            raise DocumentError(source.name, path.name, f"{max(size, len(data))} bytes is "
                                f"over the {MAX_DOCUMENT_BYTES} byte limit")
    except PermissionError as exc:  # lasting, and about this file only: read the others
        raise DocumentError(source.name, path.name, f"cannot read: {exc.strerror or exc}"
                            ) from None
    except OSError as exc:  # gone while the run reads the folder, a failing disk
        raise SourceError(source.name, f"{path}: {exc.strerror or exc}") from None
    text = decode_document(data, source.name, path.name)
    return Document(source=source.name, name=path.name, text=text, location=str(path),
                    format=source.format, timezone=source.timezone)
