"""Events -> ICS calendars that subscription clients accept (see INTEROP.md)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Timezone, TimezoneStandard, vDuration

from calendar_agg import __version__
from calendar_agg.models import Event
from calendar_agg.publish import vevent_text
from calendar_agg.publish.text import clean_text, date_text, display_title, event_link, place_line

PRODID = f"-//calendar-agg//calendar-agg {__version__}//EN"


def calendar_bytes(events: Iterable[Event], *, name: str, description: str,
                   refresh: dt.timedelta, base_url: str, include_imprecise: bool = True,
                   parts: VEventParts | None = None) -> bytes:
    """One VCALENDAR with ``events`` in a stable order (start, uid); events dated only to
    the month or year are left out when ``include_imprecise`` is false.

    The bytes are what icalendar writes for the whole calendar, assembled from each event's
    VEVENT serialized once (``parts``: shared by the files of one run, and across runs)."""
    parts = parts if parts is not None else VEventParts()
    chosen = [parts.serialized(event, base_url)
              for event in sorted(events, key=lambda e: (e.start, e.uid))
              if in_ics(event, include_imprecise)]
    # A VTIMEZONE for every TZID the timed events use, first, in a stable order.
    zones = sorted({zone for tzids, _ in chosen for zone in tzids.split()})
    # RFC 5545 wants a component; strict parsers reject an empty calendar
    body = [data for _, data in chosen] or [_utc_timezone().to_ical()]
    return b"".join([_calendar_head(clean_text(name), clean_text(description), refresh),
                     *map(_vtimezone, zones), *body, _CALENDAR_END])


_CALENDAR_END = b"END:VCALENDAR\r\n"


@functools.lru_cache(maxsize=64)
def _calendar_head(name: str, description: str, refresh: dt.timedelta) -> bytes:
    """The calendar's own lines, up to its first component."""
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
    return calendar.to_ical().removesuffix(_CALENDAR_END)


@functools.cache
def _vtimezone(zone: str) -> bytes:
    return Timezone.from_tzid(zone).to_ical()


class VEventParts:
    """Each event's VEVENT as (its TZIDs joined by spaces, its bytes), serialized once.

    ``known`` holds parts kept from earlier runs, by ``part_key``; ``used`` collects every
    part this run needed, so the store can keep exactly those."""

    def __init__(self, known: Mapping[str, tuple[str, bytes]] | None = None) -> None:
        self.known = dict(known or {})
        self.used: dict[str, tuple[str, bytes]] = {}

    def serialized(self, event: Event, base_url: str) -> tuple[str, bytes]:
        key = part_key(event, base_url)
        found = self.used.get(key) or self.known.get(key)
        if found is None:
            found = vevent_part(event, base_url)
        self.used[key] = found
        return found


def part_key(event: Event, base_url: str) -> str:
    """What a VEVENT is made of: every field of the event (its repr) and the base URL."""
    text = f"{base_url}\x00{event!r}".encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def vevent_part(event: Event, base_url: str) -> tuple[str, bytes]:
    """The event's VEVENT, and the TZIDs it refers to (which need a VTIMEZONE) joined by
    spaces: written as text, the bytes icalendar writes for the same properties."""
    start, end = _times(event)
    times = [("DTSTART", start)] + ([("DTEND", end)] if end is not None else [])
    written = [(name, *vevent_text.when(value)) for name, value in times]
    stamp = event.last_modified or event.first_seen or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    categories = list(event.regions) + _kinds(event)
    # icalendar's order: Event.canonical_order (SUMMARY ... SEQUENCE), then the rest by name
    properties = [
        ("SUMMARY", vevent_text.text(display_title(event))),
        *((name, value) for name, _, value in written),
        ("DTSTAMP", vevent_text.utc(stamp.astimezone(dt.UTC))),
        ("UID", vevent_text.text(event.uid)),
        ("SEQUENCE", vevent_text.integer(event.sequence)),
        # an old listing with no known place has no region
        *([("CATEGORIES", vevent_text.texts(categories))] if categories else []),
        *_utc_property("CREATED", event.first_seen),
        ("DESCRIPTION", vevent_text.text(description_text(event))),
        *_utc_property("LAST-MODIFIED", event.last_modified),
        ("LOCATION", vevent_text.text(place_line(event))),
        ("STATUS", vevent_text.text(event.status)),
        ("TRANSP", vevent_text.text("TRANSPARENT")),
        ("URL", vevent_text.uri(event_link(event) or f"{base_url}#{event.uid}")),
    ]
    lines = [vevent_text.content_line(name, rest) for name, rest in properties]
    zones = sorted({tzid for _, tzid, _ in written if tzid})
    return " ".join(zones), b"".join([_VEVENT_BEGIN, *lines, _VEVENT_END])


_VEVENT_BEGIN = b"BEGIN:VEVENT\r\n"
_VEVENT_END = b"END:VEVENT\r\n"


def _utc_property(name: str, moment: dt.datetime | None) -> list[tuple[str, str]]:
    """A DATE-TIME property in UTC, or none when the moment is not known."""
    return [(name, vevent_text.utc(moment.astimezone(dt.UTC)))] if moment else []


def _times(event: Event) -> tuple[dt.date, dt.date | None]:
    """DTSTART and DTEND (None: none). A timed event keeps its time: in its zone (a
    VTIMEZONE is added per calendar), or in UTC when its zone is UTC or unknown. Otherwise
    all-day, DTEND exclusive; an event known to the month or year on its first day."""
    if event.precision != "day":
        return event.start, event.start + dt.timedelta(days=1)
    if event.starts_at is None:
        return event.start, (event.end or event.start) + dt.timedelta(days=1)
    zone = _zone(event.timezone)
    start, end = _wall_time(event.starts_at, zone), event.ends_at
    return start, (_wall_time(end, zone) if end is not None and end > event.starts_at else None)


def _wall_time(instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The instant in ``zone``, or in UTC when its wall time there is ambiguous (the hour
    repeated when clocks go back): a TZID time means the first of the two (RFC 5545 3.3.5),
    so the second could not be said with a TZID, and clients differ on the first."""
    local = instant.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(dt.UTC)
    return local


def _zone(name: str | None) -> dt.tzinfo:
    if name and name != "UTC":
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt.UTC


def in_ics(event: Event, include_imprecise: bool = True) -> bool:
    """Whether ``event`` goes into ICS: day-precise ones always, others when asked."""
    return include_imprecise or event.precision == "day"


def imprecise_date_text(event: Event) -> str | None:
    """"Date known to the month: June 2024" for an event not dated to the day, else None."""
    if event.precision == "month":
        return f"Date known to the month: {event.start:%B %Y}"
    if event.precision == "year":
        return f"Date known to the year: {event.start.year}"
    return None


def description_text(event: Event) -> str:
    when = imprecise_date_text(event) or f"When: {date_text(event)}"
    lines = [f"{display_title(event)}", when, f"Where: {place_line(event)}"]
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
