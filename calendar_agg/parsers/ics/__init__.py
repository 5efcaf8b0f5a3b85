"""The ``ics`` format: calendars that Meetup groups, Luma and Google Calendar publish.

Each occurrence of a VEVENT inside the expansion window becomes one RawEvent; RRULE,
RDATE, EXDATE and RECURRENCE-ID are expanded by ``recurring-ical-events``. The window is
``times.window`` around the time the document was fetched (``Document.fetched_at``, set
by the pipeline from its clock), or, for a document that does not say, around its newest
DTSTAMP: the parser never reads the clock. The result carries one ``Issue`` per document
named like its events' ``issue``, whose ``date`` is that anchor and whose ``window`` is the
expansion window: an event of this calendar dated inside the window and missing from it
was deleted by the organiser.

Fields: ``title`` from SUMMARY; ``url`` from URL, else the first link of DESCRIPTION or
LOCATION that is not a video call; ``group`` from ORGANIZER's CN, else X-WR-CALNAME;
``status`` "CANCELLED" for STATUS:CANCELLED; the place and online-ness from LOCATION, GEO
and DESCRIPTION (``place``); times and local dates from ``times``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import icalendar
import recurring_ical_events

from calendar_agg.models import Document, Issue, ParseResult, Problem, RawEvent
from calendar_agg.normalize import places, regions
from calendar_agg.parsers import sniff
from calendar_agg.parsers.base import Parser
from calendar_agg.parsers.ics import times
from calendar_agg.parsers.ics.place import EventPlace, event_place, is_video_call, links

NO_ZONE = "floating time without a time zone (set `timezone` for this source); kept as a date"
# What icalendar and recurring-ical-events raise on malformed calendars.
_BAD_CALENDAR = (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError,
                 recurring_ical_events.InvalidCalendar)
_MEETUP_EVENT = re.compile(r"^(https?://(?:www\.)?meetup\.com/[^/?#]+/)events/", re.IGNORECASE)


class IcsParser(Parser):
    name = "ics"

    def detect(self, document: Document) -> int:
        return sniff.ics(document)

    def parse(self, document: Document) -> ParseResult:
        try:
            calendars = icalendar.Calendar.from_ical(document.text.lstrip("\ufeff"),
                                                     multiple=True)
        except _BAD_CALENDAR as exc:
            return ParseResult(problems=(_problem(document, None, f"not a calendar: {exc}"),))
        if not calendars:
            return ParseResult(problems=(_problem(document, None, "no VCALENDAR"),))
        anchor = document.fetched_at or _newest_stamp(calendars)
        if anchor is None:
            return ParseResult(problems=(_problem(document, None, "no DTSTAMP to date it by"),))
        first, last = times.window(anchor)
        reader = _Reader(document, _vevent_lines(document.text))
        for calendar in calendars:
            reader.read(calendar, first, last)
        issue = Issue(document.name, anchor.date(), (first, last - dt.timedelta(days=1)),
                      document.location or None)
        events = sorted(reader.events, key=lambda e: (
            e.start, e.starts_at.timestamp() if e.starts_at else 0.0, e.line))
        return ParseResult(issues=(issue,), events=tuple(events),
                           problems=tuple(reader.problems))


class _Reader:
    """Turns the occurrences of one document's calendars into RawEvents and Problems."""

    def __init__(self, document: Document, lines: dict[tuple[str, str | None], int]) -> None:
        self.document = document
        self.lines = lines
        self.events: list[RawEvent] = []
        self.problems: list[Problem] = []

    def read(self, calendar: icalendar.Calendar, first: dt.date, last: dt.date) -> None:
        zone_setting = self.document.timezone or _text(calendar.get("X-WR-TIMEZONE"))
        calendar_zone = times.zone_named(zone_setting)
        group = _text(calendar.get("X-WR-CALNAME"))
        calendar = _without_wr_timezone(calendar)  # floating and UTC times are ours to place
        series = _series_uids(calendar)
        try:
            occurrences = list(recurring_ical_events.of(calendar, skip_bad_series=True)
                               .between(first, last))
        except _BAD_CALENDAR as exc:
            self.problems.append(_problem(self.document, None, f"cannot expand: {exc}"))
            return
        floating = 0
        for component in occurrences:
            line = self._line(component)
            try:
                event = _listing(self.document, component, line, calendar_zone, group)
                event = replace(event, source_uid=_source_uid(component, series))
            except _BAD_CALENDAR as exc:
                self.problems.append(_problem(self.document, line, f"unreadable event: {exc}",
                                              _text(component.get("SUMMARY"))))
                continue
            if event.starts_at is None and isinstance(_start_value(component), dt.datetime):
                floating += 1
            self.events.append(event)
        if floating:
            self.problems.append(_problem(self.document, None, NO_ZONE, f"{floating} events"))

    def _line(self, component: icalendar.Event) -> int:
        uid = _text(component.get("UID"))
        if uid is None:  # only events with a UID are in the table
            return 1
        rid = component.get("RECURRENCE-ID")
        rid_text = rid.to_ical().decode() if rid is not None else None
        return self.lines.get((uid, rid_text)) or self.lines.get((uid, None)) or 1


