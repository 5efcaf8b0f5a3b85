"""Regions: continents from countries, and the regions an event is filed under."""

from __future__ import annotations

import pytest

from calendar_agg.models import REGIONS
from calendar_agg.normalize.regions import continent_region, event_regions, main_region


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("DE", "Europe"),
        ("de", "Europe"),
        ("GB", "Europe"),
        ("RU", "Europe"),  # geonames files Russia under Europe
        ("TR", "Asia"),  # ... and Turkey under Asia
        ("IL", "Asia"),
        ("AE", "Asia"),
        ("JP", "Asia"),
        ("IN", "Asia"),
        ("US", "North America"),
        ("CA", "North America"),
        ("MX", "North America"),
        ("CR", "North America"),  # Central America
        ("CU", "North America"),  # Caribbean
        ("BR", "South America"),
        ("CO", "South America"),
        ("AU", "Oceania"),
        ("NZ", "Oceania"),
        ("NG", "Africa"),
        ("EG", "Africa"),
        ("ZA", "Africa"),
        ("AQ", None),  # Antarctica is no region
        ("XX", None),
        ("", None),
        (None, None),
    ],
)
def test_continent_region(country: str | None, expected: str | None) -> None:
    assert continent_region(country) == expected


def test_every_continent_is_a_region() -> None:
    found = {continent_region(c) for c in ("DE", "JP", "US", "BR", "AU", "NG")}
    assert found == set(REGIONS) - {"Virtual"}


@pytest.mark.parametrize(
    ("country", "virtual", "hybrid", "heading", "expected"),
    [
        # in person
        ("DE", False, False, "Europe", ("Europe",)),
        ("JP", False, False, "Europe", ("Asia",)),  # the country beats a misfiled heading
        ("DE", False, False, None, ("Europe",)),
        (None, False, False, "Europe", ("Europe",)),  # unknown country: trust the heading
        (None, False, False, "Virtual", ()),  # a Virtual heading says nothing about a place
        (None, False, False, None, ()),
        (None, False, False, "Atlantis", ()),
        ("AQ", False, False, "Oceania", ("Oceania",)),
        # a country on two continents: the heading says which (issue 593's Istanbul)
        ("TR", False, False, "Europe", ("Europe",)),
        ("TR", False, False, "Asia", ("Asia",)),
        ("TR", False, False, None, ("Asia",)),
        ("TR", False, False, "Oceania", ("Asia",)),  # not one of its continents
        ("RU", False, True, "Asia", ("Asia", "Virtual")),
        # virtual only
        ("DE", True, False, "Europe", ("Virtual",)),
        (None, True, False, None, ("Virtual",)),
        (None, True, False, "Virtual", ("Virtual",)),
        # hybrid (a hybrid event is virtual too, but the flag alone decides)
        ("US", True, True, "Virtual", ("North America", "Virtual")),
        ("US", False, True, None, ("North America", "Virtual")),
        (None, True, True, "Asia", ("Asia", "Virtual")),
        (None, True, True, "Virtual", ("Virtual",)),
        (None, True, True, None, ("Virtual",)),
    ],
)
def test_event_regions(
    country: str | None,
    virtual: bool,
    hybrid: bool,
    heading: str | None,
    expected: tuple[str, ...],
) -> None:
    assert event_regions(country, virtual, hybrid, heading) == expected
    assert main_region(country, virtual, hybrid, heading) == (expected[0] if expected else None)


@pytest.mark.parametrize(
    ("country", "virtual", "hybrid", "heading"),
    [(c, v, h, r) for c in ("FR", None) for v in (True, False) for h in (True, False)
     for r in (*REGIONS, None)],
)  # fmt: skip
def test_regions_are_known_and_unique(
    country: str | None, virtual: bool, hybrid: bool, heading: str | None
) -> None:
    regions = event_regions(country, virtual, hybrid, heading)
    assert set(regions) <= set(REGIONS)
    assert len(set(regions)) == len(regions)
    assert bool(regions) or not (virtual or hybrid)  # only in-person events can be unplaced
