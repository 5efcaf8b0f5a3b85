"""Listings resolved for grouping, kept beside them in the store (``normalize.listings``)."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from calendar_agg.models import Document, RawEvent
from calendar_agg.normalize import listings
from calendar_agg.normalize.listings import (
    PLACE_FIELDS,
    StoredListings,
    from_resolution_text,
    resolution_text,
    resolve_listing,
)
from calendar_agg.parsers import parse_document
from calendar_agg.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "markdown"
NOW = dt.datetime(2025, 6, 5, 12, tzinfo=dt.UTC)


def sample_listings() -> list[RawEvent]:
    found = []
    for path in sorted(SAMPLES.glob("*.md")):
        found += parse_document(Document("twir", path.name, path.read_text("utf-8"))).events
    return found + [  # places the gazetteer cannot resolve, and cities misspelt
        RawEvent("x", 1, dt.date(2025, 6, 4), city="Darmstadr", country="DE"),
        RawEvent("x", 2, dt.date(2025, 6, 4), city="Atlantis", country="Utopia",
                 subdivision="Nowhere"),
        RawEvent("x", 3, dt.date(2025, 6, 4), city="Köln", country="Deutschland"),
    ]


def test_kept_resolution_reads_back_as_resolved():
    """What the store keeps of a resolved listing gives back exactly what resolving it
    gives, and resolving changes no field but the place's."""
    events = sample_listings()
    assert len(events) > 100
    for raw in events:
        resolved = resolve_listing(raw)
        assert from_resolution_text(resolution_text(resolved)) == resolved
        unchanged = {f.name for f in dataclasses.fields(RawEvent)} - set(PLACE_FIELDS)
        assert all(getattr(resolved.event, name) == getattr(raw, name) for name in unchanged)


def test_each_listing_is_resolved_once_per_code(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "store.sqlite3")
    events = [dataclasses.replace(event, issue="602", line=line)
              for line, event in enumerate(sample_listings()[::10], 1)]
    with store.transaction():
        store.record_listings("twir", "602", dt.date(2025, 6, 4), events, NOW)
        first = list(StoredListings(store, "code 1"))
        StoredListings(store, "code 1").keep()  # nothing resolved by this one: nothing kept
        resolver = StoredListings(store, "code 1")
        assert list(resolver) == first
        resolver.keep()
    assert [resolved for resolved, _, _ in first] == [resolve_listing(e) for e in events]
    with monkeypatch.context() as patched:
        patched.setattr(listings, "resolve_listing", lambda raw: pytest.fail("resolved again"))
        with store.transaction():
            assert list(StoredListings(store, "code 1")) == first
    calls = []
    monkeypatch.setattr(listings, "resolve_listing",
                        lambda raw: calls.append(raw) or resolve_listing(raw))
    with store.transaction():  # other code: every listing is resolved again
        assert list(StoredListings(store, "code 2")) == first
    assert len(calls) == len(events)
    store.close()


def test_listings_kept_by_a_run_are_stored_resolved_and_taken_as_resolved(tmp_path,
                                                                         monkeypatch):
    """``ListingKeeper`` resolves each newsletter listing as it stores it: the store keeps
    the resolution beside it, and the run's derivation takes the resolved listings as they
    are (nothing read back); both give exactly what resolving the stored listing gives."""
    from zoneinfo import ZoneInfo

    from calendar_agg.fingerprints import code_version
    from calendar_agg.models import Issue
    from calendar_agg.pipeline import ListingKeeper

    store = Store.open(tmp_path / "store.sqlite3")
    events = [dataclasses.replace(event, issue="602", line=line)
              for line, event in enumerate(sample_listings()[::10], 1)]
    timed = dt.datetime(2025, 6, 4, 18, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    events[0] = dataclasses.replace(events[0], starts_at=timed, timezone="Europe/Berlin")
    issue = Issue("602", dt.date(2025, 6, 4))
    with store.transaction():
        keeper = ListingKeeper(store, NOW)
        keeper.keep("twir", events, {("twir", "602"): (issue, "markdown")})
    assert len(keeper.resolved) == len(events)
    with monkeypatch.context() as patched, store.transaction():
        patched.setattr(listings, "resolve_listing", lambda raw: pytest.fail("resolved again"))
        read_back = list(StoredListings(store, code_version()))
        patched.setattr(listings, "from_resolution_text", lambda text: pytest.fail("read"))
        taken = list(StoredListings(store, code_version(), keeper.resolved))
    assert repr(taken) == repr(read_back)  # time zones too: as read back, a fixed offset
    assert [r for r, _, _ in taken] == [resolve_listing(e) for e in events]
    store.close()


def test_a_handed_over_listing_that_is_not_what_the_store_holds_is_read_from_the_store(
        tmp_path):
    """Listings handed over by the run are taken only when the store holds the same (a
    rolled-back savepoint undoes what was stored, not what was handed over)."""
    from calendar_agg.fingerprints import code_version
    from calendar_agg.models import Issue
    from calendar_agg.pipeline import ListingKeeper

    store = Store.open(tmp_path / "store.sqlite3")
    events = [dataclasses.replace(event, issue="602", line=line)
              for line, event in enumerate(sample_listings()[::20], 1)]
    issue = {("twir", "602"): (Issue("602", dt.date(2025, 6, 4)), "markdown")}
    with store.transaction():
        ListingKeeper(store, NOW).keep("twir", events, issue)
        stored = list(StoredListings(store, code_version()))
        keeper = ListingKeeper(store, NOW)
        with pytest.raises(RuntimeError), store.savepoint():
            renamed = [dataclasses.replace(e, title="Renamed") for e in events]
            keeper.keep("twir", renamed, issue)
            raise RuntimeError("the source failed half-way")
        assert len(keeper.resolved) == len(events)  # handed over, not forgotten here
        taken = list(StoredListings(store, code_version(), keeper.resolved))
    assert taken == stored
    assert not any(r.event.title == "Renamed" for r, _, _ in taken)
    store.close()
