"""Published files parsed back with real parsers and checked against INTEROP.md."""

import datetime as dt
from dataclasses import replace

import feedparser
import icalendar

from calendar_agg.codec import to_json
from calendar_agg.config import settings_from_dict
from calendar_agg.models import Event
from calendar_agg.publish import atom, ics, publish
from calendar_agg.publish.feeds import in_window
from calendar_agg.records import StoredEvent, summary_text
from calendar_agg.store import Store

TODAY = dt.date(2025, 6, 5)
T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def event(uid, start, regions, **fields):
    base = dict(uid=uid, start=start, end=None, city="Berlin", subdivision=None, country="DE",
                virtual=False, hybrid=False, regions=regions, group="Rust Berlin",
                group_url="https://www.meetup.com/rust-berlin", title="Rust Hack and Learn",
                url=f"https://www.meetup.com/rust-berlin/events/{uid}", first_seen=T0,
                last_seen=T0, last_modified=T0, issues=("2025-06-04-this-week-in-rust.md",))
    return Event(**(base | fields))


EVENTS = [
    event("u1", dt.date(2025, 6, 12), ("Europe",)),
    event("u2", dt.date(2025, 6, 19), ("Europe", "Virtual"), virtual=True, hybrid=True,
          title="Hybrid; night, with\\ commas\nBEGIN:VEVENT", sequence=2,
          last_modified=T0 + dt.timedelta(days=2)),
    event("u3", dt.date(2025, 6, 20), ("Virtual",), virtual=True, city="Dallas",
          subdivision="TX", country="US", end=dt.date(2025, 6, 22),
          title="<script>alert(1)</script> & ]]>", url="javascript:alert(1)"),
    event("old", dt.date(2025, 1, 1), ("Europe",)),
]


