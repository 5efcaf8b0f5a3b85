"""How an event reads in every output: place line, display title, safe links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from calendar_agg.models import Event

# Characters XML 1.0 forbids; event text must never carry them into a feed or page.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str | None) -> str:
    """Text safe for XML and for one ICS property: no control characters, one line."""
    if not text:
        return ""
    return " ".join(_XML_FORBIDDEN.sub("", text).split())


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
    parts = [clean_text(p) for p in (event.city, event.subdivision, event.country) if p]
    place = ", ".join(parts)
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
    if event.end and event.end != event.start:
        return f"{event.start.isoformat()} – {event.end.isoformat()}"
    return event.start.isoformat()
