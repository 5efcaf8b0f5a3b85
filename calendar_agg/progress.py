"""A one-line progress bar on a terminal, for runs that read many documents."""

from __future__ import annotations

import time
from typing import TextIO

MIN_DOCUMENTS = 20  # fewer documents than this finish too fast to need a bar
WIDTH = 30


class ProgressBar:
    """Callable as ``pipeline.Progress``: (source, done, total); redraws at most 10 times/s."""

    def __init__(self, stream: TextIO, clock=time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._drawn_at = float("-inf")

    def __call__(self, source: str, done: int, total: int) -> None:
        if total < MIN_DOCUMENTS:
            return
        now = self._clock()
        if done < total and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        filled = WIDTH * done // total
        bar = "#" * filled + "." * (WIDTH - filled)
        self._stream.write(f"\r{source[:30]} [{bar}] {done}/{total} documents")
        if done == total:
            self._stream.write("\n")
        self._stream.flush()


def progress_for(stream: TextIO, quiet: bool) -> ProgressBar | None:
    """A bar when ``stream`` is a terminal and the user did not ask for quiet."""
    if quiet or not stream.isatty():
        return None
    return ProgressBar(stream)
