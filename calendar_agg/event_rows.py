"""Derived events into the store's rows: ``save_events`` makes the stored events, sightings and
history exactly what deriving gave, writing only rows that differ (``Store.save_events``),
except that an event's SEQUENCE and LAST-MODIFIED never go back (``ahead_of``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable

from calendar_agg.codec import from_json, to_json
from calendar_agg.models import Event
from calendar_agg.records import (
    NOT_CHANGES,
    Change,
    EncodedRecord,
    EventRecord,
    KeptEvent,
    MergeStats,
    differences,
    summary_text,
)


def save_events(db: sqlite3.Connection,
                records: Iterable[EventRecord | EncodedRecord | KeptEvent],
                among: Collection[str] | None = None) -> MergeStats:
    """Make the stored events exactly ``records`` (a ``KeptEvent`` stays as stored),
    writing only rows that differ; ``records`` is read once, one at a time. With ``among``,
    the records replace only those stored events: the others stay."""
    stats = MergeStats()
    stored = {uid for (uid,) in db.execute("SELECT uid FROM events")}
    if among is not None:
        stored &= set(among)
    wanted: set[str] = set()
    new = _NewEvents(db)
    for record in records:
        if isinstance(record, KeptEvent):
            wanted.add(record.uid)
            continue
        rows = record if isinstance(record, EncodedRecord) else encoded(record)
        wanted.add(rows.uid)
        if rows.uid not in stored:
            new.add(rows)
            stats.new += 1
            continue
        rows, correction = _save_event(db, rows, stats)
        if _stored_sightings(db, rows.uid) != sorted(rows.sightings):
            _replace_sightings(db, rows.uid, rows.sightings)
        stored_history = _stored_history(db, rows.uid)
        history = _with_corrections(rows.history, stored_history, correction)
        if stored_history != history:
            _replace_history(db, rows.uid, history)
    new.flush()
    for uid in sorted(stored - wanted):  # regrouped into others (their listings moved)
        for table in ("events", "sightings", "history"):
            db.execute(f"DELETE FROM {table} WHERE uid = ?", (uid,))  # noqa: S608
        stats.removed += 1
    return stats


def encoded(record: EventRecord, also: object = None) -> EncodedRecord:
    """A derived event as the store's rows (``also``: see ``EncodedRecord``)."""
    event = record.event
    return EncodedRecord(
        event.uid, event.start.isoformat(), to_json(event), record.derived_from,
        tuple((s.source, s.issue, s.line, s.occurrence) for s in record.sightings),
        tuple(change_row(change) for change in record.history), summary_text(event), also)


def change_row(change: Change) -> tuple:
    """A history entry as the store keeps it (without its event's uid and number)."""
    return (change.at.isoformat(), change.source, change.issue, change.change,
            json.dumps(change.details, sort_keys=True, ensure_ascii=False, default=str))


def _save_event(db: sqlite3.Connection, rows: EncodedRecord, stats: MergeStats
                ) -> tuple[EncodedRecord, tuple | None]:
    """A stored event replaced, when it changed: the rows as stored, with the history entry
    of a change deriving did not record (``CORRECTED``), if there was one."""
    row = db.execute("SELECT data, derived_from, summary FROM events WHERE uid = ?",
                     (rows.uid,)).fetchone()
    old = from_json(Event, row[0]) if row else None
    event = from_json(Event, rows.data) if old is not None and row[0] != rows.data else old
    correction = None
    if old is not None and event is not None and event != old:
        ahead, corrected = ahead_of(old, event)
        if corrected is not None:
            correction = _correction(ahead, corrected, rows)
        if ahead is not event:
            event = ahead
            rows = dataclasses.replace(rows, data=to_json(event), summary=summary_text(event))
    if row is not None and old == event:
        if row[1:] != (rows.derived_from, rows.summary):  # the summary: none before 9
            db.execute("UPDATE events SET derived_from = ?, summary = ? WHERE uid = ?",
                       (rows.derived_from, rows.summary, rows.uid))
        return rows, correction
    db.execute("INSERT OR REPLACE INTO events (uid, start, data, derived_from, summary)"
               " VALUES (?, ?, ?, ?, ?)",
               (rows.uid, rows.start, rows.data, rows.derived_from, rows.summary))
    if old is None or event is None:
        stats.new += 1
    elif old.last_modified != event.last_modified:
        stats.updated += 1
        stats.cancelled += old.status != "CANCELLED" == event.status
    return rows, correction


# The history entry of a change no listing records: what an issue said was read again
# without it (the issue was edited or fixed), or a calendar deleted an occurrence the day
# it was found. Kept when the history is derived again: no listing will tell it.
CORRECTED = "corrected"


