"""Calendar sources (``ics``): what to keep of each fetch, and deletions.

A calendar is one document fetched again and again, not a run of issues. What it lists is
kept per occurrence (the source's own id: UID, "#" + RECURRENCE-ID for a member of a
series) and per version: a fetch stores an occurrence only when it differs from what the
calendar said about it before, so each edit by the organiser is a step in the event's
history and its first sighting keeps its date.

An occurrence the calendar listed before, dated from the fetch's date to the end of its
window, that a fetch no longer lists was deleted by the organiser: the fetch stores it once
more with status ``DELETED`` (read as cancelled by ``changes``). Past occurrences are not
deleted (Meetup drops events once they happened), and a fetch that lists nothing stores
nothing, so an empty or failed fetch never deletes anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from calendar_agg.models import Issue, RawEvent
from calendar_agg.normalize.identity import fold

DELETED = "DELETED"  # RawEvent.status of an occurrence the calendar no longer lists
CALENDAR_FORMATS = frozenset({"ics"})  # formats whose documents are calendars, not issues


def with_id(event: RawEvent) -> RawEvent:
    """The listing with an occurrence id: the calendar's own (``source_uid``), else, for an
    event without UID, its date and title (an edit to either then reads as a deletion)."""
    if event.source_uid:
        return event
    return replace(event, source_uid=f"no-uid|{event.start.isoformat()}|{fold(event.title)}")


def versions_to_store(stored: Iterable[tuple[dt.date, RawEvent]], issue: Issue,
                      events: list[RawEvent]) -> dict[str, RawEvent | None]:
    """What a fetch of one calendar on ``issue.date`` stores, by occurrence id: the
    listing to keep as found that day, or None to keep nothing for that day (the
    occurrence is as it was). ``stored``: the versions kept so far, oldest first. An
    occurrence first found by an earlier fetch the same day and gone now is deleted, as one
    found on an earlier day is: it may have been published meanwhile."""
    day = issue.date
    if day is None or not events:
        return {}
    before: dict[str, RawEvent] = {}  # the latest version found before today
    today: dict[str, RawEvent] = {}  # the version an earlier fetch today found
    for found, version in stored:
        uid = with_id(version).source_uid or ""
        if found < day:
            before[uid] = version
        elif found == day:
            today[uid] = version
    listed = {event.source_uid or "": event for event in map(with_id, events)}
    last_day = issue.window[1] if issue.window else None
    wanted: dict[str, RawEvent | None] = {}
    for uid in sorted(set(before) | set(listed) | set(today)):
        old = before.get(uid)
        if old is None and uid not in listed:  # found today only: deleted, or left as found
            deleted = _deleted(today[uid], day, last_day)
            if deleted is not None:
                wanted[uid] = deleted
            continue
        event = listed.get(uid) or _deleted(old, day, last_day)
        unchanged = event is not None and old is not None and _same(old, event)
        wanted[uid] = None if event is None or unchanged else event
    return wanted


def _deleted(event: RawEvent | None, day: dt.date, last_day: dt.date | None
             ) -> RawEvent | None:
    """The occurrence marked deleted, if it was listed and is dated inside the part of the
    window a fetch on ``day`` vouches for; else None."""
    if event is None or event.status == DELETED or event.start < day:
        return None
    if last_day is not None and event.start > last_day:
        return None
    return replace(event, status=DELETED)


def _same(old: RawEvent, new: RawEvent) -> bool:
    """The same version: equal in everything but where in the file it was."""
    return replace(old, line=0) == replace(new, line=0)
