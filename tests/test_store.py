"""The store: listings kept in full, events derived from them, history, migrations."""

import datetime as dt
import sqlite3

import pytest

from calendar_agg.derivation import derive_events
from calendar_agg.errors import StoreError
from calendar_agg.models import Event, Issue, RawEvent, RunReport
from calendar_agg.pipeline import ListingKeeper
from calendar_agg.store import MIGRATIONS, Store, from_json, to_json

NOW = dt.datetime(2025, 6, 5, 12, tzinfo=dt.UTC)
URL = "https://www.meetup.com/rust-berlin/events/1"
D602, D603, D604 = dt.date(2025, 6, 4), dt.date(2025, 6, 11), dt.date(2025, 6, 18)


def issue(name, date, window=True):
    return Issue(name, date, (date, date + dt.timedelta(days=28)) if window else None)


I602, I603, I604 = issue("602", D602), issue("603", D603), issue("604", D604)


def raw(issue_name="602", line=10, **fields):
    base = dict(issue=issue_name, line=line, start=dt.date(2025, 6, 19), city="Berlin",
                country="DE", region="Europe", group="Rust Berlin", title="Hack and Learn",
                url=URL, source="twir")
    return RawEvent(**(base | fields))


def run(store, *issues_and_events, now=NOW):
    """One run over (Issue, [RawEvent]) pairs, as the pipeline does it."""
    report = RunReport(started=now)
    with store.transaction():
        for found, _ in issues_and_events:
            store.record_issue("twir", found)
        events = [event for _, listed in issues_and_events for event in listed]
        ListingKeeper(store, now).keep(
            "twir", events, {("twir", i.name): (i, "markdown") for i, _ in issues_and_events})
        derive_events(store, report)
    return report


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "s.sqlite3")
    yield store
    store.close()


def test_same_meetup_in_two_regions_is_one_hybrid_event(store):
    report = run(store, (I602, [raw(line=10, region="Virtual", virtual=True),
                                raw(line=40, region="Europe")]))
    assert report.new == 1
    [event] = store.events()
    assert event.hybrid and event.virtual
    assert event.regions == ("Europe", "Virtual")
    assert event.first_seen == dt.datetime(2025, 6, 4, tzinfo=dt.UTC)
    assert [(s.issue, s.line) for s in store.sightings(event.uid)] == [("602", 10), ("602", 40)]


def test_rerun_changes_nothing(store):
    run(store, (I602, [raw()]))
    before = store.events()
    report = run(store, (I602, [raw()]), now=NOW + dt.timedelta(hours=6))
    assert (report.new, report.updated) == (0, 0)
    assert store.events() == before


def test_rename_in_later_issue_keeps_uid_and_bumps_sequence(store):
    run(store, (I602, [raw()]))
    [before] = store.events()
    report = run(store, (I603, [raw("603", title="Hack and Learn (moved room)")]))
    assert report.updated == 1
    [event] = store.events()
    assert event.uid == before.uid
    assert event.title == "Hack and Learn (moved room)"
    assert event.sequence == 1
    assert event.last_modified == dt.datetime(2025, 6, 11, tzinfo=dt.UTC)
    assert event.issues == ("602", "603")
    history = store.history(event.uid)
    assert [(h.change, h.issue) for h in history] == [("new", "602"), ("renamed", "603")]
    assert history[1].details["title"] == ["Hack and Learn", "Hack and Learn (moved room)"]


def test_move_keeps_uid_and_records_the_issue(store):
    run(store, (I602, [raw()]))
    [before] = store.events()
    run(store, (I603, [raw("603", start=dt.date(2025, 6, 26))]))
    [event] = store.events()
    assert event.uid == before.uid and event.start == dt.date(2025, 6, 26)
    assert event.sequence == 1 and event.last_modified > before.last_modified
    [_, moved] = store.history(event.uid)
    assert (moved.change, moved.issue, moved.details["start"]) == (
        "moved", "603", ["2025-06-19", "2025-06-26"])


def test_missing_from_covering_issue_cancels_and_relisting_confirms(store):
    other = raw(line=20, url="https://www.meetup.com/rust-hamburg/events/2", city="Hamburg",
                group="Rust Hamburg", title="Talks", start=dt.date(2025, 6, 30))
    run(store, (I602, [raw(), other]))
    report = run(store, (I603, [raw("603", line=20, **{
        k: getattr(other, k) for k in ("url", "city", "group", "title", "start")})]))
    assert report.cancelled == 1
    event = next(e for e in store.events() if e.city == "Berlin")
    assert (event.status, event.sequence) == ("CANCELLED", 1)
    assert [h.change for h in store.history(event.uid)] == ["new", "cancelled"]
    run(store, (I604, [raw("604")]))
    event = store.event(event.uid)
    assert (event.status, event.sequence) == ("CONFIRMED", 2)
    assert [h.change for h in store.history(event.uid)] == ["new", "cancelled", "confirmed"]


