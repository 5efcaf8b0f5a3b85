"""Filtered feeds on request: ``/feed.ics?region=Europe&country=DE`` -> ICS or Atom bytes.

Each parameter may be repeated; its values are alternatives (any of them). Different
parameters must all hold. ``near`` is a city (optionally ``City, CC``) located with
the offline gazetteer, ``radius_km`` its radius (default 100). The events are those of
the published feeds: the ICS window of ``[publish] past_days``, the Atom feed's newest
``[publish] atom_entries``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from calendar_agg.config import Settings, refresh_interval
from calendar_agg.errors import QueryError
from calendar_agg.models import REGIONS, Event, region_named
from calendar_agg.normalize import places
from calendar_agg.publish.feeds import EventFilter, in_window

PARAMETERS = ("region", "country", "city", "virtual", "days", "near", "radius_km")
DEFAULT_RADIUS_KM = 100.0
MAX_DAYS = 3660
MAX_RADIUS_KM = 20038.0  # half the Earth's circumference
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


@dataclass(frozen=True)
class FeedQuery:
    """A validated query: an event matching any of ``filters`` is in the feed."""

    filters: tuple[EventFilter, ...]
    canonical: str  # the parameters normalised and sorted: equal queries, equal text
    summary: str  # for the feed's title, e.g. "Europe; DE; next 30 days"

    def includes(self, event: Event, today: dt.date) -> bool:
        return any(f.matches(event, today) for f in self.filters)


def parse_query(query_string: str) -> FeedQuery:
    """Validate a query string; raises QueryError naming the first bad parameter."""
    values: dict[str, list[str]] = {name: [] for name in PARAMETERS}
    for name, value in parse_qsl(query_string, keep_blank_values=True, errors="replace"):
        if name not in values:
            raise QueryError(name, f"unknown parameter; known: {', '.join(PARAMETERS)}")
        if not value.strip():
            raise QueryError(name, "empty value")
        values[name].append(value.strip())
    regions = tuple(sorted({_region(v) for v in values["region"]}, key=REGIONS.index))
    countries = tuple(sorted({_country(v) for v in values["country"]}))
    cities = tuple(sorted(set(values["city"]), key=places.city_key))
    virtual = _virtual(values["virtual"])
    days = max((_days(v) for v in values["days"]), default=None)
    nears = sorted({_near(v) for v in values["near"]})
    radius = _radius(values["radius_km"], bool(nears))
    base: dict[str, Any] = dict(regions=regions, countries=countries, cities=cities,
                                virtual=virtual, days=days)
    filters = tuple(EventFilter(**base, near=(lat, lon, radius)) for _, lat, lon in nears)
    pairs = ([("region", r) for r in regions] + [("country", c) for c in countries]
             + [("city", c) for c in cities]
             + ([("virtual", str(virtual).lower())] if virtual is not None else [])
             + ([("days", str(days))] if days is not None else [])
             + [("near", name) for name, _, _ in nears]
             + ([("radius_km", f"{radius:g}")] if nears else []))
    return FeedQuery(filters or (EventFilter(**base),), urlencode(pairs), _summary(pairs))


def _region(value: str) -> str:
    region = region_named(value)
    if region is None:
        raise QueryError("region", f"unknown region {value!r}; known: {', '.join(REGIONS)}")
    return region


def _country(value: str) -> str:
    code = places.country_code(value)
    if code is None:
        raise QueryError("country", f"{value!r} is not a country code such as DE or US")
    return code


def _virtual(values: Sequence[str]) -> bool | None:
    wanted = set()
    for value in values:
        if value.lower() in _TRUE:
            wanted.add(True)
        elif value.lower() in _FALSE:
            wanted.add(False)
        else:
            raise QueryError("virtual", f"{value!r} is not true or false")
    return wanted.pop() if len(wanted) == 1 else None  # both = either


def _days(value: str) -> int:
    if not value.isdigit() or int(value) > MAX_DAYS:
        raise QueryError("days", f"{value!r} is not a whole number of days from 0 to {MAX_DAYS}")
    return int(value)


def _near(value: str) -> tuple[str, float, float]:
    city, _, country = value.rpartition(",")
    if not city.strip() or places.country_code(country.strip()) is None:
        city, country = value, ""
    point = places.coordinates(city.strip(), places.country_code(country.strip()))
    if point is None:
        raise QueryError("near", f"{value!r} is not a city the offline gazetteer knows "
                                 f"(try 'City, CC' with a country code)")
    return value, point[0], point[1]


def _radius(values: Sequence[str], near: bool) -> float:
    if not values:
        return DEFAULT_RADIUS_KM
    if not near:
        raise QueryError("radius_km", "needs a near city")
    if len(values) > 1:
        raise QueryError("radius_km", "give it once")
    try:
        radius = float(values[0])
    except ValueError:
        radius = math.nan
    if not 0 < radius <= MAX_RADIUS_KM:  # also false for NaN
        raise QueryError("radius_km", f"{values[0]!r} is not a distance in km "
                                      f"(more than 0, at most {MAX_RADIUS_KM:g})")
    return radius


def _summary(pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return "all events"
    labels = {"virtual": lambda v: "online" if v == "true" else "in person",
              "days": lambda v: f"next {v} days", "near": lambda v: f"near {v}",
              "radius_km": lambda v: f"within {v} km"}
    return "; ".join(labels.get(name, str)(value) for name, value in pairs)


def feed_ics(events: list[Event], query: FeedQuery, settings: Settings, today: dt.date) -> bytes:
    """The filtered calendar over the published ICS window."""
    from calendar_agg.publish import ics

    chosen = [e for e in events if in_window(e, today, settings.publish.past_days)
              and query.includes(e, today)]
    return ics.calendar_bytes(chosen, name=f"Rust events — {query.summary}",
                              description=f"Rust community events: {query.summary}.",
                              refresh=refresh_interval(settings),
                              base_url=settings.output.base_url)


def feed_atom(events: list[Event], query: FeedQuery, settings: Settings,
              today: dt.date) -> bytes:
    """The filtered Atom feed; its id and self link are the query's own URL."""
    from calendar_agg.publish import atom

    base = settings.output.base_url
    windowed = {e.uid for e in events if in_window(e, today, settings.publish.past_days)}
    data = atom.feed_bytes(
        [e for e in events if query.includes(e, today)], name="feed",
        title=f"Rust events — {query.summary}",
        description=f"Newly announced Rust community events: {query.summary}.",
        base_url=base, max_entries=settings.publish.atom_entries,
        calendar_url=lambda e: f"{base}events/{e.uid}.ics" if e.uid in windowed else None)
    return _with_own_id(data, f"{base}feed.xml" + (f"?{query.canonical}"
                                                     if query.canonical else ""))


def _with_own_id(xml: bytes, url: str) -> bytes:
    from lxml import etree

    atom_ns = "{http://www.w3.org/2005/Atom}"
    root = etree.fromstring(xml)
    feed_id = root.find(f"{atom_ns}id")
    if feed_id is not None:
        feed_id.text = url
    for link in root.findall(f"{atom_ns}link"):
        if link.get("rel") == "self":
            link.set("href", url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
