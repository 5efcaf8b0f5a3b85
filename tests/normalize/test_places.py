"""Places: country codes, city lookup, free-text cities, subdivisions, coordinates."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from calendar_agg.normalize import countries, gazetteer, places
from calendar_agg.normalize.places import (
    canonical_city,
    city_in_context,
    city_in_text,
    coordinates,
    country_code,
    country_in_text,
    distance_km,
    locate_city,
    subdivision_valid,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        (" deu ", "DE"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("The Netherlands", "NL"),
        ("the  netherlands", "NL"),
        ("Holland", "NL"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("South Korea", "KR"),
        ("Korea", "KR"),
        ("Russia", "RU"),
        ("Taiwan", "TW"),
        ("Vietnam", "VN"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("UAE", "AE"),  # "Dubai, UAE": the usual abbreviation, no ISO code
        ("U.A.E.", "AE"),
        ("Kosovo", "XK"),  # geonames' code: ISO 3166 has none yet
        ("XK", "XK"),
        ("Iran", "IR"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Schweiz", "CH"),
        ("Suisse", "CH"),
        ("España", "ES"),
        ("Brasil", "BR"),
        ("Österreich", "AT"),
        ("Bolivia", "BO"),
        ("Niger", "NE"),
        ("Nigeria", "NG"),
        ("India", "IN"),
        ("IN", "IN"),
    ],
)
def test_country_code_known(text: str, expected: str) -> None:
    assert country_code(text) == expected


@pytest.mark.parametrize(
    ("code", "name"),
    [("DE", "Germany"), ("tw", "Taiwan"), ("XK", "Kosovo"), ("XX", "XX")],
)
def test_country_names_for_people(code: str, name: str) -> None:
    assert countries.country_name(code) == name


@pytest.mark.parametrize(
    "text",
    ["", "   ", "XX", "Paris", "Washington", "Rust", "Online", "Virtual", "United", "New"],
)
def test_country_code_unknown_or_ambiguous(text: str) -> None:
    assert country_code(text) is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Seattle",), ("Seattle", "WA", "US")),
        (("Seattle", "WA", "US"), ("Seattle", "WA", "US")),
        (("Paris",), ("Paris", None, "FR")),
        (("Paris", None, "FR"), ("Paris", None, "FR")),
        (("Paris", "TX", "US"), ("Paris", "TX", "US")),
        (("Cambridge", None, "GB"), ("Cambridge", None, "GB")),
        (("Cambridge", None, "UK"), ("Cambridge", None, "GB")),
        (("Cambridge", "MA"), ("Cambridge", "MA", "US")),
        (("Cambridge", "MA", "US"), ("Cambridge", "MA", "US")),
        (("London", None, "UK"), ("London", None, "GB")),
        (("London", "ON", "CA"), ("London", "ON", "CA")),
        (("London",), ("London", None, "GB")),
        (("Portland", "OR", "US"), ("Portland", "OR", "US")),
        (("Portland", "ME", "US"), ("Portland", "ME", "US")),
        (("Toronto", "ON", "CA"), ("Toronto", "ON", "CA")),
        (("Sydney", "NSW", "AU"), ("Sydney", "NSW", "AU")),
        (("Zürich", "ZH", "CH"), ("Zürich", "ZH", "CH")),
        (("Auckland", "AKL", "NZ"), ("Auckland", None, "NZ")),  # not ISO: dropped, not fatal
        (("Seattle", None, "United States"), ("Seattle", "WA", "US")),
        (("Seattle", None, "Atlantis"), ("Seattle", "WA", "US")),  # unknown country ignored
        (("Cologne/Nowhere-on-Sea",), ("Köln", None, "DE")),
        # spellings of one city -> the geonames primary name
        (("Nurnberg",), ("Nuremberg", None, "DE")),
        (("Nürnberg", None, "DE"), ("Nuremberg", None, "DE")),
        (("Nuremberg",), ("Nuremberg", None, "DE")),
        (("München", None, "DE"), ("Munich", None, "DE")),
        (("Cologne", None, "DE"), ("Köln", None, "DE")),
        (("Koeln",), ("Köln", None, "DE")),
        (("Cologne/Köln", None, "DE"), ("Köln", None, "DE")),
        (("Zurich", None, "CH"), ("Zürich", None, "CH")),
        (("Sao Paulo", None, "BR"), ("São Paulo", None, "BR")),
        (("Montreal", "QC", "CA"), ("Montréal", "QC", "CA")),
        (("København",), ("Copenhagen", None, "DK")),
        (("Wien",), ("Vienna", None, "AT")),
        (("Den Haag", None, "NL"), ("The Hague", None, "NL")),
        (("Bangalore", None, "IN"), ("Bengaluru", None, "IN")),
        (("Frankfurt", None, "DE"), ("Frankfurt am Main", None, "DE")),
        (("Tel Aviv-Yafo", None, "IL"), ("Tel Aviv", None, "IL")),
        (("St. Petersburg",), ("Saint Petersburg", None, "RU")),
        (("St. Petersburg", "FL", "US"), ("St. Petersburg", "FL", "US")),
        (("  new   york ", "NY", "US"), ("New York", "NY", "US")),
        # aliases
        (("New York City",), ("New York", "NY", "US")),
        (("NYC",), ("New York", "NY", "US")),
        (("SF",), ("San Francisco", "CA", "US")),
        (("Bay Area", "CA", "US"), ("San Francisco", "CA", "US")),
        (("Washington, D.C.",), ("Washington", "DC", "US")),
        # a city's own name before a bigger one's old name, which is no other spelling of it
        (("Zaragoza",), ("Zaragoza", None, "ES")),  # Tijuana's too
        (("Petropolis",), ("Petrópolis", None, "BR")),  # Saint Petersburg's
        (("Islamabad",), ("Islamabad", None, "PK")),  # Chattogram's
        (("Milano",), ("Milan", None, "IT")),  # ... an other spelling counts
        # a big city's own name before a bigger one's alternate name, unless nearly its spelling
        (("Cancún",), ("Cancún", None, "MX")),  # "Cancun" is Changchun's too
        (("Pueblo",), ("Pueblo", "CO", "US")),  # not Puebla
        (("Puno",), ("Puno", None, "PE")),  # not Pune
        (("Odessa",), ("Odesa", None, "UA")),  # Odesa, bigger than Odessa, TX, by its spelling
        # a district of a big city that geonames lists as a city does not make a town's
        # name ambiguous: Madrid's Salamanca, Hamburg's Hamm
        (("Salamanca", None, "ES"), ("Salamanca", None, "ES")),
        (("Hamm", None, "DE"), ("Hamm", None, "DE")),
        # ... but a suburb is a town of its own: Bellevue, WA, Pasadena, CA
        (("Bellevue", "WA", "US"), ("Bellevue", "WA", "US")),
        (("Pasadena", "CA", "US"), ("Pasadena", "CA", "US")),
    ],
)
def test_locate_city(args: tuple[str | None, ...], expected: tuple[str | None, ...]) -> None:
    assert locate_city(*args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ("Cambridge",),  # GB, US and CA are all about the same size
        ("Reading",),  # GB, but also Reading, PA
        ("Berlin", None, "FR"),  # contradicts the country
        ("Seattle", "XX", "US"),  # contradicts the state
        ("Seattle", "OR", "US"),
        ("Rust",),  # El Cerrito, CA was once "Rust": alternate names of small towns don't count
        ("Online",),
        ("",),
        ("Cologne/Paris",),  # the parts of a slash name disagree
        ("Nowhere-on-Sea",),
        ("Waterloo",),  # in CA, US and BE; Austin's old name does not make it Austin
    ],
)
def test_locate_city_unknown_or_ambiguous(args: tuple[str | None, ...]) -> None:
    assert locate_city(*args) is None


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("  München ", None, "Munich"),
        ("Cologne/Köln", "DE", "Köln"),
        ("tel aviv-yafo", None, "Tel Aviv"),
        ("NYC", None, "New York"),
        ("Cambridge", None, "Cambridge"),  # ambiguous, but the name is still a fine name
        ("smalltown-upon-sea", None, "Smalltown-Upon-Sea"),
        ("GROSS  KLEINDORF", None, "Gross Kleindorf"),
        ("Kleindorf am See", "DE", "Kleindorf am See"),  # mixed case is left alone
    ],
)
def test_canonical_city(name: str, country: str | None, expected: str) -> None:
    assert canonical_city(name, country) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rust Paris", ("Paris", "FR")),
        ("Seattle Rust Meetup", ("Seattle", "US")),
        ("Rust Meetup Hamburg: Rusty Project Presentations", ("Hamburg", "DE")),
        ("Rust NYC", ("New York", "US")),
        ("Rust New York City Meetup", ("New York", "US")),
        ("Rust Bay Area", ("San Francisco", "US")),
        ("Rust Cologne: Hack Night", ("Köln", "DE")),
        ("Rust München", ("Munich", "DE")),
        ("Rust Berlin Unconf", ("Berlin", "DE")),
        ("Rust Community Team Meeting at #rust-community on irc.mozilla.org", None),
        ("Rust release triage", None),
        ("Rust Reading Group", None),
        ("Rust Mobile Night", None),
        ("Rust Nice Things", None),
        ("Split the Crate", None),
        ("Rust Cambridge", None),  # ambiguous
        ("Rust Paris and Rust Berlin", None),  # two cities
        ("Rust paris", None),  # city names are capitalised
        ("Rust Paris: Paris Edition", ("Paris", "FR")),  # the same city twice is fine
        ("", None),
        # abbreviations, in capitals only
        ("Rust DC - Inaugural Meetup", ("Washington", "US")),
        ("Rust LA Monthly Meetup", ("Los Angeles", "US")),
        ("Rust NY", ("New York", "US")),
        ("La Rust Night", None),
        ("Rust dc", None),
        # names glued to "Rust"
        ("RustBerlin Hack and Learn", ("Berlin", "DE")),
        ("PDXRust", ("Portland", "US")),
        ("Trustworthy Builds", None),
        # and to "Rust." or ".rs"
        ("Rust.Tokyo 2019", ("Tokyo", "JP")),
        ("Berlin.rs: Rust and Tell", ("Berlin", "DE")),
        ("zmq.rs", None),
        # a name several cities share: the clearly biggest one
        ("Columbus Rust Society", ("Columbus", "US")),
        ("Hyderabad", ("Hyderabad", "IN")),
        ("Rust Barcelona", ("Barcelona", "ES")),
        ("Rust Arlington", None),  # Texas and Virginia are too close
        # exonyms of big cities, not surnames
        ("Frankfurt/Main Rust Lint Workshop", ("Frankfurt am Main", "DE")),
        ("Turin Rust Meetup", ("Turin", "IT")),
        ("Rust Milano", ("Milan", "IT")),
        # a big city's own name is not a bigger city's alternate name, but for a near spelling
        ("Rust Cancún meetup", ("Cancún", "MX")),  # not Changchun
        ("Rust Parma", ("Parma", "IT")),  # not Perm
        ("Rust San Miguel", None),  # several, none dominates; not San Diego
        ("Odessa Rust meetup", ("Odesa", "UA")),
        # native names of four letters: by alias (short alternate names are mostly noise)
        ("Rust Roma - Rust learning and hacking evening #2", ("Rome", "IT")),
        ("Rust Wien", ("Vienna", "AT")),
        ("Rust Kiev", ("Kyiv", "UA")),
        ("Chin Up", None),  # a short alternate name of Qinzhou
        ("Talk by Anna Ivanov", None),
        # several cities of one country: the first; a region yields to a city
        ("Rust Boulder/Denver Monthly Meeting", ("Boulder", "US")),
        ("Rust Rhein-Main: Table of Regulars Darmstadt", ("Darmstadt", "DE")),
        ("Rust Rhein-Main", ("Frankfurt am Main", "DE")),
        # a country's name: its city of that name only, never a city elsewhere
        ("Rust Singapore", ("Singapore", "SG")),
        ("Rust Hong Kong", ("Hong Kong", "HK")),
        ("Rust Mexico #8", ("Mexico City", "MX")),  # the capital by its short name
        ("Rust Macao", ("Macau", "MO")),
        ("Rust Armenia", None),  # not Armenia in Colombia
        ("Rust Jamaica", None),  # not Jamaica in Queens
        ("Rust Benin", None),  # not Benin City in Nigeria
        ("Rust Meetup in Paraguay", None),  # an old alternate name of Asunción
        # a first name before a surname is a person; before a group's words, the city
        ("Talk by Tyler Mandry", None),
        ("Austin Bonander on sqlx", None),
        ("Austin Rust Meetup", ("Austin", "US")),
        ("Austin, TX Rust", ("Austin", "US")),
        ("Austin Texas Rust Meetup", ("Austin", "US")),
        ("Eugene Rust Hack Night", ("Eugene", "US")),
        ("Talk Night at Alexandra Instituttet", None),
        # crates and companies
        ("Parsing with Pest", None),
        ("Techceleration at Toyota Connected", None),
        # a city's own name before another's old name: Amman was Philadelphia, a smaller
        # city than Philadelphia; Saint-Louis in Senegal is St. Louis too
        ("Rust Philadelphia", ("Philadelphia", "US")),
        ("St. Louis Rust Meetup", ("St. Louis", "US")),
        ("Rust Saint Louis", None),  # Saint-Louis, SN by its own name, nearly as big
        ("Rust Zaragoza", ("Zaragoza", "ES")),  # an old name of Tijuana, a bigger city
        ("Rust Waterloo", None),  # ... of Austin; Waterloo in CA, US and BE
        # names groups go by that are no name geonames has for the city
        ("Rust ATX", ("Austin", "US")),
        ("STL Rust", ("St. Louis", "US")),
        ("Indy Rust", ("Indianapolis", "US")),
        ("Rust CDMX", ("Mexico City", "MX")),
        ("Rust Den Haag", ("The Hague", "NL")),
        ("Rust Cracow", ("Kraków", "PL")),
        ("Rust Cluj", ("Cluj-Napoca", "RO")),
        # a country's name ending the text after a comma is the country, not its capital
        ("Hack Chiapas, Autonomous University of Chiapas, Mexico", None),
        ("Rust Workshop, Singapore", ("Singapore", "SG")),  # the city's own name too
    ],
)
def test_city_in_text(text: str, expected: tuple[str, str] | None) -> None:
    assert city_in_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rust Dev in Mountain View", ("Mountain View", "US")),
        ("Rust Dev In Mountain View", ("Mountain View", "US")),  # a Meetup address's words
        ("Rust Lugano Meetup", ("Lugano", "CH")),
        ("Rust Meetup Delft", ("Delft", "NL")),
        ("Delft Rust Meetup", ("Delft", "NL")),
        ("Utah Rust (Lehi)", ("Lehi", "US")),
        ("Mountain View Rust Study Group", ("Mountain View", "US")),
        ("Davis Square Rust Lunch", None),  # a square in Somerville, not Davis
        ("Meetup at Kendall Square", None),
        ("Rust in Production", None),
        ("Meetup at Google", None),
        ("Rust Meetup (English)", None),
        ("Rust Hack and Learn", None),
        ("Talk by Tyler Mandry", None),  # outside those places, only big cities
    ],
)
def test_city_in_context(text: str, expected: tuple[str, str] | None) -> None:
    assert city_in_context(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mozilla Meetup Switzerland: Rust January Meetup @ Coredump.ch", "CH"),
        ("Level up Your Knowledge on Rust - Rust Indonesia", "ID"),
        ("Kickstart to Rust Mozilla Gujarat User Group", "IN"),  # a state of one country
        ("Mergulhando em Rust - Mozilla Brasil", "BR"),  # the country's own name
        ("Rust in the USA", "US"),
        ("Rust Armenia", "AM"),  # a country named, no city (Armenia in Colombia is none)
        ("Rust Meetup in Paraguay", "PY"),
        # Florida: Uruguay has a department of that name, the US a hundred times the people;
        # "South" is no Cameroon province
        ("South Florida Rust: Intro to Rust", "US"),
        ("Rust Maryland", "US"),  # not Liberia's county
        ("Rust South Meetup", None),
        ("Rust Punjab", None),  # Pakistan's or India's: neither dwarfs the other
        ("Toledo Rust Meetup", None),  # a Spanish province, and big cities in four countries
        ("Rust Georgia", None),  # the US state as often as the country
        ("RustFest UK and USA", None),  # two countries
        ("AI and IT with Rust", None),  # acronyms, not Anguilla and Italy
        ("Rust release triage", None),
    ],
)
def test_country_in_text(text: str, expected: str | None) -> None:
    assert country_in_text(text) == expected


@pytest.mark.parametrize(
    ("country", "code", "expected"),
    [
        ("US", "WA", True),
        ("US", "wa", True),
        ("US", "US-WA", True),
        ("CA", "BC", True),
        ("AU", "NSW", True),
        ("GB", "SCT", True),
        ("UK", "ENG", True),
        ("US", "XX", False),
        ("CA", "WA", False),
        ("XX", "WA", False),
        ("US", "", False),
    ],
)
def test_subdivision_valid(country: str, code: str, expected: bool) -> None:
    assert subdivision_valid(country, code) is expected


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Chiapas", "MX", "CHP"),  # only an old name of Chiapa de Corzo
        ("Selangor", "MY", "10"),
        ("Milano", "IT", None),  # the province's too, but a big city's other name: Milan
        ("Wien", "AT", None),
        ("Zurich", "CH", None),  # the canton, and the city Zürich spelt otherwise
        ("New York", "US", None),
        ("Berlin", "DE", None),  # the state's name is the city's own
        ("Munich", "DE", None),  # no subdivision so called
    ],
)
def test_subdivision_not_city(name: str, country: str, expected: str | None) -> None:
    assert places.subdivision_not_city(name, country) == expected


def test_coordinates() -> None:
    lat, lon = coordinates("Paris", "FR") or (0.0, 0.0)
    assert lat == pytest.approx(48.85, abs=0.1)
    assert lon == pytest.approx(2.35, abs=0.1)
    assert coordinates("Cambridge", None) is None
    assert coordinates("Nowhere-on-Sea", "DE") is None


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((0.0, 0.0), (0.0, 0.0), 0.0),
        ((0.0, 0.0), (0.0, 180.0), 20015.1),
        ((48.8566, 2.3522), (51.5074, -0.1278), 343.5),  # Paris - London
    ],
)
def test_distance_km(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert distance_km(a, b) == pytest.approx(km, abs=1.0)
    assert distance_km(b, a) == pytest.approx(km, abs=1.0)


def test_paris_to_berlin_from_the_gazetteer() -> None:
    paris, berlin = coordinates("Paris", "FR"), coordinates("Berlin", "DE")
    assert paris and berlin
    assert distance_km(paris, berlin) == pytest.approx(878, abs=15)


def test_import_does_not_load_the_gazetteer(monkeypatch: pytest.MonkeyPatch) -> None:
    package = sys.modules["calendar_agg.normalize"]
    for name in ("places", "place_names", "countries", "gazetteer", "text_cities"):
        # restored after the fresh import
        monkeypatch.setattr(package, name, sys.modules[f"calendar_agg.normalize.{name}"])
        monkeypatch.delitem(sys.modules, f"calendar_agg.normalize.{name}")
    fresh = importlib.import_module("calendar_agg.normalize.places")
    assert fresh is not places
    assert sys.modules["calendar_agg.normalize.gazetteer"] is not gazetteer
    assert sys.modules["calendar_agg.normalize.gazetteer"].city_names.cache_info().currsize == 0
    assert sys.modules["calendar_agg.normalize.countries"]._country_index.cache_info().currsize == 0


def test_repeated_lookups_hit_the_cache() -> None:
    locate_city("Seattle", "WA", "US")
    country_code("Deutschland")
    city_in_text("Seattle Rust Meetup")
    before = (
        gazetteer.resolve_city.cache_info().hits,
        country_code.cache_info().hits,
        city_in_text.cache_info().hits,
    )
    for _ in range(100):
        locate_city("Seattle", "WA", "US")
        country_code("Deutschland")
        city_in_text("Seattle Rust Meetup")
    after = (
        gazetteer.resolve_city.cache_info().hits,
        country_code.cache_info().hits,
        city_in_text.cache_info().hits,
    )
    assert [b - a for a, b in zip(before, after, strict=True)] == [100, 100, 100]


def test_fuzzy_country_names_are_folded_once() -> None:
    assert country_code("Russia") == "RU"
    assert country_code("Moldova") == "MD"
    before = countries._folded_country_names.cache_info()
    assert countries._fuzzy_country("venezuela") == "VE"
    after = countries._folded_country_names.cache_info()
    assert (after.misses, after.hits) == (before.misses, before.hits + 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RainOfRust Camp Patan, Gujarat", None),  # not Pātan, Nepal: Gujarat is in India
        ("RainOfRust Camp Ahmedabad, Gujarat", ("Ahmedabad", "IN")),
        ("Monkey Tech Days Toulouse, France", ("Toulouse", "FR")),
        ("Dive into Rust @ Indore, MP India", ("Indore", "IN")),
        ("GNOME+Rust Hackfest 2017, Mexico City", ("Mexico City", "MX")),  # the city itself
        ("Rust Melbourne - Hack Night, Talks, and Networking", ("Melbourne", "AU")),
        ("Rust Hamburg, Central Station", ("Hamburg", "DE")),
    ],
)
def test_city_in_text_is_not_placed_where_a_qualifier_after_a_comma_contradicts(
    text, expected
):
    assert city_in_text(text) == expected


def test_knows_city_however_many_the_country_has():
    assert places.knows_city("Columbus", "US")  # several: locate_city gives None
    assert not places.knows_city("Columbus", "IL")
    assert places.knows_city("Cologne/Köln", "DE")


def copied(sources, folder: Path) -> list[Path]:
    """Copies of a table's source modules, to edit as a code change would."""
    copies = [folder / f"{number}.py" for number in range(len(sources))]
    for source, copy in zip(sources, copies, strict=True):
        copy.write_bytes(Path(source).read_bytes())
    return copies


