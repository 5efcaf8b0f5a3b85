"""Events -> ICS calendars that subscription clients accept (see INTEROP.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Timezone, TimezoneStandard, vDuration
from icalendar import Event as VEvent

from calendar_agg import __version__
from calendar_agg.models import Event
from calendar_agg.publish.text import clean_text, date_text, display_title, event_link, place_line

PRODID = f"-//calendar-agg//calendar-agg {__version__}//EN"


def calendar_bytes(events: Iterable[Event], *, name: str, description: str,
                   refresh: dt.timedelta, base_url: str) -> bytes:
    """One VCALENDAR with ``events`` in a stable order (start, uid)."""
    name, description = clean_text(name), clean_text(description)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("description", description)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    count = 0
    for event in sorted(events, key=lambda e: (e.start, e.uid)):
        calendar.add_component(vevent(event, base_url))
        count += 1
    if count == 0:  # RFC 5545 wants a component; strict parsers reject an empty calendar
        calendar.add_component(_utc_timezone())
    return calendar.to_ical()


def vevent(event: Event, base_url: str) -> VEvent:
    component = VEvent()
    component.add("uid", event.uid)
    stamp = event.last_modified or event.first_seen or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    component.add("dtstamp", stamp.astimezone(dt.UTC))
    component.add("dtstart", event.start)
    component.add("dtend", (event.end or event.start) + dt.timedelta(days=1))
    component.add("summary", display_title(event))
    component.add("url", event_link(event) or f"{base_url}#{event.uid}")
    component.add("location", place_line(event))
    component.add("description", description_text(event))
    categories = list(event.regions) + _kinds(event)
    if categories:  # an old listing with no known place has no region
        component.add("categories", categories)
    component.add("status", event.status)
    component.add("sequence", event.sequence)
    component.add("transp", "TRANSPARENT")
    if event.first_seen:
        component.add("created", event.first_seen.astimezone(dt.UTC))
    if event.last_modified:
        component.add("last-modified", event.last_modified.astimezone(dt.UTC))
    return component


def description_text(event: Event) -> str:
    lines = [f"{display_title(event)}", f"When: {date_text(event)}",
             f"Where: {place_line(event)}"]
    if event.group:
        lines.append(f"Organiser: {clean_text(event.group)}")
    links = [u for u in (event.url, event.group_url, *event.extra_urls) if u]
    lines += [f"Link: {clean_text(u)}" for u in dict.fromkeys(links)]
    if event.issues:
        lines.append(f"Announced in: {clean_text(event.issues[0])}")
    if event.status == "CANCELLED":
        lines.insert(0, "CANCELLED")
    return "\n".join(lines)


def _kinds(event: Event) -> list[str]:
    if event.hybrid:
        return ["hybrid"]
    return ["virtual"] if event.virtual else []


def _utc_timezone() -> Timezone:
    timezone = Timezone()
    timezone.add("tzid", "UTC")
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(0))
    standard.add("tzoffsetto", dt.timedelta(0))
    standard.add("tzname", "UTC")
    timezone.add_component(standard)
    return timezone
