"""Deriving again only the events near what a run added.

After one new issue, deriving everything reads back every stored listing, groups them all
and works out every event's derivation key, only to keep all but a few dozen events as
stored. ``DeriveIndex`` keeps what the last derivation grouped: for each listing, the event
it went into and the features the grouping rules compare (``features``), and each issue's
span of dates. When a run only added listings (nothing stored before was rewritten or
deleted, no issue's date, window or format changed, the same code and priorities derive),
the events derived again are those

* sharing a feature with an added listing, closed over: a grouping rule only ever compares
  listings that share a feature, so these regroup among themselves exactly as among all;
* that an added issue may cancel by not listing them: its coverage falls after their first
  listing and no later than their latest date (``changes._silent``);
* with a page link that an added listing makes an organiser's link (rule 2), and again all
  that share a feature with them.

Every other event stays as stored. Calendar sources (whose occurrences share a line and
change in place) always derive everything, as does a run without a valid index; the
index is rebuilt from that derivation.
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from calendar_agg.models import Event, Issue, Problem
from calendar_agg.normalize.changes import (
    Coverage,
    Spans,
    Timeline,
    coverages,
    derived_records,
    duplicates_found,
    issue_spans,
    listings_of,
    newsletter_issues,
)
from calendar_agg.normalize.identity import uid_for
from calendar_agg.normalize.merge import Listing, group_listings
from calendar_agg.records import EncodedRecord, EventRecord, KeptEvent
from calendar_agg.store import occurrence_key

INDEX_VERSION = 1

# (source, issue, line, occurrence): a listing's key in the store (``Store.listing_rows``)
Key = tuple[str, str, int, str]
# (key, uid of its event, seen, start, organiser's link, features)
Row = tuple[Key, str, str, str, str, tuple[str, ...]]


def features(listing: Listing, start: str | None = None) -> tuple[str, ...]:
    """What the grouping rules compare of a listing (``merge.group_listings``), as text: two
    listings that no rule compares share none. "p|" (a page link that is no event's own) is
    asked only when an organiser's link appears (rule 2's exception). ``start``: its date in
    ISO form, when known."""
    event, traits = listing.event, listing.traits
    start = start or event.start.isoformat()
    found = [f"k|{listing.key}"]  # rule 1
    if event.source_uid:
        found.append(f"c|{event.source}|{event.source_uid}")
    for link, specific, has_path in traits.pages:  # rule 2
        found.append(f"l|{link}|{start}")
        if not specific and has_path:
            found.append(f"p|{link}")
    if traits.moved_link:  # rule 3
        found.append(f"u|{traits.moved_link}")
    if traits.place:  # rule 4
        found += [f"b|{organiser}|{traits.place}|{start}" for organiser in traits.organisers]
    return tuple(found)


def issue_states(issues: Iterable[tuple[str, Issue]], formats: Mapping[tuple[str, str], str]
                 ) -> dict[tuple[str, str], str]:
    """What deriving reads of each issue besides its listings: date, window, whether it was
    read in full, format."""
    return {(source, issue.name): repr((issue.date, issue.window, issue.partial,
                                        formats.get((source, issue.name))))
            for source, issue in issues}


def _rows(groups: Iterable[list[Listing]]) -> Iterator[Row]:
    """The index's rows of the listings of ``groups``."""
    seen: dict[dt.datetime, str] = {}  # the issues' dates, each written once
    for group in groups:
        uid = uid_for(group[0].key)
        for listing in group:
            event = listing.event
            occurrence = occurrence_key(event, listing.seen.date()) if event.source_uid else ""
            start = event.start.isoformat()
            when = seen.get(listing.seen) or seen.setdefault(listing.seen,
                                                             listing.seen.isoformat())
            yield ((event.source, event.issue, event.line, occurrence), uid, when, start,
                   listing.traits.organiser_link or "", features(listing, start))


