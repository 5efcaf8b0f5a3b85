"""The ics parser: calendars like Meetup's, Luma's and Google's beside their expected JSON,
time zones, places, the expansion window, fuzzing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_agg.models import Document, ParseResult
from calendar_agg.parsers import detect_format, get_parser
from calendar_agg.parsers.ics import NO_ZONE, IcsParser
from calendar_agg.parsers.ics.place import address_place, event_place

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "samples" / "ics"
# Set to rewrite the expected ``*.json`` beside the samples; review the diff like code.
REGENERATE = os.environ.get("CALENDAR_AGG_REGENERATE") == "1"
FETCHED = dt.datetime(2025, 6, 5, 12, 0, tzinfo=dt.UTC)
PARSER = IcsParser()


def _iso(value: object) -> str:
    if isinstance(value, dt.date):  # datetimes too: ISO 8601 with their offset
        return value.isoformat()
    raise TypeError(value)


def as_json(result: ParseResult) -> dict[str, Any]:
    found = {
        "issues": [dataclasses.asdict(issue) for issue in result.issues],
        "events": [dataclasses.asdict(event) for event in result.events],
        "problems": [{"line": p.line, "message": p.message} for p in result.problems],
    }
    return json.loads(json.dumps(found, default=_iso))


def parse(text: str, name: str = "cal.ics", **fields: Any) -> ParseResult:
    fields.setdefault("fetched_at", FETCHED)
    return PARSER.parse(Document("sample", name, text, **fields))


def calendar(*events: str, header: str = "") -> str:
    body = "".join(f"BEGIN:VEVENT\nDTSTAMP:20250601T000000Z\n{e.strip()}\nEND:VEVENT\n"
                   for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{header}{body}END:VCALENDAR\n"


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.ics")), ids=lambda p: p.stem)
def test_sample_events(sample: Path) -> None:
    text = sample.read_bytes().decode("utf-8").replace("\r\n", "\n")  # as sources decode it
    found = as_json(parse(text, sample.name))
    expected_path = sample.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert found == json.loads(expected_path.read_text(encoding="utf-8"))


def test_registry_names_the_ics_parser() -> None:
    assert isinstance(get_parser("ics"), IcsParser)


@pytest.mark.parametrize(
    ("text", "name", "content_type", "detected"),
    [
        ("anything", "ical", "text/calendar", "ics"),
        ("\ufeff\n  BEGIN:VCALENDAR\nEND:VCALENDAR\n", "basic", None, "ics"),
        ("begin:vcalendar\nend:vcalendar\n", "x.txt", None, "ics"),
        ("# Upcoming Events\n", "a.md", None, "markdown"),
        ("BEGIN:VCARD\nEND:VCARD\n", "card.vcf", None, None),
    ],
)
def test_detect(text: str, name: str, content_type: str | None, detected: str | None) -> None:
    assert detect_format(Document("s", name, text, content_type=content_type)) == detected


def test_series_is_expanded_with_exdate_and_moved_instance() -> None:
    result = parse((SAMPLES / "meetup-rust-berlin.ics").read_text("utf-8"))
    series = [e for e in result.events if e.url and "lqxbbtyhcjbhb" in e.url]
    assert [e.starts_at.isoformat() for e in series] == [
        "2025-06-05T19:00:00+02:00", "2025-06-12T19:00:00+02:00",  # 06-19: EXDATE
        "2025-06-27T18:00:00+02:00",  # the 26th moved to Friday
        "2025-07-03T19:00:00+02:00", "2025-07-10T19:00:00+02:00",  # UNTIL 07-10
    ]
    moved = series[2]
    assert moved.title == "Rust Hack and Learn (on Friday this time)"
    assert moved.source_uid == "event_lqxbbtyhcjbhb@meetup.com#20250626T190000"
    assert moved.line != series[0].line


def test_window_follows_the_fetch_time() -> None:
    weekly = calendar("UID:w\nDTSTART;TZID=Europe/Berlin:20200102T190000\n"
                      "RRULE:FREQ=WEEKLY\nSUMMARY:Weekly\nLOCATION:Berlin\\, Germany")
    result = parse(weekly, fetched_at=dt.datetime(2025, 6, 5, tzinfo=dt.UTC))
    starts = [e.start for e in result.events]
    assert starts[0] == dt.date(2025, 5, 8) and starts[-1] == dt.date(2026, 6, 4)
    assert len(starts) == 57
    assert result.issues[0].date == dt.date(2025, 6, 5)
    assert result.issues[0].window == (dt.date(2025, 5, 5), dt.date(2026, 6, 5))


def test_without_fetch_time_the_newest_dtstamp_anchors_the_window() -> None:
    text = calendar("UID:w\nDTSTART:20250103T180000Z\nRRULE:FREQ=MONTHLY\nSUMMARY:M",
                    "UID:x\nDTSTAMP:20250301T000000Z\nDTSTART:20190101T180000Z\nSUMMARY:Old")
    result = PARSER.parse(Document("s", "cal.ics", text))
    assert result.issues[0].date == dt.date(2025, 6, 1)
    assert [e.start for e in result.events][:2] == [dt.date(2025, 5, 3), dt.date(2025, 6, 3)]
    assert all(e.title == "M" for e in result.events)  # 2019 is outside the window


def test_utc_times_take_the_zone_of_the_city() -> None:
    [event] = parse(calendar("UID:a\nDTSTART:20250611T003000Z\nDTEND:20250611T023000Z\n"
                             "SUMMARY:Talks\nLOCATION:Seattle\\, WA\\, USA")).events
    assert event.timezone == "America/Los_Angeles"
    assert event.starts_at.isoformat() == "2025-06-10T17:30:00-07:00"
    assert event.start == dt.date(2025, 6, 10) and event.end is None
    assert (event.city, event.subdivision, event.country) == ("Seattle", "WA", "US")


def test_floating_times_use_the_source_setting_before_x_wr_timezone() -> None:
    text = calendar("UID:f\nDTSTART:20250614T100000\nDTEND:20250614T120000\nSUMMARY:Workshop",
                    header="X-WR-TIMEZONE:America/New_York\n")
    [by_calendar] = parse(text).events
    assert by_calendar.starts_at.isoformat() == "2025-06-14T10:00:00-04:00"
    [by_setting] = parse(text, timezone="Europe/Berlin").events
    assert by_setting.starts_at.isoformat() == "2025-06-14T10:00:00+02:00"
    assert by_setting.timezone == "Europe/Berlin"


def test_floating_time_without_any_zone_is_kept_as_a_date_with_a_problem() -> None:
    result = parse(calendar("UID:f\nDTSTART:20250614T100000\nSUMMARY:Somewhere, sometime"))
    [event] = result.events
    assert event.start == dt.date(2025, 6, 14) and event.starts_at is None
    assert [p.message for p in result.problems] == [NO_ZONE]


def test_all_day_events_keep_their_dates_and_an_exclusive_end() -> None:
    result = parse(calendar("UID:c\nDTSTART;VALUE=DATE:20250909\nDTEND;VALUE=DATE:20250912\n"
                            "SUMMARY:Conf\nLOCATION:Seattle\\, WA",
                            "UID:d\nDTSTART;VALUE=DATE:20250620\nSUMMARY:One day\n"
                            "LOCATION:Online"))
    day, conf = result.events
    assert (conf.start, conf.end, conf.starts_at, conf.timezone) == (
        dt.date(2025, 9, 9), dt.date(2025, 9, 11), None, None)
    assert (day.start, day.end, day.virtual) == (dt.date(2025, 6, 20), None, True)


def test_an_evening_past_midnight_is_one_day_a_conference_is_several() -> None:
    late, conf = parse(calendar(
        "UID:l\nDTSTART;TZID=Europe/Berlin:20250612T200000\n"
        "DTEND;TZID=Europe/Berlin:20250613T013000\nSUMMARY:Late\nLOCATION:Berlin\\, DE",
        "UID:k\nDTSTART;TZID=Europe/Berlin:20250620T090000\n"
        "DTEND;TZID=Europe/Berlin:20250621T170000\nSUMMARY:Conf\nLOCATION:Berlin\\, DE")).events
    assert late.end is None
    assert conf.end == dt.date(2025, 6, 21)


def test_cancelled_events_and_instances_say_so() -> None:
    result = parse((SAMPLES / "google-community.ics").read_text("utf-8"))
    cancelled = {(e.title, e.start.isoformat()) for e in result.events if e.status}
    assert cancelled == {("Seattle Rust User Group Monthly Meetup", "2025-07-03"),
                         ("Rust Paris Meetup", "2025-06-20")}
    assert {e.status for e in result.events} == {None, "CANCELLED"}


def test_url_group_and_title_come_from_their_properties() -> None:
    [event] = parse(calendar(
        "UID:u\nDTSTART:20250611T180000Z\nSUMMARY:  Rust\n Talks \n"
        'ORGANIZER;CN="Rust Oslo":mailto:x@example.org\nLOCATION:Oslo\\, Norway\n'
        "DESCRIPTION:Call: https://meet.google.com/abc-defg-hij then "
        "<a href=\"https://example.org/talks\">page</a>",
        header="X-WR-CALNAME:Calendar name\n")).events
    assert (event.title, event.group) == ("RustTalks", "Rust Oslo")
    assert event.url == "https://example.org/talks"  # the video call is not the event page
    assert (event.city, event.country, event.hybrid) == ("Oslo", "NO", True)


@pytest.mark.parametrize(
    ("location", "geo", "description", "place"),
    [
        ("c-base (Rungestraße 20, Berlin, be, de)", None, "", ("Berlin", None, "DE", False)),
        ("Datadog, 620 8th Ave, New York, NY 10018, USA", None, "",
         ("New York", "NY", "US", False)),
        ("Valeska-Gert-Straße 5, 10243 Berlin, Germany", None, "", ("Berlin", None, "DE", False)),
        ("Shopify, 620 King St W, Toronto, ON M5V 1M6, Canada", None, "",
         ("Toronto", "ON", "CA", False)),
        ("San Francisco, CA", None, "", ("San Francisco", "CA", "US", False)),
        ("https://lu.ma/abc", (52.37, 4.89), "", ("Amsterdam", None, "NL", False)),
        ("Online event", None, "", (None, None, None, True)),
        ("", None, "", (None, None, None, True)),
        ("https://us06web.zoom.us/j/1", None, "", (None, None, None, True)),
        ("Some Café", None, "", (None, None, None, False)),
        ("Berlin, DE", None, "stream: https://teams.microsoft.com/l/meetup-join/x",
         ("Berlin", None, "DE", True)),
    ],
)
def test_places(location: str, geo: tuple[float, float] | None, description: str,
                place: tuple) -> None:
    found = event_place(location, geo, description)
    assert (found.city, found.subdivision, found.country, found.virtual) == place
    assert found.hybrid == bool(found.city and found.virtual)


def test_an_address_without_a_known_city_gives_none() -> None:
    assert address_place("Somewhere 12, Nowhere-on-Sea") is None


def test_unreadable_calendars_are_problems_not_exceptions() -> None:
    result = parse("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2025BAD\nEND:VCALENDAR\n")
    assert result.events == () and result.problems


# -- never raises ----------------------------------------------------------------------------
_LINES = [
    "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "UID:a", "UID:b",
    "DTSTART:20250611T180000Z", "DTSTART;VALUE=DATE:20250611", "DTSTART:20250611T180000",
    "DTSTART;TZID=Europe/Berlin:20250611T180000", "DTSTART;TZID=Nowhere/Land:20250611T1800",
    "DTEND:20250610T180000Z", "DURATION:PT2H", "DURATION:-P1D", "RRULE:FREQ=DAILY;COUNT=3",
    "RRULE:FREQ=WEEKLY", "RRULE:FREQ=BOGUS", "EXDATE:20250612T180000Z", "RDATE:20250701",
    "RECURRENCE-ID:20250612T180000Z", "STATUS:CANCELLED", "GEO:91;200", "GEO:x;y",
    "LOCATION:Berlin\\, DE", "LOCATION:Online", "SUMMARY:Rust", "X-WR-TIMEZONE:Mars/Base",
    "URL:javascript:alert(1)", "ORGANIZER;CN=X:mailto:x", "DTSTAMP:20250601T000000Z",
    "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "END:VTIMEZONE", " folded", ":", ";;;",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_LINES), st.text(max_size=30)), max_size=30),
       st.sampled_from([None, "Europe/Berlin", "Not/AZone"]))
def test_parse_never_raises_on_mangled_calendars(lines: list[str], zone: str | None) -> None:
    text = "BEGIN:VCALENDAR\n" + "\n".join(lines) + "\nEND:VCALENDAR\n"
    assert isinstance(parse(text, timezone=zone), ParseResult)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(parse(text), ParseResult)
    assert isinstance(PARSER.parse(Document("s", "x.ics", text)), ParseResult)
