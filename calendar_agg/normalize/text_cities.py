"""Cities named in free text: the city an event title or address names, if it clearly names one.

Conservative by design: only big cities (by their own name, their exonyms, or the aliases of
``gazetteer.CITY_ALIASES``), capitalised whole words, never common English words.
"""

from __future__ import annotations

import functools
import re

from calendar_agg.normalize.countries import (
    countries_with_subdivision,
    country_named,
    country_population,
)
from calendar_agg.normalize.gazetteer import (
    BIG_CITY,
    CITY_ALIASES,
    PRIMARY_TOWN,
    REGION_ALIASES,
    City,
    city_names,
    display_name,
    find_city,
    resolve_city,
    respells,
)
from calendar_agg.normalize.place_names import fold, reads_as_exonym

# Names of big cities that are also everyday English words, first names or Rust project names:
# never read as a city in free text ("Reading Group", "Tokio Talks", "Miri", "Surprise!").
_COMMON_WORDS = frozenset(
    {
        "bath", "commerce", "concord", "date", "delta", "enterprise", "florence", "george",
        "hub", "independence", "industry", "kent", "liberty", "male", "mary", "mesa", "metro",
        "miri", "mobile", "nancy", "nice", "norman", "orange", "paradise", "providence",
        "reading", "regina", "rust", "sale", "split", "surprise", "temple", "tokio", "tours",
        "union", "victoria", "vista",
        # crates and companies ("Parsing with Pest", "Techceleration at Toyota Connected")
        "pest", "toyota",
    }
)  # fmt: skip
_MIN_TEXT_NAME = 4  # shorter names ("Ufa", "Ulm", "Man") only through CITY_ALIASES
_MAX_WORDS = 4  # longest city name matched in free text ("Frankfurt am Main")
_WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*")
# "RustBerlin", "PDXRust", "RustDC", "Rust.Tokyo", "Berlin.rs": group names glued to "Rust"
# (or ".rs") are read as two words.
_GLUED_RUST = re.compile(
    r"(?<=[A-Za-z])(?=Rust(?![a-z]))|(?<=Rust)(?=[A-Z])|(?<=Rust)\.(?=[A-Z])|\.(?=rs\b)")
# Alternate names are full of codes, nicknames, surnames and old names ("Google" was Topeka
# for a month). In free text they count for the largest cities ("Cologne", "Milano"), and
# for big ones when they read as an exonym ("Frankfurt", "Torino"): an alternate name that
# starts like the primary name and resembles it.
_BIG_ALTERNATE_MIN = 1_000_000
_TEXT_ALTERNATE_MIN = 250_000
# A name several cities share is read as the most populous when it is at least this many
# times bigger than the next: a meetup's "Columbus" or "Barcelona" is the big one.
_TEXT_DOMINANCE = 2


def _text_index_entry(key: str) -> tuple[City, ...]:
    """The cities a folded name may mean in free text: by primary name when one of them is
    big, by alternate name those big enough (alternate names of big, not the largest, cities
    still to be checked by ``respells``); none for common words."""
    if key in _COMMON_WORDS:
        return ()
    gazetteer = city_names()
    index: list[City] = []
    if len(key) >= _MIN_TEXT_NAME:
        cities = gazetteer.primary.get(key, ())
        if any(c.population >= BIG_CITY for c in cities):
            index.extend(cities)
    if len(key) >= 5:
        alternate = gazetteer.alternate.get(key, ())
        index.extend(c for c in alternate if c.population >= _TEXT_ALTERNATE_MIN)
    return tuple(index)


@functools.lru_cache(maxsize=16384)
def _text_candidates(key: str) -> tuple[City, ...]:
    """The cities a folded name in free text may mean (checked lazily: few names are seen)."""
    primary = city_names().primary.get(key, ())
    # another city's alternate name counts only where it is bigger than every city called
    # so ("Philadelphia" is Amman's ancient name, a smaller city's than Philadelphia's), and
    # over a town of some size only as another spelling (``gazetteer.PRIMARY_TOWN``,
    # ``gazetteer.respells``)
    largest = max((city.population for city in primary), default=0)
    cities = tuple(
        city
        for city in _text_index_entry(key)
        if city in primary
        or city.population > largest and (
            city.population >= _BIG_ALTERNATE_MIN and largest < PRIMARY_TOWN
            or respells(key, city, largest))
    )
    country = country_named(key) if cities else None
    if country is not None:  # a country's name: only for its city of that name
        return tuple(city for city in cities if _named_after(city, key, country))
    return cities


