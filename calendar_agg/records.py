"""What deriving events gives, as the store keeps it: each event with where it was seen
(sightings) and its history, or word that it is kept as stored; and each stored event as
publishing reads it back (``StoredEvent``: its summary at hand, the rest decoded when
asked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from calendar_agg.codec import dumps, from_json, loads
from calendar_agg.models import Event, RawEvent

# Event fields (of those listings give) whose change is not a real change (no SEQUENCE
# bump), and why:
NOT_CHANGES = frozenset({
    "extra_urls",  # mirrors come and go from week to week
    "group",  # the organiser's name is reworded; the event stays the same
    "group_url",  # ... and its link switches between group page and site
    "confidence",  # how sure the parser was, not a fact about the event
})


def differences(old: dict, new: dict) -> dict[str, list]:
    """The fields whose change is a real change, as [old, new] JSON values."""
    return {name: [plain(old.get(name)), plain(value)] for name, value in new.items()
            if name not in NOT_CHANGES and old.get(name) != value}


def plain(value: object) -> object:
    """A value as JSON keeps it."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def change_kind(changes: dict) -> str:
    """The kind of history entry ``differences`` make."""
    if "status" in changes:
        return "confirmed" if changes["status"][1] == "CONFIRMED" else "cancelled"
    if "start" in changes or "end" in changes:
        return "moved"
    return "renamed" if "title" in changes else "changed"


@dataclass(frozen=True)
class Sighting:
    """Where an event was seen: one listing of one issue, as it was written."""

    source: str
    issue: str
    line: int
    issue_date: dt.date | None
    listing: RawEvent | None = None  # filled when read back for ``history``
    occurrence: str = ""  # which calendar occurrence and version (``occurrence_key``)


@dataclass(frozen=True)
class Change:
    """One entry of an event's history, with the issue that caused it."""

    at: dt.datetime
    source: str
    issue: str
    change: str  # new, changed, moved, renamed, cancelled, confirmed
    details: dict


@dataclass(frozen=True)
class EventRecord:
    """An event with everything derived along with it."""

    event: Event
    sightings: tuple[Sighting, ...]
    history: tuple[Change, ...]
    derived_from: str = ""  # digest of its inputs (``changes.derivation_key``), if known


@dataclass(frozen=True)
class KeptEvent:
    """An event whose inputs are those it was derived from last time: kept as stored."""

    uid: str


@dataclass
class MergeStats:
    new: int = 0
    updated: int = 0  # a real change: LAST-MODIFIED moved
    cancelled: int = 0
    removed: int = 0  # regrouped into another event (an older issue arrived late)


@dataclass(frozen=True)
class EncodedRecord:
    """An ``EventRecord`` as the store's rows (``event_rows.encoded``): what a worker process
    that derived it hands back."""

    uid: str
    start: str  # ISO date
    data: str  # the event's JSON
    derived_from: str
    sightings: tuple[tuple, ...]  # (source, issue, line, occurrence), as derived
    history: tuple[tuple, ...]  # ``event_rows.change_row`` of each change, oldest first
    summary: str = ""  # ``summary_text``
    also: object = None  # what the worker made of the event besides (``changes``' ``also``)


def summary_text(event: Event) -> str:
    """What publishing asks of every stored event (``StoredEvent``), kept beside it."""
    return dumps([_iso(event.end), event.status, event.precision, event.regions,
                  _iso(event.first_seen), _iso(event.last_modified)])


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(slots=True)
class StoredEvent:
    """An event as stored: what publishing asks of every event (when, its status, precision
    and regions, when it was first seen and last changed) read from its summary
    (``summary_text``), the rest decoded from its JSON (``text``) only when asked
    (``event``): most events of an archive are long past and only counted."""

    uid: str
    start: dt.date
    end: dt.date | None
    status: str
    precision: str
    regions: tuple[str, ...]
    first_seen: dt.datetime | None
    last_modified: dt.datetime | None
    text: str
    _event: Event | None = None

    @classmethod
    def of(cls, uid: str, start: str, text: str, summary: str | None) -> StoredEvent:
        """A stored row (uid, start, data, summary); without a summary, decoded now."""
        if summary is None:
            event = from_json(Event, text)
            return cls(event.uid, event.start, event.end, event.status, event.precision,
                       event.regions, event.first_seen, event.last_modified, text, event)
        end, status, precision, regions, first_seen, last_modified = loads(summary)
        return cls(uid, dt.date.fromisoformat(start),
                   dt.date.fromisoformat(end) if end else None, status, precision,
                   tuple(regions), _moment(first_seen), _moment(last_modified), text)

    @property
    def event(self) -> Event:
        if self._event is None:
            self._event = from_json(Event, self.text)
        return self._event


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def full(event: Event | StoredEvent) -> Event:
    """The event itself, decoded if it is only a stored one."""
    return event.event if isinstance(event, StoredEvent) else event
