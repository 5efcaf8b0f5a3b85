"""Which events go into which feed."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from calendar_agg.config import UNLOCATED_CITY, FeedSettings
from calendar_agg.errors import ConfigError
from calendar_agg.models import REGIONS, Event, region_slug
from calendar_agg.normalize import places
from calendar_agg.records import StoredEvent


@dataclass(frozen=True)
class Feed:
    name: str  # file name stem: ics/<name>.ics, atom/<name>.xml
    title: str
    description: str
    # a custom feed's is given the event; a standard one's also a ``StoredEvent``
    includes: Callable[[Event | StoredEvent], bool]
    custom: bool = False  # from a [[feeds]] table in the config



def standard_feeds() -> list[Feed]:
    """``all`` and one feed per region; a hybrid event is in Virtual and its continent."""
    feeds = [Feed("all", "Rust events — all regions",
                  "Every upcoming Rust community event, online and in person.",
                  lambda event: True)]
    for region in REGIONS:
        feeds.append(Feed(
            region_slug(region), f"Rust events — {region}",
            f"Upcoming Rust community events: {region}.",
            functools.partial(_in_region, region)))
    return feeds


def _in_region(region: str, event: Event | StoredEvent) -> bool:
    return region in event.regions


def custom_feeds(configured: Sequence[FeedSettings], today: dt.date,
                 config: str = "<config>") -> list[Feed]:
    """The ``[[feeds]]`` of the config; an unknown ``near`` city is a ConfigError."""
    feeds = []
    for feed in configured:
        chosen = event_filter(feed, config)
        feeds.append(Feed(feed.name, feed.title, feed.description or feed.title,
                          functools.partial(chosen.matches, today=today),
                          custom=True))
    return feeds


def event_filter(feed: FeedSettings, config: str = "<config>") -> EventFilter:
    """The EventFilter of one ``[[feeds]]`` table, with ``near.city`` located offline."""
    near = None
    if feed.near is not None:
        point = places.coordinates(feed.near.city, feed.near.country)
        if point is None:
            raise ConfigError(config, [
                f"feeds {feed.name!r}: near.city: {feed.near.city!r} {UNLOCATED_CITY}"])
        near = (point[0], point[1], feed.near.radius_km)
    return EventFilter(regions=feed.regions, countries=feed.countries, cities=feed.cities,
                       virtual=feed.virtual, near=near)


def in_window(event: Event | StoredEvent, today: dt.date, past_days: int) -> bool:
    """Is the event's last day within ``past_days`` before today, or later?"""
    return (event.end or event.start) >= today - dt.timedelta(days=past_days)


@dataclass(frozen=True)
class EventFilter:
    """Conditions an event must all meet; an empty condition matches everything.

    Used by custom ``[[feeds]]`` and by the server's ``/feed.ics?...`` queries.
    ``near`` is (latitude, longitude, radius in km); ``days`` limits how far ahead.
    """

    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, upper case
    cities: tuple[str, ...] = ()  # compared case- and accent-insensitively
    virtual: bool | None = None
    near: tuple[float, float, float] | None = None
    days: int | None = None

    def matches(self, event: Event, today: dt.date) -> bool:
        if self.regions and not set(self.regions) & set(event.regions):
            return False
        if self.countries and event.country not in self.countries:
            return False
        if self.cities and not _same_city(event, self.cities):
            return False
        if self.virtual is not None and event.virtual != self.virtual:
            return False
        if self.days is not None and event.start > today + dt.timedelta(days=self.days):
            return False
        return self.near is None or _within(event, self.near)


def _same_city(event: Event, cities: tuple[str, ...]) -> bool:
    if not event.city:
        return False
    wanted = _city_keys(cities)
    return places.city_key(event.city) in wanted or (
        places.city_key(places.canonical_city(event.city, event.country)) in wanted)


@functools.lru_cache(maxsize=256)
def _city_keys(cities: tuple[str, ...]) -> frozenset[str]:
    """The cities a filter names, each as written and in its canonical spelling (``Cologne``
    is also ``Köln``, ``Nurnberg`` ``Nuremberg``), case and accents ignored."""
    return frozenset(places.city_key(name) for city in cities
                     for name in (city, places.canonical_city(city)))


def _within(event: Event, near: tuple[float, float, float]) -> bool:
    if not event.city:
        return False
    point = places.coordinates(event.city, event.country)
    return point is not None and places.distance_km(point, near[:2]) <= near[2]
