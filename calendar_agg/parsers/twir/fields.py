"""What every entry reader produces: the fields of one event before it becomes a RawEvent."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from calendar_agg.models import RawEvent
from calendar_agg.parsers.twir.links import Link, clean_text, find_links
from calendar_agg.parsers.twir.place import NOWHERE, Place, says_hybrid, says_virtual

# Meetings held in chat rooms are online even without a heading saying so; a talk about
# writing a Discord bot is not.
_CHAT = re.compile(
    r"\birc\b|irc\.mozilla\.org|\bdiscord\b(?![\s-]+bots?\b)|\btelegram\b(?![\s-]+bots?\b)"
    r"|\bjitsi\b",
    re.I,
)
# An event page that is a chat room or a video call: the meeting happens there.
_CHAT_URL = re.compile(
    r"^(?:irc://|https?://(?:www\.)?(?:t\.me/|telegram\.me/|discord(?:app)?\.(?:gg|com)/"
    r"|chat\.mibbit\.com|(?:[\w-]+\.)?zoom\.us/|meet\.jit\.si/|meet\.google\.com/))",
    re.I,
)
# The Rust project's own meetings, held online, whose listings name no place ("Rust release
# triage", "Rust India Community Monthly Call"); a call for papers is none.
_PROJECT_MEETING = re.compile(
    r"\btriage\b|\bteam\s+meeting\b"
    r"|\b(?:community|monthly|weekly|team|video|conference)\s+call\b(?!\s+for\b)",
    re.I,
)
# Links that point at the calendar itself, not at one event.
_CALENDAR = re.compile(r"google\.com/calendar/embed|calendar\.google\.com/calendar/embed", re.I)


@dataclass(frozen=True, slots=True)
class Context:
    """What every entry of one document shares."""

    source: str
    issue: str
    issue_date: dt.date | None
    document: str = ""  # what problems name: the file or feed the line numbers count in


@dataclass(slots=True)
class Fields:
    """An event as one entry's text gives it, its dates apart (``reader`` reads them for
    each issue that lists the entry)."""

    place: Place = NOWHERE
    title: str | None = None
    group: str | None = None
    group_url: str | None = None
    url: str | None = None
    links: tuple[str, ...] = ()  # every other link of the entry
    remote_hint: bool = False  # the line itself says "Remote" / "Online" outside the title
    hybrid_hint: bool = False  # the title's item says "hybrid" outside the title
    notes: tuple[str, ...] = ()  # what could not be read
    # (region, EventValues) last derived from these fields: one attribute, set at once
    _last: tuple[str | None, EventValues] | None = field(
        default=None, init=False, compare=False, repr=False
    )

    def values(self, region: str | None) -> EventValues:
        """``event_values(self, region)``, kept for the region last asked for: readers share
        Fields between the entries of one text, listed under one region issue after issue
        (the Fields must not change once read)."""
        last = self._last
        if last is None or last[0] != region:
            last = self._last = (region, event_values(self, region))
        return last[1]


class EventValues(NamedTuple):
    """What a RawEvent says beyond its issue, line, dates and source: derived by
    ``event_values`` from the Fields of an entry and the region it is listed under, once
    for all the entries that share those Fields (``Fields.values``)."""

    city: str | None
    subdivision: str | None
    country: str | None
    virtual: bool
    hybrid: bool
    region: str | None
    group: str | None
    group_url: str | None
    title: str | None
    url: str | None
    extra_urls: tuple[str, ...]


def event_links(text: str) -> list[Link]:
    """The links of a text that are about events (not the shared calendar)."""
    return [
        link
        for link in find_links(text)
        if "calendar" not in link.url or not _CALENDAR.search(link.url)
    ]


def title_text(text: str | None) -> str | None:
    """A title without emphasis, brackets and trailing punctuation; None when empty."""
    if text is None:
        return None
    cleaned = clean_text(text)
    return cleaned or None


@functools.lru_cache(maxsize=16384)
def says_online(text: str | None) -> bool:
    """Whether a title says the event is online (``Remote``, ``[Virtual]``, ``on IRC``)."""
    if not text:
        return False
    return says_virtual(text) or bool(_CHAT.search(text))


def note_how_to_attend(fields: Fields, text: str) -> None:
    """What an entry says beside its title about how to attend (``[**Title**](url) -
    hybrid``, ``[Feb 15. City, CC - Title](url) (online)``): both ways, or online."""
    if says_hybrid(text):
        fields.hybrid_hint = True
    elif says_online(text):
        fields.remote_hint = True


def _meets_online(title: str | None) -> bool:
    """Whether a title names a meeting of the Rust project (held online)."""
    return title is not None and bool(_PROJECT_MEETING.search(title))


def meets_in_chat(url: str | None) -> bool:
    """Whether an event's own link is a chat room or a video call (``t.me/...``, ``irc://``)."""
    return url is not None and bool(_CHAT_URL.match(url))


def event_values(fields: Fields, region: str | None) -> EventValues:
    """The values of the event of ``fields`` listed under ``region``."""
    place = fields.place
    hybrid = (place.hybrid or fields.hybrid_hint
              or says_hybrid(fields.title)  # "Rust Munich 2024 / 1 - hybrid"
              # what a dash line's last part says, read as its group: "... - Monthly
              # meetup (also available on Zoom)"
              or place.city is not None and says_hybrid(fields.group))
    virtual = (
        place.virtual
        or hybrid
        or region == "Virtual"
        or fields.remote_hint
        or says_online(fields.title)
        or (place.city is None and (says_online(fields.group) or meets_in_chat(fields.url)
                                    or _meets_online(fields.title)))
    )
    extra: list[str] = []
    for url in fields.links:
        if url and url not in (fields.url, fields.group_url) and url not in extra:
            extra.append(url)
    return EventValues(
        city=place.city,
        subdivision=place.subdivision,
        country=place.country,
        virtual=virtual,
        hybrid=hybrid,
        region=region,
        group=title_text(fields.group),
        group_url=fields.group_url or None,
        title=title_text(fields.title),
        url=fields.url or None,
        extra_urls=tuple(extra),
    )


# The fields RawEvent starts with, in its order: ``build`` passes them by position.
RAW_EVENT_ORDER = ("issue", "line", "start", "end", *EventValues._fields, "source")


def build(
    values: EventValues, start: dt.date, end: dt.date | None, line: int, context: Context
) -> RawEvent:
    """The RawEvent of an entry on line ``line`` on the given dates.

    Made for every event listed, so by position, a third cheaper than by keyword:
    EventValues has RawEvent's fields between ``end`` and ``source`` in RawEvent's order
    (``RAW_EVENT_ORDER``, which the tests check against RawEvent)."""
    return RawEvent(context.issue, line, start, end, *values, context.source)
