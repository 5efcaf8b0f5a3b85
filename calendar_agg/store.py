"""SQLite store: events, where each was seen, their history, and per-source state.

One ``Store`` per run; ``with store.transaction():`` makes a run all-or-nothing,
so a crash or kill mid-run leaves the previous state intact.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from calendar_agg.errors import StoreError
from calendar_agg.models import Event, Issue, RawEvent

# Each entry migrates the schema from version i to i+1; never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        uid TEXT PRIMARY KEY,
        start TEXT NOT NULL, end_date TEXT,
        city TEXT, subdivision TEXT, country TEXT,
        virtual INTEGER NOT NULL, hybrid INTEGER NOT NULL, regions TEXT NOT NULL,
        group_name TEXT, group_url TEXT, title TEXT, url TEXT, extra_urls TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'CONFIRMED', sequence INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, last_modified TEXT NOT NULL,
        fields_from TEXT NOT NULL  -- sort key of the listing the fields come from
    );
    CREATE TABLE event_keys (key TEXT PRIMARY KEY, uid TEXT NOT NULL REFERENCES events(uid));
    CREATE TABLE sightings (
        uid TEXT NOT NULL REFERENCES events(uid), source TEXT NOT NULL, issue TEXT NOT NULL,
        line INTEGER NOT NULL, issue_date TEXT,
        PRIMARY KEY (uid, source, issue, line)
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY, uid TEXT NOT NULL REFERENCES events(uid), at TEXT NOT NULL,
        source TEXT NOT NULL, issue TEXT NOT NULL, change TEXT NOT NULL, details TEXT NOT NULL
    );
    CREATE TABLE issues (
        source TEXT NOT NULL, name TEXT NOT NULL, date TEXT, window_start TEXT,
        window_end TEXT, url TEXT, PRIMARY KEY (source, name)
    );
    CREATE TABLE sources (
        name TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, last_attempt TEXT,
        last_success TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0,
        events_last INTEGER
    );
    CREATE INDEX sightings_issue ON sightings (source, issue);
    CREATE INDEX history_uid ON history (uid);
    """,
)

# Fields whose change is a real change: it bumps SEQUENCE and LAST-MODIFIED.
CHANGE_FIELDS = ("start", "end", "title", "city", "subdivision", "country", "url",
                 "virtual", "hybrid")


@dataclass(frozen=True)
class Listing:
    """A resolved RawEvent with its identity, ready to merge into the store."""

    key: str
    event: RawEvent
    regions: tuple[str, ...]
    issue_date: dt.date | None

    @property
    def order(self) -> str:
        """Sort key: a newer issue's listing wins; ties broken by issue name and line."""
        day = self.issue_date.isoformat() if self.issue_date else "0000-00-00"
        return f"{day}|{self.event.issue}|{self.event.line:06d}"


@dataclass
class MergeStats:
    new: int = 0
    updated: int = 0


