"""Change tracking: an event's state, SEQUENCE and history, derived from all its listings
in issue-date order, so the order in which issues arrive cannot change the result.

Walking the issues oldest first, each issue that lists the event gives its fields; a field
change bumps SEQUENCE and LAST-MODIFIED and is recorded with the issue that caused it. An
issue of a source that listed the event before, dated after its last listing, that lists
nothing for it although its coverage includes the event's date, cancels it (STATUS:CANCELLED,
kept: nothing is deleted); a later listing confirms it again.

An issue's coverage is its "Rusty Events between A - B" window. Without a window (older
issues) it is the span from the earliest to the latest date it lists, ending at most
``UNWINDOWED_DAYS`` after the issue's date: those issues often begin their list a few days
after publication. An issue that lists nothing covers nothing, nor does one whose list was not
read in full (``Issue.partial``).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from calendar_agg.event_rows import encoded
from calendar_agg.models import Event, Issue, Problem, RawEvent
from calendar_agg.normalize.calendars import CALENDAR_FORMATS, DELETED
from calendar_agg.normalize.identity import uid_for
from calendar_agg.normalize.listings import ResolvedListing, resolve_listing
from calendar_agg.normalize.merge import Listing, combine, group_listings, priority_of
from calendar_agg.records import EncodedRecord, change_kind, differences
from calendar_agg.store import Change, EventRecord, KeptEvent, Sighting, occurrence_key
from calendar_agg.workers import can_fork, forked_map

UNWINDOWED_DAYS = 14  # how far ahead an issue without a window lists (2014-21 issues: 2 weeks)

_TIME_FIELDS = ("starts_at", "ends_at", "timezone")


def events_from_listings(rows: Iterable[tuple[RawEvent | ResolvedListing, dt.date | None,
                                                dt.datetime]],
                         issues: Iterable[tuple[str, Issue]],
                         formats: Mapping[tuple[str, str], str] | None = None,
                         priorities: Mapping[str, int] | None = None,
                         known: Mapping[str, str] | None = None, processes: int = 1,
                         also: Callable[[Event, str], object] | None = None,
                         grouped: Callable[[list[list[Listing]], Spans], None] | None = None
                         ) -> tuple[Iterator[EventRecord | EncodedRecord | KeptEvent],
                                    list[Problem]]:
    """Every event from every stored listing (as parsed or already resolved, issue date,
    when first stored), with the problems found: places kept as written, likely duplicates
    left apart. ``formats``: (source, issue) -> the format it was read with;
    ``priorities``: source -> its configured priority (``merge.priority_of``). With
    ``known`` (``derivation_key`` -> uid of the stored events, derived by this same code),
    each record carries its key and an event whose key is known is a ``KeptEvent``:
    ``derive`` would give it unchanged. With ``processes`` > 1 and at least ``FORK_AT``
    more events than ``known`` ones (a backfill, or new code), they are derived in that
    many forked worker processes (``workers.forked_map``), which hand back each as the
    store's rows (an ``EncodedRecord``), with ``also(event, its JSON)`` when it is given (work the
    caller would do on each new event next, done by the workers meanwhile). ``grouped``
    is told the groups and each issue's span once they are known (``nearby.DeriveIndex``)."""
    formats = formats or {}
    listings, problems = listings_of(rows, formats, priorities or {})
    groups, duplicates = group_listings(listings)
    spans = issue_spans(listings)
    if grouped is not None:
        grouped(groups, spans)
    covered = coverages(newsletter_issues(issues, formats), spans)
    problems += duplicates_found(duplicates)
    return derived_records(groups, covered, known, processes, also), problems


def listings_of(rows: Iterable[tuple[RawEvent | ResolvedListing, dt.date | None, dt.datetime]],
                formats: Mapping[tuple[str, str], str], priorities: Mapping[str, int]
                ) -> tuple[list[Listing], list[Problem]]:
    """Stored listings (see ``events_from_listings``) as ``Listing``s, with the problems
    found resolving them."""
    listings, problems = [], []
    for listed, issue_date, stored_at in rows:
        resolved = listed if isinstance(listed, ResolvedListing) else resolve_listing(listed)
        event = resolved.event
        seen = (dt.datetime.combine(issue_date, dt.time(), tzinfo=dt.UTC) if issue_date
                else stored_at)
        authority = priority_of(formats.get((event.source, event.issue)),
                                priorities.get(event.source))
        listings.append(Listing(event, seen, resolved.key, authority, resolved.digest))
        problems += [Problem(event.source, event.issue, event.line, message)
                     for message in resolved.problems]
    return listings, problems


