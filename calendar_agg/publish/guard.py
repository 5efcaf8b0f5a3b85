"""The collapse guard: never replace a good calendar with one that lost most of its events.

A feed that would drop from ``MIN_EVENTS`` or more upcoming, confirmed events to
less than ``KEEP_SHARE`` of them at once (a failed source, a parser regression
that makes every event look vanished and cancelled) is not replaced; the run
reports why and exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from calendar_agg.models import Event
from calendar_agg.records import StoredEvent

MIN_EVENTS = 10
KEEP_SHARE = 0.5
_BEGIN = b"BEGIN:VEVENT"
_DTSTART = re.compile(rb"^DTSTART(?:;[^:\r\n]*)?:(\d{8})", re.M)  # all-day or timed
_CANCELLED = re.compile(rb"^STATUS:CANCELLED\r?$", re.M)


def upcoming_in_file(path: Path, today: dt.date) -> int:
    """How many confirmed events of a published ICS file start today or later (0 if none)."""
    limit = today.strftime("%Y%m%d").encode()
    count = 0
    try:
        with open(path, "rb") as handle:
            for block in _vevents(handle):
                start = _DTSTART.search(block)
                if start and start.group(1) >= limit and not _CANCELLED.search(block):
                    count += 1
    except OSError:
        return 0
    return count


def _vevents(handle: BinaryIO) -> Iterator[bytes]:
    """What follows each BEGIN:VEVENT up to the next one (``data.split(_BEGIN)[1:]``), read
    a megabyte at a time: the archive of every event is never held whole."""
    rest, seen = b"", False
    while read := handle.read(1 << 20):
        *blocks, rest = (rest + read).split(_BEGIN)
        if blocks and not seen:
            blocks, seen = blocks[1:], True  # what comes before the first one
        yield from blocks
    if seen:
        yield rest


def upcoming_count(events: Iterable[Event], today: dt.date) -> int:
    """The same count for events about to be published."""
    return sum(1 for e in events if is_upcoming(e, today))


def is_upcoming(event: Event | StoredEvent, today: dt.date) -> bool:
    """Does the event count as upcoming for the guard (starts today or later, confirmed)?"""
    return event.start >= today and event.status != "CANCELLED"


def collapse(path: Path, new_upcoming: int, today: dt.date) -> str | None:
    """How the calendar at ``path`` would collapse (``from 40 to 3 upcoming events``) if
    it were replaced by one with ``new_upcoming`` upcoming events, or None when that is no
    collapse."""
    old = upcoming_in_file(path, today)
    if old >= MIN_EVENTS and new_upcoming < old * KEEP_SHARE:
        return f"from {old} to {new_upcoming} upcoming events"
    return None
