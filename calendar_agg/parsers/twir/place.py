"""Reading the place of an event: ``City, ST, CC``, ``Virtual (City, CC)``, ``Hybrid (...)``.

Cities are kept as the editor wrote them (normalization canonicalizes them later); country
codes and names become ISO alpha-2 codes through ``calendar_agg.normalize.places``. With
several hosts (``;`` or `` / ``) the first is the event's place.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from calendar_agg.normalize import places

T = TypeVar("T")

VIRTUAL_WORDS = re.compile(
    r"\b(?:virtual|online|remote|remotely|livestream(?:ed)?|live[- ]?stream(?:ed)?|zoom"
    r"|webinar|tele-meetup|on discord|in discord"
    # "now on Twitch", "via Jitsi", "(Twitch stream only)", "(online only)"
    r"|(?:on|via)\s+(?:twitch|youtube|jitsi|(?:ms\s+)?teams|google\s+meet)"
    r"|stream(?:ed)?\s+only|online\s+only)\b",
    re.I,
)
# "Virtual" and "remote" as technical terms of a talk title, not a way to attend.
_TECHNICAL = re.compile(
    r"\b(?:virtual|remote)[\s-]+(?:file[\s-]?systems?|fs|machines?|memory|doms?|tables?"
    r"|dispatch|methods?|functions?|threads?|address(?:es)?|reality|env\w*|procedures?"
    r"|debugg\w*|execution|code|calls?|desktops?|sensing|control)\b",
    re.I,
)
# Where a place field names a platform, the event is on it ("Discord", "YouTube"); in a title
# these are as often a topic ("Writing a Discord bot").
_PLATFORMS = re.compile(
    r"\b(?:discord|youtube|twitch|jitsi|(?:ms|microsoft) teams|google meet)\b", re.I)
# "Berlin, DE (and online)", "(+ Zoom)": online besides the place before it
_ALSO_ONLINE = re.compile(r"\((?:and|also|plus|\+|&)\s[^()]*\)", re.I)
_ALSO_WORDS = re.compile(r"\b(?:also|plus|on|via)\b", re.I)
_IN_PERSON = re.compile(r"\bin[- ]?person\b|\bon[- ]?site\b|\bonsite\b|\boffline\b", re.I)
_HYBRID = re.compile(r"\bh[yí]brid[aeo]?\b", re.I)  # "hybride", "híbrido" too
_STREAMED = re.compile(r"\blive[- ]?stream(?:ed|ing)?\b|\blivestream(?:ed|ing)?\b", re.I)
# Words beside an older entry's link that say its meetup is streamed too ("Also [live on Air
# Mozilla](url)", "At Mozilla SF; [livestream](url)", "Talks will be streamed", "Watch live")
STREAMED_BESIDE = re.compile(
    r"\b(?:live[- ]?)?stream(?:ed)?\b|\blivestream(?:ed)?\b|\bair mozilla\b"
    r"|\bwatch\b(?:\s+(?:it|them|the\s+talks?))?\s+(?:live|online)\b",
    re.I,
)
_THERE = r"(?:in[- ]?person|on[- ]?site|onsite|at\s+the\s+venue)"
_ONLINE_TOO = (r"(?:online|virtual(?:ly)?|(?:live[- ]?)?stream(?:ed)?(?:\s+on\s+\w+)?"
               r"|(?:on|via)\s+(?:zoom|youtube|twitch|jitsi|discord))")
_BOTH_WAYS = re.compile(
    # "in person & online", "on site and online via Zoom", "online and on-site", "live at
    # the venue and streamed on YouTube"
    rf"\b{_THERE}\b.{{0,12}}\b{_ONLINE_TOO}\b|\b{_ONLINE_TOO}\b.{{0,12}}\b{_THERE}\b"
    # "(also available on Zoom)", "also streamed": online besides where it meets
    r"|\balso\b.{0,20}?\b(?:online|zoom|discord|jitsi|twitch|youtube"
    r"|(?:live[- ]?)?stream(?:ed)?|virtual(?:ly)?"
    r"|remote(?:ly)?)\b"
    # "- with live stream", "live-streamed": a stream of where it meets ("streaming" alone
    # is as often a topic, and in a title "(streamed on YouTube)" as often the meeting)
    r"|\bwith\b.{0,10}?\blive[- ]?stream(?:ed|ing)?\b|\blive[- ]?streamed\b",
    re.I,
)
_MARKER_ONLY = re.compile(
    r"^(?:hybrid|virtual|online|offline|remote|in[- ]?person|and|or|\+|&|/|-|–|—|,|:|\s"
    r"|zoom|discord|youtube|twitch|jitsi|(?:ms |microsoft )?teams|google meet"
    r"|events?|live|live[- ]?stream(?:ed|ing)?|livestream(?:ed|ing)?)*$", re.I
)
# "Virtual/Berlin, DE", "Berlin, DE/Online", "Online/Offline": a marker glued to a place (or
# to another marker) by a slash, which otherwise joins two names of one city ("München/Munich")
_GLUED_MARKER = re.compile(
    r"\s*\b(virtual|online|offline|hybrid)\s*/\s*|\s*/\s*(virtual|online|offline|hybrid)\b",
    re.I)
_NOWHERE = re.compile(
    r"^(?:tbd|tba|n/?a|various(?: cities| locations)?|global|worldwide|world|everywhere|"
    r"internet|web|emea|apac|europe|africa|asia|americas?|north america|south america|"
    r"latin america|oceania|asia[- ]pacific|europe\s*/\s*africa|various\s*-\s*\w+|"
    # a time zone ("Virtual (CET)", "Virtual (UTC+2)")
    r"(?:utc|gmt|cet|cest|eet|eest|wet|west|bst|ist|jst|kst|aest|aedt|awst|nzst|nzdt|pst|pdt"
    r"|mst|mdt|cst|cdt|est|edt|hst)(?:\s*[+−-]\s*\d{1,2}(?::?\d\d)?)?"
    r"|[\w\s]{0,20}\btime(?:\s?zones?)?"  # "Virtual (EU timezone)", "(Eastern Time)"
    r"|us\s+(?:eastern|central|mountain|pacific))$",  # "Virtual (US Eastern)"
    re.I,
)
_LEADING_MARKERS = re.compile(
    r"^(?:(?:hybrid|virtual|online|offline|remote|in[- ]?person|on[- ]?site)\b[\s:+/\-–—]*)+",
    re.I)
_MAX_PLACE = 200  # longer place fields are cut (no real one comes near)
_MARKER_JOIN = re.compile(r"\s(?:\+|&|/)\s")  # "Berlin, DE + Online", "Virtual / Berlin, DE"
_PARENS = re.compile(r"\(([^()]*)\)")
_SPACES = re.compile(r"\s+")
# US states and Canadian provinces that are also ISO country codes: "Boulder, CO" is
# Colorado, "Medellín, CO" Colombia; only the gazetteer can tell.
_NORTH_AMERICA = ("US", "CA")


@dataclass(frozen=True, slots=True)
class Place:
    """Where an event happens, as far as the text says."""

    city: str | None = None
    subdivision: str | None = None
    country: str | None = None
    virtual: bool = False
    hybrid: bool = False
    found: bool = False  # the text named a place (a country at least) or a virtual marker


NOWHERE = Place()


def says_virtual(text: str) -> bool:
    """Whether text says an event is online (``Remote``, ``Online``, ``on Zoom``), not counting
    the words as technical terms (``Virtual Filesystem with Rust``, ``Remote debugging``)."""
    return bool(VIRTUAL_WORDS.search(_TECHNICAL.sub(" ", text)))


@functools.lru_cache(maxsize=16384)
def says_hybrid(text: str | None) -> bool:
    """Whether a title says the event is both online and in person (``... - hybrid``,
    ``(Hybrid - in person & online)``, ``(also available on Zoom)``); the online words as
    technical terms do not count (``also: virtual machines``)."""
    if text is None:
        return False
    return bool(_HYBRID.search(text) or _BOTH_WAYS.search(_TECHNICAL.sub(" ", text)))


@functools.lru_cache(maxsize=8192)
def read_place(text: str) -> Place:
    """The place written in a place field (``Virtual (Berlin, DE)``, ``Lehi, UT, US + Virtual``)."""
    # a stray stop after the place ("Columbus, IL. |") is no part of it, nor is bold or
    # struck-through markup ("~~Munich, DE~~")
    text = text[:_MAX_PLACE].replace("**", "").replace("~~", "")
    text = _SPACES.sub(" ", text).strip(" |*_").rstrip(".,;: ")
    if not text:
        return NOWHERE
    if "/" in text:
        text = _GLUED_MARKER.sub(_spaced_slash, text)
    virtual = bool(VIRTUAL_WORDS.search(text) or _PLATFORMS.search(text))
    in_person = bool(_IN_PERSON.search(text))
    hybrid = bool(_HYBRID.search(text)) or (virtual and (
        in_person or _has_location(text) or _also_online(text)))
    location = _location_text(text)
    city, subdivision, country = _split_location(location)
    if virtual and not hybrid and (city or country) and _STREAMED.search(text):
        hybrid = True  # "Berlin, DE (livestream)": a stream of where it meets
    nowhere = bool(_NOWHERE.match(_first_host(location).split(",")[0].strip()))
    found = bool(city or country or virtual or hybrid or nowhere)
    return Place(city, subdivision, country, virtual or hybrid, hybrid, found)


def unknown_code(text: str, place: Place) -> str | None:
    """The code a place field ends with (``Atlantis, XX``) when it is neither a country nor
    a state or province of the place's country: the place was read around it."""
    last = _PARENS.sub(lambda m: m.group(1), text).replace(";", ",").split(",")[-1].strip(" )")
    if place.country and _continent(last):
        return None  # "Berlin, DE, EU"
    if not (2 <= len(last) <= 3 and last.isalpha() and last.isupper()) or _NOWHERE.match(last):
        return None
    if last == place.country or places.country_code(last) is not None:
        return None
    if place.country and places.subdivision_valid(place.country, last):
        return None
    found = places.locate_city(place.city, None, last) if place.city else None
    if found is not None and found[2] == last:
        return None  # the gazetteer's code of the city's country (XK: Kosovo)
    return last


