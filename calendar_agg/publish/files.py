"""Writing published files: atomically, and only when their bytes change."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from calendar_agg.errors import PublishError

TEMP_SUFFIX = ".tmp"  # temp files are ".<name>.<random>.tmp" beside their target


def write_if_changed(path: Path, data: bytes | Iterable[bytes]) -> bool:
    """Write ``data`` (bytes, or its pieces in order) to ``path`` via a temp file + rename;
    False when the file already holds exactly these bytes.

    The pieces are compared with the file as they come, and a temp file is started only
    at the first difference: a large calendar (the archive) is never joined in memory, and
    an unchanged one is only read."""
    pieces = iter((data,) if isinstance(data, bytes | bytearray) else data)
    try:
        try:
            old: BinaryIO | None = open(path, "rb")  # noqa: SIM115 - closed below
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            old = None
        try:
            same = 0  # how many bytes at the start are as they were
            for piece in pieces:
                if old is None or old.read(len(piece)) != piece:
                    _replace(path, old, same, [piece], pieces)
                    return True
                same += len(piece)
            if old is not None and not old.read(1):
                return False  # every piece as it was, and nothing more in the file
            _replace(path, old, same, [], pieces)
            return True
        finally:
            if old is not None:
                old.close()
    except OSError as exc:
        raise PublishError(str(path), exc.strerror or str(exc)) from None


def _replace(path: Path, old: BinaryIO | None, same: int, first: list[bytes],
             rest: Iterator[bytes]) -> None:
    """Write the first ``same`` bytes of ``old``, then ``first`` and ``rest``, to a temp file
    that then takes the place of ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if same and old is not None:
                old.seek(0)
                _copy(old, handle, same)
            for piece in first:
                handle.write(piece)
            for piece in rest:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _copy(source: BinaryIO, target: BinaryIO, size: int) -> None:
    while size > 0:
        block = source.read(min(size, 1 << 20))
        if not block:
            raise OSError(f"{source.name}: changed while it was read")
        target.write(block)
        size -= len(block)


def remove_leftovers(folder: Path) -> int:
    """Delete the temp files a killed run left in ``folder``; how many there were.

    Only one run publishes at a time (the run lock), so no temp file here is in use.
    """
    removed = 0
    for temp in folder.rglob(f".*{TEMP_SUFFIX}") if folder.is_dir() else ():
        try:
            temp.unlink()
            removed += 1
        except OSError as exc:
            raise PublishError(str(temp), f"cannot remove a leftover temp file: "
                                          f"{exc.strerror or exc}") from None
    return removed
