"""Where an ICS event happens: LOCATION, GEO and links -> city, country, online or not.

What the services write in LOCATION:

- Meetup: ``Venue (Street 20, Berlin, be, de)`` (state and country as lower-case codes),
  ``Online event``;
- Luma: a postal address ``Venue, 620 8th Ave, New York, NY 10018, USA``, the event's
  lu.ma page when the address is hidden, or the video-call link of an online event;
- Google Calendar: whatever the editor typed ("Seattle, WA, USA", "Online").

The place comes from the address (read from the right: country, state, city), else from
GEO (the city the point belongs to), else from a city named in the text. An event is online
when LOCATION says so, when a video-call link appears in it or the description, or when it
has no location at all; online with a place is hybrid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from calendar_agg.normalize import places

# Hosts of video-call services; a link to one makes an event attendable online.
VIDEO_HOSTS = ("meet.google.com", "zoom.us", "zoom.com", "teams.microsoft.com",
               "teams.live.com", "meet.jit.si", "webex.com", "whereby.com")
_ONLINE_WORDS = re.compile(r"\b(online|virtual|remote|zoom)\b", re.IGNORECASE)
_LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_VENUE_ADDRESS = re.compile(r"\(([^()]*)\)\s*$")  # Meetup: "Venue (address)"
# Countries whose places TWiR writes with a state or province ("Toronto, ON, CA").
_SUBDIVIDED = frozenset({"US", "CA", "AU"})


@dataclass(frozen=True, slots=True)
class EventPlace:
    city: str | None = None
    subdivision: str | None = None
    country: str | None = None
    virtual: bool = False
    hybrid: bool = False


def links(text: str | None) -> list[str]:
    """The http(s) links in ``text``, in order, without trailing punctuation."""
    return [m.group().rstrip(".,;:!?)]}") for m in _LINK.finditer(text or "")]


def is_video_call(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return "jitsi" in host or any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS)


def event_place(location: str | None, geo: tuple[float, float] | None,
                description: str | None) -> EventPlace:
    """The place of an event from its LOCATION, GEO and DESCRIPTION."""
    location = " ".join((location or "").split())
    address = " ".join(_LINK.sub(" ", location).split())
    video = any(is_video_call(u) for u in links(location) + links(description))
    says_online = bool(_ONLINE_WORDS.search(address))
    found = None if says_online and _is_only_online(address) else _locate(address, geo)
    if found is None:
        no_location = not address and geo is None
        return EventPlace(virtual=video or says_online or no_location)
    city, subdivision, country = found
    online = video or says_online
    return EventPlace(city, subdivision if country in _SUBDIVIDED else None, country,
                      virtual=online, hybrid=online)


def _is_only_online(address: str) -> bool:
    """"Online", "Online event", "Virtual (Zoom)": nothing but the online words."""
    rest = _ONLINE_WORDS.sub(" ", address)
    return not re.sub(r"[\W_]|\bevent\b|\bmeeting\b", "", rest, flags=re.IGNORECASE)


def _locate(address: str, geo: tuple[float, float] | None) -> places.Place | None:
    if address:
        found = address_place(address)
        if found:
            return found
    if geo is not None:
        found = places.nearest_city(*geo)
        if found:
            return found
    if address:
        in_text = places.city_in_text(address)
        if in_text:
            city, country = in_text
            return places.locate_city(city, None, country) or (city, None, country)
    return None


def address_place(address: str) -> places.Place | None:
    """The city of a postal address, read from the right: ``..., city, state, country``.

    Postal codes and house numbers (words with digits) are dropped; short parts are
    taken as the state. The last part is tried as a country first ("CA" may be Canada or
    California), then as part of the address.
    """
    match = _VENUE_ADDRESS.search(address)
    parts = [p.strip() for p in (match.group(1) if match else address).split(",")]
    parts = [" ".join(w for w in p.split() if not any(c.isdigit() for c in w)) for p in parts]
    parts = [p for p in parts if p]
    if not parts:
        return None
    country = places.country_code(parts[-1]) if len(parts) > 1 else None
    if country:
        found = _city_of(parts[:-1], country)
        if found:
            return found
    return _city_of(parts, None)


def _city_of(parts: list[str], country: str | None) -> places.Place | None:
    subdivision = None
    for part in reversed(parts):
        if subdivision is None and len(part) <= 3 and part.isalpha():
            if country is None or places.subdivision_valid(country, part):
                subdivision = part.upper()
                continue
        found = places.locate_city(part, subdivision, country)
        if found:
            return found
    return None