def _named_after(city: City, country_key: str, country: str) -> bool:
    """Whether a city is called by the name of its country, ``country_key`` (folded): a
    city-state ("Singapore") or a capital by its short name ("Mexico", "Panama"). Not a
    city elsewhere ("Armenia" in Colombia, "Jamaica" in New York) nor one the name is only
    an old alternate of ("Paraguay" for Asunción)."""
    name = fold(display_name(city))
    return city.country == country and (name.startswith(country_key)
                                        or reads_as_exonym(country_key, name))


def _text_city(key: str) -> City | None:
    """The city a name found in free text means, if one clearly dominates."""
    if key in CITY_ALIASES:
        return find_city(key, None, None)
    ranked = sorted(_text_candidates(key), key=lambda c: c.population, reverse=True)
    if len(ranked) == 1 or ranked[0].population >= _TEXT_DOMINANCE * ranked[1].population:
        return ranked[0]
    return None


def _names_city(words: list[str], start: int, size: int) -> str | None:
    """The folded name of ``words[start:start+size]`` when it may be a city, else None."""
    first = words[start]
    # folding works word by word: the key of a run is its words' keys joined
    key = " ".join(part for part in map(_folded_word, words[start : start + size]) if part)
    if key in CITY_ALIASES and len(key) <= 3:
        return key if size == 1 and first.isupper() else None
    if not first[0].isupper():
        return None
    return key if key in CITY_ALIASES or _text_candidates(key) else None


# Big cities' names that are as often a first name: before a capitalised word that no
# group's name adds, a person ("Talk by Tyler Mandry", "Austin Bonander on sqlx"), not a
# city ("Austin Rust Meetup", "Eugene Rust Hack Night").
_FIRST_NAMES = frozenset(
    {"austin", "tyler", "eugene", "irving", "jackson", "lincoln", "lawrence", "troy",
     "madison", "charlotte", "aurora", "orlando", "raleigh", "chester", "hamilton", "preston",
     "darwin", "denver", "dallas", "phoenix", "savannah", "logan", "quincy", "bradford",
     "alexandra"}
)  # fmt: skip
# Words a group's name adds to its town's: "Austin Rust Meetup", "Rust Lugano Meetup".
_GENERIC = frozenset(
    {"meetup", "meetups", "meeting", "rust", "rustaceans", "rustlang", "user", "users", "group",
     "community", "dev", "devs", "developers", "hack", "night", "study", "lunch", "monthly"}
)  # fmt: skip


def _first_name(words: list[str], start: int, key: str) -> bool:
    """Whether ``words[start]`` (folded: ``key``) reads as a person's first name."""
    if key not in _FIRST_NAMES or start + 1 >= len(words):
        return False
    after = words[start + 1]  # a surname: "Mandry", not "TX", "Texas" nor "Rust"
    return (after[:1].isupper() and after[1:].islower() and _folded_word(after) not in _GENERIC
            and not countries_with_subdivision(after) and not country_named(after))


@functools.lru_cache(maxsize=16384)
def _folded_word(word: str) -> str:
    """``fold`` of one word of a title: the same words recur in many titles."""
    return fold(word)