def newsletter_issues(issues: Iterable[tuple[str, Issue]],
                      formats: Mapping[tuple[str, str], str]) -> list[tuple[str, Issue]]:
    """The issues that are no calendar's fetches: only those have a coverage."""
    calendars = {key for key, format in formats.items() if format in CALENDAR_FORMATS}
    return [(source, issue) for source, issue in issues
            if (source, issue.name) not in calendars]


def duplicates_found(duplicates: Iterable[tuple[Listing, Listing]]) -> list[Problem]:
    return [_duplicate(a, b) for a, b in duplicates]


def derived_records(groups: list[list[Listing]], covered: dict[str, Timeline],
                    known: Mapping[str, str] | None, processes: int = 1,
                    also: Callable[[Event, str], object] | None = None
                    ) -> Iterator[EventRecord | EncodedRecord | KeptEvent]:
    """The event of each group, one at a time (see ``events_from_listings``)."""
    # one event at a time: the caller stores each before the next is derived
    # a run after a new issue keeps nearly every event as stored (``known``): not worth a fork
    if processes > 1 and len(groups) - len(known or ()) >= FORK_AT and can_fork():
        return _derived_in_workers(groups, covered, known, processes, also)
    if known is None:
        return (derive(group, covered) for group in groups)
    return (_derived(group, covered, known) for group in groups)


FORK_AT = 500  # events to derive from which workers do it (a fork costs a few hundredths)
_CHUNK = 100  # events a worker derives at a time

# What the workers forked by ``_derived_in_workers`` derive from: (groups, coverages, known,
# also)
_FORKED: tuple[list[list[Listing]], dict[str, Timeline], Mapping[str, str] | None,
               Callable[[Event, str], object] | None] | None = None


def _derived_in_workers(groups: list[list[Listing]], covered: dict[str, Timeline],
                        known: Mapping[str, str] | None, processes: int,
                        also: Callable[[Event, str], object] | None
                        ) -> Iterator[EncodedRecord | KeptEvent]:
    global _FORKED
    _FORKED = (groups, covered, known, also)
    try:
        yield from forked_map(_derive_range, len(groups), processes, _CHUNK)
    finally:
        _FORKED = None


def _derive_range(start: int, stop: int) -> list[EncodedRecord | KeptEvent]:
    """In a worker: the events of groups ``start`` to ``stop``, as the store's rows."""
    assert _FORKED is not None
    groups, covered, known, also = _FORKED
    made: list[EncodedRecord | KeptEvent] = []
    for group in groups[start:stop]:
        record = derive(group, covered) if known is None else _derived(group, covered, known)
        if isinstance(record, KeptEvent):
            made.append(record)
        else:
            rows = encoded(record)
            made.append(dataclasses.replace(rows, also=also(record.event, rows.data))
                        if also else rows)
    return made


def _derived(listings: list[Listing], covered: dict[str, Timeline],
             known: Mapping[str, str]) -> EventRecord | KeptEvent:
    key = derivation_key(listings, covered)
    if key in known:
        return KeptEvent(known[key])
    return dataclasses.replace(derive(listings, covered), derived_from=key)


def derivation_key(listings: list[Listing], covered: dict[str, Timeline]) -> str:
    """A digest of everything ``derive`` reads for one group: its listings, in full, and
    the issues that may cancel it by not listing it (``_silent``)."""
    digest = hashlib.blake2b(digest_size=16)
    for listing in listings:
        digest.update(_listing_bytes(listing) + b"\0")
    digest.update(repr(_silent(listings, covered, {li.snapshot for li in listings})).encode())
    return digest.hexdigest()


def _listing_bytes(listing: Listing) -> bytes:
    """All of a listing ``derive`` reads: the digest of what the store keeps of it when
    there is one (cheaper than a repr), its date and authority."""
    if not listing.digest:
        return repr(listing).encode()
    return f"{listing.seen.isoformat()} {listing.priority} ".encode() + listing.digest