class Store:
    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self.path = path

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
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(self.path, str(exc)) from None

    # --- per-source state -------------------------------------------------------------

    def source_state(self, name: str) -> dict | None:
        row = self._db.execute("SELECT * FROM sources WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        columns = [c[0] for c in self._db.execute("SELECT * FROM sources LIMIT 0").description]
        return dict(zip(columns, row))

    def record_source(self, name: str, at: dt.datetime, *, error: str | None = None,
                      events: int | None = None, etag: str | None = None,
                      last_modified: str | None = None, keep_validators: bool = False) -> None:
        """Note one attempt at a source: its outcome and, on success, its HTTP validators."""
        old = self.source_state(name) or {"failures": 0, "last_success": None,
                                          "etag": None, "last_modified": None,
                                          "events_last": None}
        if keep_validators or error:
            etag, last_modified = old["etag"], old["last_modified"]
        self._db.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, etag, last_modified, at.isoformat(),
             old["last_success"] if error else at.isoformat(), error,
             old["failures"] + 1 if error else 0,
             old["events_last"] if events is None else events),
        )

    def sources(self) -> list[dict]:
        names = [r[0] for r in self._db.execute("SELECT name FROM sources ORDER BY name")]
        return [s for s in map(self.source_state, names) if s]

    # --- issues and events ---------------------------------------------------------------

    def record_issue(self, source: str, issue: Issue) -> None:
        window = issue.window or (None, None)
        self._db.execute(
            "INSERT OR REPLACE INTO issues VALUES (?, ?, ?, ?, ?, ?)",
            (source, issue.name, _iso(issue.date), _iso(window[0]), _iso(window[1]), issue.url),
        )

    def merge(self, key: str, listings: list[Listing], combined: RawEvent,
              regions: tuple[str, ...], now: dt.datetime) -> str:
        """Merge the listings of one identity; returns "new", "updated" or "same"."""
        newest = max(listings, key=lambda listing: listing.order)
        row = self._db.execute(
            "SELECT e.* FROM event_keys k JOIN events e ON e.uid = k.uid WHERE k.key = ?", (key,)
        ).fetchone()
        seen = _seen_time(min(listings, key=lambda listing: listing.order), now)
        if row is None:
            from calendar_agg.normalize.identity import uid_for

            uid = uid_for(key)
            self._insert(uid, combined, regions, seen, newest)
            self._db.execute("INSERT OR IGNORE INTO event_keys VALUES (?, ?)", (key, uid))
            self._history(uid, newest, seen, "new", {})
            outcome = "new"
        else:
            uid = row[0]
            outcome = self._update(_row_event(row, self._columns()), row, combined, regions,
                                   newest, now)
            self._db.execute("UPDATE events SET first_seen = min(first_seen, ?) WHERE uid = ?",
                             (seen.isoformat(), uid))
        self._db.executemany(
            "INSERT OR IGNORE INTO sightings VALUES (?, ?, ?, ?, ?)",
            [(uid, li.event.source, li.event.issue, li.event.line, _iso(li.issue_date))
             for li in listings],
        )
        return outcome

    def _columns(self) -> list[str]:
        return [c[0] for c in self._db.execute("SELECT * FROM events LIMIT 0").description]

    def _insert(self, uid: str, ev: RawEvent, regions: tuple[str, ...],
                seen: dt.datetime, newest: Listing) -> None:
        self._db.execute(
            "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'CONFIRMED',0,?,?,?,?)",
            (uid, *_event_values(ev, regions), seen.isoformat(),
             _seen_time(newest, seen).isoformat(), seen.isoformat(), newest.order),
        )

    def _update(self, current: Event, row: tuple, ev: RawEvent, regions: tuple[str, ...],
                newest: Listing, now: dt.datetime) -> str:
        columns = self._columns()
        fields_from = row[columns.index("fields_from")]
        last_seen = max(row[columns.index("last_seen")], _seen_time(newest, now).isoformat())
        if newest.order < fields_from:  # an older issue: provenance only
            self._db.execute("UPDATE events SET last_seen = ? WHERE uid = ?",
                             (last_seen, current.uid))
            return "same"
        changes = _changes(current, ev)
        values = _event_values(ev, regions)
        if not changes:
            self._db.execute(
                "UPDATE events SET regions = ?, group_name = ?, group_url = ?, extra_urls = ?, "
                "last_seen = ?, fields_from = ? WHERE uid = ?",
                (values[7], values[8], values[9], values[12], last_seen, newest.order,
                 current.uid))
            return "same"
        modified = _later(current.last_modified, _seen_time(newest, now))
        self._db.execute(
            "UPDATE events SET start=?, end_date=?, city=?, subdivision=?, country=?, virtual=?,"
            " hybrid=?, regions=?, group_name=?, group_url=?, title=?, url=?, extra_urls=?,"
            " status='CONFIRMED', sequence = sequence + 1, last_seen=?, last_modified=?,"
            " fields_from=? WHERE uid=?",
            (*values, last_seen, modified.isoformat(), newest.order, current.uid))
        self._history(current.uid, newest, modified, "changed", changes)
        return "updated"

    def _history(self, uid: str, listing: Listing, at: dt.datetime, change: str,
                 details: dict) -> None:
        self._db.execute(
            "INSERT INTO history (uid, at, source, issue, change, details) VALUES (?,?,?,?,?,?)",
            (uid, at.isoformat(), listing.event.source, listing.event.issue, change,
             json.dumps(details, sort_keys=True, default=str)))

    def events(self) -> list[Event]:
        columns = self._columns()
        rows = self._db.execute("SELECT * FROM events ORDER BY start, uid").fetchall()
        issues = self._issues_by_uid()
        return [_row_event(row, columns, issues.get(row[0], ())) for row in rows]

    def _issues_by_uid(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for uid, issue in self._db.execute(
                "SELECT uid, issue FROM sightings GROUP BY uid, issue "
                "ORDER BY uid, min(coalesce(issue_date, '')), issue"):
            found.setdefault(uid, []).append(issue)
        return {uid: tuple(names) for uid, names in found.items()}

    def sightings(self, uid: str) -> list[tuple]:
        return self._db.execute(
            "SELECT source, issue, line, issue_date FROM sightings WHERE uid = ? "
            "ORDER BY issue_date, issue, line", (uid,)).fetchall()

    def history(self, uid: str) -> list[tuple]:
        return self._db.execute(
            "SELECT at, source, issue, change, details FROM history WHERE uid = ? ORDER BY id",
            (uid,)).fetchall()


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _seen_time(listing: Listing, now: dt.datetime) -> dt.datetime:
    """When a listing was first known: its issue's date (deterministic), else now."""
    if listing.issue_date is None:
        return now
    return dt.datetime.combine(listing.issue_date, dt.time(), tzinfo=dt.UTC)


def _later(previous: dt.datetime | None, candidate: dt.datetime) -> dt.datetime:
    if previous is None or candidate > previous:
        return candidate
    return previous + dt.timedelta(seconds=1)


def _event_values(ev: RawEvent, regions: tuple[str, ...]) -> tuple:
    return (ev.start.isoformat(), _iso(ev.end), ev.city, ev.subdivision, ev.country,
            int(ev.virtual), int(ev.hybrid), json.dumps(list(regions)), ev.group, ev.group_url,
            ev.title, ev.url, json.dumps(list(ev.extra_urls)))


def _changes(current: Event, ev: RawEvent) -> dict[str, list]:
    return {name: [getattr(current, name), getattr(ev, name)] for name in CHANGE_FIELDS
            if getattr(current, name) != getattr(ev, name)}


def _row_event(row: tuple, columns: list[str], issues: tuple[str, ...] = ()) -> Event:
    r = dict(zip(columns, row))
    return Event(
        uid=r["uid"], start=dt.date.fromisoformat(r["start"]),
        end=dt.date.fromisoformat(r["end_date"]) if r["end_date"] else None,
        city=r["city"], subdivision=r["subdivision"], country=r["country"],
        virtual=bool(r["virtual"]), hybrid=bool(r["hybrid"]),
        regions=tuple(json.loads(r["regions"])), group=r["group_name"],
        group_url=r["group_url"], title=r["title"], url=r["url"],
        extra_urls=tuple(json.loads(r["extra_urls"])), status=r["status"],
        sequence=r["sequence"], first_seen=dt.datetime.fromisoformat(r["first_seen"]),
        last_seen=dt.datetime.fromisoformat(r["last_seen"]),
        last_modified=dt.datetime.fromisoformat(r["last_modified"]), issues=issues,
    )
