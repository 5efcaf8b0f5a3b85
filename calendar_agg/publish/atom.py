"""Events -> Atom feeds of newly announced events (see INTEROP.md rules 13–18).

A feed is written as text: byte for byte what feedgen 1.0 wrote through lxml (pretty
printed, the rel and type of entry links put back, which feedgen drops), which
tests/publish/test_atom_text.py holds side by side. Building the element tree and
serializing it twice cost a tenth of a second per run, and importing feedgen and lxml
more; the few elements of our feeds are simple to write directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
from collections.abc import Callable, Iterable, Mapping
from html import escape

from calendar_agg import __version__
from calendar_agg.codec import to_json
from calendar_agg.models import Event
from calendar_agg.publish.text import (
    clean_text,
    date_text,
    display_title,
    event_link,
    place_line,
    safe_url,
)
from calendar_agg.records import StoredEvent, full

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The program that wrote the feed (feedgen named itself here while it wrote our feeds).
GENERATOR = f'  <generator version="{__version__}">calendar-agg</generator>'


def entry_id(event: Event) -> str:
    """Permanent entry id, derived from the UID (never from the display URL)."""
    return f"urn:uuid:{event.uid}"


def entry_title(event: Event) -> str:
    """``2025-03-12 · Berlin, DE · Rust Hack and Learn`` (``2024-03 · ...`` for an event
    known only to the month)."""
    day = event.start.isoformat() if event.precision == "day" else date_text(event)
    return f"{day} · {place_line(event)} · {display_title(event)}"


def feed_bytes(events: Iterable[Event | StoredEvent], *, name: str, title: str,
               description: str, base_url: str, max_entries: int,
               calendar_url: Callable[[Event | StoredEvent], str | None],
               entries: Entries | None = None) -> bytes:
    """Newest first by first sighting; ``calendar_url`` gives an event's own .ics, if any;
    ``entries``: the entries written already, for other feeds of the run or by earlier
    runs."""
    entries = entries if entries is not None else Entries()
    chosen = sorted(events, key=_newness, reverse=True)[:max_entries]
    if not title:
        raise ValueError("Required fields not set (title)")  # as feedgen refuses it
    url = f"{base_url}atom/{name}.xml"
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{_text(url)}</id>",
        f"  <title>{_text(title)}</title>",
        f"  <updated>{_stamp(max((_updated(e) for e in chosen), default=EPOCH))}</updated>",
        "  <author>",
        "    <name>calendar-agg</name>",
        "  </author>",
        _link_line("  ", url, "self", "application/atom+xml"),
        _link_line("  ", f"{base_url}index.html", "alternate", "text/html"),
        GENERATOR,
        *([f"  <subtitle>{_text(description)}</subtitle>"] if description else []),
    ]
    lines += [entries.entry(event, calendar_url(event), base_url) for event in chosen]
    lines.append("</feed>\n")
    return "\n".join(lines).encode()


class Newest:
    """The ``size`` events ``feed_bytes`` would choose of all those ``add``-ed, kept while
    the events stream past, so that no feed holds every event."""

    def __init__(self, size: int) -> None:
        self._size, self._added = max(size, 0), 0
        self._heap: list[tuple[dt.datetime, str, int, Event | StoredEvent]] = []

    def add(self, event: Event | StoredEvent) -> None:
        # of events equally new (a uid given twice), the first added counts as newer, as
        # in feed_bytes's stable sort
        item = (*_newness(event), -self._added, event)
        self._added += 1
        if len(self._heap) < self._size:
            heapq.heappush(self._heap, item)
        elif self._size and item[:3] > self._heap[0][:3]:
            heapq.heapreplace(self._heap, item)

    def events(self) -> list[Event | StoredEvent]:
        """The chosen events, newest first."""
        return [item[3] for item in sorted(self._heap, key=lambda item: item[:3],
                                           reverse=True)]


def _newness(event: Event | StoredEvent) -> tuple[dt.datetime, str]:
    return event.first_seen or EPOCH, event.uid


def _updated(event: Event | StoredEvent) -> dt.datetime:
    return event.last_modified or event.first_seen or EPOCH


class Entries:
    """Each event's entry, written once for all the feeds of a run it is in (all, its
    region, a custom one), and kept from run to run: by a digest of the event's JSON as the
    store keeps it (``entry_key``), the link to its own calendar and the base URL. ``known``
    holds the entries of earlier runs by key; ``used`` collects those this run wrote, so the
    store can keep exactly those. A stored event is decoded only to write a new entry."""

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        self.known: Mapping[str, str] = known if known is not None else {}
        self.used: dict[str, str] = {}

    def entry(self, event: Event | StoredEvent, ics_url: str | None, base_url: str) -> str:
        key = entry_key(event, ics_url, base_url)
        found = self.used.get(key) or self.known.get(key)
        if found is None:
            found = _entry(full(event), ics_url, base_url)
        self.used[key] = found
        return found


def entry_key(event: Event | StoredEvent, ics_url: str | None, base_url: str) -> str:
    """What an entry is made of: the event (its JSON as stored), its calendar's link and the
    base URL."""
    text = event.text if isinstance(event, StoredEvent) else to_json(event)
    data = f"{base_url}\x00{ics_url or ''}\x00{text}".encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _entry(event: Event, ics_url: str | None, base_url: str) -> str:
    """One entry's lines, its elements in feedgen's order."""
    lines = [
        "  <entry>",
        f"    <id>{_text(entry_id(event))}</id>",
        f"    <title>{_text(entry_title(event))}</title>",
        f"    <updated>{_stamp(_updated(event))}</updated>",
        f'    <content type="html">{_text(content_html(event))}</content>',
        _link_line("    ", event_link(event) or f"{base_url}index.html", "alternate"),
    ]
    if ics_url:
        lines.append(_link_line("    ", ics_url, "enclosure", "text/calendar"))
    lines += [f"    <published>{_stamp(event.first_seen or EPOCH)}</published>",
              "  </entry>"]
    return "\n".join(lines)


def _link_line(indent: str, href: str, rel: str, kind: str | None = None) -> str:
    kind = f' type="{_attribute(kind)}"' if kind else ""
    return f'{indent}<link href="{_attribute(href)}" rel="{_attribute(rel)}"{kind}/>'


# What lxml refuses to put into XML ("All strings must be XML compatible"); a lone surrogate
# it refuses too, as encoding the feed to UTF-8 does here.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Element text escaped as lxml escapes it: &, <, > and CR."""
    _check(value)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _attribute(value: str) -> str:
    """An attribute value escaped as lxml escapes it: also the quote, tab and line breaks."""
    _check(value)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
            .replace("\r", "&#13;"))


def _check(value: str) -> None:
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, "
                         "no NULL bytes or control characters")


def _stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:  # as feedgen refuses it
        raise ValueError("Datetime object has no timezone info")
    return moment.isoformat()


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