def _duplicate(first: Listing, other: Listing) -> Problem:
    return Problem(other.event.source, other.event.issue, other.event.line,
                   f"possibly the same event as {first.event.issue}:{first.event.line} (same "
                   f"date, organiser and city, another link); kept apart, check by hand",
                   other.event.url or "")


@dataclass(frozen=True)
class Coverage:
    """The dates an issue lists all events for."""

    source: str
    issue: str
    seen: dt.datetime
    first: dt.date
    last: dt.date


class Timeline:
    """One source's coverages, oldest first, and their dates: the coverages within a span
    are found by bisection, not by a scan (an archive has thousands of issues)."""

    def __init__(self, coverages: list[Coverage]) -> None:
        self.coverages = coverages
        self._seen = [c.seen for c in coverages]

    def between(self, after: dt.datetime, until: dt.datetime) -> list[Coverage]:
        """The coverages seen after ``after`` and no later than ``until``."""
        start = bisect.bisect_right(self._seen, after)
        return self.coverages[start:bisect.bisect_right(self._seen, until, lo=start)]


# (source, issue) -> (when its first listing was seen, its earliest and latest date listed)
Spans = dict[tuple[str, str], tuple[dt.datetime, dt.date, dt.date]]


def issue_spans(listings: Iterable[Listing]) -> Spans:
    """Each issue's span of dates listed (``Spans``), from its listings in the store's
    order."""
    spans: Spans = {}
    for listing in listings:
        key, start = (listing.event.source, listing.event.issue), listing.event.start
        found = spans.get(key)
        if found is None:
            spans[key] = (listing.seen, start, start)
        elif not found[1] <= start <= found[2]:
            spans[key] = (found[0], min(found[1], start), max(found[2], start))
    return spans


def coverages(issues: Iterable[tuple[str, Issue]], spans: Spans) -> dict[str, Timeline]:
    """Each source's issue coverages, oldest first (see the module docstring)."""
    found: dict[str, list[Coverage]] = defaultdict(list)
    for source, issue in issues:
        span = spans.get((source, issue.name))
        if span is None or issue.date is None or issue.partial:
            continue
        seen, earliest, latest = span
        if issue.window:
            first, last = issue.window
        else:
            first = earliest
            last = min(latest, issue.date + dt.timedelta(UNWINDOWED_DAYS))
        found[source].append(Coverage(source, issue.name, seen, first, last))
    return {source: Timeline(sorted(items, key=lambda c: (c.seen, c.issue)))
            for source, items in found.items()}


def derive(listings: list[Listing], covered: dict[str, Timeline]) -> EventRecord:
    """The event one group of listings (oldest first) makes, with its history."""
    snapshots: dict[tuple, list[Listing]] = defaultdict(list)
    for listing in listings:
        snapshots[listing.snapshot].append(listing)
    steps: list[tuple] = [(key, found) for key, found in snapshots.items()]
    steps += [((c.seen, c.source, c.issue), c) for c in _silent(listings, covered, snapshots)]
    words: dict[tuple[str, str], _Word] = {}  # by (source, calendar occurrence or "")
    state: dict | None = None
    history: list[Change] = []
    for (seen, source, issue), step in sorted(steps, key=lambda s: s[0]):
        reasons: list[str | None] = []
        for key, part in _parts(source, step):
            word, reason = _hear(words.get(key), seen, source, part)
            if word is not None:
                words[key], reasons = word, reasons + [reason]
        if not reasons:
            continue
        reason = next((r for r in reasons if r), None)
        fields = _agreed(words)
        if state is None:
            history.append(Change(seen, source, issue, "new", {"status": fields["status"]}))
        else:
            changes: dict = differences(state, fields)  # and a "reason" string
            if reason and changes.get("status", [None, None])[1] == "CANCELLED":
                changes["reason"] = reason
            if changes:
                history.append(Change(seen, source, issue, change_kind(changes), changes))
        state = fields
    assert state is not None  # a group always has a listing
    return _record(listings, state, history)


@dataclass(frozen=True)
class _Word:
    """What one source last said about an event, and how much that counts."""

    fields: dict
    seen: dt.datetime
    source: str
    priority: int

    @property
    def rank(self) -> tuple:
        """The most authoritative source first; among equals, whoever spoke last."""
        return (self.priority, self.seen, self.source)