def indexable(groups: Iterable[list[Listing]]) -> bool:
    """Whether an index of these groups can tell what is near (no calendar listings)."""
    return not any(listing.from_calendar for group in groups for listing in group)


def index_meta(inputs: str, issues: dict[tuple[str, str], str], spans: Spans) -> bytes:
    """What the index keeps besides its rows: what derived, each issue's state and span."""
    return marshal.dumps((INDEX_VERSION, inputs, issues, {
        key: (seen.isoformat(), first.isoformat(), last.isoformat())
        for key, (seen, first, last) in spans.items()}))


def index_rows(groups: Iterable[list[Listing]]) -> Iterator[tuple[Key, bytes]]:
    """The index's rows of the listings of ``groups``, as stored (``Store.derive_rows``):
    made and written one at a time, so that a backfill of a large archive never holds them
    all besides its listings."""
    return ((row[0], marshal.dumps(row[1:])) for row in _rows(groups))


@dataclass
class DeriveIndex:
    """The listings the last derivation grouped (``Row``), by key; each issue's span; the
    state of each issue; and what derived (code and priorities, ``inputs``)."""

    inputs: str
    issues: dict[tuple[str, str], str]
    spans: Spans
    rows: dict[Key, Row]

    @classmethod
    def load(cls, meta: bytes, rows: Iterable[tuple[Key, bytes]]) -> DeriveIndex | None:
        """The index ``index_meta`` and ``index_rows`` stored; None for another version or
        damaged bytes."""
        try:
            version, inputs, issues, spans = marshal.loads(meta)
            if version != INDEX_VERSION:
                return None
            found = {key: (key, *marshal.loads(data)) for key, data in rows}
        except (EOFError, ValueError, TypeError):
            return None
        return cls(inputs, issues, {
            key: (dt.datetime.fromisoformat(seen), dt.date.fromisoformat(first),
                  dt.date.fromisoformat(last)) for key, (seen, first, last) in spans.items()},
            found)

    def added(self, inputs: str, written: Collection[tuple], present: set[Key], stored: int,
              issues: dict[tuple[str, str], str]) -> set[Key] | None:
        """The keys of the listings added since this index was made, if adding is all that
        happened; else None. ``written``: the listing keys the run wrote or deleted (every
        run that writes listings derives and keeps the index in the same transaction: the
        listings it did not touch are those indexed); ``present``: those of them stored;
        ``stored``: how many listings are stored; ``issues``: ``issue_states`` now."""
        if inputs != self.inputs or any(key in self.rows or key[3] for key in written):
            return None
        if any(self.issues.get(key, state) != state for key, state in issues.items()) \
                or not self.issues.keys() <= issues.keys():
            return None
        if stored != len(self.rows) + len(present):
            return None
        if any(key[:2] in self.spans for key in present):
            return None  # added to an issue indexed before
        return present

    def near(self, added: list[Listing], covered: dict[str, Timeline]
             ) -> tuple[set[Key], set[str]]:
        """The keys of the stored listings to derive again with ``added`` (see the module),
        and the uids of the events they made; ``covered``: every coverage, the added
        issues' included."""
        by_feature: dict[str, list[Key]] = defaultdict(list)
        by_uid: dict[str, list[Key]] = defaultdict(list)
        for key, uid, _, _, _, found in self.rows.values():
            by_uid[uid].append(key)
            for feature in found:
                by_feature[feature].append(key)
        organisers = self.organisers()
        todo = [f for listing in added for f in features(listing) if not f.startswith("p|")]
        todo += [f"p|{link}" for listing in added
                 if (link := listing.traits.organiser_link) and link not in organisers]
        uids = self._cancellable(added, covered, by_uid)
        done_features: set[str] = set(todo)
        done_uids: set[str] = set()
        pending = list(uids)
        while todo or pending:
            for feature in todo:
                pending += [self.rows[key][1] for key in by_feature.get(feature, ())]
            todo = []
            for uid in pending:
                if uid in done_uids:
                    continue
                done_uids.add(uid)
                for key in by_uid[uid]:
                    for feature in self.rows[key][5]:
                        if feature not in done_features and not feature.startswith("p|"):
                            done_features.add(feature)
                            todo.append(feature)
            pending = []
        return {key for uid in done_uids for key in by_uid[uid]}, done_uids

    def _cancellable(self, added: list[Listing], covered: dict[str, Timeline],
                     by_uid: dict[str, list[Key]]) -> set[str]:
        """The events an added issue's coverage may cancel (``changes._silent``): of its
        source, first listed before it, with a date on or after its day."""
        issues = {(li.event.source, li.event.issue) for li in added}
        new: list[Coverage] = [c for timeline in covered.values() for c in timeline.coverages
                               if (c.source, c.issue) in issues]
        if not new:
            return set()
        earliest = min(c.seen for c in new).date().isoformat()
        found = set()
        for uid, keys in by_uid.items():
            rows = [self.rows[key] for key in keys]
            latest_day = max(row[3] for row in rows)
            if latest_day < earliest:  # over before any added issue: most events
                continue
            sources = {key[0] for key in keys}
            first = min(dt.datetime.fromisoformat(row[2]) for row in rows)
            latest = dt.datetime.combine(dt.date.fromisoformat(latest_day), dt.time(),
                                         tzinfo=dt.UTC)
            if any(c.source in sources and first < c.seen <= latest for c in new):
                found.add(uid)
        return found

    def organisers(self) -> set[str | None]:
        """Every organiser's link of the indexed listings (rule 2's ``everyone``)."""
        return {row[4] or None for row in self.rows.values()}