@functools.lru_cache(maxsize=16384)
def _city_runs_in(text: str) -> tuple[tuple[str, str], ...]:
    """The cities a free text names, in text order, each as (its folded name, the run of
    words as the text writes it): runs of capitalised words, longest runs first, none
    overlapping, regions only when no city is named. Read once per text (``city_in_text``
    and ``shared_city_name_in_text`` both ask)."""
    glued = _GLUED_RUST.sub(" ", text)
    spans = [match.span() for match in _WORD.finditer(glued)]
    words = [glued[start:end] for start, end in spans]
    # where a name may start: a capitalised word, or alone, a short alias in capitals
    capitalised = [word[0].isupper() for word in words]
    taken = [False] * len(words)
    found: list[tuple[int, str, str]] = []
    for size in range(_MAX_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            if not capitalised[start] and not (size == 1 and words[start].isupper()):
                continue
            if True in taken[start : start + size]:
                continue
            key = _names_city(words, start, size)
            if key is None or (size == 1 and _first_name(words, start, key)
                               # "Austin Bonander", not "Boulder/Denver: Intro"
                               and glued[spans[start][1] : spans[start + 1][0]] == " "):
                continue
            found.append((start, key, glued[spans[start][0] : spans[start + size - 1][1]]))
            taken[start : start + size] = [True] * size
    runs = [(key, written) for _, key, written in sorted(found)]
    if any(key not in REGION_ALIASES for key, _ in runs):
        runs = [(key, written) for key, written in runs if key not in REGION_ALIASES]
    return tuple(runs)


@functools.lru_cache(maxsize=65536)
def city_in_text(text: str) -> tuple[str, str] | None:
    """(canonical city, ISO country) of the city a free-text title names, else None.

    Conservative: only big cities (their exonyms, or aliases), capitalised whole words, no
    common English words; None when a name is ambiguous or the cities named are in
    different countries. Several cities of one country (``Rust Boulder/Denver``): the first.
    A country or state named after a comma must be the city's (``Camp Patan, Gujarat`` is
    not Pātan in Nepal).
    """
    found = _city_named_in(text)
    return (display_name(found[0]), found[0].country) if found is not None else None


def written_city_in_text(text: str) -> tuple[str, str] | None:
    """``city_in_text``, the city spelt as the text writes it (``Rust Cologne`` ->
    ``("Cologne", "DE")``, where ``city_in_text`` gives Köln), when that spelling names the
    same city in its country (``Rust Zurich``, ``Rust Milano``); an abbreviation (``Rust
    NYC``), the country's name (``Rust Mexico``) or two names (``Frankfurt/Main``) give the
    canonical name."""
    found = _city_named_in(text)
    if found is None:
        return None
    city, key, written = found
    if (key not in CITY_ALIASES and "/" not in written and not country_named(written)
            and resolve_city(written, None, city.country) == city):
        return written, city.country
    return display_name(city), city.country


@functools.lru_cache(maxsize=16384)
def _city_named_in(text: str) -> tuple[City, str, str] | None:
    """``city_in_text``'s city, with its folded name and its run of words as written; a
    country's name that ends the text after a comma is the country (``..., Mexico``), unless
    a city has it as its own name too (``Rust Workshop, Singapore``). Of several cities of
    one country, the one named most often, else the first."""
    runs = [(key, written) for key, written in _city_runs_in(text)
            if not _country_at_end(text, written) or _own_name(key)]
    named = [_text_city(key) for key, _ in runs]  # None: an ambiguous name
    found = [city for city in named if city is not None]
    if not found or len(found) < len(named):
        return None
    first = found[0]
    if any(city.country != first.country for city in found):
        return None
    qualified = _qualifier_countries(text, first)
    if qualified and first.country not in qualified:
        return None
    # of several cities, the one named most ("Rust Boulder/Denver: Tokio (Denver)"), else
    # the first
    chosen = max(range(len(found)), key=lambda index: (found.count(found[index]), -index))
    return found[chosen], *runs[chosen]


def _own_name(key: str) -> bool:
    """Whether the city a folded name means has it as its own name (not ``mexico``)."""
    city = _text_city(key)
    return city is not None and fold(display_name(city)) == key


def _country_at_end(text: str, written: str) -> bool:
    """Whether ``written`` is a country's name ending ``text`` after a comma."""
    end = text.rstrip(" .)")
    return end.endswith(written) and end[: -len(written)].rstrip().endswith(",") and (
        country_named(written) is not None)


@functools.lru_cache(maxsize=16384)
def shared_city_name_in_text(text: str) -> tuple[str, frozenset[str]] | None:
    """The name a free-text title gives its city when several big cities share it and none
    dominates (``Cambridge Rust Meetup``: England's or Massachusetts'; ``Springfield``), with
    their countries; None when the title names no such city, or other cities too."""
    keys = [key for key, _ in _city_runs_in(text)]
    if len(keys) != 1 or keys[0] in CITY_ALIASES or _text_city(keys[0]) is not None:
        return None
    candidates = sorted(_text_candidates(keys[0]), key=lambda c: c.population, reverse=True)
    return display_name(candidates[0]), frozenset(city.country for city in candidates)


# Where a title names its town, by the words around it: "Rust Dev in Mountain View", "Rust
# Lugano Meetup", "Rust Meetup Ulm", "Utah Rust (Lehi)", "Delft Rust Meetup". There a town
# of this size is named by its own (primary) name: elsewhere only big cities are read, as
# smaller towns' names are as often a person's ("Tyler"), a word or a product.
_NAME_RUN = r"((?:[^\W\d_][\w'’.-]*)(?:\s+(?:[^\W\d_][\w'’.-]*)){0,2})"
_CONTEXTS = (
    re.compile(rf"\b(?i:in|at)\s+{_NAME_RUN}"),  # "In": as a Meetup address spells it
    re.compile(rf"^Rust\s+(?:Meetup\s+|User\s+Group\s+)?{_NAME_RUN}"),
    re.compile(rf"\({_NAME_RUN}\)"),
    re.compile(rf"^{_NAME_RUN}\s+Rust\b"),
)
_CONTEXT_MIN = 50_000


@functools.lru_cache(maxsize=16384)
def city_in_context(text: str) -> tuple[str, str] | None:
    """(canonical city, ISO country) of a town of 50,000 people or more that a title names
    where titles name their town (``_CONTEXTS``), by its own name, capitalised, when that
    name is clearly the town's (no other as big, no common word, no country); else None."""
    for context in _CONTEXTS:
        for match in context.finditer(text):
            written = match.group(1).split()
            words = [_folded_word(word) for word in written]
            capitalised = [word[0].isupper() for word in written]
            for size in range(len(words), 0, -1):
                # the town's name, then only words a group's name adds ("Lugano Meetup"),
                # not more of a place ("Davis Square" is no Davis)
                if not all(capitalised[:size]) or not _GENERIC.issuperset(words[size:]):
                    continue
                found = _context_city(" ".join(words[:size]))
                if found is not None:
                    return display_name(found), found.country
    return None



def _context_city(key: str) -> City | None:
    if len(key) < _MIN_TEXT_NAME or key in _COMMON_WORDS or country_named(key):
        return None
    cities = sorted(city_names().primary.get(key, ()), key=lambda c: c.population, reverse=True)
    if not cities or cities[0].population < _CONTEXT_MIN:
        return None
    if len(cities) > 1 and cities[0].population < _TEXT_DOMINANCE * cities[1].population:
        return None
    return cities[0]


# Country names that are as often a US state, a name or a word in a title ("Georgia",
# "Jordan", "Turkey"), and subdivision names that are also big cities elsewhere: never
# read as saying the country of a title.
_NOT_A_COUNTRY_IN_TEXT = frozenset(
    {"georgia", "jordan", "chad", "turkey", "jersey", "guernsey", "man", "guinea", "niger",
     "victoria", "reading", "mobile",
     # subdivisions named by a direction or a common word ("South Florida" is no Cameroon)
     "south", "north", "east", "west", "central", "centre", "center", "capital", "western",
     "eastern", "northern", "southern", "coast", "island", "islands", "lake", "lakes", "river",
     "valley", "mountain", "mountains", "city", "new", "upper", "lower", "middle", "border",
     "highlands", "plateau", "savanes", "littoral", "interior", "federal", "national"}
)  # fmt: skip
_COUNTRY_CODES_IN_TEXT = frozenset({"USA", "UK", "UAE"})  # others are acronyms ("IT", "AI")


@functools.lru_cache(maxsize=16384)
def country_in_text(text: str) -> str | None:
    """The ISO country a free-text title names when it names no city: by the country's
    name (``Mozilla Meetup Switzerland``, ``Rust Indonesia``) or by a state or province
    only one country has (``Mozilla Gujarat User Group``); None when it names none, or
    several."""
    words = _WORD.findall(_GLUED_RUST.sub(" ", text))
    found: set[str] = set()
    for size in range(3, 0, -1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if not all(word[0].isupper() for word in run):
                continue
            name = " ".join(run)
            if fold(name) in _NOT_A_COUNTRY_IN_TEXT or (
                    len(name) < 4 and name not in _COUNTRY_CODES_IN_TEXT):
                continue
            country = country_named(name)
            if country is None and len(name) >= 5:
                country = _subdivision_country(name)
            if country is not None:
                found.add(country)
    return found.pop() if len(found) == 1 else None


# A subdivision's name several countries have means the one this many times as populous
# as each other ("Florida": the US state; Uruguay has a department of that name).
_SUBDIVISION_DOMINANCE = 20


def _subdivision_country(name: str) -> str | None:
    """The country a title means by a state or province's name: the one having a
    subdivision called ``name``; of several, the one ``_SUBDIVISION_DOMINANCE`` times as
    populous as each other, unless a big city has the name too ("Toledo", "Saint Louis").
    None otherwise ("Punjab": Pakistan's or India's)."""
    having = countries_with_subdivision(name)
    if len(having) < 2:
        return next(iter(having), None)
    if _text_candidates(fold(name)):
        return None
    first, second = sorted(having, key=country_population, reverse=True)[:2]
    return first if country_population(first) >= (
        _SUBDIVISION_DOMINANCE * country_population(second)) else None


# "City, Gujarat", "City, France": capitalised words after a comma that may say where.
_QUALIFIER = re.compile(r",\s+([^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2})")


def _qualifier_countries(text: str, city: City) -> set[str]:
    """The countries named right after a comma in text (``, France``, ``, MP India``), or
    having a subdivision of that name (``, Gujarat``); ``city`` itself is no qualifier
    (``Hackfest 2017, Mexico City``)."""
    countries: set[str] = set()
    for match in _QUALIFIER.finditer(text):
        name = match.group(1)
        if not name[0].isupper() or len(name) < 4 or resolve_city(name, None, city.country) == city:
            continue
        named = country_named(name) or country_named(name.split()[-1])
        countries |= {named} if named else countries_with_subdivision(name)
    return countries

