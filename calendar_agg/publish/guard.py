"""The collapse guard: never replace a good calendar with one that lost most of its events.

A feed that would drop from ``MIN_EVENTS`` or more upcoming, confirmed events to
less than ``KEEP_SHARE`` of them at once (a failed source, a parser regression
that makes every event look vanished and cancelled) is not replaced; the run
reports why and exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from calendar_agg.models import Event

MIN_EVENTS = 10
KEEP_SHARE = 0.5
_DTSTART = re.compile(rb"^DTSTART(?:;[^:\r\n]*)?:(\d{8})", re.M)  # all-day or timed
_CANCELLED = re.compile(rb"^STATUS:CANCELLED\r?$", re.M)


def upcoming_in_file(path: Path, today: dt.date) -> int:
    """How many confirmed events of a published ICS file start today or later (0 if none)."""
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    limit = today.strftime("%Y%m%d").encode()
    count = 0
    for block in data.split(b"BEGIN:VEVENT")[1:]:
        start = _DTSTART.search(block)
        if start and start.group(1) >= limit and not _CANCELLED.search(block):
            count += 1
    return count


def upcoming_count(events: Iterable[Event], today: dt.date) -> int:
    """The same count for events about to be published."""
    return sum(1 for e in events if e.start >= today and e.status != "CANCELLED")


def collapse_reason(path: Path, new_upcoming: int, today: dt.date) -> str | None:
    """Why the calendar at ``path`` must not be replaced, or None when it may be."""
    old = upcoming_in_file(path, today)
    if old >= MIN_EVENTS and new_upcoming < old * KEEP_SHARE:
        return (f"{path.name}: would drop from {old} to {new_upcoming} upcoming events; "
                f"kept the published version")
    return None
