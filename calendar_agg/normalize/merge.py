"""Listings -> events: resolve each listing's place and region, decide which listings are one
meetup, and combine the listings of one issue into the fields the event carries.

Which listings are one event (exact rules, no fuzzy matching; README "Duplicates"):

1. the same identity key (canonical event URL + date, or organiser + city + date), or the
   same id given by the source itself (``source_uid``, from calendar sources);
2. a shared page link on the same date (a listing's mirror is another's main link); a page
   link is event-specific, or has a path and is no organiser's link;
3. a move: one event-specific link listed with one date, then with another, where no issue
   lists both dates (else it is a series) and the new date was first listed before the
   previous one had passed (else it is the next occurrence); moving back counts too; not
   for calendar listings, whose own ids tell their moves (a series shares one link);
4. a replaced link: listings with the same date, organiser (same group link, Meetup group or
   group name) and city whose links differ, where
   each link's listings all come from issues before the next one's (the editor swapped the
   link), or whose titles are the same (an event listed twice). Other listings with the same
   date, organiser and city (shown together in one issue, or alternating) are left apart
   and reported for review. Between a calendar and newsletters, the same date, organiser
   and city is one event when each calendar lists one event there and the newsletters one.

Which listing gives the event's fields is decided in ``changes`` by ``priority_of``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from itertools import combinations, pairwise
from typing import NamedTuple

from calendar_agg.models import Event, RawEvent
from calendar_agg.normalize import places, regions, spelling
from calendar_agg.normalize.identity import (
    canonical_url,
    fold,
    identity_key,
    is_event_link,
    link_path,
    organiser_keys,
    place_key,
)

# How authoritative each format's listings are when listings of one event disagree (higher
# wins; ``[[sources]] priority`` overrides): the organiser's own calendar beats a newsletter,
# which beats a blog post read as prose.
FORMAT_PRIORITY = {"ics": 20, "markdown": 10, "html": 10, "feed": 10, "post": 5}
DEFAULT_PRIORITY = 10  # a format not named above, or not known


def priority_of(format: str | None, configured: int | None = None) -> int:
    """A source's authority: its configured ``priority``, else its format's default."""
    if configured is not None:
        return configured
    return FORMAT_PRIORITY.get(format or "", DEFAULT_PRIORITY)


class Traits(NamedTuple):
    """What the grouping rules compare of one listing, worked out once per listing."""

    organiser_link: str | None  # canonical group link: no page link of an event (rule 2)
    # (canonical link, event-specific, has a path) of its link and mirrors (rule 2)
    pages: tuple[tuple[str, bool, bool], ...]
    moved_link: str | None  # its canonical link when event-specific (rule 3)
    organisers: tuple[str, ...]  # every way it names its organiser (rule 4)
    place: str  # ``place_key`` (rule 4)


def traits_of(event: RawEvent) -> Traits:
    """The listing's ``Traits``: one object for all the listings of a meetup that say the
    same (it is listed week after week, and an archive's listings are all held at once)."""
    return _traits(event.url, event.extra_urls, event.group_url, event.group, event.city,
                   event.country, event.virtual)


@functools.lru_cache(maxsize=65536)
def _traits(url: str | None, extra_urls: tuple[str, ...], group_url: str | None,
            group: str | None, city: str | None, country: str | None,
            virtual: bool) -> Traits:
    """``traits_of`` from the fields it reads: its links, organiser and place."""
    event = RawEvent(issue="", line=0, start=dt.date.min, url=url, extra_urls=extra_urls,
                     group_url=group_url, group=group, city=city, country=country,
                     virtual=virtual)
    pages = []
    for link in (url, *extra_urls):
        canonical = canonical_url(link)
        if canonical:
            pages.append((canonical, *_link_kind(canonical)))
    first = canonical_url(url)
    moved = first if first and _link_kind(first)[0] else None
    return Traits(canonical_url(group_url), tuple(pages), moved,
                  tuple(sorted(organiser_keys(event))), place_key(event))


@functools.lru_cache(maxsize=65536)
def _link_kind(canonical: str) -> tuple[bool, bool]:
    """(event-specific, has a path) of a canonical link."""
    return is_event_link(canonical), bool(link_path(canonical))


@dataclass(frozen=True, slots=True)
class Listing:
    """One resolved listing with its identity, when it was published and how much its
    source counts (``priority_of``)."""

    event: RawEvent
    seen: dt.datetime  # midnight UTC of its issue's date, else when it was first stored
    key: str
    priority: int = DEFAULT_PRIORITY
    # a digest of the resolved listing as the store keeps it (``listings.ResolvedListing``),
    # when known: it stands for the listing in ``changes.derivation_key``
    digest: bytes = field(default=b"", compare=False, repr=False)
    traits: Traits = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "traits", traits_of(self.event))

    @property
    def order(self) -> tuple:
        """Issue date first; ties broken by source, issue name and line, then (for the
        occurrences of a calendar series, which share a line) date and the source's id."""
        return (self.seen, self.event.source, self.event.issue, self.event.line,
                self.event.start, self.event.source_uid or "")

    @property
    def from_calendar(self) -> bool:
        """Listed by a calendar source, which gives each event its own id."""
        return bool(self.event.source_uid)

    @property
    def snapshot(self) -> tuple[dt.datetime, str, str]:
        """The issue this listing is part of."""
        return (self.seen, self.event.source, self.event.issue)


