"""End to end: organisers' calendars (Meetup, Luma, Google Calendar) and a newsletter issue
served from 127.0.0.1, merged by the real pipeline; then the calendars delete and cancel
events, fail or come back empty."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calendar_agg.config import SourceSettings
from calendar_agg.pipeline import run_once
from calendar_agg.store import MIGRATIONS, Store

from .conftest import Route

FETCH = dt.datetime(2025, 6, 5, 12, 0, tzinfo=dt.UTC)
BERLIN, NEW_YORK, ZURICH = (ZoneInfo(z) for z in
                            ("Europe/Berlin", "America/New_York", "Europe/Zurich"))
HACK = "https://www.meetup.com/rust-berlin/events/hack/"  # one link for the whole series
TALKS = "https://www.meetup.com/rust-berlin/events/talks/"

NEWSLETTER = """Title: This Week in Rust 601
Number: 601
Date: 2025-06-04
Category: This Week in Rust

## Upcoming Events

Rusty Events between 2025-06-04 - 2025-07-02 🦀

### Europe
* 2025-06-12 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)
    * [**Hack and Learn**](https://www.meetup.com/rust-berlin/events/hack/)
* 2025-06-24 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)
    * [**Talks**](https://www.meetup.com/rust-berlin/events/talks/)
* 2025-06-26 | Hamburg, DE | [Rust Hamburg](https://hamburg.rs/)
    * [**Rust Hamburg Meetup**](https://hamburg.rs/2025/06/meetup.html)

### North America
* 2025-06-17 | New York, NY, US | [Rust NYC](https://www.meetup.com/rust-nyc/)
    * [**Rust NYC: June talks**](https://www.meetup.com/rust-nyc/events/305/)
"""


def _calendar(name: str, *events: list[str], zone: str | None = None) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", f"X-WR-CALNAME:{name}"]
    head += [f"X-WR-TIMEZONE:{zone}"] if zone else []
    body = [line for event in events
            for line in ["BEGIN:VEVENT", "DTSTAMP:20250601T000000Z", *event, "END:VEVENT"]]
    return ("\r\n".join([*head, *body, "END:VCALENDAR"]) + "\r\n").encode()


def meetup(talks: bool = True) -> bytes:
    """Meetup: a weekly series in Europe/Berlin with one date left out and one moved."""
    where = "LOCATION:c-base (Rungestraße 20\\, Berlin\\, be\\, de)"
    series = ["UID:hack@meetup.com", "DTSTART;TZID=Europe/Berlin:20250612T190000",
              "DTEND;TZID=Europe/Berlin:20250612T220000", "RRULE:FREQ=WEEKLY;COUNT=4",
              "EXDATE;TZID=Europe/Berlin:20250619T190000", "SUMMARY:Rust Hack and Learn",
              where, f"URL:{HACK}"]
    moved = ["UID:hack@meetup.com", "RECURRENCE-ID;TZID=Europe/Berlin:20250626T190000",
             "DTSTART;TZID=Europe/Berlin:20250627T180000",
             "DTEND;TZID=Europe/Berlin:20250627T210000",
             "SUMMARY:Rust Hack and Learn (on Friday)", where, f"URL:{HACK}"]
    single = ["UID:talks@meetup.com", "DTSTART;TZID=Europe/Berlin:20250624T190000",
              "DTEND;TZID=Europe/Berlin:20250624T213000", "SUMMARY:Rust Berlin Talks",
              where, f"URL:{TALKS}"]
    return _calendar("Rust Berlin", series, moved, *([single] if talks else []))


def luma(workshop_cancelled: bool = False) -> bytes:
    """Luma: UTC times; the place's zone gives the local time."""
    where = "LOCATION:Datadog\\, 620 8th Ave\\, New York\\, NY 10018\\, USA"
    june = ["UID:evt-june@events.lu.ma", "DTSTART:20250617T223000Z",
            "DTEND:20250618T003000Z", "SUMMARY:Rust NYC Talks", where,
            "ORGANIZER;CN=Rust NYC:mailto:calendar-invite@lu.ma", "URL:https://lu.ma/june"]
    july = ["UID:evt-july@events.lu.ma", "DTSTART:20250708T223000Z",
            "DTEND:20250709T003000Z", "SUMMARY:Rust NYC Workshop", where,
            "ORGANIZER;CN=Rust NYC:mailto:calendar-invite@lu.ma", "URL:https://lu.ma/july",
            *(["STATUS:CANCELLED"] if workshop_cancelled else [])]
    return _calendar("Rust NYC", june, july)


def google() -> bytes:
    """Google: a floating time (X-WR-TIMEZONE) and an online series with one instance
    cancelled."""
    zurich = ["UID:zurich@google.com", "DTSTART:20250618T183000", "DTEND:20250618T210000",
              "SUMMARY:Rust Meetup Zürich", "LOCATION:Zürich\\, Switzerland",
              "URL:https://www.meetup.com/rust-zurich/events/z1/"]
    office = ["UID:office@google.com", "DTSTART:20250610T160000Z", "DTEND:20250610T170000Z",
              "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Rust Office Hours",
              "LOCATION:https://meet.google.com/abc-defg-hij"]
    cancelled = ["UID:office@google.com", "RECURRENCE-ID:20250617T160000Z",
                 "DTSTART:20250617T160000Z", "DTEND:20250617T170000Z", "STATUS:CANCELLED",
                 "SUMMARY:Rust Office Hours", "LOCATION:https://meet.google.com/abc-defg-hij"]
    return _calendar("Rust Community", zurich, office, cancelled, zone="Europe/Zurich")


CALENDAR = {"Content-Type": "text/calendar; charset=utf-8"}
PATHS = {"rust-berlin": "/rust-berlin/events/ical/", "rust-nyc": "/ics/get",
         "community": "/calendar/ical/x/public/basic.ics",
         "twir": "/twir/2025-06-04-this-week-in-rust.md"}


def serve(http_server, **bodies: bytes) -> None:
    for name, body in bodies.items():
        headers = {"Content-Type": "text/markdown"} if name == "twir" else CALENDAR
        http_server.routes[PATHS[name]] = Route(body=body, headers=headers)


def configured(settings, http_server, twir_priority: int | None = None):
    sources = tuple(SourceSettings(name=name, url=http_server.url(path))
                    for name, path in PATHS.items())
    sources = tuple(dataclasses.replace(s, priority=twir_priority) if s.name == "twir" else s
                    for s in sources)
    return dataclasses.replace(settings, sources=sources)


def stored(settings) -> dict[tuple[dt.date, str], tuple]:
    """(date, title) -> (event, sources it was seen in, history) for every stored event."""
    store = Store.open(settings.store.path)
    try:
        return {(e.start, e.title): (e, {s.source for s in store.sightings(e.uid)},
                                     store.history(e.uid)) for e in store.events()}
    finally:
        store.close()


def at(day: int, hour: int, minute: int, zone: ZoneInfo, month: int = 6) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=zone)


def test_calendars_and_newsletter_become_one_event_per_meetup(settings, http_server):
    serve(http_server, **{"rust-berlin": meetup(), "rust-nyc": luma(), "community": google(),
                          "twir": NEWSLETTER.encode()})
    setup = configured(settings, http_server)
    report = run_once(setup, clock=lambda: FETCH)
    assert not report.failed and report.problems == []

    events = stored(setup)
    expected = {  # (date, title): (local start, zone, status, sources)
        (dt.date(2025, 6, 10), "Rust Office Hours"):
            (at(10, 18, 0, ZURICH), "Europe/Zurich", "CONFIRMED", {"community"}),
        (dt.date(2025, 6, 12), "Rust Hack and Learn"):
            (at(12, 19, 0, BERLIN), "Europe/Berlin", "CONFIRMED", {"rust-berlin", "twir"}),
        (dt.date(2025, 6, 17), "Rust NYC Talks"):
            (at(17, 18, 30, NEW_YORK), "America/New_York", "CONFIRMED", {"rust-nyc", "twir"}),
        (dt.date(2025, 6, 17), "Rust Office Hours"):
            (at(17, 18, 0, ZURICH), "Europe/Zurich", "CANCELLED", {"community"}),
        (dt.date(2025, 6, 18), "Rust Meetup Zürich"):
            (at(18, 18, 30, ZURICH), "Europe/Zurich", "CONFIRMED", {"community"}),
        (dt.date(2025, 6, 24), "Rust Berlin Talks"):
            (at(24, 19, 0, BERLIN), "Europe/Berlin", "CONFIRMED", {"rust-berlin", "twir"}),
        (dt.date(2025, 6, 24), "Rust Office Hours"):
            (at(24, 18, 0, ZURICH), "Europe/Zurich", "CONFIRMED", {"community"}),
        (dt.date(2025, 6, 26), "Rust Hamburg Meetup"): (None, None, "CONFIRMED", {"twir"}),
        (dt.date(2025, 6, 27), "Rust Hack and Learn (on Friday)"):
            (at(27, 18, 0, BERLIN), "Europe/Berlin", "CONFIRMED", {"rust-berlin"}),
        (dt.date(2025, 7, 3), "Rust Hack and Learn"):
            (at(3, 19, 0, BERLIN, month=7), "Europe/Berlin", "CONFIRMED", {"rust-berlin"}),
        (dt.date(2025, 7, 8), "Rust NYC Workshop"):
            (at(8, 18, 30, NEW_YORK, month=7), "America/New_York", "CONFIRMED", {"rust-nyc"}),
    }
    assert set(events) == set(expected)  # nothing on the left-out 2025-06-19, no duplicates
    for key, (starts_at, zone, status, sources) in expected.items():
        event, seen_in, _ = events[key]
        assert (event.starts_at, event.timezone, event.status, seen_in) == (
            starts_at, zone, status, sources), key
    nyc, _, _ = events[(dt.date(2025, 6, 17), "Rust NYC Talks")]
    assert nyc.url == "https://lu.ma/june"  # the organiser's calendar gives the fields
    assert nyc.ends_at == at(17, 20, 30, NEW_YORK)
    assert "2025-06-04-this-week-in-rust-601" in nyc.issues  # the newsletter's provenance

    data = json.loads((setup.output.dir / "events.json").read_text())
    hack = next(e for e in data["events"] if e["start"] == "2025-06-12")
    assert (hack["starts_at"], hack["ends_at"], hack["timezone"]) == (
        "2025-06-12T19:00:00+02:00", "2025-06-12T22:00:00+02:00", "Europe/Berlin")
    hamburg = next(e for e in data["events"] if e["start"] == "2025-06-26")
    assert (hamburg["starts_at"], hamburg["timezone"]) == (None, None)
    atom = (setup.output.dir / "atom" / "all.xml").read_text()
    assert "2025-06-17 18:30–20:30 (America/New_York)" in atom


def test_deleted_and_cancelled_upcoming_events_are_cancelled(settings, http_server):
    serve(http_server, **{"rust-berlin": meetup(), "rust-nyc": luma(), "community": google(),
                          "twir": NEWSLETTER.encode()})
    setup = configured(settings, http_server)
    run_once(setup, clock=lambda: FETCH)
    before = stored(setup)

    serve(http_server, **{"rust-berlin": meetup(talks=False),
                          "rust-nyc": luma(workshop_cancelled=True)})
    report = run_once(setup, clock=lambda: FETCH + dt.timedelta(days=1))
    assert not report.failed and report.cancelled == 2
    after = stored(setup)
    cancelled = {(dt.date(2025, 6, 24), "Rust Berlin Talks"),
                 (dt.date(2025, 7, 8), "Rust NYC Workshop")}
    assert set(after) == set(before)
    for key in cancelled:
        event, _, history = after[key]
        assert event.status == "CANCELLED" and event.sequence == before[key][0].sequence + 1
    talks_history = after[(dt.date(2025, 6, 24), "Rust Berlin Talks")][2]
    assert talks_history[-1].details["reason"] == "deleted from the calendar"
    for key in set(after) - cancelled:  # the others are untouched
        assert after[key][0] == before[key][0], key

    published = _published(setup)
    assert {published[uid]["STATUS"] for uid in (after[k][0].uid for k in cancelled)} == {
        "CANCELLED"}
    for event, _, _ in after.values():  # every time read back unchanged: zone and instant
        vevent = published[event.uid]
        if event.starts_at is None:
            assert vevent["DTSTART"].params.get("VALUE") == "DATE"
            continue
        start = vevent["DTSTART"].dt
        assert str(vevent["DTSTART"].params.get("TZID", "UTC")) == event.timezone
        assert start == event.starts_at and start.utcoffset() == event.starts_at.utcoffset()
        assert vevent["DTEND"].dt == event.ends_at

    # a failing calendar and one that comes back empty cancel nothing
    http_server.routes[PATHS["rust-berlin"]] = Route(500, b"oops")
    serve(http_server, **{"rust-nyc": _calendar("Rust NYC")})
    report = run_once(setup, clock=lambda: FETCH + dt.timedelta(days=2))
    assert report.cancelled == 0
    assert {k: v[0] for k, v in stored(setup).items()} == {k: v[0] for k, v in after.items()}


def test_priority_override_lets_the_newsletter_give_the_fields(settings, http_server):
    serve(http_server, **{"rust-berlin": meetup(), "rust-nyc": luma(), "community": google(),
                          "twir": NEWSLETTER.encode()})
    setup = configured(settings, http_server, twir_priority=30)
    run_once(setup, clock=lambda: FETCH)
    events = stored(setup)
    nyc, seen_in, _ = events[(dt.date(2025, 6, 17), "Rust NYC: June talks")]
    assert nyc.url == "https://www.meetup.com/rust-nyc/events/305/"
    assert nyc.starts_at == at(17, 18, 30, NEW_YORK)  # a time beats a bare date
    assert seen_in == {"rust-nyc", "twir"}
    hack, _, _ = events[(dt.date(2025, 6, 12), "Hack and Learn")]
    assert hack.starts_at == at(12, 19, 0, BERLIN)

    # the newsletter still lists the talks, the calendar deleted them: the newsletter wins
    serve(http_server, **{"rust-berlin": meetup(talks=False)})
    run_once(setup, clock=lambda: FETCH + dt.timedelta(days=1))
    talks, _, _ = stored(setup)[(dt.date(2025, 6, 24), "Talks")]
    assert talks.status == "CONFIRMED"


def _published(setup) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical((setup.output.dir / "ics" / "all.ics").read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_a_version_3_store_keeps_its_listings(tmp_path):
    path = tmp_path / "v3.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(";".join(MIGRATIONS[:3]) + "; PRAGMA user_version = 3;")
    db.execute("INSERT INTO listings VALUES ('twir', '601', 7, '2025-06-04',"
               " '2025-06-05T00:00:00+00:00', '{\"issue\": \"601\", \"line\": 7,"
               " \"start\": \"2025-06-12\", \"source\": \"twir\"}')")
    db.execute("INSERT INTO sightings VALUES ('u', 'twir', '601', 7)")
    db.commit()
    db.close()
    store = Store.open(path)
    try:
        [(listing, issue_date, _)] = store.listings()
        assert (listing.line, issue_date) == (7, dt.date(2025, 6, 4))
        assert [s.line for s in store.sightings("u")] == [7]
    finally:
        store.close()


def berlin_calendar_only(settings, http_server):
    """Settings with the Meetup calendar as the only source, served as ``meetup()``."""
    serve(http_server, **{"rust-berlin": meetup()})
    return dataclasses.replace(configured(settings, http_server),
                               sources=(SourceSettings(name="rust-berlin", format="ics",
                                                       url=http_server.url(PATHS["rust-berlin"])),))


@pytest.mark.parametrize("fetched", [b"", b"not a calendar"])
def test_a_broken_calendar_cancels_nothing(settings, http_server, fetched):
    setup = berlin_calendar_only(settings, http_server)
    run_once(setup, clock=lambda: FETCH)
    before = stored(setup)
    http_server.routes[PATHS["rust-berlin"]] = Route(body=fetched, headers=CALENDAR)
    run_once(setup, clock=lambda: FETCH + dt.timedelta(days=1))
    assert {k: v[0].status for k, v in stored(setup).items()} == {
        k: v[0].status for k, v in before.items()}


def test_an_event_deleted_between_two_fetches_of_one_day_is_cancelled_not_lost(settings,
                                                                                http_server):
    # the daemon fetches every few hours: the morning's feeds may already carry the talks
    setup = berlin_calendar_only(settings, http_server)
    run_once(setup, clock=lambda: FETCH)
    before = stored(setup)
    talks = (dt.date(2025, 6, 24), "Rust Berlin Talks")
    assert before[talks][0].status == "CONFIRMED"

    serve(http_server, **{"rust-berlin": meetup(talks=False)})
    report = run_once(setup, clock=lambda: FETCH + dt.timedelta(hours=6))
    after = stored(setup)
    assert set(after) == set(before) and report.cancelled == 1
    event = after[talks][0]
    assert event.status == "CANCELLED" and event.uid == before[talks][0].uid
    assert event.sequence > before[talks][0].sequence
    assert _published(setup)[event.uid]["STATUS"] == "CANCELLED"

    serve(http_server, **{"rust-berlin": meetup()})  # back the next day
    run_once(setup, clock=lambda: FETCH + dt.timedelta(days=1))
    assert stored(setup)[talks][0].status == "CONFIRMED"
