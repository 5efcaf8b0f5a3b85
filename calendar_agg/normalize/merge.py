"""Listings -> one event: resolve each listing's place and region, then combine the
listings that share an identity into the fields the event carries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from calendar_agg.models import RawEvent
from calendar_agg.normalize import places, regions
from calendar_agg.normalize.identity import identity_key
from calendar_agg.store import Listing


def resolve(raw: RawEvent) -> RawEvent:
    """A listing with its country filled in when the city says it unambiguously, and
    ``region`` set to the event's main region. The city stays as the issue wrote it."""
    city, subdivision, country = raw.city, raw.subdivision, raw.country
    if city and not country:
        found = places.locate_city(city, subdivision, None)
        if found:
            subdivision, country = subdivision or found[1], found[2]
    found_regions = regions.event_regions(country, raw.virtual, raw.hybrid, raw.region)
    region = found_regions[0] if found_regions else raw.region
    return replace(raw, city=city, subdivision=subdivision, country=country, region=region)


def event_regions(raw: RawEvent) -> tuple[str, ...]:
    return regions.event_regions(raw.country, raw.virtual, raw.hybrid, raw.region)


def listings_by_identity(
    events: Iterable[RawEvent], issue_dates: dict[str, dt.date | None]
) -> dict[str, list[Listing]]:
    """Resolved listings grouped by identity key, in first-seen order."""
    grouped: dict[str, list[Listing]] = defaultdict(list)
    for raw in events:
        event = resolve(raw)
        key = identity_key(event)
        grouped[key].append(Listing(key, event, event_regions(event), issue_dates.get(raw.issue)))
    return grouped


def combine(listings: list[Listing]) -> tuple[RawEvent, tuple[str, ...]]:
    """The fields of an event from its listings: the newest issue speaks, and an event
    that issue lists both online and in person is hybrid."""
    newest = max(listings, key=lambda listing: listing.order)
    same_issue = sorted((li for li in listings if li.event.issue == newest.event.issue
                         and li.event.source == newest.event.source),
                        key=lambda li: li.event.line)
    online = [li.event for li in same_issue if li.event.virtual]
    in_person = [li.event for li in same_issue if not li.event.virtual or li.event.hybrid]
    events = [li.event for li in same_issue]
    placed = next((e for e in in_person if e.city), None) or next(
        (e for e in events if e.city), newest.event)
    hybrid = any(e.hybrid for e in online) or bool(online and in_person)
    event = replace(placed, virtual=bool(online), hybrid=hybrid,
                    extra_urls=_extra_urls(same_issue, placed.url),
                    title=placed.title or next((e.title for e in events if e.title), None))
    found = regions.event_regions(event.country, event.virtual, event.hybrid,
                                  _heading(same_issue, hybrid))
    return replace(event, region=found[0] if found else event.region), found


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
