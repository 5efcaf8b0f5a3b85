"""Timed events from calendar sources stay timed when published: TZID + VTIMEZONE (or UTC),
read back unchanged by icalendar, by our own parser, and by libical when it is installed."""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_agg.models import Document, Event, RawEvent
from calendar_agg.parsers.ics import IcsParser
from calendar_agg.publish.ics import calendar_bytes

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "ics"
FETCHED = dt.datetime(2025, 6, 5, 12, 0, tzinfo=dt.UTC)
T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def sample_listings() -> list[RawEvent]:
    listings = []
    for path in sorted(SAMPLES.glob("*.ics")):
        document = Document("s", path.name, path.read_text("utf-8"), fetched_at=FETCHED)
        listings.extend(IcsParser().parse(document).events)
    return listings


def as_event(raw: RawEvent, number: int) -> Event:
    return Event(
        uid=f"event-{number}", start=raw.start, end=raw.end, city=raw.city,
        subdivision=raw.subdivision, country=raw.country, virtual=raw.virtual,
        hybrid=raw.hybrid, regions=(raw.region,) if raw.region else (), group=raw.group,
        group_url=raw.group_url, title=raw.title, url=raw.url,
        status=raw.status or "CONFIRMED", first_seen=T0, last_seen=T0, last_modified=T0,
        starts_at=raw.starts_at, ends_at=raw.ends_at, timezone=raw.timezone)


def publish(events: list[Event]) -> bytes:
    return calendar_bytes(events, name="Rust events", description="test",
                          refresh=dt.timedelta(hours=6), base_url="https://example.org/")


def published_samples() -> tuple[list[Event], bytes]:
    events = [as_event(raw, n) for n, raw in enumerate(sample_listings())]
    return events, publish(events)


def test_timed_events_round_trip_through_icalendar_with_their_zone() -> None:
    events, raw = published_samples()
    components = {str(c["UID"]): c for c in icalendar.Calendar.from_ical(raw).walk("VEVENT")}
    assert len(components) == len(events) >= 20
    for event in events:
        component = components[event.uid]
        start = component["DTSTART"].dt
        if event.starts_at is None:
            assert not isinstance(start, dt.datetime) and start == event.start
            assert component["DTEND"].dt == (event.end or event.start) + dt.timedelta(days=1)
            continue
        assert start == event.starts_at and component["DTEND"].dt == event.ends_at
        assert start.replace(tzinfo=None) == event.starts_at.replace(tzinfo=None)  # wall time
        tzid = component["DTSTART"].params.get("TZID")
        assert tzid == (None if event.timezone == "UTC" else event.timezone)


def test_every_tzid_has_its_vtimezone_and_no_time_floats() -> None:
    _, raw = published_samples()
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.get_missing_tzids() == set()
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [
        "America/Los_Angeles", "America/New_York", "Europe/Berlin"]
    for component in calendar.walk("VEVENT"):  # never floating: a TZID, UTC, or a date
        for name in ("DTSTART", "DTEND"):
            value = component[name].dt
            assert not isinstance(value, dt.datetime) or value.tzinfo is not None
    assert raw == published_samples()[1]  # byte-identical on a second run


def test_published_calendar_parses_back_to_the_same_listings() -> None:
    events, raw = published_samples()
    document = Document("ours", "all.ics", raw.decode("utf-8"), fetched_at=FETCHED)
    back = {e.source_uid: e for e in IcsParser().parse(document).events}
    for event in events:
        again = back[event.uid]
        assert (again.start, again.end) == (event.start, event.end)
        assert (again.starts_at, again.ends_at) == (event.starts_at, event.ends_at)
        if event.starts_at is not None:
            assert again.timezone == event.timezone
            assert again.starts_at.utcoffset() == event.starts_at.utcoffset()
        assert again.status == (event.status if event.status == "CANCELLED" else None)


ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata",
                         "Australia/Lord_Howe", "America/St_Johns", "Not/AZone", None])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2035, 12, 31),
                    timezones=st.just(dt.UTC)),
       st.integers(1, 3 * 24 * 60).map(lambda m: dt.timedelta(minutes=m)), ZONES)