def make_listing(raw: RawEvent, seen: dt.datetime) -> Listing:
    event = resolve(raw)
    return Listing(event, seen, identity_key(event))


# --- places ------------------------------------------------------------------------------


def resolve(raw: RawEvent, *, canonical_city: bool = True) -> RawEvent:
    """A listing with its place cleaned and ``region`` set to the event's main region."""
    return check_place(raw, canonical_city=canonical_city)[0]


def check_place(raw: RawEvent, *, canonical_city: bool = True) -> tuple[RawEvent, list[str]]:
    """The listing with country, subdivision and city cleaned, and what could not be
    resolved (kept as written). The city becomes its canonical spelling ("Nürnberg" and
    "Nurnberg" are "Nuremberg", "Cologne/Köln" is "Köln"); with ``canonical_city=False``
    (``parse`` output) it stays as written, only its whitespace cleaned."""
    city, subdivision, country, problems = _checked_place(
        raw.city, raw.subdivision, raw.country, canonical_city)
    found = regions.event_regions(country, raw.virtual, raw.hybrid, raw.region)
    region = found[0] if found else raw.region
    if (city, subdivision, country, region) == (raw.city, raw.subdivision, raw.country,
                                                raw.region):
        return raw, list(problems)  # most listings: a copy costs more than the check
    event = replace(raw, city=city, subdivision=subdivision, country=country, region=region)
    return event, list(problems)


@functools.lru_cache(maxsize=65536)
def _checked_place(city: str | None, subdivision: str | None, country: str | None,
                   canonical_city: bool) -> tuple[str | None, str | None, str | None,
                                                  tuple[str, ...]]:
    """``check_place`` for one written place: (city, subdivision, country, problems).
    Worked out once per place: an archive names the same few hundred places thousands of
    times, and each first lookup reads the gazetteer."""
    problems: list[str] = []
    country = country.strip() if country and country.strip() else None
    if country:
        code = places.country_code(country)
        if code is None:
            problems.append(f"unknown country {country!r} (kept as written)")
        country = code or country
    subdivision = subdivision.strip() if subdivision and subdivision.strip() else None
    if city and country and not subdivision and not problems:
        # a slip in the code: "Linz, AU" (no Linz in Australia) is Linz, AT
        country = places.country_meant(city, country) or country
    if city and not country:
        found = places.locate_city(city, subdivision, None)
        if found:
            subdivision, country = subdivision or found[1], found[2]
    if subdivision and country and places.country_code(country) == country:
        code = _subdivision_code(subdivision, country, city)
        if code is None:
            problems.append(f"unknown subdivision {subdivision!r} of {country} (kept as written)")
        subdivision = code or subdivision
    elif city and country and not subdivision and not problems:
        # "Boston, US": the state of the one city so called, where the gazetteer's codes are
        # ISO's (``places.locate_city``)
        found = places.locate_city(city, None, country)
        subdivision = found[1] if found else None
    if city:
        city = _city(city, subdivision, country) if canonical_city else " ".join(city.split())
    return city, subdivision, country, tuple(problems)


# Codes still written for subdivisions that ISO 3166-2 has renamed since: Mexico City's
# "DF" (Distrito Federal) has been CMX since 2016.
_RENAMED_SUBDIVISIONS = {("MX", "DF"): "CMX", ("MX", "DIF"): "CMX"}


def _subdivision_code(written: str, country: str, city: str | None) -> str | None:
    """The ISO 3166-2 code (without the country) a written subdivision means, if certain:
    the code in any case or with its country prefix, the subdivision's name, or for a US
    city the state it is in."""
    code = written.upper().removeprefix(f"{country}-")
    code = _RENAMED_SUBDIVISIONS.get((country, code), code)
    if places.subdivision_valid(country, code):
        return code
    named = places.subdivision_named(written, country)
    if named:
        return named
    found = places.locate_city(city, None, country) if city else None
    return found[1] if found and found[1] else None


