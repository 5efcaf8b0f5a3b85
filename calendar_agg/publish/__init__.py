"""Events -> everything under output/: ICS, Atom, per-event ICS, the page, events.json.

Every file is written atomically and only when its bytes change, so a run that
changed nothing leaves output/ byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from calendar_agg.config import Settings, refresh_interval
from calendar_agg.models import Event
from calendar_agg.publish.feeds import in_window, standard_feeds
from calendar_agg.publish.files import write_if_changed
from calendar_agg.publish.guard import collapse_reason


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)  # feeds kept by the collapse guard


def publish(events: list[Event], settings: Settings, today: dt.date) -> PublishReport:
    from calendar_agg.publish import atom, ics, page, text

    out = settings.output.dir
    base = settings.output.base_url
    refresh = refresh_interval(settings)
    window = [e for e in events if in_window(e, today, settings.publish.past_days)]
    upcoming = [e for e in window if (e.end or e.start) >= today]
    report = PublishReport()
    files: dict[Path, bytes] = {}
    per_event = {e.uid for e in window}

    def calendar_url(event: Event) -> str | None:
        return f"{base}events/{event.uid}.ics" if event.uid in per_event else None

    feeds = standard_feeds()
    for feed in feeds:
        chosen = [e for e in window if feed.includes(e)]
        reason = collapse_reason(out / "ics" / f"{feed.name}.ics",
                                 sum(1 for e in chosen if e.start >= today), today)
        if reason:
            report.refused.append(reason)
            continue
        files[out / "ics" / f"{feed.name}.ics"] = ics.calendar_bytes(
            chosen, name=feed.title, description=feed.description, refresh=refresh,
            base_url=base)
        files[out / "atom" / f"{feed.name}.xml"] = atom.feed_bytes(
            [e for e in events if feed.includes(e)], name=feed.name, title=feed.title,
            description=feed.description, base_url=base,
            max_entries=settings.publish.atom_entries, calendar_url=calendar_url)
    files[out / "ics" / "archive.ics"] = ics.calendar_bytes(
        events, name="Rust events — archive", description="Every Rust event ever seen.",
        refresh=refresh, base_url=base)
    for event in window:
        files[out / "events" / f"{event.uid}.ics"] = ics.calendar_bytes(
            [event], name=text.display_title(event), description="One Rust event.",
            refresh=refresh, base_url=base)
    changed = max((e.last_modified for e in events if e.last_modified), default=None)
    files[out / "index.html"] = page.page_html(feeds, upcoming, base, changed).encode()
    files[out / "events.json"] = events_json(upcoming)
    for path, data in files.items():
        if write_if_changed(path, data):
            report.written.append(str(path))
        else:
            report.unchanged += 1
    return report


def events_json(events: list[Event]) -> bytes:
    """``output/events.json``: upcoming events, schema in the README."""
    rows = [{
        "uid": e.uid, "start": e.start.isoformat(),
        "end": e.end.isoformat() if e.end else None, "city": e.city,
        "subdivision": e.subdivision, "country": e.country, "virtual": e.virtual,
        "hybrid": e.hybrid, "regions": list(e.regions), "group": e.group,
        "group_url": e.group_url, "title": e.title, "url": e.url,
        "extra_urls": list(e.extra_urls), "status": e.status, "sequence": e.sequence,
    } for e in sorted(events, key=lambda e: (e.start, e.uid))]
    return (json.dumps({"version": 1, "events": rows}, ensure_ascii=False, indent=1)
            + "\n").encode()
