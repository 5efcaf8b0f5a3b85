"""The data that flows through the pipeline: plain frozen dataclasses, no I/O.

fetch -> Document -> parse -> ParseResult(RawEvent, Problem, Issue) -> normalize -> Event
-> store -> publish; every run ends in a RunReport.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field

# The regions every event is filed under, in the order feeds and pages show them.
REGIONS: tuple[str, ...] = (
    "Virtual",
    "Africa",
    "Asia",
    "Europe",
    "North America",
    "Oceania",
    "South America",
)


def region_slug(region: str) -> str:
    """Feed name of a region: ``"North America"`` -> ``"north-america"``."""
    return region.lower().replace(" ", "-")


def region_named(text: str) -> str | None:
    """The region ``text`` names, as people write it in flags, queries and config:
    ``"Europe"``, ``"europe"``, ``"north-america"``; None when it names none."""
    wanted = text.strip().casefold()
    return next((r for r in REGIONS if wanted in (r.casefold(), region_slug(r))), None)


@dataclass(frozen=True, slots=True)
class Document:
    """One fetched document: a markdown issue, an HTML page, a feed, a post."""

    source: str  # name of the configured (or ad-hoc) source it came from
    name: str  # file name of the document, e.g. "2025-06-04-this-week-in-rust.md"
    text: str
    location: str = ""  # path or URL, for messages
    format: str | None = None  # forced parser name; None = detect
    content_type: str | None = None  # from HTTP, when known
    fetched_at: dt.datetime | None = None  # when it was fetched (the run's clock)
    timezone: str | None = None  # the source's IANA zone for floating times (ICS)


@dataclass(frozen=True, slots=True)
class Issue:
    """One newsletter issue found in a document (a feed holds several)."""

    name: str  # same value as RawEvent.issue
    date: dt.date | None  # publication date of the issue
    window: tuple[dt.date, dt.date] | None = None  # "Rusty Events between A - B"
    url: str | None = None
    # its list was not read in full (a line that looked like an event gave none, or the
    # list was cut off): it covers no dates, so it cancels nothing by not listing an event
    partial: bool = False


@dataclass(frozen=True, slots=True)
class RawEvent:
    """One event occurrence as a document lists it (JSONL line of ``parse``).

    ``end`` is the inclusive last day of a multi-day event, else None.
    ``country`` is ISO 3166-1 alpha-2; ``subdivision`` is the state/province code as written.
    ``virtual``: can be attended online (a hybrid event is virtual too);
    ``hybrid``: both online and in person.
    ``region`` is the heading the editor filed it under (a REGIONS name) as parsed;
    normalization replaces it with the event's real region.
    """

    issue: str
    line: int
    start: dt.date
    end: dt.date | None = None
    city: str | None = None
    subdivision: str | None = None
    country: str | None = None
    virtual: bool = False
    hybrid: bool = False
    region: str | None = None
    group: str | None = None
    group_url: str | None = None
    title: str | None = None
    url: str | None = None
    extra_urls: tuple[str, ...] = ()
    source: str = ""
    # A timed event (from a calendar source): aware start and end in the zone named by
    # ``timezone`` (IANA, "UTC" for UTC); ``start``/``end`` stay its local dates.
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    timezone: str | None = None
    status: str | None = None  # "CANCELLED" when the source cancels it; None = as listed
    # The source's own id of the occurrence (ICS: UID, "#" + RECURRENCE-ID for a member of a
    # series); stays when the organiser moves or renames the event.
    source_uid: str | None = None
    precision: str = "day"  # "day", "month" or "year": how exactly start/end are known
    confidence: float | None = None  # 0-1, how sure a prose reader (posts) is; None = listed

    @property
    def name(self) -> str | None:
        """The event's name: its title (JSONL ``name``)."""
        return self.title

    def __reduce__(self) -> tuple[type[RawEvent], tuple]:
        """Pickled as its field values, as workers hand parsed events back (``workers``):
        the slotted dataclass's own way, a state set field by field, took twice as long."""
        return RawEvent, _raw_values(self)


_raw_values = operator.attrgetter(*RawEvent.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that looked like an event but could not be read fully, or a source failure."""

    source: str
    document: str
    line: int | None
    message: str
    text: str = ""

    def __str__(self) -> str:
        where = self.document if self.line is None else f"{self.document}:{self.line}"
        prefix = f"{self.source}: {where}" if self.source else where
        tail = f": {self.text.strip()}" if self.text.strip() else ""
        return f"{prefix}: {self.message}{tail}"


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a parser found in one document."""

    issues: tuple[Issue, ...] = ()
    events: tuple[RawEvent, ...] = ()
    problems: tuple[Problem, ...] = ()
    notices: tuple[str, ...] = ()  # e.g. "no upcoming-events section": skipped, not an error


@dataclass(frozen=True, slots=True)
class Event:
    """One meetup after normalization: what the store keeps and the feeds publish."""

    uid: str
    start: dt.date
    end: dt.date | None
    city: str | None
    subdivision: str | None
    country: str | None
    virtual: bool
    hybrid: bool
    regions: tuple[str, ...]  # a hybrid event has its continent and "Virtual"
    group: str | None
    group_url: str | None
    title: str | None
    url: str | None
    extra_urls: tuple[str, ...] = ()
    status: str = "CONFIRMED"  # or "CANCELLED"
    sequence: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    last_modified: dt.datetime | None = None
    issues: tuple[str, ...] = ()  # issues it was announced in, oldest first
    starts_at: dt.datetime | None = None  # a timed event: aware start and end, see RawEvent
    ends_at: dt.datetime | None = None
    timezone: str | None = None
    precision: str = "day"  # "day", "month" or "year" (month/year: from posts)
    confidence: float | None = None

    @property
    def name(self) -> str | None:
        """The event's name: its title (JSONL ``name``)."""
        return self.title

    @property
    def region(self) -> str:
        """The main region: the continent for in-person and hybrid events, else Virtual."""
        return self.regions[0] if self.regions else "Virtual"


@dataclass(slots=True)
class SourceReport:
    """How one source fared in a run."""

    name: str
    documents: int = 0
    events: int = 0
    error: str | None = None
    skipped: bool = False  # unchanged since the last run (conditional GET)
    failures: int = 0  # consecutive failed runs, this one included
    last_success: dt.datetime | None = None
    next_attempt: dt.datetime | None = None  # set while a failing source is left alone


@dataclass(slots=True)
class RunReport:
    """The summary of one run, printed by the CLI and kept for /healthz."""

    started: dt.datetime
    sources: list[SourceReport] = field(default_factory=list)
    events_found: int = 0
    new: int = 0
    updated: int = 0
    cancelled: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # feeds not replaced (collapse guard)
    accepted: list[str] = field(default_factory=list)  # collapses published (--accept-drop)

    @property
    def failed(self) -> bool:
        return any(s.error for s in self.sources) or bool(self.refused)