def _city(name: str, subdivision: str | None, country: str | None) -> str:
    """The canonical city; a subdivision's name that names no city, only a town that has it
    as another name, stays as written ("Selangor", ``places.subdivision_not_city``), while
    "Zurich" is Zürich and "Milano" Milan; a misspelt sizeable city of the country is that
    city ("Darmstadr, DE", see ``spelling``)."""
    cleaned = " ".join(name.split())
    if country and places.subdivision_not_city(cleaned, country):
        return cleaned
    return spelling.corrected_city(cleaned, subdivision, country) or places.canonical_city(
        cleaned, country
    )


# --- which listings are one event --------------------------------------------------------


class _Partition:
    """Union-find over identity keys; the result does not depend on the order of unions."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        while self._parent[key] != key:
            self._parent[key] = self._parent[self._parent[key]]
            key = self._parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


def group_listings(listings: Iterable[Listing], everyone: Collection[str | None] | None = None
                   ) -> tuple[list[list[Listing]], list[tuple[Listing, Listing]]]:
    """Listings -> events (each a list of listings, oldest first), and the pairs of likely
    duplicates left apart for review (rule 4). ``everyone``: the organisers' links of all
    stored listings (rule 2), when ``listings`` are only some of them (``nearby``)."""
    by_key: dict[str, list[Listing]] = defaultdict(list)
    for listing in sorted(listings, key=lambda li: li.order):
        by_key[listing.key].append(listing)
    partition = _Partition(by_key)
    if everyone is None:
        everyone = {li.traits.organiser_link for found in by_key.values() for li in found}
    _link_mirrors(by_key, partition, everyone)
    _link_moves(by_key, partition)
    review = _link_replaced(by_key, partition)
    events: dict[str, list[Listing]] = defaultdict(list)
    for key in sorted(by_key):
        events[partition.find(key)].extend(by_key[key])
    grouped = [sorted(found, key=lambda li: li.order) for found in events.values()]
    duplicates = [(by_key[a][0], by_key[b][0]) for a, b in sorted(set(review))
                  if partition.find(a) != partition.find(b)]
    return sorted(grouped, key=lambda found: found[0].order), duplicates


def _link_mirrors(by_key: dict[str, list[Listing]], partition: _Partition,
                  everyone: Collection[str | None]) -> None:
    """Rule 2: listings sharing a page link (main or mirror) on one date. A page link is an
    event-specific one, or any link with a path that is no organiser's link (a site's front
    page or a group page is shared by all of its events): ``everyone``."""
    by_link: dict[tuple[str, dt.date | None], set[str]] = defaultdict(set)
    for key, found in by_key.items():
        for listing in found:
            source_uid = getattr(listing.event, "source_uid", None)
            if source_uid:  # a calendar source's own id: the same event, moved or renamed
                by_link[(f"{listing.event.source}|{source_uid}", None)].add(key)
            for canonical, specific, has_path in listing.traits.pages:
                if specific or (canonical not in everyone and has_path):
                    by_link[(canonical, listing.event.start)].add(key)
    for keys in by_link.values():
        first, *rest = sorted(keys)
        for key in rest:
            partition.union(first, key)


def _link_moves(by_key: dict[str, list[Listing]], partition: _Partition) -> None:
    """Rule 3: one event-specific link, a new date announced before the old one passed."""
    by_url: dict[str, list[str]] = defaultdict(list)
    for key, found in by_key.items():
        moved = found[0].traits.moved_link
        calendar = any(li.from_calendar for li in found)  # its own ids tell moves (rule 1)
        if key.startswith("url|") and moved and not calendar:
            by_url[moved].append(key)
    for keys in by_url.values():
        ordered = sorted(keys, key=lambda k: by_key[k][0].order)
        for old, new in pairwise(ordered):
            before, after = by_key[old], by_key[new]
            shared = {li.snapshot for li in before} & {li.snapshot for li in after}
            if not shared and after[0].seen.date() <= before[0].event.start:
                partition.union(old, new)


def _link_replaced(by_key: dict[str, list[Listing]], partition: _Partition
                   ) -> list[tuple[str, str]]:
    """Rule 4: same date, organiser and city, links replaced one after the other; returns
    the pairs that match but are not certain (shown together or alternating)."""
    buckets: dict[tuple[str, str, dt.date], list[str]] = defaultdict(list)
    for key, found in by_key.items():
        for bucket in {(organiser, li.traits.place, li.event.start)
                       for li in found for organiser in li.traits.organisers}:
            if bucket[1]:
                buckets[bucket].append(key)
    review: list[tuple[str, str]] = []
    for keys in buckets.values():
        listed = [k for k in keys if not any(li.from_calendar for li in by_key[k])]
        review += _replaced_links(listed, by_key, partition)
        if len(listed) < len(keys):
            review += _join_calendars(keys, by_key, partition)
    return review


def _replaced_links(keys: list[str], by_key: dict[str, list[Listing]],
                    partition: _Partition) -> list[tuple[str, str]]:
    """Rule 4 among newsletter listings: links swapped one after the other, or the same
    title; the other pairs are returned for review."""
    if len(keys) < 2:
        return []
    review = []
    ordered = sorted(keys, key=lambda k: by_key[k][0].order)
    if all(by_key[a][-1].seen < by_key[b][0].seen for a, b in pairwise(ordered)):
        for a, b in pairwise(ordered):
            partition.union(a, b)
    else:
        for a, b in combinations(ordered, 2):
            if _titles(by_key[a]) & _titles(by_key[b]):
                partition.union(a, b)
            else:
                review.append((a, b))
    return review


def _join_calendars(keys: list[str], by_key: dict[str, list[Listing]],
                    partition: _Partition) -> list[tuple[str, str]]:
    """Rule 4 across sources: same date, organiser and city is one event when each calendar
    lists one event there and the newsletters (after their own rule 4) one at most. A
    calendar listing two is certain they differ: the pairs across sources go to review."""
    per_calendar: dict[str, set[str]] = defaultdict(set)
    listed: set[str] = set()
    for key in keys:
        for li in by_key[key]:
            if li.from_calendar:
                per_calendar[li.event.source].add(partition.find(key))
            else:
                listed.add(partition.find(key))
    if all(len(found) == 1 for found in per_calendar.values()) and len(listed) <= 1:
        first, *rest = sorted(keys)
        for key in rest:
            partition.union(first, key)
        return []
    ordered = sorted(keys, key=lambda k: by_key[k][0].order)
    return [(a, b) for a, b in combinations(ordered, 2)
            if any(li.from_calendar for li in by_key[a]) != any(
                li.from_calendar for li in by_key[b])]


def _titles(listings: list[Listing]) -> set[str]:
    return {fold(li.event.title) for li in listings if li.event.title}


# --- the fields of one issue's listings ----------------------------------------------------


# RawEvent fields that are the event's own: not where a listing was (issue, line, source),
# nor its heading (the event's regions replace it), nor the source's status word.
EVENT_FIELDS = tuple(name for name in RawEvent.__dataclass_fields__
                     if name in Event.__dataclass_fields__
                     and name not in ("issue", "line", "source", "region", "status"))


def combine(listings: list[Listing]) -> dict:
    """The event's fields (``EVENT_FIELDS`` and ``regions``) from the listings of one issue:
    an event that issue lists both online and in person is hybrid; the in-person listing
    with a city gives the place."""
    same_issue = sorted(listings, key=lambda li: li.order)
    events = [li.event for li in same_issue]
    online = [e for e in events if e.virtual]
    in_person = [e for e in events if not e.virtual or e.hybrid]
    placed = next((e for e in in_person if e.city), None) or next(
        (e for e in events if e.city), events[0])
    hybrid = any(e.hybrid for e in online) or bool(online and in_person)
    fields = {name: getattr(placed, name) for name in EVENT_FIELDS}
    fields.update(virtual=bool(online), hybrid=hybrid,
                  extra_urls=_extra_urls(same_issue, placed.url),
                  title=placed.title or next((e.title for e in events if e.title), None))
    fields["regions"] = regions.event_regions(placed.country, bool(online), hybrid,
                                              _heading(same_issue, hybrid))
    return fields


def _heading(listings: list[Listing], hybrid: bool) -> str | None:
    """The continent heading a hybrid event was filed under, else the first heading."""
    headings = [li.event.region for li in listings if li.event.region]
    if hybrid:
        return next((h for h in headings if h != "Virtual"), headings[0] if headings else None)
    return headings[0] if headings else None


def _extra_urls(listings: list[Listing], main_url: str | None) -> tuple[str, ...]:
    seen: list[str] = []
    for li in listings:
        for url in (li.event.url, *li.event.extra_urls):
            if url and url != main_url and url not in seen:
                seen.append(url)
    return tuple(seen)
