"""The JSONL of ``calendar-agg parse``: one line per event, with exactly ``JSONL_FIELDS``
(a public interface, described in the README). ``event_line`` is plain enough to run in the
worker processes that parse, so an archive's lines are made there and not one by one in the
command's own process."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calendar_agg.models import RawEvent

JSONL_FIELDS = ("issue", "line", "start", "end", "city", "subdivision", "country", "virtual",
                "hybrid", "region", "group", "group_url", "title", "url", "extra_urls",
                "name", "precision", "confidence", "starts_at", "ends_at", "timezone", "status")

# One encoder for every line: an archive prints tens of thousands.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def event_row(event: RawEvent) -> dict:
    """The JSONL fields of an event, as JSON values."""
    row = {name: getattr(event, name) for name in JSONL_FIELDS}
    row["start"] = event.start.isoformat()
    row["end"] = event.end.isoformat() if event.end else None
    row["extra_urls"] = list(event.extra_urls)
    for name in ("starts_at", "ends_at"):  # ISO 8601 with the offset of the event's zone
        row[name] = row[name].isoformat() if row[name] else None
    return row


def event_line(event: RawEvent) -> str:
    """An event's JSONL line, newline included."""
    return _ENCODE(event_row(event)) + "\n"
