"""Stored listings resolved for grouping, each worked out once and kept beside it in the store.

Resolving a listing (its place cleaned by ``merge.check_place``, then its identity key) reads
the gazetteer and depends on nothing but the listing and the code. The store keeps what it
gave beside each listing (``Store.listing_rows``) for as long as the same code runs
(``fingerprints.code_version``): a run after one new issue resolves only that issue's
listings, and a change to the code resolves every listing again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calendar_agg.codec import from_json
from calendar_agg.models import RawEvent
from calendar_agg.normalize.identity import identity_key
from calendar_agg.normalize.merge import check_place

if TYPE_CHECKING:
    from calendar_agg.store import Store

# Every field ``check_place`` may change: what is kept of a resolved listing, besides its
# identity key and the problems found.
PLACE_FIELDS = ("city", "subdivision", "country", "region")


@dataclass(frozen=True)
class ResolvedListing:
    """A listing with its place resolved, its identity key and what could not be resolved."""

    event: RawEvent
    key: str
    problems: tuple[str, ...] = ()


def resolve_listing(raw: RawEvent) -> ResolvedListing:
    event, problems = check_place(raw)
    return ResolvedListing(event, identity_key(event), tuple(problems))


def resolution_text(resolved: ResolvedListing) -> str:
    """What the store keeps of a resolved listing: its key, place fields and problems."""
    place = [getattr(resolved.event, name) for name in PLACE_FIELDS]
    return json.dumps([resolved.key, place, list(resolved.problems)], ensure_ascii=False)


def from_resolution_text(raw: RawEvent, text: str) -> ResolvedListing:
    """The listing ``raw`` resolved as ``resolution_text`` kept it."""
    key, place, problems = json.loads(text)
    event = dataclasses.replace(raw, **dict(zip(PLACE_FIELDS, place, strict=True)))
    return ResolvedListing(event, key, tuple(problems))


class StoredListings:
    """Every stored listing resolved, as (listing, issue date, when first stored), in the
    store's order; ``keep`` stores the resolutions worked out while iterating."""

    def __init__(self, store: Store, code: str) -> None:
        self._store = store
        self._fresh: dict[tuple, str] = {}
        if store.run_value("resolved_from") != code:
            store.forget_resolutions()  # resolved by other code
            store.set_run_value("resolved_from", code)

    def __iter__(self) -> Iterator[tuple[ResolvedListing, dt.date | None, dt.datetime]]:
        for row_key, data, kept, issue_date, stored_at in self._store.listing_rows():
            raw = from_json(RawEvent, data)
            if kept is None:
                resolved = resolve_listing(raw)
                self._fresh[row_key] = resolution_text(resolved)
            else:
                resolved = from_resolution_text(raw, kept)
            yield resolved, issue_date, stored_at

    def keep(self) -> None:
        """Store the resolutions worked out since the last ``keep``."""
        self._store.keep_resolutions(self._fresh)
        self._fresh = {}
