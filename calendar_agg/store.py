"""SQLite store: every listing in full, the events derived from them, where each was seen,
their history, and per-source state.

Listings are the record (``record_listings``); events, sightings and history are derived from
all of them on every run (``normalize.changes``) and written back with ``save_events``, which
touches only rows that differ; an event is derived again only when what it is derived from
changed (its ``derived_from`` digest, ``changes.derivation_key``). One ``Store`` per run;
``with store.transaction():`` makes a run all-or-nothing, so a crash or kill mid-run leaves
the previous state intact. The schema is versioned (``PRAGMA user_version``) and migrated on
open by ``MIGRATIONS`` (``calendar_agg.migrations``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from calendar_agg.codec import from_json, to_json
from calendar_agg.errors import StoreError
from calendar_agg.event_rows import save_events
from calendar_agg.migrations import MIGRATIONS
from calendar_agg.models import Event, Issue, RawEvent
from calendar_agg.records import (
    Change,
    EncodedRecord,
    EventRecord,
    KeptEvent,
    MergeStats,
    Sighting,
    StoredEvent,
)
from calendar_agg.store_derived import DerivedTables

__all__ = ["MIGRATIONS", "Change", "EventRecord", "KeptEvent", "MergeStats", "Sighting", "Store",
           "from_json", "occurrence_key", "to_json"]


class Store(DerivedTables):
    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self.path = path
        # the listing keys (``listing_rows``) written or deleted in the current transaction:
        # a derivation that only looks near what was added must know nothing else changed
        self.listings_written: set[tuple] = set()

    @classmethod
    def open(cls, path: Path) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            store = cls(connection, str(path))
            store._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(str(path), str(exc)) from None
        return store

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(self.path, f"schema version {version} is newer than this program")
        for number in range(version, len(MIGRATIONS)):
            # one script, one transaction: a failed migration leaves the old schema
            self._db.executescript(f"BEGIN IMMEDIATE; {MIGRATIONS[number]};"
                                   f" PRAGMA user_version = {number + 1}; COMMIT;")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self.listings_written = set()
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(self.path, str(exc)) from None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside ``transaction``: what the block changed is undone if it raises."""
        self._db.execute("SAVEPOINT part")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK TO part")
            raise
        finally:
            self._db.execute("RELEASE part")

    # --- per-source state -------------------------------------------------------------

    def source_state(self, name: str) -> dict | None:
        row = self._db.execute("SELECT * FROM sources WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        columns = [c[0] for c in self._db.execute("SELECT * FROM sources LIMIT 0").description]
        return dict(zip(columns, row, strict=True))

    def record_source(self, name: str, at: dt.datetime, *, error: str | None = None,
                      events: int | None = None, etag: str | None = None,
                      last_modified: str | None = None, keep_validators: bool = False,
                      retry_after: dt.datetime | None = None) -> None:
        """Note one attempt at a source: its outcome and, on success, its HTTP validators;
        ``retry_after``: the server asked not to be asked again before then."""
        old = self.source_state(name) or {"failures": 0, "last_success": None,
                                          "etag": None, "last_modified": None,
                                          "events_last": None}
        if keep_validators or error:
            etag, last_modified = old["etag"], old["last_modified"]
        self._db.execute(
            "INSERT OR REPLACE INTO sources (name, etag, last_modified, last_attempt,"
            " last_success, last_error, failures, events_last, retry_after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (name, etag, last_modified, at.isoformat(),
             old["last_success"] if error else at.isoformat(), error,
             old["failures"] + 1 if error else 0,
             old["events_last"] if events is None else events,
             retry_after.isoformat() if retry_after else None),
        )

    def sources(self) -> list[dict]:
        names = [r[0] for r in self._db.execute("SELECT name FROM sources ORDER BY name")]
        return [s for s in map(self.source_state, names) if s]

    # --- issues and events ---------------------------------------------------------------

    def record_issue(self, source: str, issue: Issue, format: str | None = None) -> None:
        """Note an issue and the format (parser) it was read with."""
        window = issue.window or (None, None)
        self._db.execute(
            "INSERT OR REPLACE INTO issues (source, name, date, window_start, window_end, url,"
            " format, partial) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (source, issue.name, _iso(issue.date), _iso(window[0]), _iso(window[1]), issue.url,
             format, int(issue.partial)),
        )

    def issues(self) -> list[tuple[str, Issue]]:
        """Every recorded issue as (source, Issue)."""
        return [(source, Issue(name, _date(date), (dt.date.fromisoformat(first),
                                                   dt.date.fromisoformat(last))
                               if first and last else None, url, bool(partial)))
                for source, name, date, first, last, url, partial in self._db.execute(
                    "SELECT source, name, date, window_start, window_end, url, partial FROM"
                    " issues ORDER BY source, name")]

    def issue_formats(self) -> dict[tuple[str, str], str]:
        """(source, issue name) -> the format it was read with, where known."""
        return {(source, name): format for source, name, format in self._db.execute(
            "SELECT source, name, format FROM issues WHERE format IS NOT NULL")}

    def record_listings(self, source: str, issue: str, issue_date: dt.date | None,
                        events: list[RawEvent], now: dt.datetime, *,
                        replace: bool = True,
                        encoded: Sequence[tuple[str, str]] | None = None) -> None:
        """Keep what one issue lists, replacing what it listed before (``replace``) or adding
        to it; ``encoded``: the events already encoded (their JSON and resolution, see
        ``keep_resolutions``), in the same order. An issue that now lists nothing keeps its
        earlier listings: one missing parse never deletes anything."""
        if not events:
            return
        stored_at = {(line, occurrence): at for line, occurrence, at in self._db.execute(
            "SELECT line, occurrence, stored_at FROM listings WHERE source = ? AND issue = ?",
            (source, issue))}
        if replace:
            self._db.execute("DELETE FROM listings WHERE source = ? AND issue = ?",
                             (source, issue))
            self.listings_written.update((source, issue, *key) for key in stored_at)
        rows = []
        codes: Sequence[tuple[str, str | None]] = encoded or [
            (to_json(event), None) for event in events]
        for event, (data, resolution) in zip(events, codes, strict=True):
            occurrence = occurrence_key(event, issue_date)
            rows.append((source, issue, event.line, _iso(issue_date),
                         stored_at.get((event.line, occurrence), now.isoformat()),
                         data, occurrence, resolution))
        self._db.executemany(_INSERT_LISTING, rows)
        self.listings_written.update(row[:3] + row[6:7] for row in rows)

    def occurrences(self, source: str, issue: str) -> list[tuple[dt.date, RawEvent]]:
        """Every stored version of a calendar's occurrences as (date found, listing),
        oldest first (``record_occurrences``)."""
        return [(dt.date.fromisoformat(date), from_json(RawEvent, data))
                for date, data in self._db.execute(
                    "SELECT issue_date, data FROM listings WHERE source = ? AND issue = ?"
                    " AND occurrence != '' ORDER BY issue_date, occurrence", (source, issue))]

    def record_occurrences(self, source: str, issue: str, day: dt.date,
                           versions: dict[str, RawEvent | None], now: dt.datetime) -> None:
        """Keep the versions of calendar occurrences (id -> listing) a fetch on ``day``
        found; None drops what an earlier fetch that day stored for that id."""
        for uid, event in sorted(versions.items()):
            key = f"{uid}@{day.isoformat()}"
            self.listings_written.add((source, issue, event.line if event else None, key))
            old = self._db.execute(
                "SELECT stored_at FROM listings WHERE source = ? AND issue = ? AND"
                " occurrence = ?", (source, issue, key)).fetchone()
            self._db.execute("DELETE FROM listings WHERE source = ? AND issue = ? AND"
                             " occurrence = ?", (source, issue, key))
            if event is not None:
                self._db.execute(_INSERT_LISTING, (
                    source, issue, event.line, day.isoformat(),
                    old[0] if old else now.isoformat(), to_json(event), key, None))

    def listings(self) -> list[tuple[RawEvent, dt.date | None, dt.datetime]]:
        """Every stored listing as (listing as parsed, issue date, when first stored)."""
        return list(self.iter_listings())

    def iter_listings(self) -> Iterator[tuple[RawEvent, dt.date | None, dt.datetime]]:
        """``listings`` one by one, so that a caller need not hold them all as parsed."""
        for date, stored, data in self._db.execute(
                "SELECT issue_date, stored_at, data FROM listings "
                "ORDER BY source, issue, line, occurrence"):
            yield from_json(RawEvent, data), _date(date), dt.datetime.fromisoformat(stored)

    def listing_rows(self, keys: Collection[tuple] | None = None
                     ) -> Iterator[tuple[tuple, str, str | None, dt.date | None, dt.datetime]]:
        """Every stored listing (or those with ``keys``), in ``iter_listings`` order, as (its
        key: source, issue, line, occurrence; its JSON, None when its resolution is kept; its
        resolution kept by ``keep_resolutions``, else None; issue date; when first stored)."""
        select = ("SELECT source, issue, line, occurrence, CASE WHEN resolved IS NULL THEN data"
                  " END, resolved, issue_date, stored_at FROM listings")
        rows: Iterable[tuple] = (
            self._db.execute(f"{select} ORDER BY source, issue, line, occurrence")
            if keys is None else sorted(self._some_listings(select, sorted(keys))))
        for *key, data, resolved, date, stored in rows:
            yield tuple(key), data, resolved, _date(date), dt.datetime.fromisoformat(stored)

    def _some_listings(self, select: str, keys: list[tuple]) -> Iterator[tuple]:
        for start in range(0, len(keys), 200):  # 800 parameters a query at most
            chunk = keys[start:start + 200]
            values = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
            yield from self._db.execute(
                f"{select} WHERE (source, issue, line, occurrence) IN (VALUES {values})",
                [part for key in chunk for part in key])

    def listing_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM listings").fetchone()[0]

    def stored_listing_keys(self, keys: Collection[tuple]) -> set[tuple]:
        """Those of ``keys`` (see ``listing_rows``) that a stored listing has."""
        return set(self._some_listings("SELECT source, issue, line, occurrence FROM listings",
                                       sorted(keys)))

    def keep_resolutions(self, resolved: dict[tuple, str]) -> None:
        """Keep each listing's resolution (listing key, as ``listing_rows`` gives it -> text)."""
        self._db.executemany(
            "UPDATE listings SET resolved = ? WHERE source = ? AND issue = ? AND line = ?"
            " AND occurrence = ?", [(text, *key) for key, text in resolved.items()])

    def forget_resolutions(self) -> None:
        self._db.execute("UPDATE listings SET resolved = NULL WHERE resolved IS NOT NULL")

    def derivations(self, uids: Collection[str] | None = None) -> dict[str, str]:
        """What each stored event (or each of ``uids``) was derived from
        (``EventRecord.derived_from``) -> its uid."""
        select = "SELECT derived_from, uid FROM events WHERE derived_from != ''"
        if uids is None:
            return dict(self._db.execute(select))
        found: dict[str, str] = {}
        chosen = sorted(uids)
        for start in range(0, len(chosen), 500):
            chunk = chosen[start:start + 500]
            found.update(self._db.execute(
                f"{select} AND uid IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def save_events(self, records: Iterable[EventRecord | EncodedRecord | KeptEvent],
                    among: Collection[str] | None = None) -> MergeStats:
        """Make the stored events exactly ``records`` (a ``KeptEvent`` stays as stored),
        writing only rows that differ; ``records`` is read once, one at a time. With
        ``among``, the records replace only those stored events: the others stay."""
        return save_events(self._db, records, among)

    def events(self) -> list[Event]:
        return list(self.iter_events())

    def iter_events(self, batch: int = 1000) -> Iterator[Event]:
        """``events`` one at a time, in the same order, decoded ``batch`` rows at a time."""
        cursor = self._db.execute("SELECT data FROM events ORDER BY start, uid")
        while rows := cursor.fetchmany(batch):
            yield from [from_json(Event, data) for (data,) in rows]

    def stored_events(self, batch: int = 1000) -> Iterator[StoredEvent]:
        """``iter_events`` as stored: each decoded only when asked (``StoredEvent``).
        Publishing reads them once and keeps only what its files need, never every event."""
        cursor = self._db.execute(
            "SELECT uid, start, data, summary FROM events ORDER BY start, uid")
        while rows := cursor.fetchmany(batch):
            yield from [StoredEvent.of(*row) for row in rows]

    def event(self, uid: str) -> Event | None:
        row = self._db.execute("SELECT data FROM events WHERE uid = ?", (uid,)).fetchone()
        return from_json(Event, row[0]) if row else None

    def sightings(self, uid: str) -> list[Sighting]:
        """Where an event was seen, oldest issue first, with each listing as written."""
        return [Sighting(source, issue, line, _date(date), from_json(RawEvent, data), key)
                for source, issue, line, key, date, data in self._db.execute(
                    "SELECT s.source, s.issue, s.line, s.occurrence, l.issue_date, l.data"
                    " FROM sightings s JOIN listings l USING (source, issue, line, occurrence)"
                    " WHERE s.uid = ? ORDER BY coalesce(l.issue_date, l.stored_at), s.source,"
                    " s.issue, s.line, s.occurrence", (uid,))]

    def history(self, uid: str) -> list[Change]:
        return [Change(dt.datetime.fromisoformat(at), source, issue, change, json.loads(details))
                for at, source, issue, change, details in self._db.execute(
                    "SELECT at, source, issue, change, details FROM history WHERE uid = ? "
                    "ORDER BY number", (uid,))]

    # --- what lets a run skip unchanged work (``fingerprints``) -------------------------

    def document_record(self, source: str, location: str, fingerprint: str) -> str | None:
        """What the last parse of a document reported, if its fingerprint is ``fingerprint``."""
        row = self._db.execute(
            "SELECT record FROM documents WHERE source = ? AND location = ? AND fingerprint = ?",
            (source, location, fingerprint)).fetchone()
        return row[0] if row else None

    def record_document(self, source: str, location: str, fingerprint: str,
                        record: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
                         (source, location, fingerprint, record))

    def run_value(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM run_state WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_run_value(self, name: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO run_state VALUES (?, ?)", (name, value))

    def events_digest(self) -> str:
        """A digest of every stored event, as stored."""
        digest = hashlib.sha256()
        for uid, data in self._db.execute("SELECT uid, data FROM events ORDER BY uid"):
            digest.update(f"{uid}\0{data}\0".encode())
        return digest.hexdigest()


_INSERT_LISTING = ("INSERT OR REPLACE INTO listings (source, issue, line, issue_date, stored_at,"
                   " data, occurrence, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def occurrence_key(event: RawEvent, issue_date: dt.date | None) -> str:
    """What tells apart listings on one line: "" for a newsletter listing; for a calendar
    occurrence its id (``source_uid``: UID, "#" + RECURRENCE-ID in a series) and the date
    of the fetch that found this version of it."""
    if not event.source_uid:
        return ""
    return f"{event.source_uid}@{_iso(issue_date)}"


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