def _spaced_slash(match: re.Match[str]) -> str:
    marker = match.group(1)
    return f"{marker} / " if marker else f" / {match.group(2)}"


def _has_location(text: str) -> bool:
    """``Barcelona, ES + Virtual``: a place beside the marker outside parentheses (``Virtual
    / Global`` names none). After a dash the marker is how the place's group meets, as the
    2020 issues write it (``Berlin, DE - Remote``: online only)."""
    outside = _PARENS.sub("", text)
    parts = [p.strip() for p in re.split(r"\s\+\s|\s&\s|\s/\s|;|\band\b|\bor\b", outside)]
    return len(parts) > 1 and any(p and not _MARKER_ONLY.match(p) and not _NOWHERE.match(p)
                                  for p in parts)


def _also_online(text: str) -> bool:
    """``Berlin, DE (and online)``: a place, then in parentheses only that it is online too
    (``Online (also on YouTube)`` names no place)."""
    found = _ALSO_ONLINE.search(text)
    return (found is not None and not _MARKER_ONLY.match(text[: found.start()])
            and _marker_only(found.group(0)[1:-1]))


def _marker_only(text: str) -> bool:
    """Whether parenthesised text only says how to attend (``online``, ``also on YouTube``,
    ``via Jitsi``)."""
    return _MARKER_ONLY.match(_ALSO_WORDS.sub(" ", text)) is not None


