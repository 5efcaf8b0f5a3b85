"""Who is who: canonical URLs, the identity key of a listing, and the UID derived from it.

The identity of an event is its canonical event URL plus its start date. An
event listed without its own URL falls back to organiser + city + date.

Left out of the identity on purpose:
- the title: editors reword it from week to week;
- the region heading: the same meetup is listed under Virtual and its continent;
- extra/mirror links: they come and go (they still link listings, see ``merge``);
- the end date: multi-day events are sometimes listed by their first day only.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from calendar_agg.models import RawEvent
from calendar_agg.normalize import places

# Fixed namespace so that a UID is the same on every machine, forever (as text: the uuid
# module, which imports platform, is not needed to make a UID).
UID_NAMESPACE = "6f0c5b8e-2d1a-4f7e-9c3b-5a8d7e6f4c21"

# Query parameters that only track the reader, on any site.
_TRACKING_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_[ce]id|_hs(enc|mi)|ref|ref_|aff|affiliate|"
    r"_af.*|igshid|si)$", re.IGNORECASE)
# Meetup's own tracking parameters (from its search and e-mails); elsewhere a parameter
# such as ``eventId`` may well select the page, so these are dropped on meetup.com only.
_MEETUP_PARAMS = re.compile(
    r"^(a|rv|https|eventId|recId|recSource|searchId|eventOrigin|_xtd|isFirstPublish)$")
# Meetup's locale prefix: /de-DE/Rust-Berlin/ and /de/Rust-Berlin/ are /Rust-Berlin/.
_LOCALE_SEGMENT = re.compile(r"^/[a-z]{2}(-[a-z]{2})?(?=/)", re.IGNORECASE)
_DEFAULT_PORTS = {80, 443}
_EVENT_PATH = re.compile(r"/(events?|e|event-details|talks?|sessions?)/[^/]+|/\d{4}/\d{2}/")


def canonical_url(url: str | None) -> str | None:
    """A URL reduced to what identifies the page it points to: https, lower-case host
    without ``www.``, no default port, no fragment, no trailing slash, no tracking
    query, query parameters sorted; on meetup.com (also ``m.``) no locale segment and lower case.

    Worked out once per URL: grouping asks for each listing's links several times, and the
    canonical forms kept with resolved listings are handed back (``remember_canonical_urls``)
    so that a run reading every listing back does not work them out again."""
    if not url:
        return None
    try:
        return _CANONICAL[url]
    except KeyError:
        found = _CANONICAL[url] = _canonical_url(url)
        return found


_CANONICAL: dict[str, str | None] = {}


def canonical_urls(urls: Iterable[str | None]) -> dict[str, str | None]:
    """The canonical form of each of ``urls``, to keep for ``remember_canonical_urls``."""
    return {url: canonical_url(url) for url in urls if url}


def remember_canonical_urls(found: dict[str, str | None]) -> None:
    """Canonical forms ``canonical_urls`` gave (by this same code: see ``listings``)."""
    _CANONICAL.update(found)


def forget_canonical_urls() -> None:
    """Empty the memo of ``canonical_url`` (at the end of a run: a daemon's would otherwise
    hold every link it ever read)."""
    _CANONICAL.clear()


def _canonical_url(url: str) -> str | None:
    if not url.strip():
        return None
    text = url.strip()
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    host = re.sub(r"^www\d?\.", "", host)
    meetup = host in ("meetup.com", "m.meetup.com")
    host = "meetup.com" if meetup else host
    if port and port not in _DEFAULT_PORTS:
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path)
    if meetup:
        path = _LOCALE_SEGMENT.sub("", path).lower()
    path = path.rstrip("/")
    query = urlencode(sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k) and not (meetup and _MEETUP_PARAMS.match(k))))
    return urlunsplit(("https", host, path, query, ""))


def is_event_specific(url: str | None) -> bool:
    """Does ``url`` point at one event (a Meetup event page), not at a group or site?"""
    canonical = canonical_url(url)
    return bool(canonical and is_event_link(canonical))


@functools.lru_cache(maxsize=65536)
def is_event_link(canonical: str) -> bool:
    """``is_event_specific`` of a link already in its canonical form."""
    return bool(_EVENT_PATH.search(link_path(canonical)))


def link_path(canonical: str) -> str:
    """The path of a link in its canonical form (``https://host/path?query``), read from the
    text: ``urlsplit`` rejects what ``canonical_url`` keeps of a link it could not split
    (``http://[host/events/1``, lower-cased)."""
    address = canonical.partition("://")[2].partition("?")[0].partition("#")[0]
    slash = address.find("/")
    return address[slash:] if slash >= 0 else ""


def identity_key(event: RawEvent) -> str:
    """The identity of a listing: ``url|<canonical url>|<start>`` or a fallback key."""
    url = canonical_url(event.url)
    if url:
        return f"url|{url}|{event.start.isoformat()}"
    organiser = organiser_key(event) or fold(event.title)
    return f"org|{organiser}|{place_key(event)}|{event.start.isoformat()}"


def organiser_key(event: RawEvent) -> str:
    """Who organises it: the group's link, else for a Meetup event the Meetup group it
    belongs to, else the folded group name, else "". A Meetup link stands for its group
    (``meetup.com/rust-berlin/events/`` is ``meetup.com/rust-berlin``)."""
    group = _meetup_group(event.group_url) or canonical_url(event.group_url)
    return group or _meetup_group(event.url) or fold(event.group)


def organiser_keys(event: RawEvent) -> set[str]:
    """Every way the listing names its organiser: ``organiser_key`` and the group's name.
    Two listings have the same organiser when these share one."""
    return {key for key in (organiser_key(event), fold(event.group)) if key}


def _meetup_group(url: str | None) -> str | None:
    canonical = canonical_url(url)
    if not canonical or not canonical.startswith("https://meetup.com/"):
        return None
    segment = canonical.removeprefix("https://meetup.com/").split("/")[0].split("?")[0]
    return f"https://meetup.com/{segment}" if segment and segment != "pro" else None


def place_key(event: RawEvent) -> str:
    """Where it is, for comparison: the folded canonical city, ``virtual`` for an online-only
    event without a city, else ""."""
    if event.city:
        return _city_key(event.city, event.country)
    return "virtual" if event.virtual else ""


@functools.lru_cache(maxsize=65536)
def _city_key(city: str, country: str | None) -> str:
    return places.city_key(places.canonical_city(city, country))


def uid_for(key: str) -> str:
    """The permanent UID of the event first seen with identity ``key``: the name-based
    UUID (version 5, RFC 4122) of ``key`` in ``UID_NAMESPACE``, as ``uuid.uuid5`` gives it,
    made here without its UUID object in a third of the time (every event of a backfill
    asks for it twice)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + key.encode()).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # the RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_NAMESPACE_BYTES = bytes.fromhex(UID_NAMESPACE.replace("-", ""))


@functools.lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Text folded for comparison: punctuation to spaces, case dropped."""
    return _NOT_WORD.sub(" ", text or "").strip().casefold()


_NOT_WORD = re.compile(r"\W+")
