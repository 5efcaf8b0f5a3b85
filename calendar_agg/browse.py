"""What ``calendar-agg events`` and ``calendar-agg history`` show: stored events filtered,
as JSONL rows or table lines, and one event's sightings and changes for a person to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from calendar_agg.models import REGIONS, Event, region_named
from calendar_agg.normalize import places
from calendar_agg.publish.feeds import EventFilter
from calendar_agg.store import Change, Sighting

# What ``events --format jsonl`` adds to the fields of ``parse`` (which lack issue and line).
STORED_FIELDS = ("uid", "regions", "status", "sequence", "first_seen", "last_seen")


def region_name(text: str) -> str:
    """A region as ``--region`` takes it: "Europe", "europe" or "north-america"."""
    region = region_named(text)
    if region is None:
        raise ValueError(f"unknown region {text!r} (one of: {', '.join(REGIONS)})")
    return region


def country_code(text: str) -> str:
    """A country as ``--country`` takes it: an ISO code or a name ("DE", "Germany", "UK")."""
    code = places.country_code(text)
    if code is None:
        raise ValueError(f"unknown country {text!r}")
    return code


@dataclass(frozen=True)
class EventQuery:
    """The ``events`` filters; they all must match (each list: any of its values)."""

    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    first: dt.date | None = None  # --from: events on or after this day (by their last day)
    last: dt.date | None = None  # --to: events starting on or before this day
    text: str = ""  # in title, organiser, place or links, case and accents ignored

    def select(self, events: Iterable[Event]) -> list[Event]:
        where = EventFilter(regions=self.regions, countries=self.countries, cities=self.cities)
        needle = places.city_key(self.text) if self.text.strip() else ""
        return [e for e in events
                if where.matches(e, e.start)
                and (self.first is None or (e.end or e.start) >= self.first)
                and (self.last is None or e.start <= self.last)
                and (not needle or needle in _searchable(e))]


def _searchable(event: Event) -> str:
    parts = (event.title, event.group, event.city, event.subdivision, event.country,
             event.url, event.group_url, *event.extra_urls)
    return " ".join(places.city_key(part) for part in parts if part)


def stored_jsonl(event: Event, parse_fields: Sequence[str]) -> dict:
    """One ``events --format jsonl`` row: the fields of ``parse`` that an event has, then
    uid, regions, status, sequence, first_seen, last_seen."""
    row = {name: _plain(getattr(event, name)) for name in parse_fields
           if name not in ("issue", "line") and name not in STORED_FIELDS}
    row.update({name: _plain(getattr(event, name)) for name in STORED_FIELDS})
    return row


def _plain(value: object) -> object:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def table_line(event: Event) -> str:
    place = ", ".join(p for p in (event.city, event.subdivision, event.country) if p)
    title = (event.title or event.group or "")[:50]
    return (f"{event.uid}  {when_text(event.start, event.end, event.precision):<16}  "
            f"{event.status:<9} {'/'.join(event.regions) or '-':<22} {place or '-':<26} {title}")


def when_text(start: dt.date, end: dt.date | None, precision: str = "day") -> str:
    """The days of an event for a table: ``2025-06-05``, a span as an ISO 8601 interval
    without what its end shares with its start (``2025-09-22/23``, ``2025-09-30/10-02``),
    or the month or year an imprecise date gives (``2025-06``)."""
    if precision == "month":
        return start.isoformat()[:7]
    if precision == "year":
        return str(start.year)
    if end is None or end == start:
        return start.isoformat()
    shared = 8 if end.month == start.month and end.year == start.year else (
        5 if end.year == start.year else 0)
    return f"{start.isoformat()}/{end.isoformat()[shared:]}"


def history_lines(event: Event, sightings: Sequence[Sighting],
                  changes: Sequence[Change]) -> list[str]:
    """An event's state, where it was seen (with what each listing said) and its changes."""
    place = ", ".join(p for p in (event.city, event.subdivision, event.country) if p)
    lines = [f"{event.title or event.group or '(untitled)'}",
             f"  uid {event.uid}  {event.status}  sequence {event.sequence}",
             f"  {event.start}{' to ' + str(event.end) if event.end else ''}  "
             f"{place or '-'}  {'/'.join(event.regions) or 'no region'}",
             f"  {event.url or event.group_url or 'no link'}", "", "seen:"]
    for sighting in sightings:
        lines.append(f"  {sighting.issue_date or '-'}  {sighting.source}: "
                     f"{sighting.issue}:{sighting.line}  {_listing_text(sighting)}")
    lines += ["", "changes:"]
    for change in changes:
        lines.append(f"  {change.at.date()}  {change.change:<9} {change.issue}"
                     f"{_change_text(change)}")
    return lines


def _listing_text(sighting: Sighting) -> str:
    listing = sighting.listing
    if listing is None:
        return ""
    place = ", ".join(p for p in (listing.city, listing.subdivision, listing.country) if p)
    kind = "hybrid" if listing.hybrid else "virtual" if listing.virtual else ""
    parts = [str(listing.start), place, kind, listing.region or "", listing.title or ""]
    return " | ".join(p for p in parts if p)


def _change_text(change: Change) -> str:
    details = [f"{name}: {old!r} -> {new!r}" for name, (old, new) in
               sorted((k, v) for k, v in change.details.items() if isinstance(v, list))]
    if "reason" in change.details:
        details.append(str(change.details["reason"]))
    return ("  " + "; ".join(details)) if details else ""