def _names_no_place(text: str) -> bool:
    """Whether parenthesised text names no place: how to attend, or a time zone, a
    continent, "TBD" (``_NOWHERE``)."""
    return _marker_only(text) or _NOWHERE.match(text.strip()) is not None


def _location_text(text: str) -> str:
    """The geographic part of a place field, markers dropped."""
    for inner in _PARENS.findall(text):
        if not _names_no_place(inner):
            before = text[: text.find(f"({inner})")]
            if _MARKER_ONLY.match(before) or not before.strip():
                # "(Online + Berlin, DE)", "(Seattle, WA, US + New York, NY, US)": the
                # first host that is no marker
                hosts = [h for h in inner.split(" + ") if not _marker_only(h)]
                return hosts[0] if hosts else inner
    text = _PARENS.sub(lambda m: "" if _names_no_place(m.group(1)) else m.group(0), text)
    parts = [p for p in re.split(r"\s[+&\-–—]\s|\sor\s", text) if not _MARKER_ONLY.match(p)]
    return _LEADING_MARKERS.sub("", parts[0]).strip() if parts else ""


def _first_host(location: str) -> str:
    """``Redmond, WA, US; New York, NY, US`` -> ``Redmond, WA, US``."""
    host = location.split(";")[0]
    hosts = host.split(" / ")
    if len(hosts) > 1 and "," in hosts[0]:
        host = hosts[0]
    return host.strip(" ,")


