"""The older forms, 2014-2021: the date inside the link text, or free text.

    * [Feb. 9. Sydney Meetup](url). Huon Wilson and Steve Klabnik will be attending.
    * [6/8. Seattle](url)
    * [Jun 10. Wroclaw, PL - Remote - Rust Wroclaw Meetup #20](url)
    * [June 8, 2021, Seattle, WA, US - Monthly meetup - Seattle Rust Meetup](url)
    * 5/11. Rust Community Team Meeting at #rust-community on irc.mozilla.org.
    - [Rust Seatle Meetup](url), January 12th

A place is read only where the line writes one (``City, CC``); lines that name no place get
a city only when their text names a known city unambiguously, or else the name of the Meetup
group or Eventbrite event their link points at does (``meetup.com/RustDC``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from calendar_agg.parsers.twir.fields import Fields, event_links, note_how_to_attend
from calendar_agg.parsers.twir.links import Link, clean_text, find_links, strip_links
from calendar_agg.parsers.twir.place import (
    NOWHERE,
    STREAMED_BESIDE,
    Place,
    city_from_text,
    is_place,
    known_city,
    read_place,
    says_virtual,
    state_as_city,
)

_SEGMENTS = re.compile(
    r"\s+[-–—]\s+|\s+-(?=\s*$)"
    # glued to one side after a code: "Durham, NC -Welcome", "Cambridge, UK- Rust Meetup"
    r"|(?<=\b[A-Z]{2})(?:\s+[-–—](?=\w)|[-–—]\s+)"
)
_MARKER_SEGMENT = re.compile(r"^\(?(?:remote|online|virtual|hybrid)\)?$", re.I)
# A segment that is only a time ("19:00", "7pm", "18:30 CET", "6:30-9pm"): when, not who or
# what (a time is not kept from these lines, as from no TWiR line: its zone is not written)
_CLOCK = r"\d{1,2}(?:[:.h]\d{2}\s*(?:(?i:[ap]\.?m\.?))?|\s*(?i:[ap]\.?m\.?))"
_TIME_SEGMENT = re.compile(
    rf"^(?i:at\s+)?{_CLOCK}(?:\s*[-–]\s*{_CLOCK})?(?:\s*\(?[A-Z]{{2,5}}\)?)?$")
_NOT_A_CITY = re.compile(  # whole words but for the prefixes: not "Dayal", "Campinas"
    r"\b(?:rust\w*|conf\w*|hack\w*|fest\w*|(?:meetup|meeting|group|day|workshop|camp|"
    r"university|school|team|community|club|talk|night|summit)s?\b)|@",
    re.I,
)
_MAX_SEGMENTS = 6  # a place is among the first few " - " parts of a line
_LEADING_PUNCT = re.compile(r"^[\s.:,;)\]\-–—]+")


def read_dash_form(inner: str, length: int, link: Link | None, after: str) -> Fields:
    """``[DATE. City, CC - Title](url)`` and the free ``[DATE. Title](url)``, the dates
    (``length`` characters of ``inner``) left out."""
    rest = _LEADING_PUNCT.sub("", inner[length:])
    with_group = bool(re.match(r"\s*,", inner[length:])) or _has_year(inner[:length])
    segments = [s.strip() for s in _SEGMENTS.split(rest) if s.strip()]
    remote = any(_MARKER_SEGMENT.match(s) for s in segments)
    segments = [s for s in segments
                if not _MARKER_SEGMENT.match(s) and not _TIME_SEGMENT.match(s)]
    place, title_parts = _find_place(segments)
    if not title_parts and segments and place.found:
        title_parts = _title_before_place(segments[0], place)
    fields = Fields(place=place, remote_hint=remote)
    fields.title, fields.group = _title_and_group(title_parts, group_last=with_group)
    title_after = fields.title is None and bool(clean_text(strip_links(after)))
    if title_after:  # "[5/27. Lithuania](url). Functional Vilnius #4: Rust & Monoids."
        fields.title = _first_sentence(strip_links(after))
    fields.url = link.url if link else None
    fields.links += tuple(other.url for other in event_links(after))
    streamed = False
    if not title_after:  # "[Feb 15. Cambridge, UK - Rust Meetup](url) (hybrid)"; what
        # the links after it say counts: "Also [live on Air Mozilla](url)"
        streams = [link for link in find_links(after) if STREAMED_BESIDE.search(link.text)]
        beside = _without_links(after, streams)
        note_how_to_attend(fields, beside)
        streamed = bool(streams) or STREAMED_BESIDE.search(beside) is not None
    if not fields.place.city:
        fields.place = city_from_text(fields.place, " - ".join(segments))
    if not fields.place.city and title_after:
        fields.place = city_from_text(fields.place, fields.title or "")
    fields = _with_city_of_address(fields)
    if (streamed and fields.place.city and not fields.place.virtual and not fields.remote_hint
            and not says_virtual(fields.title or "")):
        fields.hybrid_hint = True  # a stream linked beside a meetup somewhere: "At Mozilla
        # SF; [livestream](url)" (beside an online one, it is how it is online)
    return fields


def _without_links(text: str, links: list[Link]) -> str:
    """``text`` with ``links`` left out and every other link as its text."""
    for link in reversed(links):
        text = text[: link.start] + " " + text[link.end :]
    return strip_links(text)


def _title_before_place(segment: str, place: Place) -> list[str]:
    """``Hack Chiapas, Autonomous University of Chiapas, Mexico``: the one segment is the
    place, and its first part, which is no city, names the event."""
    first = segment.split(",")[0].strip()
    written = {first, *(name.strip() for name in first.split("/"))}  # "Köln/Cologne, DE"
    if "," not in segment or place.city in written or is_place(first):
        return []
    return [first]


def _title_and_group(parts: list[str], group_last: bool) -> tuple[str | None, str | None]:
    """(title, group) of the parts after the place.

    2021 lines (``June 8, 2021, City - Title - Group``) put the group last; earlier ones
    mostly first (``Mar 27. Chicago, US - Chicago Rust Meetup - Futures in Rust``), except
    where the last part alone reads as a group (``Fearless Concurrency - Knoldus Meetup``).
    """
    if len(parts) < 2:
        return (parts[0] if parts else None), None
    if group_last or (_GROUP_END.search(parts[-1]) and not _GROUP_WORD.search(parts[0])):
        return " - ".join(parts[:-1]), parts[-1]
    return " - ".join(parts[1:]), parts[0]


_GROUP_END = re.compile(r"\b(?:meetup|group|society|community)$", re.I)
_GROUP_WORD = re.compile(  # "Rust Munich", "Dallas Rust", "PDXRust", "Indy.rs"; not "in Rust"
    r"(?i:\b(?:meetup|group|society|community|rustaceans)\b|^rust\b|\.rs\b)|Rust[A-Z]|\wRust\b"
    r"|(?<!\bin )(?<!\bwith )(?<!\bof )(?<!\bfor )(?<!\band )\bRust$"
)


def _has_year(text: str) -> bool:
    return bool(re.search(r"\b\d{4}\b", text))


def _find_place(segments: list[str]) -> tuple[Place, list[str]]:
    """The segment (or leading comma parts) that is a place, and the other segments."""
    for index, segment in enumerate(segments[:_MAX_SEGMENTS]):
        title, at, where = segment.rpartition(" @ ")  # "Dive into Rust @ Guna, MP India"
        if at and is_place(where):
            return _checked(where), [*segments[:index], title, *segments[index + 1 :]]
        if index == 0 and ": " in segment:  # "Cambridge, UK: Rust Meetup"
            where, _, title = segment.partition(": ")
            if is_place(where):
                return _checked(where), [title, *segments[1:]]
        if is_place(segment):
            return _checked(segment), segments[:index] + segments[index + 1 :]
        parts = segment.split(", ")
        for cut in range(1, len(parts) - 1):
            head = ", ".join(parts[: cut + 1])
            if index == 0 and head.count("(") == head.count(")") and is_place(head):
                rest = ", ".join(parts[cut + 1 :])
                return _checked(head), [rest, *segments[1:]]
    first = segments[0] if segments else ""
    if first and len(first.split()) <= 3 and not _NOT_A_CITY.search(first):
        place = read_place(first)  # "[6/8. Seattle](...)": a known city alone
        if place.city and place.country:
            return place, segments[1:]
    return NOWHERE, segments


def _checked(text: str) -> Place:
    """The place ``text`` names; a "city" that is really an event name is dropped or trimmed
    to the known city at its end (``Rust Durham, NC``, ``Monkey Tech Days Toulouse, France``).
    A long name with no event word is a town's when the gazetteer knows it."""
    place = read_place(text)
    city = place.city
    if not city:
        return place
    if not _NOT_A_CITY.search(city) and (len(city.split()) <= 3 or known_city(place)):
        return place  # "San Carlos del Zulia, VE"
    rest = text.split(",", 1)[1] if "," in text else ""
    if rest.count(",") == 1:  # "Rust Belt Rust Conference, Pittsburgh, PA": the event's
        after = read_place(rest.strip())  # name, then its town and the town's state
        if after.city and not _NOT_A_CITY.search(after.city) and known_city(after):
            return after
    words = city.split()
    subdivision = place.subdivision
    for size in (2, 1):
        if len(words) > size:
            trimmed = read_place(f"{' '.join(words[-size:])},{rest}")
            state = state_as_city(trimmed)
            if state is not None:  # "Hack Chiapas, ..., Mexico": the state of Chiapas
                subdivision = subdivision or state
            elif known_city(trimmed):
                return trimmed
    return Place(None, subdivision, place.country, place.virtual, place.hybrid, True)


