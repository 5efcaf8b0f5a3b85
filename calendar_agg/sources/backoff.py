"""How long a failing source is left alone before the next attempt.

After ``n`` consecutive failures a source is not fetched again before
``last_attempt + min(BASE * 2**(n-1), LONGEST)``: 1 min, 2 min, 4 min, ... up to
a day, or until the time a server's ``Retry-After`` named when that is later. A
success resets the count. The numbers live in the store's ``sources`` table
(``failures``, ``last_attempt``, ``retry_after``), so the delay holds across processes.
"""

from __future__ import annotations

import datetime as dt

BASE = dt.timedelta(minutes=1)
LONGEST = dt.timedelta(days=1)


def retry_delay(failures: int) -> dt.timedelta:
    """The pause after ``failures`` consecutive failures (zero when there were none)."""
    if failures <= 0:
        return dt.timedelta(0)
    return min(BASE * 2 ** min(failures - 1, 20), LONGEST)


def next_attempt(state: dict | None) -> dt.datetime | None:
    """When a source with this stored state may be fetched again; None = now.

    A server's ``Retry-After`` (kept as ``retry_after``) longer than the backoff wins.
    """
    if not state or not state.get("failures") or not state.get("last_attempt"):
        return None
    last = dt.datetime.fromisoformat(state["last_attempt"])
    asked = state.get("retry_after")
    return max(last + retry_delay(state["failures"]),
               dt.datetime.fromisoformat(asked) if asked else last)
