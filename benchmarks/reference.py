"""A deliberately simple reference pipeline, the yardstick for benchmarks/pipeline.py.

It reads only the current TWiR format (``* DATE | PLACE | [Group](url)`` with the title on
the next line), keeps events in memory, and writes every feed from scratch with icalendar and
feedgen on every run: no store, no change detection, no history.

    python benchmarks/reference.py ISSUES_DIR OUTPUT_DIR
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from pathlib import Path

from feedgen.feed import FeedGenerator
from icalendar import Calendar
from icalendar import Event as VEvent

LINE = re.compile(r"^\* (\d{4}-\d{2}-\d{2}) \| (.+?) \| \[(.+?)\]\((\S+?)\)")
TITLE = re.compile(r"^\s+\* \[\*\*(.+?)\*\*\]\((\S+?)\)")
HEADING = re.compile(r"^###\s+(.+?)\s*$")
NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def events_of(text: str) -> list[dict]:
    events, region, in_section, pending = [], None, False, None
    for line in text.splitlines():
        if line.startswith("## "):
            in_section = "Upcoming Events" in line
            continue
        if not in_section:
            continue
        if heading := HEADING.match(line):
            region = heading.group(1)
        elif match := LINE.match(line):
            date, place, group, group_url = match.groups()
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:  # no such day (a copy that moved Feb 29 to a common year)
                pending = None
                continue
            pending = {"date": day, "place": place, "group": group, "url": group_url,
                       "title": group, "region": region}
            events.append(pending)
        elif pending and (title := TITLE.match(line)):
            pending["title"], pending["url"] = title.groups()
            pending = None
    return events


def write_feeds(events: dict[tuple, dict], out: Path) -> None:
    regions = sorted({e["region"] or "Other" for e in events.values()})
    for region in ["all", *regions]:
        chosen = [e for e in events.values() if region == "all" or e["region"] == region]
        name = region.lower().replace(" ", "-")
        calendar = Calendar()
        calendar.add("prodid", "-//reference//EN")
        calendar.add("version", "2.0")
        feed = FeedGenerator()
        feed.id(f"urn:reference:{name}")
        feed.title(f"Rust events {region}")
        feed.link(href="http://localhost/", rel="alternate")
        feed.updated(NOW)
        for event in sorted(chosen, key=lambda e: (e["date"], e["url"])):
            uid = str(uuid.uuid5(NAMESPACE, f"{event['url']}|{event['date']}"))
            vevent = VEvent()
            vevent.add("uid", uid)
            vevent.add("dtstamp", NOW)
            vevent.add("dtstart", event["date"])
            vevent.add("dtend", event["date"] + dt.timedelta(days=1))
            vevent.add("summary", event["title"])
            vevent.add("location", event["place"])
            vevent.add("url", event["url"])
            calendar.add_component(vevent)
            entry = feed.add_entry()
            entry.id(f"urn:uuid:{uid}")
            entry.title(f"{event['date']} · {event['place']} · {event['title']}")
            entry.link(href=event["url"])
            entry.updated(NOW)
            entry.content(f"<p>{event['group']}</p>", type="html")
        (out / "ics").mkdir(parents=True, exist_ok=True)
        (out / "atom").mkdir(parents=True, exist_ok=True)
        (out / "ics" / f"{name}.ics").write_bytes(calendar.to_ical())
        (out / "atom" / f"{name}.xml").write_bytes(feed.atom_str(pretty=True))


def main(issues: Path, out: Path) -> int:
    events: dict[tuple, dict] = {}
    for path in sorted(issues.rglob("*.md")):
        for event in events_of(path.read_text(encoding="utf-8", errors="replace")):
            events[(event["url"], event["date"])] = event
    write_feeds(events, out)
    print(len(events))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
