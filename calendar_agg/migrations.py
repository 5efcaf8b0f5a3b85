"""The store's schema, as the steps that build it: ``MIGRATIONS[i]`` takes a store from
version i to i+1 (``PRAGMA user_version``); ``Store.open`` applies the missing ones, each
in one transaction."""

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
    # 2: keep every listing in full; events, sightings and history are derived from the
    # listings on every run (so the order issues arrive in cannot matter). Version 1 kept
    # only derived rows, which cannot be rebuilt: its events are dropped, a backfill
    # re-creates them (no store of version 1 was ever released).
    """
    DROP TABLE history;
    DROP TABLE sightings;
    DROP TABLE event_keys;
    DROP TABLE events;
    CREATE TABLE listings (
        source TEXT NOT NULL, issue TEXT NOT NULL, line INTEGER NOT NULL,
        issue_date TEXT, stored_at TEXT NOT NULL,
        data TEXT NOT NULL,  -- the RawEvent as parsed, JSON (store.to_json)
        PRIMARY KEY (source, issue, line)
    );
    CREATE TABLE events (
        uid TEXT PRIMARY KEY, start TEXT NOT NULL,
        data TEXT NOT NULL  -- the Event, JSON
    );
    CREATE TABLE sightings (
        uid TEXT NOT NULL, source TEXT NOT NULL, issue TEXT NOT NULL, line INTEGER NOT NULL,
        PRIMARY KEY (source, issue, line)
    );
    CREATE INDEX sightings_uid ON sightings (uid);
    CREATE TABLE history (
        uid TEXT NOT NULL, number INTEGER NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL,
        issue TEXT NOT NULL, change TEXT NOT NULL, details TEXT NOT NULL,
        PRIMARY KEY (uid, number)
    );
    """,
    # 3: a server's Retry-After longer than a run waits: the source is not asked again
    # before this time (ISO date-time), whatever the backoff says.
    """
    ALTER TABLE sources ADD COLUMN retry_after TEXT;
    """,
    # 4: calendar sources list every occurrence of a series from one line, and keep each
    # version of an occurrence: listings and sightings are keyed by ``occurrence`` too
    # ("" for newsletter listings, see ``occurrence_key``); an issue notes the format it was
    # read with (merge authority; calendars are tracked by deletion, not by window).
    """
    CREATE TABLE listings_keyed (
        source TEXT NOT NULL, issue TEXT NOT NULL, line INTEGER NOT NULL,
        issue_date TEXT, stored_at TEXT NOT NULL, data TEXT NOT NULL,
        occurrence TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (source, issue, line, occurrence)
    );
    INSERT INTO listings_keyed (source, issue, line, issue_date, stored_at, data)
        SELECT source, issue, line, issue_date, stored_at, data FROM listings;
    DROP TABLE listings;
    ALTER TABLE listings_keyed RENAME TO listings;
    CREATE TABLE sightings_keyed (
        uid TEXT NOT NULL, source TEXT NOT NULL, issue TEXT NOT NULL, line INTEGER NOT NULL,
        occurrence TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (source, issue, line, occurrence)
    );
    INSERT INTO sightings_keyed (uid, source, issue, line)
        SELECT uid, source, issue, line FROM sightings;
    DROP TABLE sightings;
    ALTER TABLE sightings_keyed RENAME TO sightings;
    CREATE INDEX sightings_uid ON sightings (uid);
    ALTER TABLE issues ADD COLUMN format TEXT;
    """,
    # 5: what lets a run skip unchanged work (``fingerprints``): each document's fingerprint
    # and what its parse reported; small named values of the last run; each event's VEVENT
    # as serialized (by ``publish.ics.part_key``).
    """
    CREATE TABLE documents (
        source TEXT NOT NULL, location TEXT NOT NULL, fingerprint TEXT NOT NULL,
        record TEXT NOT NULL, PRIMARY KEY (source, location)
    );
    CREATE TABLE run_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE vevents (key TEXT PRIMARY KEY, tzids TEXT NOT NULL, data BLOB NOT NULL);
    """,
    # 6: a digest of what each event was derived from (``changes.derivation_key``): an event
    # whose inputs are unchanged is not derived again.
    """
    ALTER TABLE events ADD COLUMN derived_from TEXT NOT NULL DEFAULT '';
    """,
    # 7: each listing as resolved for grouping (``normalize.listings``), kept beside it;
    # NULL until a run resolves it.
    """
    ALTER TABLE listings ADD COLUMN resolved TEXT;
    """,
    # 8: what the last derivation grouped, so that a run that only adds listings derives
    # again only the events near them (``normalize.nearby``); one row, rebuilt when missing.
    """
    CREATE TABLE derive_index (name TEXT PRIMARY KEY, data BLOB NOT NULL);
    """,
    # 9: what publishing asks of every event, beside it (``records.summary_text``), so that
    # an event it only counts is not decoded; NULL until the event is derived again.
    """
    ALTER TABLE events ADD COLUMN summary TEXT;
    """,
    # 10: each Atom entry as written (by ``publish.atom.entry_key``), as 5 keeps VEVENTs.
    """
    CREATE TABLE atom_entries (key TEXT PRIMARY KEY, entry TEXT NOT NULL);
    """,
    # 11: the rows of 8's index, one per listing (written one at a time: a whole index of a
    # large archive held at once cost more memory than its listings); 8's single row keeps
    # what the index is.
    """
    DELETE FROM derive_index;
    CREATE TABLE derive_rows (
        source TEXT NOT NULL, issue TEXT NOT NULL, line INTEGER NOT NULL,
        occurrence TEXT NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (source, issue, line, occurrence)
    ) WITHOUT ROWID;
    """,
    # 12: an issue whose list was not read in full cancels nothing (``Issue.partial``).
    """
    ALTER TABLE issues ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
    """,
)
