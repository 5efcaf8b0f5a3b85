"""The run lock: one pipeline run at a time per store, across processes.

The lock is an ``fcntl.flock`` on a file next to the store (``var/calendar-agg.lock``
for ``var/calendar-agg.sqlite3``). The kernel releases it when the process ends,
however it ends, so a crash never leaves a stale lock. The file itself stays; it
holds the pid of the last holder, for messages only.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from calendar_agg.errors import RunLockedError, StoreError

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


def lock_path(store_path: Path) -> Path:
    """Where the run lock of a store lives: beside it, with the suffix ``.lock``."""
    return store_path.with_suffix(".lock")


@contextmanager
def run_lock(path: Path, wait: float = 0.0,
             stop: threading.Event | None = None) -> Iterator[None]:
    """Hold the lock at ``path``; wait up to ``wait`` seconds for it, else RunLockedError.

    ``stop`` ends the wait early (the daemon is shutting down).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(str(path), f"cannot open the lock file: {exc.strerror or exc}") from None
    try:
        _acquire(fd, path, wait, stop)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(fd: int, path: Path, wait: float, stop: threading.Event | None) -> None:
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
            raise RunLockedError(str(path), _holder(path))
        if not announced:
            log.info("waiting up to %g s for the run in progress (%s) to finish",
                     wait, _holder(path) or "lock " + str(path))
            announced = True
        if stop is not None:
            stop.wait(POLL_SECONDS)
        else:
            time.sleep(POLL_SECONDS)


def _holder(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return text or None
