"""What deriving events gives, as the store keeps it: each event with where it was seen
(sightings) and its history, or word that it is kept as stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from calendar_agg.models import Event, RawEvent


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
    also: object = None  # what the worker made of the event besides (``changes``' ``also``)
