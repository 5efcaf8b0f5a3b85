"""Who is who: canonical URLs, the identity key of a listing, and the UID derived from it.

The identity of an event is its canonical event URL plus its start date. An
event listed without its own URL falls back to organiser + city + date.

Left out of the identity on purpose:
- the title: editors reword it from week to week;
- the region heading: the same meetup is listed under Virtual and its continent;
- extra/mirror links: they come and go;
- the end date: multi-day events are sometimes listed by their first day only.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from calendar_agg.models import RawEvent

# Fixed namespace so that a UID is the same on every machine, forever.
UID_NAMESPACE = uuid.UUID("6f0c5b8e-2d1a-4f7e-9c3b-5a8d7e6f4c21")

# Query parameters that only track the reader, never select the page.
_TRACKING_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|mc_[ce]id|ref|ref_|aff|affiliate|_af.*|rv|a|https|eventId|"
    r"recId|recSource|searchId|eventOrigin|_xtd)$"
)
# Meetup's locale prefix: /de-DE/Rust-Berlin/ is /Rust-Berlin/.
_LOCALE_SEGMENT = re.compile(r"^/[a-z]{2}-[A-Z]{2}(?=/)")
_EVENT_PATH = re.compile(r"/(events?|e|event-details|talks?|sessions?)/[^/]+|/\d{4}/\d{2}/")


def canonical_url(url: str | None) -> str | None:
    """A URL reduced to what identifies the page it points to."""
    if not url:
        return None
    text = url.strip()
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return text.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = _LOCALE_SEGMENT.sub("", parts.path) if "meetup.com" in host else parts.path
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    if "meetup.com" in host:
        path = path.lower()
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING_PARAMS.match(k)))
    return urlunsplit(("https", host, path, query, ""))


def is_event_specific(url: str | None) -> bool:
    """Does ``url`` point at one event (a Meetup event page), not at a group or site?"""
    canonical = canonical_url(url)
    return bool(canonical and _EVENT_PATH.search(urlsplit(canonical).path))


def identity_key(event: RawEvent) -> str:
    """The identity of a listing: ``url|<canonical url>|<start>`` or a fallback key."""
    url = canonical_url(event.url)
    if url:
        return f"url|{url}|{event.start.isoformat()}"
    organiser = canonical_url(event.group_url) or _fold(event.group) or _fold(event.title)
    city = _fold(event.city) or ("virtual" if event.virtual else "")
    return f"org|{organiser}|{city}|{event.start.isoformat()}"


def uid_for(key: str) -> str:
    """The permanent UID of the event first seen with identity ``key``."""
    return str(uuid.uuid5(UID_NAMESPACE, key))


def _fold(text: str | None) -> str:
    return re.sub(r"\W+", " ", text or "").strip().casefold()
