"""End to end: a calendar served as text/calendar from 127.0.0.1, read by
``calendar-agg parse URL --format jsonl``."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from calendar_agg.cli import JSONL_FIELDS, main

from ..conftest import Route

BERLIN = ZoneInfo("Europe/Berlin")


def _stamp(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def meetup_calendar(first: dt.date, utc_day: dt.date, cancelled_day: dt.date) -> str:
    """A Meetup-like series (TZID, RRULE, EXDATE), a Luma-like UTC event and a cancelled
    all-day event, dated from ``first`` on so that they fall inside the window of today."""
    second = first + dt.timedelta(days=7)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Meetup//RemoteApi//EN",
        "X-WR-CALNAME:Rust Berlin",
        "BEGIN:VEVENT", "UID:event_series@meetup.com", "DTSTAMP:20250601T000000Z",
        f"DTSTART;TZID=Europe/Berlin:{_stamp(first)}T190000",
        f"DTEND;TZID=Europe/Berlin:{_stamp(first)}T220000",
        "RRULE:FREQ=WEEKLY;COUNT=3", f"EXDATE;TZID=Europe/Berlin:{_stamp(second)}T190000",
        "SUMMARY:Rust Hack and Learn", "LOCATION:c-base (Rungestraße 20\\, Berlin\\, be\\, de)",
        "URL:https://www.meetup.com/rust-berlin/events/lqxbbtyhcjbhb/", "END:VEVENT",
        "BEGIN:VEVENT", "UID:evt-1@events.lu.ma", "DTSTAMP:20250601T000000Z",
        f"DTSTART:{_stamp(utc_day)}T223000Z", f"DTEND:{_stamp(utc_day)}T233000Z",
        "SUMMARY:Rust NYC Talks", "LOCATION:Datadog\\, 620 8th Ave\\, New York\\, NY 10018\\, USA",
        "DESCRIPTION:Get up-to-date information at: https://lu.ma/rust-nyc", "END:VEVENT",
        "BEGIN:VEVENT", "UID:cancelled@google.com", "DTSTAMP:20250601T000000Z",
        f"DTSTART;VALUE=DATE:{_stamp(cancelled_day)}", "STATUS:CANCELLED",
        "SUMMARY:Rust Paris", "LOCATION:Paris\\, France", "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def test_parse_reads_a_served_calendar_with_times_and_zones(http_server, capsys) -> None:
    today = dt.datetime.now(dt.UTC).date()
    first, utc_day = today + dt.timedelta(days=7), today + dt.timedelta(days=10)
    cancelled_day = today + dt.timedelta(days=20)
    http_server.routes["/rust-berlin/events/ical/"] = Route(
        body=meetup_calendar(first, utc_day, cancelled_day).encode("utf-8"),
        headers={"Content-Type": "text/calendar; charset=utf-8"})

    status = main(["parse", http_server.url("/rust-berlin/events/ical/"), "--format", "jsonl"])

    out = capsys.readouterr().out
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(list(row) == list(JSONL_FIELDS) for row in rows)
    by_start = {row["starts_at"] or row["start"]: row for row in rows}
    series = [dt.datetime.combine(first + dt.timedelta(days=days), dt.time(19), BERLIN)
              for days in (0, 14)]
    new_york = dt.datetime.combine(utc_day, dt.time(22, 30), dt.UTC).astimezone(
        ZoneInfo("America/New_York"))
    assert sorted(by_start) == sorted(
        [s.isoformat() for s in series] + [new_york.isoformat(), cancelled_day.isoformat()])
    meetup = by_start[series[0].isoformat()]
    assert (meetup["city"], meetup["country"], meetup["region"]) == ("Berlin", "DE", "Europe")
    assert meetup["timezone"] == "Europe/Berlin" and meetup["group"] == "Rust Berlin"
    assert meetup["ends_at"] == series[0].replace(hour=22).isoformat()
    assert meetup["issue"] == "ical" and meetup["status"] is None
    luma = by_start[new_york.isoformat()]
    assert (luma["city"], luma["subdivision"], luma["timezone"]) == (
        "New York", "NY", "America/New_York")
    assert luma["start"] == new_york.date().isoformat() and luma["url"] == "https://lu.ma/rust-nyc"
    paris = by_start[cancelled_day.isoformat()]
    assert (paris["status"], paris["starts_at"], paris["country"]) == ("CANCELLED", None, "FR")
