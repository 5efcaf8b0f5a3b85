"""How an event reads in every output: place line, display title, safe links."""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendar_agg.models import Event

# Characters XML 1.0 forbids, and the DEL and C1 controls it discourages (feed readers
# "repair" those as Windows-1252); event text never carries them into a feed or page.
# ... and the byte order mark, which readers drop at the start of a value (icalendar does)
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")


# The texts of events repeat (a group's name and link, its city): each is cleaned once.
@functools.lru_cache(maxsize=8192)
def clean_text(text: str | None) -> str:
    """Text safe for XML and for one ICS property: no control characters, one line."""
    if not text:
        return ""
    return " ".join(_XML_FORBIDDEN.sub("", text).split())


@functools.lru_cache(maxsize=8192)
def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link; never javascript:, data: or anything else."""
    if not url:
        return None
    url = clean_text(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        return None
    return url


def place_line(event: Event) -> str:
    """"Berlin, DE", "Redmond, WA, US + Online", or "Online"."""
    parts = (clean_text(p) for p in (event.city, event.subdivision, event.country) if p)
    place = ", ".join(part for part in parts if part.strip())
    if event.virtual and not event.hybrid:
        return "Online"
    if event.hybrid:
        return f"{place} + Online" if place else "Online"
    return place or "Unknown place"


def display_title(event: Event) -> str:
    return clean_text(event.title) or clean_text(event.group) or "Rust event"


def event_link(event: Event) -> str | None:
    return safe_url(event.url) or safe_url(event.group_url)


def date_text(event: Event) -> str:
    """"2025-06-19", "2025-06-19 – 2025-06-21", for a timed event its local time and
    zone: "2025-06-19 19:00–22:00 (Europe/Berlin)", and for an event known only to the
    month or year (from a post) "2024-03" or "2018"."""
    if event.precision == "month":
        return f"{event.start:%Y-%m}"
    if event.precision == "year":
        return str(event.start.year)
    if event.starts_at is not None:
        return _time_text(event.starts_at, event.ends_at, event.timezone)
    if event.end and event.end != event.start:
        return f"{event.start.isoformat()} – {event.end.isoformat()}"
    return event.start.isoformat()


def _time_text(starts_at: dt.datetime, ends_at: dt.datetime | None, zone_name: str | None
               ) -> str:
    zone = _zone(zone_name)
    start = starts_at.astimezone(zone) if zone else starts_at
    text = f"{start.date().isoformat()} {start:%H:%M}"
    if ends_at is not None and ends_at > starts_at:
        end = ends_at.astimezone(zone) if zone else ends_at
        text += f"–{end:%H:%M}" if end.date() == start.date() else \
            f" – {end.date().isoformat()} {end:%H:%M}"
    return f"{text} ({zone_name or start.strftime('UTC%z')})"


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None
