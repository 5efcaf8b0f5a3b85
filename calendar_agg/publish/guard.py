"""The collapse guard: never replace a good calendar with one that lost most of its events.

A feed that would drop from ``MIN_EVENTS`` or more upcoming events to less than
``KEEP_SHARE`` of them at once (a failed source, a parser regression) is not
replaced; the run reports it and fails.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

MIN_EVENTS = 10
KEEP_SHARE = 0.5
_DTSTART = re.compile(rb"^DTSTART;VALUE=DATE:(\d{8})\r?$", re.M)


def upcoming_in_file(path: Path, today: dt.date) -> int:
    """How many events of a published ICS file start today or later (0 if none)."""
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    limit = today.strftime("%Y%m%d").encode()
    return sum(1 for day in _DTSTART.findall(data) if day >= limit)


def collapse_reason(path: Path, new_upcoming: int, today: dt.date) -> str | None:
    """Why the calendar at ``path`` must not be replaced, or None when it may be."""
    old = upcoming_in_file(path, today)
    if old >= MIN_EVENTS and new_upcoming < old * KEEP_SHARE:
        return (f"{path.name}: would drop from {old} to {new_upcoming} upcoming events; "
                f"kept the published version")
    return None
