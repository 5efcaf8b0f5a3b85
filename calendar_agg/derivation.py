"""A run's derivation: the events again from the stored listings, after the run stored its
own (``pipeline``), with their sightings, history and the problems found. Everything when
the code, the priorities or a stored listing changed; only near what the run added
otherwise (``normalize.nearby``); nothing when no document was parsed."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, cast

from calendar_agg.config import Settings
from calendar_agg.fingerprints import code_version
from calendar_agg.models import Problem, RunReport
from calendar_agg.records import EncodedRecord, EventRecord, KeptEvent
from calendar_agg.store import Store, from_json, to_json

if TYPE_CHECKING:
    from calendar_agg.normalize import nearby
    from calendar_agg.normalize.changes import Spans
    from calendar_agg.normalize.listings import ResolvedListing
    from calendar_agg.normalize.merge import Listing

log = logging.getLogger(__name__)


def derive(store: Store, report: RunReport, priorities: dict[str, int],
           seen: set[tuple[str, str]], parsed_any: bool,
           fresh: dict[tuple, ResolvedListing] | None = None,
           settings: Settings | None = None) -> None:
    """Derive the events again when a document was parsed (or the code or the priorities
    changed); else they are as stored, and the problems found then are reported again.
    ``fresh``: the listings this run stored, resolved (``pipeline.ListingKeeper.resolved``)."""
    inputs = f"{code_version()} {json.dumps(priorities, sort_keys=True)}"
    same_code = store.run_value("derived_from") == inputs
    if parsed_any or not same_code:
        from calendar_agg.normalize.identity import forget_canonical_urls

        try:
            problems = derive_events(store, report, priorities, reuse=same_code, fresh=fresh,
                                     settings=settings, inputs=inputs)
        finally:
            forget_canonical_urls()  # a daemon's memo would hold every link it ever read
        store.set_run_value("derived_from", inputs)
    else:
        problems = _derive_problems(store)
    report.problems.extend(p for p in problems if (p.source, p.document) in seen)


def derive_events(store: Store, report: RunReport, priorities: dict[str, int] | None = None,
                  reuse: bool = False, fresh: dict[tuple, ResolvedListing] | None = None,
                  settings: Settings | None = None, inputs: str = "") -> list[Problem]:
    """Derive the events again from the stored listings (``ListingKeeper`` stored the run's,
    and gives them as ``fresh``): the result cannot depend on the order in which issues
    arrived. ``priorities``: configured ``priority`` by source name; ``reuse``: the stored
    events were derived by this code (``inputs``: code and priorities), so an event whose
    inputs did not change is kept as stored, and when the run only added listings, only the
    events near them are derived (``normalize.nearby``). With ``settings``, ``[parse]
    workers`` may derive them, and make each new event's VEVENT meanwhile, kept for
    publishing (``Store.keep_vevent_part``). Returns the problems found (for every issue),
    which it keeps for the runs that derive nothing and those that derive near what they
    added."""
    from calendar_agg.normalize import changes, nearby
    from calendar_agg.normalize.listings import StoredListings

    priorities = priorities or {}
    issues, formats = store.issues(), store.issue_formats()
    states = nearby.issue_states(issues, formats)
    processes = settings.parse.workers if settings else 1
    also = None
    if settings is not None and settings.parse.workers > 1:
        from calendar_agg.publish.ics import keyed_part  # here: forked workers have it

        also = functools.partial(keyed_part, base_url=settings.output.base_url)
    index = _derive_index(store) if reuse and inputs else None
    written = store.listings_written
    added = index.added(inputs, written, store.stored_listing_keys(written),
                        store.listing_count(), states) if index is not None else None
    read: list[StoredListings] = []

    def listings(keys: Collection[tuple] | None = None) -> StoredListings:
        read.append(StoredListings(store, code_version(), fresh, keys))
        return read[-1]

    near = None
    grouped: list[tuple[list[list[Listing]], Spans]] = []
    if index is not None and added is not None:
        near = nearby.derive_near(index, added, listings, issues, formats, priorities,
                                  store.derivations, _derive_problems(store), processes, also)
        records, problems, among = near.records, near.problems, near.among
        log.info("%d listings added: deriving again only the %d events near them",
                 len(added), len(among))
    else:
        records, problems = changes.events_from_listings(
            listings(), issues, formats, priorities, store.derivations() if reuse else {},
            processes, also,
            lambda groups, spans: grouped.append((groups, spans)))
        problems, among = nearby.in_order(problems), None
    for stored in read:
        stored.keep()
    if also is not None:
        own_output_parts(store)
    stats = store.save_events(_parts_kept(records, store), among)
    if near is not None:
        store.update_derive_index(near.meta, near.removed, nearby.index_rows(near.groups))
    elif inputs and grouped and nearby.indexable(grouped[0][0]):
        groups, spans = grouped[0]
        store.replace_derive_index(nearby.index_meta(inputs, states, spans),
                                   nearby.index_rows(groups))
    else:
        store.replace_derive_index(None, ())
    store.set_run_value("derive_problems", json.dumps([to_json(p) for p in problems]))
    report.new, report.updated, report.cancelled = stats.new, stats.updated, stats.cancelled
    if stats.removed:
        log.info("%d events regrouped into others (an older issue arrived late)", stats.removed)
    return problems


def _derive_index(store: Store) -> nearby.DeriveIndex | None:
    from calendar_agg.normalize.nearby import DeriveIndex

    meta = store.derive_index_meta()
    return DeriveIndex.load(meta, store.derive_rows()) if meta is not None else None


def _derive_problems(store: Store) -> list[Problem]:
    """The problems the last derivation found (``derive``)."""
    return [from_json(Problem, p) for p in json.loads(store.run_value("derive_problems") or "[]")]


def _parts_kept(records: Iterable[EventRecord | EncodedRecord | KeptEvent], store: Store
                ) -> Iterator[EventRecord | EncodedRecord | KeptEvent]:
    """``records`` as they come, the VEVENT each brings (``EncodedRecord.also``) kept in the
    store for publishing, not held: a backfill of a large archive makes tens of thousands."""
    for record in records:
        if isinstance(record, EncodedRecord) and record.also is not None:
            key, (tzids, data) = cast(tuple[str, tuple[str, bytes]], record.also)
            store.keep_vevent_part(key, tzids, data)
        yield record


def own_output_parts(store: Store) -> None:
    """Forget the VEVENTs and Atom entries other code wrote, if any: only this code's are
    kept (``vevents_from``)."""
    if store.run_value("vevents_from") != code_version():
        store.keep_vevent_parts({})
        store.keep_atom_entries({})
        store.set_run_value("vevents_from", code_version())
