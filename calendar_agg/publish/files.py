"""Writing published files: atomically, and only when their bytes change.

A run writes hundreds of files (a calendar per event of the window). Each changed file goes
first to a temp file beside it; a batch of those is then made durable together (their
fsyncs overlap in threads, so the disk flushes them in one go rather than one after
another), and only then does each take its target's place. A target is never replaced by
bytes that are not on disk yet, and a failure before the renames leaves every target of
the batch as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from calendar_agg.errors import PublishError

TEMP_SUFFIX = ".tmp"  # temp files are ".<name>.<random>.tmp" beside their target
BATCH = 64  # changed files waiting at most for their fsyncs (each holds a file descriptor)
_SYNC_THREADS = 8


class Writes:
    """Files written atomically and only when their bytes change, a batch at a time (see
    the module's docstring). Use as a context manager: leaving it without an error puts the
    files still waiting in place; leaving it with one removes their temp files, and their
    targets stay as they were."""

    def __init__(self, batch: int = BATCH) -> None:
        self._batch = batch
        self._waiting: list[tuple[Path, str, BinaryIO]] = []  # (target, temp, temp's handle)

    def __enter__(self) -> Writes:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is None:
            self.settle()
        else:
            self._discard(self._waiting)

    def write(self, path: Path, data: bytes | Iterable[bytes]) -> bool:
        """Write ``data`` (bytes, or its pieces in order) to ``path``; False when the file
        already holds exactly these bytes.

        The pieces are compared with the file as they come, and a temp file is started only
        at the first difference: a large calendar (the archive) is never joined in memory,
        and an unchanged one is only read."""
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
                        self._stage(path, old, same, [piece], pieces)
                        return True
                    same += len(piece)
                if old is not None and not old.read(1):
                    return False  # every piece as it was, and nothing more in the file
                self._stage(path, old, same, [], pieces)
                return True
            finally:
                if old is not None:
                    old.close()
        except OSError as exc:
            raise PublishError(str(path), exc.strerror or str(exc)) from None

    def settle(self) -> None:
        """Make the waiting files durable, together, then put each in its target's place."""
        waiting, self._waiting = self._waiting, []
        try:
            if len(waiting) > 1:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(min(_SYNC_THREADS, len(waiting))) as threads:
                    for future in [threads.submit(_sync, *item) for item in waiting]:
                        future.result()
            else:
                for item in waiting:
                    _sync(*item)
            while waiting:
                path, temp, handle = waiting[0]
                handle.close()
                try:
                    os.chmod(temp, 0o644)
                    os.replace(temp, path)
                except OSError as exc:
                    raise PublishError(str(path), exc.strerror or str(exc)) from None
                waiting.pop(0)
        except BaseException:
            self._discard(waiting)
            raise

    def _stage(self, path: Path, old: BinaryIO | None, same: int, first: list[bytes],
               rest: Iterator[bytes]) -> None:
        """Write the first ``same`` bytes of ``old``, then ``first`` and ``rest``, to a temp
        file that waits to take the place of ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX,
                                    dir=path.parent)
        handle = os.fdopen(fd, "wb")
        try:
            if same and old is not None:
                old.seek(0)
                _copy(old, handle, same)
            for piece in first:
                handle.write(piece)
            for piece in rest:
                handle.write(piece)
            handle.flush()
        except BaseException:
            self._discard([(path, temp, handle)])
            raise
        self._waiting.append((path, temp, handle))
        if len(self._waiting) >= self._batch:
            self.settle()

    @staticmethod
    def _discard(waiting: list[tuple[Path, str, BinaryIO]]) -> None:
        """Remove temp files that will not take their targets' places."""
        for _, temp, handle in waiting:
            try:
                handle.close()  # flushes what it still buffers: may fail as the write did
            except OSError:
                pass
            Path(temp).unlink(missing_ok=True)
        waiting.clear()


def _sync(path: Path, temp: str, handle: BinaryIO) -> None:
    try:
        os.fsync(handle.fileno())
    except OSError as exc:
        raise PublishError(str(path), exc.strerror or str(exc)) from None


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