def test_gazetteer_cache_is_rebuilt_when_name_folding_changes(tmp_path, monkeypatch):
    """The disk cache's version covers the code that builds the tables: the gazetteer module
    and ``place_names`` (how names are folded), not just the facade."""
    from calendar_agg.normalize import place_names, tables

    assert set(gazetteer._TABLE_SOURCES) == {gazetteer.__file__, place_names.__file__}
    copies = copied(gazetteer._TABLE_SOURCES, tmp_path)
    versions = []
    monkeypatch.setattr(gazetteer, "_TABLE_SOURCES", tuple(map(str, copies)))
    monkeypatch.setattr(tables, "cached_table_and_index",
                        lambda name, version, build: versions.append(version) or ((0, 0), 0))
    gazetteer._gazetteer_tables.__wrapped__()
    copies[1].write_text(copies[1].read_text() + "\n# folded differently\n")
    gazetteer._gazetteer_tables.__wrapped__()
    assert len(versions) == 2 and versions[0] != versions[1]


def test_country_index_cached_on_disk_reads_back_as_built(tmp_path, monkeypatch):
    """The index of country names (every own-language name, from pycountry's translations)
    is cached on disk; what a later run loads is what was built, in the same order."""
    monkeypatch.setenv("CALENDAR_AGG_CACHE", str(tmp_path))
    built = countries._country_index.__wrapped__()
    assert [path.name.split("-")[0] for path in tmp_path.iterdir()] == ["countries"]
    monkeypatch.setattr(countries, "_build_country_index", lambda: pytest.fail("built again"))
    loaded = countries._country_index.__wrapped__()
    assert list(loaded.items()) == list(built.items())
    assert loaded["deutschland"] == "DE" and loaded["uk"] == "GB"


def test_country_index_cache_is_rebuilt_when_name_folding_changes(tmp_path, monkeypatch):
    from calendar_agg.normalize import place_names, tables

    assert set(countries._INDEX_SOURCES) == {countries.__file__, place_names.__file__}
    copies = copied(countries._INDEX_SOURCES, tmp_path)
    versions = []
    monkeypatch.setattr(countries, "_INDEX_SOURCES", tuple(map(str, copies)))
    monkeypatch.setattr(tables, "cached_table",
                        lambda name, version, build: versions.append(version))
    countries._country_index.__wrapped__()
    copies[1].write_text(copies[1].read_text() + "\n# folded differently\n")
    countries._country_index.__wrapped__()
    assert len(versions) == 2 and versions[0] != versions[1]