def _split_location(location: str) -> tuple[str | None, str | None, str | None]:
    host = _first_host(location)
    if not host or _NOWHERE.match(host):
        return None, None, None
    parts = _without_continent([p.strip() for p in host.split(",") if p.strip()])
    if not parts:
        return None, None, None
    if len(parts) == 1:
        return _single(parts[0])
    city = _city_name(parts[0])
    last = parts[-1]
    country = places.country_code(last)
    if len(parts) == 2 and country in _NORTH_AMERICA and " " in parts[0]:
        stated = _city_with_code(parts[0])  # "Seattle WA, US": no comma before the state
        if stated is not None and stated[1] is not None and stated[2] == country:
            return stated
    if len(parts) >= 3:
        venue_then_city = _venue_then_city(parts, country)
        if venue_then_city is not None:
            return venue_then_city
        subdivision = _subdivision(parts[-2], country)
        return _region_as_city(city, subdivision, _country_of(subdivision, country))
    return _region_as_city(*_two_parts(city, last, country))


def _venue_then_city(parts: list[str], country: str | None) -> Located | None:
    """``Mozilla Paris office, Paris, FR``: a venue no gazetteer knows, then the city, then
    the country (not a town's state: ``Lehi, UT, US``)."""
    if len(parts) != 3 or country is None or len(parts[1]) <= 3:
        return None
    if places.locate_city(parts[0], None, country) is not None:
        return None
    found = places.locate_city(parts[1], None, country)
    if found is None or places.subdivision_valid(country, parts[1]):
        return None
    if _subdivision(parts[1], country) is not None and not _VENUE.search(parts[0]):
        return None  # "Subang Jaya / Kuala Lumpur, Selangor, MY": the state Selangor
    return _city_name(parts[1]), found[1], found[2]


_VENUE = re.compile(
    r"\b(?:office|campus|hq|headquarters|building|cent(?:er|re)|hall|hub|house|labs?"
    r"|university|school|library|caf[eé]|bar|pub|space|coworking)\b|@",
    re.I,
)


def _without_continent(parts: list[str]) -> list[str]:
    """A place's comma-separated parts without the continent after its country ("Berlin,
    DE, EU")."""
    while len(parts) > 2 and _continent(parts[-1]):
        parts.pop()
    return parts


def _continent(part: str) -> bool:
    """Whether a last part of a place names a continent or a union (``EU``, ``Europe``)."""
    if part.isupper():  # not a time zone's code
        return part in ("EU", "EMEA", "APAC", "LATAM")
    return _NOWHERE.match(part) is not None


def _subdivision(text: str, country: str | None) -> str | None:
    """``WA`` as written; ``Utah`` (a name) as its code when the country has it, or when the
    other North American country has it (``British Columbia, US``: ``_country_of``)."""
    if len(text) <= 3:
        return text.upper()
    if not country:
        return None
    code = places.subdivision_named(text, country)
    if code is None and country in _NORTH_AMERICA:
        code = places.subdivision_named(text, _other_north_american(country))
    return code


def _region_as_city(city: str | None, subdivision: str | None, country: str | None) -> Located:
    """``Malaysia, MY``, ``Utah, US``, ``East Coast, US``: a country, a state or a part of
    the country written where the city goes names no city, unless the gazetteer knows a
    city by that name there (``Singapore``)."""
    if not city or not country or places.locate_city(city, subdivision, country) is not None:
        return city, subdivision, country
    if places.country_code(city) == country or _AREA.match(city):
        return None, subdivision, country
    named = places.subdivision_named(city, country)
    if named is not None and subdivision in (None, named):
        return None, named, country
    return city, subdivision, country