def _hear(word: _Word | None, seen: dt.datetime, source: str, step: list[Listing] | Coverage
          ) -> tuple[_Word | None, str | None]:
    """A source's new word on the event after one of its issues, with the reason for a
    cancellation; (None, None) when the step says nothing new. An issue that covers the
    event's date without listing it, after the source last listed it, cancels it."""
    if isinstance(step, Coverage):
        if word and word.fields["status"] == "CONFIRMED" and seen > word.seen \
                and step.first <= word.fields["start"] <= step.last:
            return (_Word(word.fields | {"status": "CANCELLED"}, seen, source, word.priority),
                    f"not listed although the issue lists {step.first} to {step.last}")
        return None, None
    reason = ("deleted from the calendar" if all(li.event.status == DELETED for li in step)
              else None)
    return _Word(_fields(step), seen, source, max(li.priority for li in step)), reason


def _live(word: _Word) -> tuple:
    return (word.fields["status"] == "CONFIRMED", word.seen)


def _parts(source: str, step: list[Listing] | Coverage
           ) -> list[tuple[tuple[str, str], list[Listing] | Coverage]]:
    """A step split by who speaks: a calendar speaks for each of its occurrences (one meetup
    it lists twice is deleted only when both are gone), a newsletter issue as a whole."""
    if isinstance(step, Coverage):
        return [((source, ""), step)]
    found: dict[str, list[Listing]] = defaultdict(list)
    for listing in step:
        found[listing.event.source_uid or ""].append(listing)
    return [((source, uid), found[uid]) for uid in sorted(found)]


def _agreed(words: dict[tuple[str, str], _Word]) -> dict:
    """The event's fields: the most authoritative source's word (a calendar's live
    occurrence before a deleted one); when it has a bare date, the time another source
    gives for that date (a time beats a bare date)."""
    per_source: dict[str, _Word] = {}
    for (source, _), word in sorted(words.items()):
        best = per_source.get(source)
        if best is None or _live(word) > _live(best):
            per_source[source] = word
    ranked = sorted(per_source.values(), key=lambda w: w.rank, reverse=True)
    agreed = ranked[0].fields
    if agreed["starts_at"] is None:
        timed = next((w.fields for w in ranked[1:] if w.fields["starts_at"] is not None
                      and w.fields["start"] == agreed["start"]), None)
        if timed is not None:
            agreed = agreed | {name: timed[name] for name in _TIME_FIELDS}
    return agreed


def _silent(listings: list[Listing], covered: dict[str, Timeline],
            snapshots: Collection[tuple]) -> list[Coverage]:
    """Issues of the event's sources after its first listing that do not list it and are
    dated no later than its latest date (a later issue cannot cover it)."""
    latest = dt.datetime.combine(max(li.event.start for li in listings), dt.time(),
                                 tzinfo=dt.UTC)
    found = []
    for source in sorted({li.event.source for li in listings}):
        timeline = covered.get(source)
        if timeline is not None:
            found += [c for c in timeline.between(listings[0].seen, latest)
                      if (c.seen, c.source, c.issue) not in snapshots]
    return found


def _fields(listings: list[Listing]) -> dict:
    """What one issue says about the event: its fields, regions and status."""
    cancelled = any(li.event.status in ("CANCELLED", DELETED) for li in listings)
    return combine(listings) | {"status": "CANCELLED" if cancelled else "CONFIRMED"}


def _record(listings: list[Listing], state: dict, history: list[Change]) -> EventRecord:
    modified: list[dt.datetime] = []
    for change in history:  # LAST-MODIFIED strictly grows, even for two changes in a day
        at = change.at if not modified or change.at > modified[-1] else \
            modified[-1] + dt.timedelta(seconds=1)
        modified.append(at)
    # deletions are no sightings, unless an occurrence has nothing else: a calendar fetch
    # deleted it the day an earlier fetch found it, and its deletion stands for that find
    listed = [li for li in listings if li.event.status != DELETED] or listings
    issues = tuple(dict.fromkeys(li.event.issue for li in listed))
    event = Event(uid=uid_for(listings[0].key), sequence=len(history) - 1,
                  first_seen=listings[0].seen, last_seen=listed[-1].seen,
                  last_modified=modified[-1], issues=issues, **state)
    sightings = tuple(Sighting(li.event.source, li.event.issue, li.event.line, li.seen.date(),
                               occurrence=occurrence_key(li.event, li.seen.date()))
                      for li in listed)
    return EventRecord(event, sightings, tuple(history))