@dataclass
class Rederived:
    """The events derived again near what was added (``derive_near``): their records, which
    replace the stored events ``among``; every problem (those kept from the last derivation
    and those found now); and how the index changes once the records are stored: its new
    ``meta`` (``index_meta``), the rows ``removed`` and the ``groups`` whose rows replace
    them (``index_rows``)."""

    records: Iterator[EventRecord | EncodedRecord | KeptEvent]
    among: set[str]
    problems: list[Problem]
    meta: bytes
    removed: set[Key]
    groups: list[list[Listing]]


def derive_near(index: DeriveIndex, added: set[Key],
                read: Callable[[Collection[Key]], Iterable[tuple]],
                issues: list[tuple[str, Issue]], formats: Mapping[tuple[str, str], str],
                priorities: Mapping[str, int],
                known: Callable[[Collection[str]], Mapping[str, str]],
                problems_before: Iterable[Problem], processes: int = 1,
                also: Callable[[Event, str], object] | None = None) -> Rederived:
    """Derive the events near the ``added`` listings (``DeriveIndex.added``) again; ``read``
    gives the stored listings of some keys (``listings.StoredListings``), ``known`` some
    stored events by ``changes.derivation_key`` (``Store.derivations``), ``problems_before``
    the problems of the last derivation."""
    fresh, problems = listings_of(read(added), formats, priorities)
    spans = issue_spans(fresh)
    covered = coverages(newsletter_issues(issues, formats), index.spans | spans)
    keys, uids = index.near(fresh, covered)
    stored, found = listings_of(read(keys), formats, priorities)
    everyone = index.organisers() | {li.traits.organiser_link for li in fresh}
    groups, duplicates = group_listings(stored + fresh, everyone)
    places = {key[:3] for key in keys | added}
    problems = [p for p in problems_before if (p.source, p.document, p.line) not in places] \
        + found + problems + duplicates_found(duplicates)
    meta = index_meta(index.inputs, issue_states(issues, formats), index.spans | spans)
    return Rederived(derived_records(groups, covered, known(uids), processes, also), uids,
                     in_order(problems), meta, keys, groups)


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in the order of the listings they are about (issue by issue, line by line),
    whichever derivation found them."""
    return sorted(problems, key=lambda p: (p.source, p.document,
                                           -1 if p.line is None else p.line))
