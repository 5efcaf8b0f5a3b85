"""Events -> Atom feeds of newly announced events (see INTEROP.md rules 13–18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from feedgen.feed import FeedGenerator

from calendar_agg.models import Event
from calendar_agg.publish.text import (
    clean_text,
    date_text,
    display_title,
    event_link,
    place_line,
    safe_url,
)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


def entry_id(event: Event) -> str:
    """Permanent entry id, derived from the UID (never from the display URL)."""
    return f"urn:uuid:{event.uid}"


def entry_title(event: Event) -> str:
    """``2025-03-12 · Berlin, DE · Rust Hack and Learn`` (``2024-03 · ...`` for an event
    known only to the month)."""
    day = event.start.isoformat() if event.precision == "day" else date_text(event)
    return f"{day} · {place_line(event)} · {display_title(event)}"


def feed_bytes(events: list[Event], *, name: str, title: str, description: str,
               base_url: str, max_entries: int,
               calendar_url: Callable[[Event], str | None]) -> bytes:
    """Newest first by first sighting; ``calendar_url`` gives an event's own .ics, if any."""
    chosen = sorted(events, key=lambda e: (e.first_seen or EPOCH, e.uid), reverse=True)
    chosen = chosen[:max_entries]
    generator = FeedGenerator()
    generator.id(f"{base_url}atom/{name}.xml")
    generator.title(title)
    generator.subtitle(description)
    generator.author({"name": "calendar-agg"})
    generator.link(href=f"{base_url}atom/{name}.xml", rel="self", type="application/atom+xml")
    generator.link(href=f"{base_url}index.html", rel="alternate", type="text/html")
    generator.updated(max((_updated(e) for e in chosen), default=EPOCH))
    links: dict[str, list[dict[str, str]]] = {}
    for event in reversed(chosen):  # feedgen prepends: add oldest first
        links[entry_id(event)] = _add_entry(generator, event, calendar_url(event), base_url)
    return _with_link_attributes(generator.atom_str(pretty=True), links)


def _with_link_attributes(xml: bytes, links: dict[str, list[dict[str, str]]]) -> bytes:
    """Put back the rel and type of entry links, which feedgen 1.0 drops from its output."""
    from lxml import etree

    root = etree.fromstring(xml)
    for entry in root.iterfind(f"{ATOM}entry"):
        wanted = links.get(entry.findtext(f"{ATOM}id") or "", [])
        for element, link in zip(entry.iterfind(f"{ATOM}link"), wanted, strict=False):
            element.attrib.update(link)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _updated(event: Event) -> dt.datetime:
    return event.last_modified or event.first_seen or EPOCH


def _add_entry(generator: FeedGenerator, event: Event, ics_url: str | None,
               base_url: str) -> list[dict[str, str]]:
    """Add one entry; returns its links, in order, with all their attributes."""
    entry = generator.add_entry()
    entry.id(entry_id(event))
    entry.title(entry_title(event))
    entry.published(event.first_seen or EPOCH)
    entry.updated(_updated(event))
    links = [{"href": event_link(event) or f"{base_url}index.html", "rel": "alternate"}]
    if ics_url:
        links.append({"href": ics_url, "rel": "enclosure", "type": "text/calendar"})
    for link in links:
        entry.link(**link)
    entry.content(content_html(event), type="html")
    return links


def content_html(event: Event) -> str:
    rows = [("When", escape(date_text(event))), ("Where", escape(place_line(event)))]
    if event.group:
        rows.append(("Organiser", _link(event.group_url, clean_text(event.group))))
    rows.append(("Event", _link(event.url, display_title(event))))
    for url in event.extra_urls:
        rows.append(("Also", _link(url, url)))
    if event.issues:
        rows.append(("Announced in", escape(clean_text(event.issues[0]))))
    if event.status == "CANCELLED":
        rows.insert(0, ("Status", "Cancelled"))
    items = "".join(f"<li><b>{label}:</b> {value}</li>" for label, value in rows)
    return f"<ul>{items}</ul>"


def _link(url: str | None, text: str) -> str:
    safe = safe_url(url)
    if not safe:
        return escape(clean_text(text))
    return f'<a href="{escape(safe, quote=True)}">{escape(clean_text(text))}</a>'
