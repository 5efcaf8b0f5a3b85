"""Events -> everything under output/: ICS, Atom, per-event ICS, the page, events.json.

Every file is written atomically and only when its bytes change, so a run that
changed nothing leaves output/ byte-identical. A feed that would collapse is
not replaced (see ``guard``); when the ``all`` feed is kept, so are the page
and events.json, which show the same events.

The events are read once, one at a time (``Gathered``): what the files need of them is
kept as they pass (the ICS window, each feed's newest entries, each VEVENT, counts), never
the whole archive of events, so that publishing needs little memory however many there are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendar_agg.config import Settings, refresh_interval
from calendar_agg.models import Event
from calendar_agg.publish.feeds import Feed, custom_feeds, in_window, standard_feeds
from calendar_agg.publish.files import Writes, remove_leftovers
from calendar_agg.publish.guard import collapse, is_upcoming, upcoming_count
from calendar_agg.publish.text import safe_url
from calendar_agg.records import StoredEvent, full

if TYPE_CHECKING:
    from calendar_agg.publish import atom
    from calendar_agg.publish.ics import PartStream, VEventParts

EVENTS_JSON_VERSION = 1


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)  # feeds kept by the collapse guard
    accepted: list[str] = field(default_factory=list)  # collapses published (guard off)
    files: list[str] = field(default_factory=list)  # every file written or left unchanged


def all_feeds(settings: Settings, today: dt.date) -> list[Feed]:
    """The standard feeds, then the config's ``[[feeds]]``."""
    config = str(settings.config_path or "<config>")
    return standard_feeds() + custom_feeds(settings.feeds, today, config)


def publish(events: Iterable[Event | StoredEvent], settings: Settings, today: dt.date,
            sources: Sequence[Mapping[str, object]] = (), parts=None,
            entries: atom.Entries | None = None, guard: bool = True) -> PublishReport:
    """Write output/ for ``events`` (all stored ones, read once: a list or a stream, maybe
    of ``StoredEvent``s, which are decoded only when a file shows more than their summary);
    ``sources`` are Store.sources() rows; ``parts``: an ``ics.VEventParts`` with the
    VEVENTs serialized by earlier runs; ``entries``: an ``atom.Entries`` with the Atom
    entries they wrote; ``guard``: False replaces calendars the collapse guard would keep
    (``run --accept-drop``, once an operator checked the drop is real)."""
    from calendar_agg.publish import ics, page, text

    parts = parts if parts is not None else ics.VEventParts()
    out, base = settings.output.dir, settings.output.base_url
    remove_leftovers(out)  # of a run that was killed while writing
    refresh = refresh_interval(settings)
    feeds = all_feeds(settings, today)
    seen = Gathered(events, feeds, settings, today, parts)
    report = PublishReport()
    per_event = {e.uid for e in seen.window if ics.in_ics(e, seen.imprecise)}

    def calendar_url(event: Event | StoredEvent) -> str | None:
        return f"{base}events/{event.uid}.ics" if event.uid in per_event else None

    files = _feed_files(feeds, seen, settings, today, calendar_url, report, entries, guard)
    archive = out / "ics" / "archive.ics"
    if _allowed(archive, seen.upcoming_in_archive, today, report, guard):
        files[archive] = ics.calendar_chunks(
            seen.archive(), name="Rust events — archive",
            description="Every Rust event ever seen.", refresh=refresh)
    for event in (e for e in seen.window if e.uid in per_event):
        files[out / "events" / f"{event.uid}.ics"] = ics.calendar_chunks(
            [seen.part(event)], name=text.display_title(event),
            description="One Rust event.", refresh=refresh)
    page_bytes = None
    if not any(r.startswith("all.ics:") for r in report.refused):
        upcoming = [e for e in seen.window if (e.end or e.start) >= today]
        page_bytes = page.page_html(
            feeds, upcoming, base_url=base, changed=seen.changed, sources=sources,
            event_calendar=calendar_url).encode()
        files[out / "events.json"] = events_json(upcoming)
    with Writes() as writes:
        for path, data in files.items():
            _write(writes, path, data, report)
        if page_bytes is not None:
            _write_page(writes, out / "index.html", page_bytes, report)
    return report


class Gathered:
    """What publishing needs of all the events, gathered in one pass over them: the events
    of the ICS window (in the order given), each feed's newest events for its Atom feed, the
    VEVENT of each event that goes into ICS (for the archive, in its order), how many of
    them are upcoming, and when the data last changed."""

    def __init__(self, events: Iterable[Event | StoredEvent], feeds: Sequence[Feed],
                 settings: Settings,
                 today: dt.date, parts: VEventParts) -> None:
        from calendar_agg.publish import atom, ics

        self.imprecise = settings.publish.include_imprecise
        self.window: list[Event] = []
        self.newest = {feed.name: atom.Newest(settings.publish.atom_entries) for feed in feeds}
        self.upcoming_in_archive = 0
        self.changed: dt.datetime | None = None
        self._parts, self._base = parts, settings.output.base_url
        self._in_archive: list[tuple[dt.date, str, str]] = []  # (start, uid, part key)
        self._window_parts: dict[int, str] = {}  # part keys by id() of the window's events
        past_days = settings.publish.past_days
        for item in events:  # a stored event is decoded only if a file shows more of it
            part = None
            if ics.in_ics(item, self.imprecise):
                part = parts.key(item, self._base)
                self._in_archive.append((item.start, item.uid, part))
            if in_window(item, today, past_days):
                event = full(item)
                self.window.append(event)
                if part is not None:
                    self._window_parts[id(event)] = part
            for feed in feeds:  # a custom feed may ask anything of the event
                if feed.includes(full(item) if feed.custom else item):
                    self.newest[feed.name].add(item)
            self.upcoming_in_archive += is_upcoming(item, today)
            if item.last_modified and (self.changed is None
                                       or item.last_modified > self.changed):
                self.changed = item.last_modified


    def part(self, event: Event) -> tuple[str, bytes]:
        """The VEVENT of an event of the window."""
        found = self._window_parts.get(id(event))
        return self._parts.part(found) if found is not None else self._parts.serialized(
            event, self._base)

    def archive(self) -> PartStream:
        """Every event's VEVENT that goes into ICS, in the order of the calendars."""
        self._in_archive.sort(key=lambda item: item[:2])
        return self._parts.in_order([part for _, _, part in self._in_archive])


