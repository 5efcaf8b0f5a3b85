"""Stored listings resolved for grouping, each worked out once and kept beside it in the store.

Resolving a listing (its place cleaned by ``merge.check_place``, then its identity key) reads
the gazetteer and depends on nothing but the listing and the code. The store keeps what it
gave beside each listing (``Store.listing_rows``) for as long as the same code runs
(``fingerprints.code_version``): a run after one new issue resolves only that issue's
listings, and a change to the code resolves every listing again.

What is kept is the whole resolved listing as one compact JSON array (its key, problems and
field values in ``RawEvent``'s order): reading it back is one JSON reading, so a run that
reads every listing back does not decode each one twice (as parsed, then as resolved).
That text also stands for the listing in ``changes.derivation_key``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import typing
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from sys import intern
from typing import TYPE_CHECKING

from calendar_agg.codec import dumps, from_json, loads, to_json
from calendar_agg.models import RawEvent
from calendar_agg.normalize.identity import canonical_urls, identity_key, remember_canonical_urls
from calendar_agg.normalize.merge import check_place, traits_of

if TYPE_CHECKING:
    from calendar_agg.store import Store


def _iso_type(hint: object) -> type[dt.date] | None:
    """``dt.datetime`` or ``dt.date`` for a field holding one (or None), else None."""
    for kind in (dt.datetime, dt.date):  # a datetime is a date too: asked first
        if hint is kind or kind in typing.get_args(hint):
            return kind
    return None


# Every field ``check_place`` may change.
PLACE_FIELDS = ("city", "subdivision", "country", "region")
_FIELDS = tuple(RawEvent.__dataclass_fields__)
_HINTS = typing.get_type_hints(RawEvent)
# Fields kept as ISO text (index, type): read back with the type's ``fromisoformat``.
_ISO_FIELDS = tuple((index, kind) for index, name in enumerate(_FIELDS)
                    if (kind := _iso_type(_HINTS[name])) is not None)
_EXTRA_URLS = _FIELDS.index("extra_urls")  # a tuple, which JSON gives back as a list


@dataclass(frozen=True)
class ResolvedListing:
    """A listing with its place resolved, its identity key and what could not be resolved;
    ``text`` is what the store keeps of it (``resolution_text``; "" once it is stored and
    no longer needed), ``digest`` a digest of that text, which stands for the listing in
    ``changes.derivation_key``."""

    event: RawEvent
    key: str
    problems: tuple[str, ...] = ()
    text: str = dataclasses.field(default="", compare=False, repr=False)
    digest: bytes = dataclasses.field(default=b"", compare=False, repr=False)


def resolve_listing(raw: RawEvent) -> ResolvedListing:
    event, problems = check_place(raw)
    resolved = ResolvedListing(event, identity_key(event), tuple(problems))
    text = resolution_text(resolved)
    return ResolvedListing(resolved.event, resolved.key, resolved.problems, text, _digest(text))


def encode_listing(raw: RawEvent) -> tuple[str, str]:
    """A listing as the store keeps it: (its JSON as parsed, its ``resolution_text``)."""
    return to_json(raw), resolve_listing(raw).text


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def resolution_text(resolved: ResolvedListing) -> str:
    """What the store keeps of a resolved listing: its key, problems, field values and the
    canonical forms of its links (``identity.canonical_urls``)."""
    values = [getattr(resolved.event, name) for name in _FIELDS]
    for index, _ in _ISO_FIELDS:
        if values[index] is not None:
            values[index] = values[index].isoformat()
    event = resolved.event
    links = canonical_urls([event.url, *event.extra_urls, event.group_url])
    return dumps([resolved.key, resolved.problems, values, links])


def from_resolution_text(text: str) -> ResolvedListing:
    """The resolved listing ``resolution_text`` kept."""
    key, problems, values, links = loads(text)
    remember_canonical_urls(links)  # grouping asks for them
    # one copy of each text: the same meetup, organiser and place are listed week after
    # week, and an archive's listings are all held while the events are derived
    values = [intern(value) if type(value) is str else value for value in values]
    for index, kind in _ISO_FIELDS:
        if values[index] is not None:
            values[index] = kind.fromisoformat(values[index])
    values[_EXTRA_URLS] = tuple(map(intern, values[_EXTRA_URLS]))
    return ResolvedListing(RawEvent(*values), key, tuple(problems), text, _digest(text))


def forget_other_code(store: Store, code: str) -> None:
    """Forget the kept resolutions unless this ``code`` worked them out."""
    if store.run_value("resolved_from") != code:
        store.forget_resolutions()  # resolved by other code
        store.set_run_value("resolved_from", code)


class FreshListings:
    """The listings a run stores, resolved as they are stored (``resolve``): their
    resolutions are stored with them, and ``StoredListings`` takes these, as resolved,
    instead of reading them back."""

    def __init__(self, store: Store, code: str) -> None:
        forget_other_code(store, code)
        self.resolved: dict[tuple, ResolvedListing] = {}  # by ``Store.listing_rows`` key

    def resolve(self, source: str, issue_date: dt.date | None, events: list[RawEvent],
                encoded: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        """One issue's ``events`` as the store keeps them, (listing JSON, resolution): as
        their parse encoded them (``pipeline.parse_fetched``, maybe in a worker process),
        else encoded here. Each is remembered as read back from its resolution, exactly
        what a later run reads (a time's zone becomes a fixed offset)."""
        from calendar_agg.store import occurrence_key

        if encoded is None:
            encoded = [encode_listing(event) for event in events]
        for event, (_, text) in zip(events, encoded, strict=True):
            key = (source, event.issue, event.line, occurrence_key(event, issue_date))
            resolved = from_resolution_text(text)  # its text is in the store: not kept here
            self.resolved[key] = ResolvedListing(resolved.event, resolved.key,
                                                 resolved.problems, "", resolved.digest)
            # what grouping will compare of it, worked out now: a backfill does it while
            # workers parse the next documents, not after the last one
            traits_of(resolved.event)
        return encoded


class StoredListings:
    """Every stored listing (or those with ``keys``) resolved, as (listing, issue date, when
    first stored), in the store's order; ``keep`` stores the resolutions worked out while
    iterating. ``fresh``: the listings this run stored, as resolved then
    (``FreshListings.resolved``); each is taken out of it as it is given."""

    def __init__(self, store: Store, code: str,
                 fresh: dict[tuple, ResolvedListing] | None = None,
                 keys: Collection[tuple] | None = None) -> None:
        self._store, self._keys = store, keys
        self._fresh: dict[tuple, str] = {}
        self._stored = fresh or {}
        forget_other_code(store, code)

    def __iter__(self) -> Iterator[tuple[ResolvedListing, dt.date | None, dt.datetime]]:
        stored = self._stored
        for row_key, data, kept, issue_date, stored_at in self._store.listing_rows(self._keys):
            if kept is None:
                resolved = resolve_listing(from_json(RawEvent, data))
                self._fresh[row_key] = resolved.text
            else:
                fresh = stored.pop(row_key, None) if stored else None
                # taken only if it is what the store holds (a savepoint rolled back undoes
                # what a failed source stored, not what was handed over)
                resolved = (fresh if fresh is not None and fresh.digest == _digest(kept)
                            else from_resolution_text(kept))
            yield resolved, issue_date, stored_at

    def keep(self) -> None:
        """Store the resolutions worked out since the last ``keep``."""
        self._store.keep_resolutions(self._fresh)
        self._fresh = {}
