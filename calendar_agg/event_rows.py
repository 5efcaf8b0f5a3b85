"""Derived events into the store's rows: ``save_events`` makes the stored events, sightings and
history exactly what deriving gave, writing only rows that differ (``Store.save_events``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable

from calendar_agg.codec import from_json, to_json
from calendar_agg.models import Event
from calendar_agg.records import (
    Change,
    EncodedRecord,
    EventRecord,
    KeptEvent,
    MergeStats,
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
        _save_event(db, rows, stats)
        if _stored_sightings(db, rows.uid) != sorted(rows.sightings):
            _replace_sightings(db, rows.uid, rows.sightings)
        if _stored_history(db, rows.uid) != list(rows.history):
            _replace_history(db, rows.uid, rows.history)
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


def _save_event(db: sqlite3.Connection, rows: EncodedRecord, stats: MergeStats) -> None:
    """A stored event replaced, when it changed."""
    row = db.execute("SELECT data, derived_from, summary FROM events WHERE uid = ?",
                     (rows.uid,)).fetchone()
    old = from_json(Event, row[0]) if row else None
    event = from_json(Event, rows.data) if old is not None and row[0] != rows.data else old
    if row is not None and old == event:
        if row[1:] != (rows.derived_from, rows.summary):  # the summary: none before 9
            db.execute("UPDATE events SET derived_from = ?, summary = ? WHERE uid = ?",
                       (rows.derived_from, rows.summary, rows.uid))
        return
    db.execute("INSERT OR REPLACE INTO events (uid, start, data, derived_from, summary)"
               " VALUES (?, ?, ?, ?, ?)",
               (rows.uid, rows.start, rows.data, rows.derived_from, rows.summary))
    if old is None or event is None:
        stats.new += 1
    elif old.last_modified != event.last_modified:
        stats.updated += 1
        stats.cancelled += old.status != "CANCELLED" == event.status


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