# A part of a country, not a town: "East Coast", "Bay Area" (that one is also read as San
# Francisco, gazetteer.CITY_ALIASES, before this is asked), "Midwest", "Pacific Northwest"
_AREA = re.compile(
    r"(?i)^(?:the\s+)?(?:.+\s+(?:coast|region|area|metro(?:\s+area)?)"
    r"|mid-?west(?:ern)?|mid-?atlantic|pacific\s+north-?west|new\s+england"
    r"|(?:north|south)(?:-?(?:east|west))?|east|west)$"
)


def _country_of(subdivision: str | None, country: str | None) -> str | None:
    """``Vancouver, BC, US``: a province of the other North American country wins."""
    if not subdivision or country not in _NORTH_AMERICA:
        return country
    if places.subdivision_valid(country, subdivision):
        return country
    other = _other_north_american(country)
    return other if places.subdivision_valid(other, subdivision) else country


def _other_north_american(country: str) -> str:
    """CA for US, US for CA: where a state or province written after the wrong one is."""
    return "CA" if country == "US" else "US"


Located = tuple[str | None, str | None, str | None]  # (city, subdivision, country)


def _two_parts(city: str | None, last: str, country: str | None) -> Located:
    """``City, XX``: XX a country, a state (``Buffalo, NY``, ``São Paulo, SP``) or ``MN US``."""
    state_and_country = _state_then_country(last)
    if state_and_country is not None:
        return city, *state_and_country
    code = last.upper() if 2 <= len(last) <= 3 and last.isalpha() else None
    if city is None:
        return None, None, country
    if country is None:
        found = places.locate_city(city, code, None) if code else None
        if found is not None:
            return city, code, found[2]
        if code and any(places.subdivision_valid(c, code) for c in _NORTH_AMERICA):
            return city, code, "US" if places.subdivision_valid("US", code) else "CA"
        named = _state_named(city, last) if code is None else None
        return (city, *named) if named is not None else (city, None, None)
    if code and any(places.subdivision_valid(c, code) for c in _NORTH_AMERICA):
        if places.locate_city(city, None, country) is None:  # "Boulder, CO": Colorado
            found = places.locate_city(city, code, None)
            # a North American state's, not another country's region (Chile's AR)
            if found is not None and found[2] in _NORTH_AMERICA:
                return city, code, found[2]
            state_of = _state_country(city, code, country)
            if state_of is not None:  # "Columbus, IL": no Columbus in Israel
                return city, code, state_of
    if country == "SA" and places.locate_city(city, None, "SA") is None:
        found = places.locate_city(city)
        if found is not None and found[2] == "ZA":  # "Johannesburg, SA": South Africa
            return city, None, "ZA"
    return city, None, country


def _state_named(city: str, name: str) -> tuple[str, str] | None:
    """(code, country) of the state or province ``name`` written out (``Portland, Oregon``),
    of the one country that has both a subdivision of that name and the city."""
    found = set()
    for country in places.countries_with_subdivision(name):
        code = places.subdivision_named(name, country)
        if code is not None and places.locate_city(city, code, country) is not None:
            found.add((code, country))
    return found.pop() if len(found) == 1 else None


def _state_then_country(part: str) -> tuple[str, str] | None:
    """(state code, country) of ``MN US`` (a comma left out); ``The Netherlands`` is none."""
    words = part.split()
    if len(words) != 2 or len(words[0]) > 3 or not words[0].isupper():
        return None
    country = maybe_country(words[1])
    return (words[0], country) if country is not None else None


def _state_country(city: str, code: str, country: str) -> str | None:
    """The North American country whose state ``code`` is, when ``city`` is a city there
    but not in ``country`` (the one ``code`` also names)."""
    if places.knows_city(city, country):
        return None
    found = [c for c in _NORTH_AMERICA if places.subdivision_valid(c, code)]
    if len(found) == 1 and places.knows_city(city, found[0]):
        return found[0]
    return None


