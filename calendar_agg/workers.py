"""Worker processes: a backfill (or ``calendar-agg parse`` of an archive) parses hundreds of
documents and derives thousands of events, each on its own, which other CPUs can do while
the run stores what the first ones gave.

``Workers`` parse: they are forked from the run's process once there is enough to parse (a
run that parses a new issue or two parses them itself), so they start with the run's
modules and tables loaded, and only a document and its parse cross between the processes.
``forked_map`` derives: its workers are forked once the listings are grouped, so they see
the groups without anything crossing but the rows they hand back. The store is touched by
the run's process alone. Where processes cannot be forked, or ``processes`` is 1,
everything is done in the run's own process.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

R = TypeVar("R")

INLINE = 4  # documents a run parses itself before it starts workers
CHUNK = 8  # consecutive calls sent to a worker together


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


class Call(Generic[R]):
    """One submitted call: made here (``done``), or one of a batch sent to a worker."""

    def __init__(self) -> None:
        self.done = False
        self.value: Any = None
        self.batch: Future[list[tuple[bool, Any]]] | None = None  # once sent
        self.index = 0  # its place in the batch


class Workers:
    """Runs functions in up to ``processes`` forked worker processes, started on the first
    call after ``inline`` calls made in this process. Calls go to the workers ``chunk`` at
    a time, consecutive calls together: consecutive issues list many of the same entries,
    which a parser reads once. Use as a context manager: the workers stop when it ends."""

    def __init__(self, processes: int, inline: int = INLINE, chunk: int = CHUNK) -> None:
        self.processes = processes
        self._inline, self._chunk = inline, chunk
        self._calls = 0
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: list[tuple[Call, Callable, tuple]] = []  # not sent yet

    @property
    def ahead(self) -> int:
        """How many calls a caller may leave unfinished before it asks for the oldest's
        result: none until the workers run (each call is made when ``submit`` returns)."""
        return 2 * self.processes * self._chunk if self._pool is not None else 0

    def submit(self, function: Callable[..., R], *args: Any) -> Call[R]:
        """``function(*args)``, in a worker once they run (``function`` and ``args`` must then
        pickle), else here and now."""
        self._calls += 1
        call: Call[R] = Call()
        if not self._running():
            call.done, call.value = True, function(*args)
            return call
        self._waiting.append((call, function, args))
        if len(self._waiting) >= self._chunk:
            self._send()
        return call

    def result(self, call: Call[R], again: Callable[[], R] | None = None) -> R:
        """A submitted call's result (what it raised, raised here); ``again()`` when its
        worker died (killed, or out of memory): the caller goes on without the workers'
        help for it."""
        if call.done:
            return call.value
        if call.batch is None:
            self._send()
        assert call.batch is not None
        try:
            made, value = call.batch.result()[call.index]
        except Exception as exc:
            from concurrent.futures.process import BrokenProcessPool

            if again is None or not isinstance(exc, BrokenProcessPool):
                raise
            return again()
        if not made:
            raise value
        return value

    def flush(self) -> None:
        """Send the calls that wait for a full batch now: no more are coming, and a worker
        would otherwise sit idle until the caller asks for their results."""
        if self._pool is not None and self._waiting:
            self._send()

    def _running(self) -> bool:
        """Whether calls go to the workers now (which are started when they are due)."""
        if self._pool is not None:
            return True
        if self._calls <= self._inline or self.processes < 2:
            return False
        if not can_fork():
            self.processes = 1
            return False
        self._pool = _forked_pool(self.processes)
        return True

    def _send(self) -> None:
        assert self._pool is not None
        batch, self._waiting = self._waiting, []
        sent = self._pool.submit(_run_batch, [(function, args) for _, function, args in batch])
        for index, (call, _, _) in enumerate(batch):
            call.batch, call.index = sent, index

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def forked_map(function: Callable[[int, int], list[R]], count: int, processes: int,
               chunk: int) -> Iterator[R]:
    """The items of ``function(start, stop)`` over ``range(count)``, ``chunk`` at a time, in
    order, made by ``processes`` worker processes forked now: they see what this process
    holds at this moment (the caller puts what ``function`` reads where it finds it), and
    only the items cross back. A chunk whose worker died is made here."""
    from concurrent.futures.process import BrokenProcessPool

    with _forked_pool(processes) as pool:
        pending: deque[tuple[int, int, Future[list[R]]]] = deque()

        def oldest() -> list[R]:
            start, stop, made = pending.popleft()
            try:
                return made.result()
            except BrokenProcessPool:
                return function(start, stop)

        for start in range(0, count, chunk):
            stop = min(start + chunk, count)
            pending.append((start, stop, pool.submit(function, start, stop)))
            while len(pending) > 2 * processes:
                yield from oldest()
        while pending:
            yield from oldest()


def can_fork() -> bool:
    """Whether worker processes can be forked here."""
    import multiprocessing  # here: a run that parses a few documents never needs it

    return "fork" in multiprocessing.get_all_start_methods()


def _forked_pool(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` workers forked from this process, each ending with it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with, initargs=(os.getpid(),))


def _run_batch(calls: list[tuple[Callable, tuple]]) -> list[tuple[bool, Any]]:
    """In a worker: each call made, as (True, its value) or (False, what it raised)."""
    made: list[tuple[bool, Any]] = []
    for function, args in calls:
        try:
            made.append((True, function(*args)))
        except Exception as exc:  # noqa: BLE001 (handed to the caller, who raises it)
            made.append((False, exc))
    return made


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
