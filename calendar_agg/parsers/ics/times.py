"""When an ICS event happens: the expansion window, time zones, local dates.

Every timed event gets a time zone, so that its local date (``start``) is the date people
there see and it is published with that zone:

- DTSTART with a TZID (Meetup, Google's recurring events): that zone;
- UTC (Luma, Google's single events): the zone of the event's city when the place is known,
  else the calendar's zone, else UTC;
- floating (no zone at all): the calendar's zone, else the city's; without either the time
  cannot be placed, and the event is kept as a date only (with a problem saying so).

The calendar's zone is the source's ``timezone`` setting (``Document.timezone``), else the
calendar's own ``X-WR-TIMEZONE`` (Google).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The window occurrences are expanded in, around the time the calendar was fetched: recent
# past (as far back as the feeds show) and a year ahead (recurring series never end).
LOOK_BACK = dt.timedelta(days=31)
LOOK_AHEAD = dt.timedelta(days=366)
# An evening meetup that ends after midnight (but before this hour) still took one day.
NIGHT = dt.timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class When:
    """The local dates and, for a timed event, the aware start and end of one occurrence."""

    start: dt.date
    end: dt.date | None = None  # inclusive last day of a multi-day event
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    timezone: str | None = None  # IANA name the times are expressed in


def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone of an IANA name, or None for a missing or unknown name."""
    if not name or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_name(value: dt.datetime) -> str | None:
    """The IANA name of an aware datetime's zone ("UTC" for UTC), else None."""
    tzinfo = value.tzinfo
    if tzinfo is None:
        return None
    key = getattr(tzinfo, "key", None)
    if isinstance(key, str) and zone_named(key) is not None:
        return "UTC" if key in ("Etc/UTC", "UTC", "Etc/Zulu", "Zulu") else key
    if value.utcoffset() == dt.timedelta(0) and tzinfo.tzname(value) in ("UTC", "Z", None):
        return "UTC"
    return None


def window(anchor: dt.datetime) -> tuple[dt.date, dt.date]:
    """The dates [first, last) occurrences are expanded in, around ``anchor``."""
    return (anchor - LOOK_BACK).date(), (anchor + LOOK_AHEAD).date()


def when(start: dt.date | dt.datetime, end: dt.date | dt.datetime | None,
         calendar_zone: dt.tzinfo | None, place_zone: dt.tzinfo | None) -> When | None:
    """The dates and times of an occurrence; None for a floating time no zone can place."""
    if not isinstance(start, dt.datetime):
        return _all_day(start, end if not isinstance(end, dt.datetime) else end.date())
    zone = _zone_of(start, calendar_zone, place_zone)
    if zone is None:
        return None
    starts_at = _in_zone(start, zone)
    ends_at = _in_zone(end, zone) if isinstance(end, dt.datetime) else None
    if ends_at is not None and ends_at < starts_at:
        ends_at = None
    last_day = (ends_at - NIGHT).date() if ends_at is not None else None
    name = zone_name(starts_at)
    return When(starts_at.date(), last_day if last_day and last_day > starts_at.date() else None,
                starts_at, ends_at, name)


def _all_day(start: dt.date, end: dt.date | None) -> When:
    """DTEND of an all-day event is exclusive: the inclusive last day is the day before."""
    last_day = end - dt.timedelta(days=1) if end else None
    return When(start, last_day if last_day and last_day > start else None)


def _zone_of(value: dt.datetime, calendar_zone: dt.tzinfo | None,
             place_zone: dt.tzinfo | None) -> dt.tzinfo | None:
    if value.tzinfo is None:
        return calendar_zone or place_zone
    if zone_name(value) == "UTC":
        return place_zone or calendar_zone or value.tzinfo
    return value.tzinfo


def _in_zone(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value if value.tzinfo is zone else value.astimezone(zone)
