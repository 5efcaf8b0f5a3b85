import datetime as dt

import pytest

from calendar_agg.models import RawEvent
from calendar_agg.normalize.merge import combine, listings_by_identity
from calendar_agg.store import Store

NOW = dt.datetime(2025, 6, 5, 12, tzinfo=dt.UTC)
ISSUES = {"602.md": dt.date(2025, 6, 4), "603.md": dt.date(2025, 6, 11)}
URL = "https://www.meetup.com/rust-berlin/events/1"


def raw(issue="602.md", line=10, **fields):
    base = dict(issue=issue, line=line, start=dt.date(2025, 6, 19), city="Berlin",
                country="DE", region="Europe", group="Rust Berlin", title="Hack and Learn",
                url=URL, source="twir")
    return RawEvent(**(base | fields))


def merge_all(store, events):
    outcomes = []
    with store.transaction():
        for key, listings in listings_by_identity(events, ISSUES).items():
            combined, regions = combine(listings)
            outcomes.append(store.merge(key, listings, combined, regions, NOW))
    return outcomes


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "s.sqlite3")
    yield store
    store.close()


def test_same_meetup_in_two_regions_is_one_hybrid_event(store):
    outcomes = merge_all(store, [
        raw(line=10, region="Virtual", virtual=True),
        raw(line=40, region="Europe"),
    ])
    assert outcomes == ["new"]
    [event] = store.events()
    assert event.hybrid and event.virtual
    assert event.regions == ("Europe", "Virtual")
    assert event.first_seen == dt.datetime(2025, 6, 4, tzinfo=dt.UTC)
    assert [s[1:3] for s in store.sightings(event.uid)] == [("602.md", 10), ("602.md", 40)]


def test_rerun_changes_nothing(store):
    merge_all(store, [raw()])
    before = store.events()
    assert merge_all(store, [raw()]) == ["same"]
    assert store.events() == before


def test_listing_in_later_issue_updates_and_bumps_sequence(store):
    merge_all(store, [raw()])
    assert merge_all(store, [raw(issue="603.md", title="Hack and Learn (moved room)")]) == [
        "updated"]
    [event] = store.events()
    assert event.title == "Hack and Learn (moved room)"
    assert event.sequence == 1
    assert event.last_modified == dt.datetime(2025, 6, 11, tzinfo=dt.UTC)
    assert event.issues == ("602.md", "603.md")
    changes = [h[3] for h in store.history(event.uid)]
    assert changes == ["new", "changed"]


def test_older_issue_arriving_later_does_not_overwrite(store):
    merge_all(store, [raw(issue="603.md", title="New title")])
    assert merge_all(store, [raw(issue="602.md", title="Old title")]) == ["same"]
    [event] = store.events()
    assert event.title == "New title" and event.sequence == 0
    assert event.first_seen == dt.datetime(2025, 6, 4, tzinfo=dt.UTC)


def test_failed_run_rolls_back(store):
    merge_all(store, [raw()])
    with pytest.raises(RuntimeError):
        with store.transaction():
            for key, listings in listings_by_identity([raw(start=dt.date(2025, 7, 1))],
                                                      ISSUES).items():
                combined, regions = combine(listings)
                store.merge(key, listings, combined, regions, NOW)
            raise RuntimeError("killed mid-run")
    assert len(store.events()) == 1


def test_schema_is_versioned(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    store = Store.open(path)  # reopening migrates nothing and keeps working
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == 1
    store.close()