def test_every_feed_is_written_and_parses(settings):
    report = publish(EVENTS, settings, TODAY)
    out = settings.output.dir
    names = ["all", "virtual", "africa", "asia", "europe", "north-america", "oceania",
             "south-america"]
    for name in names:
        raw = (out / "ics" / f"{name}.ics").read_bytes()
        assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
        assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
        calendar = icalendar.Calendar.from_ical(raw)
        assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
        assert calendar["X-WR-CALNAME"].startswith("Rust events")
        assert calendar.walk("VEVENT") or calendar.walk("VTIMEZONE")  # never empty
        feed = feedparser.parse((out / "atom" / f"{name}.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
    assert (out / "index.html").is_file() and (out / "events.json").is_file()
    assert len(report.written) > 16


def test_hybrid_event_is_in_virtual_and_its_continent_with_one_uid(settings):
    publish(EVENTS, settings, TODAY)
    out = settings.output.dir

    def uids(name):
        calendar = icalendar.Calendar.from_ical((out / "ics" / f"{name}.ics").read_bytes())
        return sorted(str(e["UID"]) for e in calendar.walk("VEVENT"))

    assert uids("europe") == ["u1", "u2"]
    assert uids("virtual") == ["u2", "u3"]
    assert uids("all") == ["u1", "u2", "u3"]  # "old" is outside the 30-day window
    archive = icalendar.Calendar.from_ical((out / "ics" / "archive.ics").read_bytes())
    assert len(archive.walk("VEVENT")) == 4


def test_vevent_fields(settings):
    publish(EVENTS, settings, TODAY)
    calendar = icalendar.Calendar.from_ical(
        (settings.output.dir / "ics" / "all.ics").read_bytes())
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    hybrid, virtual = by_uid["u2"], by_uid["u3"]
    assert hybrid["SUMMARY"] == "Hybrid; night, with\\ commas BEGIN:VEVENT"  # one line, escaped
    assert len(calendar.walk("VEVENT")) == 3  # the title created no event
    assert hybrid["SEQUENCE"] == 2 and hybrid["STATUS"] == "CONFIRMED"
    assert hybrid["DTSTAMP"].dt == T0 + dt.timedelta(days=2)
    assert hybrid["LOCATION"] == "Berlin, DE + Online"
    assert virtual["LOCATION"] == "Online"
    assert virtual["DTSTART"].dt == dt.date(2025, 6, 20)
    assert virtual["DTEND"].dt == dt.date(2025, 6, 23)  # exclusive
    assert str(virtual["URL"]) == "https://www.meetup.com/rust-berlin"  # javascript: dropped
    assert [str(c) for c in hybrid["CATEGORIES"].cats] == ["Europe", "Virtual", "hybrid"]
    assert "Announced in: 2025-06-04-this-week-in-rust.md" in str(hybrid["DESCRIPTION"])


def test_atom_entries(settings):
    publish(EVENTS, settings, TODAY)
    feed = feedparser.parse((settings.output.dir / "atom" / "virtual.xml").read_bytes())
    titles = [e.title for e in feed.entries]
    assert titles[0].startswith("2025-06-")
    entry = next(e for e in feed.entries if e.id == "urn:uuid:u2")
    assert entry.title == (
        "2025-06-19 · Berlin, DE + Online · Hybrid; night, with\\ commas BEGIN:VEVENT"
    )
    enclosure = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosure[0].href == "https://example.org/cal/events/u2.ics"
    assert enclosure[0].type == "text/calendar"
    assert feed.feed.updated_parsed[:3] == (2025, 6, 3)  # newest entry's update, not now
    script = next(e for e in feed.entries if e.id == "urn:uuid:u3")
    assert "javascript:" not in script.content[0].value
    raw = (settings.output.dir / "index.html").read_text()
    assert "<script>alert" not in raw and "&lt;script&gt;" in raw


def test_republishing_unchanged_writes_nothing(settings):
    publish(EVENTS, settings, TODAY)
    before = {p: p.read_bytes() for p in settings.output.dir.rglob("*") if p.is_file()}
    report = publish(EVENTS, settings, TODAY)
    assert report.written == []
    after = {p: p.read_bytes() for p in settings.output.dir.rglob("*") if p.is_file()}
    assert before == after


def test_empty_feed_still_has_a_component(settings):
    publish([], settings, TODAY)
    calendar = icalendar.Calendar.from_ical(
        (settings.output.dir / "ics" / "africa.ics").read_bytes())
    assert calendar.walk("VEVENT") == [] and len(calendar.walk("VTIMEZONE")) == 1


def test_collapse_guard_keeps_a_feed_that_would_lose_most_events(settings):
    many = [event(f"m{i}", dt.date(2025, 6, 10 + i), ("Europe",)) for i in range(12)]
    publish(many, settings, TODAY)
    europe = settings.output.dir / "ics" / "europe.ics"
    before = europe.read_bytes()
    report = publish(many[:3], settings, TODAY)
    assert europe.read_bytes() == before
    assert report.refused == [
        f"{name}.ics: would drop from 12 to 3 upcoming events; kept the published version"
        for name in ("all", "europe", "archive")]
    report = publish(many[:8], settings, TODAY)  # losing a third is normal churn
    assert report.refused == [] and europe.read_bytes() != before


def test_event_without_region_has_no_empty_categories(settings):
    unplaced = event("np", dt.date(2025, 6, 12), (), city=None, country=None)
    publish([unplaced], settings, TODAY)
    raw = (settings.output.dir / "ics" / "all.ics").read_bytes()
    assert b"CATEGORIES" not in raw and b"UID:np" in raw


def test_events_read_once_from_a_stream_publish_the_same_bytes(settings, sample_events):
    """The store hands publishing its events one at a time: a one-shot iterator, read once,
    gives the files a list gives, and the same VEVENTs to keep."""
    events = [*EVENTS, *sample_events]
    as_list, as_stream = ics.VEventParts(), ics.VEventParts()
    publish(events, settings, TODAY, parts=as_list)
    listed = {p.relative_to(settings.output.dir): p.read_bytes()
              for p in settings.output.dir.rglob("*") if p.is_file()}
    streamed_to = replace(settings, output=replace(settings.output,
                                                   dir=settings.output.dir.with_name("s")))
    publish(iter(events), streamed_to, TODAY, parts=as_stream)
    streamed = {p.relative_to(streamed_to.output.dir): p.read_bytes()
                for p in streamed_to.output.dir.rglob("*") if p.is_file()}
    assert streamed == listed and len(listed) > 20
    assert as_stream.used == as_list.used


def _files(root) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_stored_events_decoded_only_when_shown_publish_the_same_bytes(
        settings, sample_events, tmp_path):
    """The store hands publishing each event with a summary of what every file asks of it
    (``StoredEvent``): the files and VEVENTs are those of the events themselves, whether the
    summary is there or not (rows stored before it existed), and an event only counted is
    never decoded."""
    events = sorted([*EVENTS, *sample_events], key=lambda e: (e.start, e.uid))
    custom = replace(settings, feeds=settings_from_dict({"feeds": [
        {"name": "berlin", "title": "Berlin", "near": {"city": "Berlin", "radius_km": 50}}]}).feeds)
    few = replace(settings, publish=replace(settings.publish, atom_entries=2))
    for chosen in (few, custom):  # a custom feed asks its filter: it is given the event
        expected_parts, expected_entries = ics.VEventParts(), atom.Entries()
        publish(events, chosen, TODAY, parts=expected_parts, entries=expected_entries)
        expected = _files(chosen.output.dir)
        for summarized, known in ((True, False), (False, False), (True, True)):
            # VEVENTs and entries known from an earlier run, or none
            parts = ics.VEventParts(expected_parts.used if known else {})
            entries = atom.Entries(expected_entries.used if known else {})
            stored = [StoredEvent.of(e.uid, e.start.isoformat(), to_json(e),
                                     summary_text(e) if summarized else None) for e in events]
            out = tmp_path / f"{chosen is custom}-{summarized}-{known}"
            publish(iter(stored), replace(chosen, output=replace(chosen.output, dir=out)),
                    TODAY, parts=parts, entries=entries)
            assert _files(out) == expected
            assert parts.used == expected_parts.used and entries.used == expected_entries.used
            if chosen is few and summarized and known:  # only what the page shows
                decoded = {s.uid for s in stored if s._event is not None}
                assert decoded == {e.uid for e in events if in_window(
                    e, TODAY, few.publish.past_days)} != {e.uid for e in events}


def test_vevents_the_store_keeps_are_read_only_as_files_are_written(
        settings, sample_events, tmp_path):
    """A run's VEVENTs come from the store (``Store.vevents``): the files are those written
    from the events, the archive's VEVENTs read a batch at a time (``ics.PartStream``),
    and the parts the store has are not handed back to be kept again."""
    events = sorted([*EVENTS, *sample_events], key=lambda e: (e.start, e.uid))
    expected_parts = ics.VEventParts()
    publish(events, settings, TODAY, parts=expected_parts)
    expected = _files(settings.output.dir)
    store = Store.open(tmp_path / "store.sqlite3")
    try:
        store.keep_vevent_parts(expected_parts.used)
        stored = store.vevents()
        assert stored.data(list(expected_parts.used)[:3]) == {
            key: part[1] for key, part in list(expected_parts.used.items())[:3]}
        parts = ics.VEventParts(stored=stored)
        out = tmp_path / "out"
        publish(iter(events), replace(settings, output=replace(settings.output, dir=out)),
                TODAY, parts=parts)
        assert _files(out) == expected
        assert parts.used.keys() == expected_parts.used.keys()
        assert set(parts.used.values()) == {None}  # all in the store already
        store.keep_vevent_parts(parts.used)
        kept = store.vevents().tzids()
        assert {key: (kept[key], data) for key, data in store.vevents().data(
            sorted(kept)).items()} == expected_parts.used
    finally:
        store.close()