def _single(part: str) -> tuple[str | None, str | None, str | None]:
    """One name: a country (``Malaysia``, ``IR``) or a city (``Seattle``)."""
    if len(part) <= 3:
        return None, None, maybe_country(part)
    stated = _city_with_code(part)  # "Berlin DE", "Washington DC": no comma before the code
    if stated is not None:
        return stated
    found = places.locate_city(part)
    if found is None:
        country = maybe_country(part)
        return (None, None, country) if country else (_city_name(part), None, None)
    if places.country_code(found[0]) == found[2]:  # "Singapore", "Luxembourg"
        return found[0], found[1], found[2]
    if "/" in part and _not_one_name(part):  # "Germany/Cologne": the part that is the city
        named = [p.strip() for p in part.split("/") if places.locate_city(p.strip())]
        return (named[0] if named else found[0]), found[1], found[2]
    return _city_name(part), found[1], found[2]


def _city_with_code(part: str) -> Located | None:
    """``Berlin DE``, ``St. Louis MO``: a known city and the code of its country, else of
    its US state or Canadian province, the comma left out."""
    words = part.rsplit(" ", 1)
    if len(words) < 2 or not words[1].isupper() or not 2 <= len(words[1]) <= 3:
        return None
    city, code = words
    country = places.country_code(code)
    if country is not None and places.locate_city(city, None, country) is not None:
        return _city_name(city), None, country
    for country in _NORTH_AMERICA:
        if places.subdivision_valid(country, code) and places.locate_city(city, code, country):
            return _city_name(city), code, country
    return None


def _city_name(text: str) -> str | None:
    """The city as written: ``Hawthorne (Los Angeles)`` -> ``Hawthorne``; names a slash
    joins as written (``Bangalore/Bengaluru``, ``Frankfurt/Main``, ``Boulder/Denver``)."""
    name = _PARENS.sub("", text)
    if "/" in name and _not_one_name(name):
        name = name.split("/")[0]
    name = name.strip(" .-")
    if not name or _NOWHERE.match(name) or _MARKER_ONLY.match(name):
        return None
    return name


def _not_one_name(name: str) -> bool:
    """Whether a slash in a place's name follows a country (``Germany/Cologne``). Other names
    a slash joins are the place as written: one city's (``München/Munich``, ``Praha /
    Prague``) or a pair's (``Minneapolis/St. Paul``); hosts, each with its own country,
    are parted before (``_first_host``)."""
    return any(places.country_code(part.strip()) for part in name.split("/") if part.strip())


@functools.lru_cache(maxsize=8192)
def is_place(text: str) -> bool:
    """Whether ``text`` is a place field (ends in a country, a state, or is a virtual marker)."""
    text = text.strip()
    if not text or len(text) > 80:
        return False
    if _MARKER_ONLY.match(text) and VIRTUAL_WORDS.search(text):
        return True
    hosts = [host for host in _MARKER_JOIN.split(text) if not _MARKER_ONLY.match(host)]
    if len(hosts) == 1:  # "Berlin, DE + Online": the place beside the marker
        text = hosts[0]
    outside = _PARENS.sub("", text)
    if "(" in text and _MARKER_ONLY.match(outside):  # "Virtual (Vancouver, BC, CA)"
        return any(is_place(inner) for inner in _PARENS.findall(text))
    parts = _without_continent([p.strip() for p in outside.split(",") if p.strip()])
    if not parts:
        return False
    last = parts[-1]
    if maybe_country(last) is not None and (len(parts) > 1 or len(last) >= 4 or last.isupper()):
        return True
    if _state_then_country(last) is not None:
        return True
    return (
        len(parts) > 1
        and len(last) == 2
        and last.isupper()
        and any(places.subdivision_valid(c, last) for c in _NORTH_AMERICA)
    )


_COUNTRY_WORD = r"(?:[A-Z][\w'’.-]*|of|and|the)"
_COUNTRY_SHAPE = re.compile(rf"^{_COUNTRY_WORD}(?: {_COUNTRY_WORD}){{0,3}}$")
_NOT_A_COUNTRY = re.compile(
    r"\b(?:rust\w*|meetup|meeting|group|conf\w*|hack\w*|workshop|night|talks?|team|online"
    r"|remote)\b",
    re.I,
)