def test_issue_whose_window_ends_before_the_event_does_not_cancel(store):
    run(store, (I602, [raw(start=dt.date(2025, 7, 20))]))
    short = Issue("603", D603, (D603, dt.date(2025, 7, 9)))
    run(store, (short, [raw("603", url="https://x.org/e/1", title="Other", group="Other")]))
    assert {e.status for e in store.events()} == {"CONFIRMED"}


def test_issue_that_lists_nothing_deletes_nothing(store):
    run(store, (I602, [raw()]))
    run(store, (I603, []))
    run(store, (I602, []))  # the same issue read again, now without events
    [event] = store.events()
    assert event.status == "CONFIRMED" and len(store.sightings(event.uid)) == 1


def test_older_issue_arriving_later_gives_the_same_result(store, tmp_path):
    newer, older = (I603, [raw("603", title="New title")]), (I602, [raw(title="Old title")])
    run(store, newer)
    run(store, older)
    other = Store.open(tmp_path / "other.sqlite3")
    run(other, older)
    run(other, newer)
    assert store.events() == other.events()
    [event] = store.events()
    assert (event.title, event.sequence) == ("New title", 1)
    assert event.first_seen == dt.datetime(2025, 6, 4, tzinfo=dt.UTC)
    other.close()


def test_failed_run_rolls_back(store):
    run(store, (I602, [raw()]))
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.record_listings("twir", "603", D603, [raw("603", start=dt.date(2025, 7, 1))],
                                  NOW)
            raise RuntimeError("killed mid-run")
    assert len(store.listings()) == 1 and len(store.events()) == 1


def test_fields_added_to_the_models_are_kept():
    event = raw(extra_urls=("https://a.example/x",), end=dt.date(2025, 6, 20))
    assert from_json(RawEvent, to_json(event)) == event
    stored = Event(uid="u", start=dt.date(2025, 6, 19), end=None, city=None, subdivision=None,
                   country=None, virtual=True, hybrid=False, regions=("Virtual",), group=None,
                   group_url=None, title="t", url=None,
                   first_seen=dt.datetime(2025, 6, 4, tzinfo=dt.UTC), issues=("602",))
    assert from_json(Event, to_json(stored)) == stored
    # a field the program no longer has is ignored, one it gained gets its default
    assert from_json(RawEvent, '{"issue": "i", "line": 1, "start": "2025-06-19", '
                               '"gone": 1}') == RawEvent("i", 1, dt.date(2025, 6, 19))


def test_schema_is_versioned(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    store = Store.open(path)  # reopening migrates nothing and keeps working
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 12
    store.close()


def test_version_1_store_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.execute("INSERT INTO sources (name, failures) VALUES ('twir', 0)")
    db.commit()
    db.close()
    store = Store.open(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [s["name"] for s in store.sources()] == ["twir"]  # per-source state survives
    run(store, (I602, [raw()]))
    assert len(store.events()) == 1
    store.close()


def test_store_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer than this program"):
        Store.open(path)


def test_an_issue_listed_by_two_documents_of_a_run_keeps_both_documents_listings(store):
    """Listings are kept document by document as they are parsed: the first document of a
    run that lists an issue replaces what was stored for it, the next ones add to it."""
    old = raw(line=5, title="Listed last week only")
    ListingKeeper(store, NOW).keep("twir", [old], {("twir", "602"): (I602, "markdown")})
    later = NOW + dt.timedelta(days=1)
    keeper = ListingKeeper(store, later)
    page, feed = raw(line=10), raw(line=40, title="Second document")
    keeper.keep("twir", [page], {("twir", "602"): (I602, "html")})
    keeper.keep("twir", [feed], {("twir", "602"): (I602, "feed")})
    assert [(e.line, e.title) for e, _, _ in store.listings()] == [
        (10, "Hack and Learn"), (40, "Second document")]
    ListingKeeper(store, later).keep("twir", [feed], {("twir", "602"): (I602, "feed")})
    assert [e.line for e, _, _ in store.listings()] == [40]