def _first_sentence(text: str) -> str | None:
    text = text.strip(" .")
    if text.endswith(")") and text.count(")") > text.count("("):  # a link's, left over
        text = text[:-1].rstrip(" .")
    sentence = re.split(r"(?<=[a-z0-9])\.\s", text, maxsplit=1)[0]
    return clean_text(sentence) or None


def read_free_text(text: str, length: int | None) -> Fields:
    """``5/11. Rust Community Team Meeting at #rust-community`` (dates of ``length``
    characters at the start, left out) or ``[Title](url), Jan 12th`` (``length`` None: the
    dates are elsewhere)."""
    links = event_links(text)
    plain = strip_links(text)  # the dates come before any link: ``length`` counts in it too
    if length is not None:
        rest = _LEADING_PUNCT.sub("", plain[length:])
        first = _SEGMENTS.split(rest, maxsplit=1)
        if len(first) > 1 and is_place(first[0]):  # "Aug 5. Helsinki, FI - [Rust Helsinki](url)"
            return read_dash_form(plain, length, links[0] if links else None, "")
        title = _first_sentence(rest)
    else:
        title = links[0].text if links else _first_sentence(plain)
    fields = Fields(title=title)
    if links:
        fields.url = links[0].url
        fields.links += tuple(link.url for link in links[1:])
    fields.remote_hint = bool(title and says_virtual(title))
    fields.place = city_from_text(NOWHERE, title or "")
    if length is None and not fields.place.found:  # "Seattle: [Rust meetup][sea] on 3/9."
        fields.place = city_from_text(NOWHERE, _first_sentence(plain) or "")
    return _with_city_of_address(fields)


