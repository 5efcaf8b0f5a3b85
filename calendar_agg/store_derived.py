"""What the store keeps so that runs skip work they did before: the index of the last
derivation (``normalize.nearby``), each event's VEVENT and Atom entry as written. All of
it can be derived again from the listings and events; a run that finds it missing or made by
other code rebuilds it. ``Store`` has these methods (``DerivedTables``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence


class DerivedTables:
    """The store's methods for the tables of derived work (a part of ``Store``)."""

    _db: sqlite3.Connection

    # --- ``normalize.nearby``'s index of the last derivation: what it is (``meta``) and one
    # row per listing, written and read one at a time

    def derive_index_meta(self) -> bytes | None:
        row = self._db.execute("SELECT data FROM derive_index WHERE name = 'index'").fetchone()
        return bytes(row[0]) if row else None

    def derive_rows(self) -> Iterator[tuple[tuple, bytes]]:
        """Each row of the index: (listing key, as ``listing_rows`` gives it; its data)."""
        for *key, data in self._db.execute(
                "SELECT source, issue, line, occurrence, data FROM derive_rows"):
            yield tuple(key), bytes(data)

    def replace_derive_index(self, meta: bytes | None,
                             rows: Iterable[tuple[tuple, bytes]]) -> None:
        """Replace the index (``meta`` None: forget it)."""
        self._db.execute("DELETE FROM derive_index")
        self._db.execute("DELETE FROM derive_rows")
        if meta is not None:
            self.update_derive_index(meta, (), rows)

    def update_derive_index(self, meta: bytes, removed: Collection[tuple],
                            rows: Iterable[tuple[tuple, bytes]]) -> None:
        """The index with the ``removed`` rows deleted and ``rows`` put in."""
        self._db.execute("INSERT OR REPLACE INTO derive_index VALUES ('index', ?)", (meta,))
        self._db.executemany("DELETE FROM derive_rows WHERE source = ? AND issue = ? AND"
                             " line = ? AND occurrence = ?", removed)
        self._db.executemany("INSERT OR REPLACE INTO derive_rows VALUES (?, ?, ?, ?, ?)",
                             ((*key, data) for key, data in rows))

    def vevents(self) -> StoredVEvents:
        """The VEVENTs kept, read as publishing needs them (``publish.ics.StoredParts``)."""
        return StoredVEvents(self._db)

    def keep_vevent_parts(self, used: Mapping[str, tuple[str, bytes] | None]) -> None:
        """Keep exactly the parts a run used (None: one kept already)."""
        stored = {key for (key,) in self._db.execute("SELECT key FROM vevents")}
        self._db.executemany("DELETE FROM vevents WHERE key = ?",
                             [(key,) for key in stored - used.keys()])
        self._db.executemany("INSERT INTO vevents VALUES (?, ?, ?)",
                             [(key, *part) for key in used.keys() - stored
                              if (part := used[key]) is not None])

    def keep_vevent_part(self, key: str, tzids: str, data: bytes) -> None:
        """Keep one VEVENT made ahead of publishing (``keep_vevent_parts`` keeps those used)."""
        self._db.execute("INSERT OR REPLACE INTO vevents VALUES (?, ?, ?)", (key, tzids, data))

    def atom_entries(self) -> dict[str, str]:
        """Each Atom entry as written by earlier runs: key -> its text."""
        return dict(self._db.execute("SELECT key, entry FROM atom_entries"))

    def keep_atom_entries(self, used: dict[str, str]) -> None:
        """Keep exactly the entries a run used."""
        stored = {key for (key,) in self._db.execute("SELECT key FROM atom_entries")}
        self._db.executemany("DELETE FROM atom_entries WHERE key = ?",
                             [(key,) for key in stored - used.keys()])
        self._db.executemany("INSERT INTO atom_entries VALUES (?, ?)",
                             [(key, used[key]) for key in used.keys() - stored])


class StoredVEvents:
    """The ``vevents`` table as ``publish.ics.StoredParts``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def tzids(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, tzids FROM vevents"))

    def data(self, keys: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found.update((key, bytes(data)) for key, data in self._db.execute(
                f"SELECT key, data FROM vevents WHERE key IN ({', '.join('?' * len(chunk))})",
                chunk))
        return found