def maybe_country(text: str) -> str | None:
    """``country_code`` for text that could name a country; cheap None for titles."""
    text = text.strip()
    if len(text) <= 3:
        return places.country_code(text) if text.isalpha() else None
    if not _COUNTRY_SHAPE.match(text) or _NOT_A_COUNTRY.search(text):
        return None
    return places.country_code(text)


def known_city(place: Place) -> bool:
    """Whether the gazetteer knows ``place.city`` where the place says it is, as a city
    (not a state that is another name of one: ``state_as_city``)."""
    if not place.city:
        return False
    return (places.locate_city(place.city, place.subdivision, place.country) is not None
            and state_as_city(place) is None)


def state_as_city(place: Place) -> str | None:
    """The code of the state or province ``place.city`` names when the place's country has
    no city so called, only one with the name as another name (``Chiapas, Mexico``)."""
    if not place.city or not place.country:
        return None
    return places.subdivision_not_city(place.city, place.country)


def city_from_text(place: Place, text: str) -> Place:
    """Fill a missing city (and country) from a city named in the text, when unambiguous;
    else a missing country from the one country the text names (``Rust Indonesia``)."""
    if not place.city:
        qualified = _town_with_its_state(text)  # "RainOfRust Camp Patan, Gujarat"
        if qualified is not None and place.country in (None, qualified.country):
            return Place(qualified.city, qualified.subdivision, qualified.country,
                         place.virtual, place.hybrid, True)
    found = _named(places.written_city_in_text, text)
    if found is None:
        if place.city:
            return place
        shared = _named(places.shared_city_name_in_text, text)
        if shared is not None and (place.country is None or place.country in shared[1]):
            # a city of that name in the place's country, or in the one country they are all
            # in (Springfield), else the name as written
            name, countries = shared
            country = place.country or (next(iter(countries)) if len(countries) == 1 else None)
            return Place(name, place.subdivision, country, place.virtual, place.hybrid, True)
        town = _named(places.city_in_context, text)  # "Rust Dev in Mountain View"
        if town is not None and place.country in (None, town[1]):
            return Place(town[0], place.subdivision, town[1], place.virtual, place.hybrid, True)
        if place.country is None:
            country = _named(places.country_in_text, text)
            if country is not None:
                return Place(None, place.subdivision, country, place.virtual, place.hybrid, True)
        return place
    city, country = found
    if place.country and country != place.country:
        return place
    return Place(city, place.subdivision, country, place.virtual, place.hybrid, True)


# A town named with its state or country after a comma ("Camp Patan, Gujarat", "Workshop
# Salem, Oregon"): up to three words before the comma, and up to three after it
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_TOWN_WORDS = 3


@functools.lru_cache(maxsize=4096)
def _town_with_its_state(text: str) -> Place | None:
    """The town a free text names as a place field would write it, ``Town, State`` or
    ``Town, Country``, when the gazetteer knows that town there (whatever its size: the
    state or country says which of its namesakes it is), else None."""
    parts = text.split(",")
    for before, after in itertools.pairwise(parts):
        words = _NAME_WORD.findall(before)[-_TOWN_WORDS:]
        where = _NAME_WORD.findall(after.split(" - ")[0])[:_TOWN_WORDS]
        for start in range(len(words)):  # "Camp Patan": the town's name is the last words
            if not words[start][0].isupper():
                continue
            for stop in range(len(where), 0, -1):  # "Gujarat India", "Oregon Rust Meetup"
                found = read_place(f"{' '.join(words[start:])}, {' '.join(where[:stop])}")
                if found.city and found.country and known_city(found):
                    return found
    return None


def _named(lookup: Callable[[str], T | None], text: str) -> T | None:
    """What a gazetteer lookup of free text finds (``places.city_in_text``: ``Rust Paris`` ->
    ``("Paris", "FR")``), None for text it cannot take."""
    try:
        return lookup(text)
    except ValueError:  # text the gazetteer cannot take: nothing named
        return None