def _correction(event: Event, changed: dict[str, list], rows: EncodedRecord) -> tuple:
    source, issue = rows.sightings[-1][:2] if rows.sightings else ("", "")
    details: dict[str, object] = dict(changed)
    details["reason"] = "what its listings say now differs from what was published"
    assert event.last_modified is not None  # ``ahead_of`` set it
    return change_row(Change(event.last_modified, source, issue, CORRECTED, details))


def _with_corrections(derived: Iterable[tuple], stored: list[tuple],
                      correction: tuple | None) -> list[tuple]:
    """The derived history with the corrections stored before and ``correction``, in time
    order."""
    kept = [row for row in stored if row[3] == CORRECTED]
    kept += [correction] if correction is not None else []
    if not kept:
        return list(derived)
    return sorted([*derived, *kept], key=lambda row: row[0])


def ahead_of(published: Event, derived: Event) -> tuple[Event, dict[str, list] | None]:
    """The ``derived`` event as it replaces the stored (and maybe published) one: its SEQUENCE
    never goes back, and a real change deriving did not count (an issue read again without
    the lines that changed the event, a calendar occurrence deleted the day it was found)
    puts SEQUENCE and LAST-MODIFIED past the stored ones: calendar clients take an update
    only with a higher SEQUENCE. With it, that change's fields ([published, now]) when
    deriving did not count it, else None."""
    was, now = _what_counts(published), _what_counts(derived)
    changed = was != now
    if derived.sequence >= published.sequence + changed:
        return derived, None
    if not changed:
        return dataclasses.replace(derived, sequence=published.sequence), None
    modified = derived.last_modified
    if published.last_modified is not None and (
            modified is None or modified <= published.last_modified):
        modified = published.last_modified + _SECOND
    return (dataclasses.replace(derived, sequence=published.sequence + 1,
                                last_modified=modified), differences(was, now))


_SECOND = dt.timedelta(seconds=1)
# what SEQUENCE does not count: how and where an event was seen, not what it is
_NOT_COUNTED = NOT_CHANGES | {"uid", "sequence", "first_seen", "last_seen", "last_modified",
                              "issues"}


_COUNTED = tuple(field.name for field in dataclasses.fields(Event)
                 if field.name not in _NOT_COUNTED)


def _what_counts(event: Event) -> dict:
    return {name: getattr(event, name) for name in _COUNTED}  # its values are immutable


def _stored_sightings(db: sqlite3.Connection, uid: str) -> list[tuple]:
    return [tuple(row) for row in db.execute(
        "SELECT source, issue, line, occurrence FROM sightings WHERE uid = ?"
        " ORDER BY source, issue, line, occurrence", (uid,))]


def _stored_history(db: sqlite3.Connection, uid: str) -> list[tuple]:
    return [tuple(row) for row in db.execute(
        "SELECT at, source, issue, change, details FROM history WHERE uid = ?"
        " ORDER BY number", (uid,))]


def _replace_sightings(db: sqlite3.Connection, uid: str, rows: Iterable[tuple]) -> None:
    db.execute("DELETE FROM sightings WHERE uid = ?", (uid,))
    db.executemany("INSERT OR REPLACE INTO sightings (uid, source, issue, line, occurrence)"
                   " VALUES (?, ?, ?, ?, ?)", [(uid, *row) for row in rows])


def _replace_history(db: sqlite3.Connection, uid: str, rows: Iterable[tuple]) -> None:
    db.execute("DELETE FROM history WHERE uid = ?", (uid,))
    db.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(uid, number, *row) for number, row in enumerate(rows)])


class _NewEvents:
    """Events not stored yet, with their sightings and history, written a batch at a time
    (a backfill writes thousands)."""

    def __init__(self, db: sqlite3.Connection, batch: int = 500) -> None:
        self._db, self._batch = db, batch
        self._events: list[tuple] = []
        self._sightings: list[tuple] = []
        self._history: list[tuple] = []

    def add(self, rows: EncodedRecord) -> None:
        self._events.append((rows.uid, rows.start, rows.data, rows.derived_from, rows.summary))
        self._sightings += [(rows.uid, *row) for row in rows.sightings]
        self._history += [(rows.uid, number, *row) for number, row in enumerate(rows.history)]
        if len(self._events) >= self._batch:
            self.flush()

    def flush(self) -> None:
        uids = [(row[0],) for row in self._events]
        for table in ("sightings", "history"):  # none, unless left behind by a bug
            self._db.executemany(f"DELETE FROM {table} WHERE uid = ?", uids)  # noqa: S608
        self._db.executemany("INSERT OR REPLACE INTO events (uid, start, data, derived_from,"
                             " summary) VALUES (?, ?, ?, ?, ?)", self._events)
        self._db.executemany("INSERT OR REPLACE INTO sightings (uid, source, issue, line,"
                             " occurrence) VALUES (?, ?, ?, ?, ?)", self._sightings)
        self._db.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?)", self._history)
        self._events, self._sightings, self._history = [], [], []
