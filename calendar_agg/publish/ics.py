"""Events -> ICS calendars that subscription clients accept (see INTEROP.md).

A calendar is assembled from text: its own lines, a VTIMEZONE per zone its timed events
use, and each event's VEVENT serialized once (``VEventParts``); byte for byte what icalendar
writes for the whole calendar built as one tree (tests/publish/test_ics_parts.py holds the
two side by side). icalendar is imported only to write a VTIMEZONE or a timed event's TZID:
a run that meets neither does not pay for importing it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendar_agg import __version__
from calendar_agg.codec import to_json
from calendar_agg.models import Event
from calendar_agg.publish import vevent_text
from calendar_agg.publish.text import (
    clean_text,
    date_text,
    display_title,
    event_link,
    place_line,
    safe_url,
)
from calendar_agg.records import StoredEvent, full

PRODID = f"-//calendar-agg//calendar-agg {__version__}//EN"

Part = tuple[str, bytes]  # a VEVENT: the TZIDs it uses joined by spaces, its bytes


def calendar_bytes(events: Iterable[Event], *, name: str, description: str,
                   refresh: dt.timedelta, base_url: str, include_imprecise: bool = True,
                   parts: VEventParts | None = None) -> bytes:
    """One VCALENDAR with ``events`` in a stable order (start, uid); events dated only to
    the month or year are left out when ``include_imprecise`` is false. ``parts``: the
    VEVENTs serialized already (shared by the files of one run, and across runs)."""
    parts = parts if parts is not None else VEventParts()
    chosen = [parts.serialized(event, base_url)
              for event in sorted(events, key=lambda e: (e.start, e.uid))
              if in_ics(event, include_imprecise)]
    return b"".join(calendar_chunks(chosen, name=name, description=description,
                                    refresh=refresh))


def calendar_chunks(chosen: Sequence[Part] | PartStream, *, name: str, description: str,
                    refresh: dt.timedelta) -> Iterator[bytes]:
    """The bytes of the calendar of the VEVENTs ``chosen`` (in their order), piece by piece:
    the archive of every event is written to its file without being joined in memory, nor
    its VEVENTs all read (``PartStream``). Its head is made at once (what could fail fails
    before any file is written)."""
    # A VTIMEZONE for every TZID the timed events use, first, in a stable order.
    if isinstance(chosen, PartStream):
        zones, body = sorted(chosen.zones()), chosen.data()
    else:
        zones = sorted({zone for tzids, _ in chosen for zone in tzids.split()})
        body = (data for _, data in chosen)
    head = [calendar_head(clean_text(name), clean_text(description), refresh),
            *map(_vtimezone, zones),
            # RFC 5545 wants a component; strict parsers reject an empty calendar
            *([] if chosen else [_UTC_TIMEZONE])]
    return itertools.chain(head, body, [_CALENDAR_END])


_CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar_head(name: str, description: str, refresh: dt.timedelta) -> bytes:
    """The calendar's own lines, up to its first component, in icalendar's order (its
    ``Calendar.canonical_order``, then the rest by name); NAME and the X-WR- properties are
    of no type icalendar knows, so it writes them unescaped."""
    every = vevent_text.duration(refresh)
    lines = [("VERSION", vevent_text.text("2.0")), ("PRODID", vevent_text.text(PRODID)),
             ("CALSCALE", vevent_text.text("GREGORIAN")),
             ("METHOD", vevent_text.text("PUBLISH")),
             ("DESCRIPTION", vevent_text.text(description)),
             ("X-WR-CALDESC", vevent_text.raw(description)),
             ("NAME", vevent_text.raw(name)), ("X-WR-CALNAME", vevent_text.raw(name)),
             ("REFRESH-INTERVAL", ";VALUE=DURATION" + every), ("X-PUBLISHED-TTL", every)]
    return b"".join([b"BEGIN:VCALENDAR\r\n",
                     *(vevent_text.content_line(key, rest) for key, rest in lines)])


# The VTIMEZONE icalendar writes for UTC: what an empty calendar holds.
_UTC_TIMEZONE = (b"BEGIN:VTIMEZONE\r\nTZID:UTC\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
                 b"TZNAME:UTC\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
                 b"END:VTIMEZONE\r\n")


@functools.cache
def _vtimezone(zone: str) -> bytes:
    from icalendar import Timezone

    return Timezone.from_tzid(zone).to_ical()


class StoredParts(Protocol):
    """The VEVENTs a store keeps (``Store.vevents``): their TZIDs all at once, their bytes
    a batch at a time."""

    def tzids(self) -> dict[str, str]: ...

    def data(self, keys: Sequence[str]) -> dict[str, bytes]: ...


class VEventParts:
    """Each event's VEVENT as (its TZIDs joined by spaces, its bytes), serialized once.

    ``known`` holds parts kept from earlier runs, by ``part_key``, or ``stored`` keeps them
    (their bytes are then read only when a file is written, a batch at a time: an archive's
    VEVENTs are never all held); ``used`` collects every part this run needed, so the store
    can keep exactly those (None: one the store has)."""

    def __init__(self, known: Mapping[str, Part] | None = None,
                 stored: StoredParts | None = None) -> None:
        self.known: Mapping[str, Part] = known if known is not None else {}
        self.used: dict[str, Part | None] = {}
        self._stored = stored
        self._stored_tzids = stored.tzids() if stored is not None else {}

    def key(self, event: Event | StoredEvent, base_url: str) -> str:
        """The key of the event's VEVENT, serialized now if it is not known (a stored event
        is decoded only then)."""
        if isinstance(event, StoredEvent):
            key = part_key(None, base_url, event.text)
        else:
            key = part_key(event, base_url)
        if key not in self.used:
            found = self.known.get(key)
            if found is None and key not in self._stored_tzids:
                found = vevent_part(full(event), base_url)
            self.used[key] = found
        return key

    def serialized(self, event: Event | StoredEvent, base_url: str) -> Part:
        """The event's VEVENT."""
        return self.part(self.key(event, base_url))

    def part(self, key: str) -> Part:
        """The VEVENT of a key ``key`` gave."""
        found = self.used[key]
        return found if found is not None else (self._stored_tzids[key], self._data([key])[0])

    def tzids(self, key: str) -> str:
        found = self.used[key]
        return found[0] if found is not None else self._stored_tzids[key]

    def _data(self, keys: Sequence[str]) -> list[bytes]:
        """The bytes of the VEVENTs of ``keys``, in their order."""
        missing = [key for key in keys if self.used[key] is None]
        read = self._stored.data(missing) if missing and self._stored is not None else {}
        return [found[1] if (found := self.used[key]) is not None else read[key]
                for key in keys]

    def in_order(self, keys: Sequence[str]) -> PartStream:
        return PartStream(keys, self)