def test_any_time_round_trips(starts: dt.datetime, length: dt.timedelta,
                              zone: str | None) -> None:
    starts = starts.replace(microsecond=0)
    raw = RawEvent("i", 1, starts.date(), starts_at=starts, ends_at=starts + length,
                   timezone=zone)
    published = publish([as_event(raw, 1)])
    [component] = icalendar.Calendar.from_ical(published).walk("VEVENT")
    # compared as UTC instants: Python never counts a wall time in a repeated hour as equal
    # to a time in another zone, whatever instant it stands for
    assert component["DTSTART"].dt.astimezone(dt.UTC) == starts
    assert component["DTEND"].dt.astimezone(dt.UTC) == starts + length
    for name in ("DTSTART", "DTEND"):  # never a wall time that names two instants
        value = component[name].dt
        assert value.replace(fold=1 - value.fold).utcoffset() == value.utcoffset()


@pytest.mark.parametrize("utc_hour, zone_offset", [(0, "+02:00"), (1, "+01:00")])
def test_time_in_the_repeated_hour_is_published_in_utc(utc_hour: int, zone_offset: str) -> None:
    # 02:30 in Berlin happens twice on 2028-10-29: at 00:30 and at 01:30 UTC
    starts = dt.datetime(2028, 10, 29, utc_hour, 30, tzinfo=dt.UTC)
    raw = RawEvent("i", 1, starts.date(), starts_at=starts, ends_at=starts + dt.timedelta(hours=3),
                   timezone="Europe/Berlin")
    published = publish([as_event(raw, 1)])
    assert b"DTSTART:20281029T%02d3000Z" % utc_hour in published
    assert b"DTEND;TZID=Europe/Berlin:20281029T0%d3000" % (4 + utc_hour) in published
    assert starts.astimezone(ZoneInfo("Europe/Berlin")).isoformat().endswith(zone_offset)


# -- libical, a strict C parser (Debian: libical3), when installed ---------------------------
class _IcalTime(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int) for name in
                ("year", "month", "day", "hour", "minute", "second", "is_date", "is_daylight")]
    _fields_ += [("zone", ctypes.c_void_p)]


def _libical() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("ical")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalcomponent_string_to_kind.argtypes = [ctypes.c_char_p]
    for function in ("get_first_component", "get_next_component"):
        getattr(lib, f"icalcomponent_{function}").restype = ctypes.c_void_p
        getattr(lib, f"icalcomponent_{function}").argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.icalcomponent_count_errors.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_dtstart.restype = _IcalTime
    lib.icalcomponent_get_dtstart.argtypes = [ctypes.c_void_p]
    lib.icaltime_as_timet_with_zone.restype = ctypes.c_int64
    lib.icaltime_as_timet_with_zone.argtypes = [_IcalTime, ctypes.c_void_p]
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_timezone.restype = ctypes.c_void_p  # a VTIMEZONE of this calendar
    lib.icalcomponent_get_timezone.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    return lib


LIBICAL = _libical()


@pytest.mark.skipif(LIBICAL is None, reason="libical not installed (apt-get install libical3)")
def test_libical_reads_every_event_at_the_same_instant() -> None:
    assert LIBICAL is not None
    events, raw = published_samples()
    timed = sorted(e.starts_at.timestamp() for e in events if e.starts_at)
    root = LIBICAL.icalparser_parse_string(raw)
    assert root
    try:
        assert LIBICAL.icalcomponent_count_errors(root) == 0
        kind = LIBICAL.icalcomponent_string_to_kind(b"VEVENT")
        seen, vevent = [], LIBICAL.icalcomponent_get_first_component(root, kind)
        while vevent:
            start = LIBICAL.icalcomponent_get_dtstart(vevent)
            if not start.is_date:
                assert start.zone, "a timed event whose zone libical cannot resolve"
                seen.append(float(LIBICAL.icaltime_as_timet_with_zone(start, start.zone)))
            vevent = LIBICAL.icalcomponent_get_next_component(root, kind)
        for zone in {e.timezone for e in events if e.timezone and e.timezone != "UTC"}:
            assert LIBICAL.icalcomponent_get_timezone(root, zone.encode()), zone
        assert not LIBICAL.icalcomponent_get_timezone(root, b"Asia/Tokyo")  # it can fail
    finally:
        LIBICAL.icalcomponent_free(root)
    assert sorted(seen) == timed