def _listing(document: Document, component: icalendar.Event, line: int,
             calendar_zone: dt.tzinfo | None, calendar_name: str | None) -> RawEvent:
    description = _text(component.get("DESCRIPTION"))
    location = _text(component.get("LOCATION"))
    place = event_place(location, _geo(component), description)
    place_zone = times.zone_named(_place_zone(place))
    start = _start_value(component)
    when = times.when(start, _end_value(component, start), calendar_zone, place_zone)
    if when is None:  # floating, and nothing says where
        when = times.When(start.date() if isinstance(start, dt.datetime) else start)
    url = _event_url(component, description, location)
    status = _text(component.get("STATUS"))
    return RawEvent(
        issue=document.name, line=line, start=when.start, end=when.end,
        city=place.city, subdivision=place.subdivision, country=place.country,
        virtual=place.virtual, hybrid=place.hybrid,
        region=regions.main_region(place.country, place.virtual, place.hybrid),
        group=_organiser(component) or calendar_name, group_url=_group_url(url),
        title=_text(component.get("SUMMARY")), url=url, source=document.source,
        starts_at=when.starts_at, ends_at=when.ends_at, timezone=when.timezone,
        status="CANCELLED" if (status or "").upper() == "CANCELLED" else None,
    )


def _series_uids(calendar: icalendar.Calendar) -> set[str]:
    """UIDs of recurring events: with RRULE or RDATE, or with an instance overridden."""
    return {str(c["UID"]) for c in calendar.walk("VEVENT") if "UID" in c
            and any(name in c for name in ("RRULE", "RDATE", "RECURRENCE-ID"))}


def _source_uid(component: icalendar.Event, series: set[str]) -> str | None:
    """UID, plus the original start (RECURRENCE-ID) for an occurrence of a series."""
    uid = _text(component.get("UID"))
    rid = component.get("RECURRENCE-ID")
    if uid is None or uid not in series or rid is None:
        return uid
    return f"{uid}#{rid.to_ical().decode()}"


def _start_value(component: icalendar.Event) -> dt.date | dt.datetime:
    return _dt(component, "DTSTART")


def _end_value(component: icalendar.Event,
               start: dt.date | dt.datetime) -> dt.date | dt.datetime | None:
    if component.get("DTEND") is not None:
        return _dt(component, "DTEND")
    if component.get("DURATION") is not None:
        return start + _dt(component, "DURATION")
    return None


def _dt(component: icalendar.Event, name: str) -> Any:
    """The value of a date, date-time or duration property (icalendar types a property as
    any of its value classes, most of which have no ``dt``)."""
    prop: Any = component[name]
    return prop.dt


def _place_zone(place: EventPlace) -> str | None:
    if not place.city:
        return None
    return places.city_timezone(place.city, place.subdivision, place.country)


def _geo(component: icalendar.Event) -> tuple[float, float] | None:
    geo = component.get("GEO")
    if geo is None:
        return None
    return float(geo.latitude), float(geo.longitude)


def _event_url(component: icalendar.Event, description: str | None,
               location: str | None) -> str | None:
    own = _text(component.get("URL"))
    candidates = ([own] if own else []) + links(description) + links(location)
    return next((u for u in candidates if u.lower().startswith(("http://", "https://"))
                 and not is_video_call(u)), None)


def _organiser(component: icalendar.Event) -> str | None:
    organizer = component.get("ORGANIZER")
    if organizer is None or not hasattr(organizer, "params"):
        return None
    return _text(organizer.params.get("CN"))


def _group_url(url: str | None) -> str | None:
    """A Meetup event's group page: ``https://www.meetup.com/<group>/``."""
    match = _MEETUP_EVENT.match(url or "")
    return match.group(1) if match else None


def _text(value: object) -> str | None:
    """A property's text on one line, or None when empty."""
    if value is None:
        return None
    if isinstance(value, list):  # a property given twice: the first one
        value = value[0] if value else None
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _without_wr_timezone(calendar: icalendar.Calendar) -> icalendar.Calendar:
    """The calendar without X-WR-TIMEZONE, which recurring-ical-events would apply itself."""
    if "X-WR-TIMEZONE" in calendar:
        del calendar["X-WR-TIMEZONE"]
    return calendar


def _newest_stamp(calendars: list[icalendar.Calendar]) -> dt.datetime | None:
    """The newest DTSTAMP (else LAST-MODIFIED) in the document: when it was exported."""
    stamps = []
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            for name in ("DTSTAMP", "LAST-MODIFIED"):
                value = getattr(component.get(name), "dt", None)
                if isinstance(value, dt.datetime):
                    stamps.append(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    return max(stamps, default=None)


def _vevent_lines(text: str) -> dict[tuple[str, str | None], int]:
    """(UID, RECURRENCE-ID as written) -> line of its BEGIN:VEVENT; the first one wins."""
    found: dict[tuple[str, str | None], int] = {}
    begin, uid, rid = 0, None, None
    for number, line in enumerate(_unfolded(text), 1):
        name, _, value = line.partition(":")
        name = name.split(";")[0].strip().upper()
        if name == "BEGIN" and value.strip().upper() == "VEVENT":
            begin, uid, rid = number, None, None
        elif name == "UID" and begin:
            uid = " ".join(value.split())
        elif name == "RECURRENCE-ID" and begin:
            rid = value.strip()
        elif name == "END" and value.strip().upper() == "VEVENT" and begin:
            if uid is not None:
                found.setdefault((uid, rid), begin)
            begin = 0
    return found


def _unfolded(text: str) -> list[str]:
    """Lines with RFC 5545 continuations joined; a continuation leaves an empty line behind,
    so that every line keeps its number."""
    lines: list[str] = []
    logical = -1  # index of the line continuations join
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and logical >= 0:
            lines[logical] += raw[1:]
            lines.append("")
        else:
            logical = len(lines)
            lines.append(raw)
    return lines


def _problem(document: Document, line: int | None, message: str, text: str | None = "") -> Problem:
    return Problem(document.source, document.name, line, message, text or "")