def _with_city_of_address(fields: Fields) -> Fields:
    """``[Lessons learned integrating Rust with Ruby](https://www.meetup.com/RustDC/...)``:
    an in-person event whose text names no city takes the one its link's address names
    (not an online one: ``East Coast, US - Rust East Coast Virtual Talks`` on Rust-NYC)."""
    place = fields.place
    if place.city or place.virtual or fields.remote_hint or not fields.url:
        return fields
    if fields.title and says_virtual(fields.title):
        return fields
    named = _address_name(fields.url)
    if named:
        fields.place = city_from_text(place, named)
    return fields


_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Z]{2})?$")  # meetup.com/de-DE/...
# "rust" glued to a name of three letters or more in a group's address
_GLUED_RUST_SLUG = re.compile(r"(?<=^rust)(?=[a-z]{3})|(?<=[a-z]{3})(?=rust$)", re.I)


def _address_name(url: str) -> str:
    """The name a Meetup group's or an Eventbrite event's address spells (``Rust-Berlin``,
    ``mozilla-rust-seattle-meetup-tickets-1503``) as words of a title (``Rust Berlin``);
    "" for other addresses, whose paths say nothing reliable."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[host": no address to read
        return ""
    host = (parts.hostname or "").removeprefix("www.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host == "meetup.com":
        named = [segment for segment in segments if not _LOCALE.match(segment)][:1]
    elif host.startswith("eventbrite.") and segments[:1] == ["e"]:
        named = segments[1:2]
    else:
        return ""
    words = _GLUED_RUST_SLUG.sub(" ", " ".join(named))  # "ruststhlm", "pdxrust"
    return " ".join(word.capitalize() if word.islower() else word
                    for word in re.split(r"[-_.+\s]+", words) if word and not word.isdigit())
