"""Worker processes for a run's parsing: a backfill parses hundreds of documents, each on its
own, which other CPUs can parse while the run stores what the first ones gave.

The workers are forked from the run's process once there is enough to parse (a run that
parses a new issue or two parses them itself), so they start with the run's modules and
tables loaded. Only a document and its parse cross between the processes; the store is
touched by the run's process alone. Where processes cannot be forked, or ``processes`` is
1, every document is parsed in the run's own process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

R = TypeVar("R")

INLINE = 4  # documents a run parses itself before it starts workers


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


class Workers:
    """Runs functions in up to ``processes`` forked worker processes, started on the first
    call after ``inline`` calls made in this process; ``submit`` gives a future either way.
    Use as a context manager: the workers stop when it ends."""

    def __init__(self, processes: int, inline: int = INLINE) -> None:
        self.processes = processes
        self._inline = inline
        self._calls = 0
        self._pool: ProcessPoolExecutor | None = None

    @property
    def ahead(self) -> int:
        """How many calls a caller may leave running before it waits for the oldest: none
        until the workers run (each call is done when ``submit`` returns)."""
        return 2 * self.processes if self._pool is not None else 0

    def submit(self, function: Callable[..., R], *args: Any) -> Future[R]:
        """``function(*args)``, in a worker once they run (``function`` and ``args`` must then
        pickle), else here and now."""
        self._calls += 1
        if self._pool is None and (self._calls <= self._inline or self.processes < 2):
            return called(function, *args)
        if self._pool is None:
            import multiprocessing  # here: a run that parses a few documents never needs it
            from concurrent.futures import ProcessPoolExecutor

            if "fork" not in multiprocessing.get_all_start_methods():
                self.processes = 1
                return called(function, *args)
            self._pool = ProcessPoolExecutor(self.processes,
                                             mp_context=multiprocessing.get_context("fork"),
                                             initializer=_die_with, initargs=(os.getpid(),))
        return self._pool.submit(function, *args)

    def result(self, future: Future[R], again: Callable[[], R]) -> R:
        """A submitted call's result; ``again()`` when its worker died (killed, or out of
        memory): the caller goes on without the workers' help for it."""
        try:
            return future.result()
        except Exception as exc:
            from concurrent.futures.process import BrokenProcessPool

            if isinstance(exc, BrokenProcessPool):
                return again()
            raise

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _die_with(parent: int) -> None:
    """In a worker: end when the run's process ends, even killed (else a worker would wait
    for work forever, holding the run's output pipes open)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the watch below does it, more slowly
        pass
    if os.getppid() != parent:  # the run ended before the line above
        os._exit(1)
    import threading

    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


_PR_SET_PDEATHSIG = 1  # prctl(2)


def _watch(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def called(function: Callable[..., R], *args: Any) -> Future[R]:
    """A future with ``function(*args)`` called here and now (what it raises, it raises)."""
    future: Future[R] = Future()
    future.set_result(function(*args))
    return future