class PartStream:
    """The VEVENTs of some keys, in order: their TZIDs at hand, their bytes read a batch at
    a time as the calendar is written (``calendar_chunks``)."""

    BATCH = 500

    def __init__(self, keys: Sequence[str], parts: VEventParts) -> None:
        self._keys, self._parts = keys, parts

    def __len__(self) -> int:
        return len(self._keys)

    def zones(self) -> set[str]:
        return {zone for key in self._keys for zone in self._parts.tzids(key).split()}

    def data(self) -> Iterator[bytes]:
        for start in range(0, len(self._keys), self.BATCH):
            yield from self._parts._data(self._keys[start:start + self.BATCH])


def keyed_part(event: Event, text: str | None, base_url: str) -> tuple[str, Part]:
    """(``part_key``, VEVENT) of an event (``text``: its JSON, when known): made ahead,
    where the events are derived (``derivation.derive_events``), for ``VEventParts`` to find."""
    return part_key(event, base_url, text), vevent_part(event, base_url)


def part_key(event: Event | None, base_url: str, text: str | None = None) -> str:
    """What a VEVENT is made of: every field of the event (its JSON as the store keeps it:
    ``text`` when known, else the event's) and the base URL."""
    data = f"{base_url}\x00{text if text is not None else to_json(event)}".encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def vevent_part(event: Event, base_url: str) -> Part:
    """The event's VEVENT, and the TZIDs it refers to (which need a VTIMEZONE) joined by
    spaces: written as text, the bytes icalendar writes for the same properties."""
    start, end = _times(event)
    times = [("DTSTART", start)] + ([("DTEND", end)] if end is not None else [])
    written = [(name, *vevent_text.when(value)) for name, value in times]
    stamp = event.last_modified or event.first_seen or _EPOCH
    categories = list(event.regions) + _kinds(event)
    title, place = display_title(event), place_line(event)
    # icalendar's order: Event.canonical_order (SUMMARY ... SEQUENCE), then the rest by name
    properties = [
        ("SUMMARY", vevent_text.text(title)),
        *((name, value) for name, _, value in written),
        ("DTSTAMP", vevent_text.utc(stamp.astimezone(dt.UTC))),
        ("UID", vevent_text.text(event.uid)),
        ("SEQUENCE", vevent_text.integer(event.sequence)),
        # an old listing with no known place has no region
        *([("CATEGORIES", vevent_text.texts(categories))] if categories else []),
        *_utc_property("CREATED", event.first_seen),
        ("DESCRIPTION", vevent_text.text(_description(event, title, place))),
        *_utc_property("LAST-MODIFIED", event.last_modified),
        ("LOCATION", vevent_text.text(place)),
        ("STATUS", vevent_text.text(event.status)),
        ("TRANSP", _TRANSPARENT),
        ("URL", vevent_text.uri(event_link(event) or f"{base_url}#{event.uid}")),
    ]
    zones = sorted({tzid for _, tzid, _ in written if tzid})
    return " ".join(zones), vevent_text.component("VEVENT", properties)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TRANSPARENT = vevent_text.text("TRANSPARENT")


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


def in_ics(event: Event | StoredEvent, include_imprecise: bool = True) -> bool:
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
    return _description(event, display_title(event), place_line(event))


def _description(event: Event, title: str, place: str) -> str:
    when = imprecise_date_text(event) or f"When: {date_text(event)}"
    lines = [title, when, f"Where: {place}"]
    if event.group:
        lines.append(f"Organiser: {clean_text(event.group)}")
    links = [u for u in map(safe_url, (event.url, event.group_url, *event.extra_urls)) if u]
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
