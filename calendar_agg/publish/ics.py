"""Events -> ICS calendars that subscription clients accept (see INTEROP.md)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Timezone, TimezoneStandard, vDuration
from icalendar import Event as VEvent

from calendar_agg import __version__
from calendar_agg.models import Event
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
            component = vevent(event, base_url)
            # only a timed event's DTSTART/DTEND may have a TZID (the stamps are in UTC)
            zones = _tzids(component) if event.starts_at is not None else ()
            found = (" ".join(sorted(zones)), _serialized(component))
        self.used[key] = found
        return found


def part_key(event: Event, base_url: str) -> str:
    """What a VEVENT is made of: every field of the event (its repr) and the base URL."""
    text = f"{base_url}\x00{event!r}".encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _serialized(component: VEvent) -> bytes:
    """``component.to_ical()``, with ASCII lines folded here: icalendar folds in a loop over
    every character, this slices (same bytes; tests/publish/test_ics_parts.py)."""
    return b"".join(_folded(line) for line in component.content_lines() if line)


def _folded(line) -> bytes:
    """One content line folded at 75 octets the way icalendar 7 folds it: a chunk does not
    end in a backslash or caret (the start of an escape) unless it is one character long."""
    if not line.isascii():
        return line.to_ical() + b"\r\n"
    chunks, start = [], 0
    while len(line) - start > 74:
        end = start + 74 - (line[start + 73] in "\\^")
        chunks.append(line[start:end])
        start = end
    chunks.append(line[start:])
    return "\r\n ".join(chunks).encode("ascii") + b"\r\n"


def _tzids(component: VEvent) -> set[str]:
    """The TZIDs a VEVENT refers to, which need a VTIMEZONE (UTC never does)."""
    found = {value.params.get("TZID") for _, value in component.property_items(sorted=False)
             if hasattr(value, "params")}
    return {zone for zone in found if zone and zone != "UTC"}


def vevent(event: Event, base_url: str) -> VEvent:
    component = VEvent()
    component.add("uid", event.uid)
    stamp = event.last_modified or event.first_seen or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    component.add("dtstamp", stamp.astimezone(dt.UTC))
    _add_times(component, event)
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


def _add_times(component: VEvent, event: Event) -> None:
    """A timed event keeps its time: DTSTART/DTEND with the TZID of its zone (a VTIMEZONE is
    added per calendar), or in UTC when its zone is UTC or unknown. Otherwise all-day, DTEND
    exclusive."""
    if event.precision != "day":  # known to the month or year: all-day on its first day
        component.add("dtstart", event.start)
        component.add("dtend", event.start + dt.timedelta(days=1))
        return
    if event.starts_at is None:
        component.add("dtstart", event.start)
        component.add("dtend", (event.end or event.start) + dt.timedelta(days=1))
        return
    zone = _zone(event.timezone)
    component.add("dtstart", _wall_time(event.starts_at, zone))
    if event.ends_at is not None and event.ends_at > event.starts_at:
        component.add("dtend", _wall_time(event.ends_at, zone))


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