def _feed_files(feeds: list[Feed], seen: Gathered, settings: Settings, today: dt.date,
                calendar_url, report: PublishReport, entries: atom.Entries | None = None,
                guard: bool = True) -> dict[Path, bytes | Iterable[bytes]]:
    """ICS and Atom of every feed the collapse guard lets through (``entries``: the Atom
    entries written by earlier runs)."""
    from calendar_agg.publish import atom, ics

    out, base = settings.output.dir, settings.output.base_url
    refresh = refresh_interval(settings)
    ordered = sorted(seen.window, key=lambda e: (e.start, e.uid))
    entries = entries if entries is not None else atom.Entries()
    files: dict[Path, bytes | Iterable[bytes]] = {}
    for feed in feeds:
        chosen = [e for e in ordered if feed.includes(e)]
        path = out / "ics" / f"{feed.name}.ics"
        if not _allowed(path, upcoming_count(chosen, today), today, report, guard):
            continue
        files[path] = ics.calendar_chunks(
            [seen.part(e) for e in chosen if ics.in_ics(e, seen.imprecise)],
            name=feed.title, description=feed.description, refresh=refresh)
        files[out / "atom" / f"{feed.name}.xml"] = atom.feed_bytes(
            seen.newest[feed.name].events(), name=feed.name, title=feed.title,
            description=feed.description, base_url=base,
            max_entries=settings.publish.atom_entries, calendar_url=calendar_url,
            entries=entries)
    return files


def _allowed(path: Path, upcoming: int, today: dt.date, report: PublishReport,
             guard: bool = True) -> bool:
    """May the calendar at ``path`` be replaced by one with ``upcoming`` upcoming events?
    (the collapse guard; with the guard off, a collapse it would have kept is reported as
    accepted)"""
    drop = collapse(path, upcoming, today)
    if drop is None:
        return True
    if guard:
        report.refused.append(f"{path.name}: would drop {drop}; kept the published version")
    else:
        report.accepted.append(f"{path.name}: {drop}")
    return not guard


def _write(writes: Writes, path: Path, data: bytes | Iterable[bytes],
           report: PublishReport) -> None:
    report.files.append(str(path))
    if writes.write(path, data):
        report.written.append(str(path))
    else:
        report.unchanged += 1


def _write_page(writes: Writes, path: Path, new: bytes, report: PublishReport) -> None:
    """The page, rewritten when the data changed: its source health alone never rewrites it,
    so it shows the health as of the last change of the data (INTEROP.md rule 19)."""
    from calendar_agg.publish.page import without_health

    try:
        old = path.read_bytes()
    except OSError:
        old = None
    if report.written or old is None or without_health(old) != without_health(new):
        _write(writes, path, new, report)
    else:
        report.files.append(str(path))
        report.unchanged += 1


def events_json(events: list[Event]) -> bytes:
    """``output/events.json``: upcoming events; the schema is in the README."""
    rows = [{
        "uid": e.uid, "start": e.start.isoformat(),
        "end": e.end.isoformat() if e.end else None, "city": e.city,
        "subdivision": e.subdivision, "country": e.country, "virtual": e.virtual,
        "hybrid": e.hybrid, "regions": list(e.regions), "group": e.group,
        "group_url": safe_url(e.group_url), "title": e.title, "url": safe_url(e.url),
        "starts_at": _local(e.starts_at, e.timezone), "ends_at": _local(e.ends_at, e.timezone),
        "timezone": e.timezone,
        "extra_urls": [u for u in map(safe_url, e.extra_urls) if u], "status": e.status,
        "sequence": e.sequence,
        "first_seen": _iso(e.first_seen), "last_modified": _iso(e.last_modified),
        "issues": list(e.issues),
    } for e in sorted(events, key=lambda e: (e.start, e.uid))]
    return (json.dumps({"version": EVENTS_JSON_VERSION, "events": rows},
                       ensure_ascii=False, indent=1) + "\n").encode()


def _local(moment: dt.datetime | None, zone: str | None) -> str | None:
    """A timed event's start or end: local time with its UTC offset (ISO 8601)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(ZoneInfo(zone) if zone else dt.UTC).isoformat()
    except (ZoneInfoNotFoundError, ValueError):
        return moment.isoformat()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None
