"""Places of events as the listings write them."""

from __future__ import annotations

import pytest

from calendar_agg.parsers.twir.place import (
    Place,
    is_place,
    known_city,
    read_place,
    unknown_code,
)


@pytest.mark.parametrize(
    ("text", "city", "subdivision", "country", "virtual", "hybrid"),
    [
        ("Berlin, DE", "Berlin", None, "DE", False, False),
        ("Seattle, WA, US", "Seattle", "WA", "US", False, False),
        ("London, UK", "London", None, "GB", False, False),
        ("Virtual", None, None, None, True, False),
        ("Virtual (Indianapolis, IN, US)", "Indianapolis", "IN", "US", True, False),
        ("Virtual( Kampala, UG)", "Kampala", None, "UG", True, False),
        ("Virtual (Redmond, WA, US; New York, NY, US)", "Redmond", "WA", "US", True, False),
        ("Virtual (Redmond, WA, US / Toronto, CA)", "Redmond", "WA", "US", True, False),
        ("Hybrid (Vancouver, BC, CA)", "Vancouver", "BC", "CA", True, True),
        ("Barcelona, ES + Virtual", "Barcelona", None, "ES", True, True),
        ("Virtual + Dublin, IE", "Dublin", None, "IE", True, True),
        ("Virtual and In-Person (Seattle, WA, US)", "Seattle", "WA", "US", True, True),
        ("Hybrid - Virtual and In-Person (Kyiv, UA)", "Kyiv", None, "UA", True, True),
        ("Hybrid (Virtual + In-person) Munich, DE", "Munich", None, "DE", True, True),
        ("Virtual (Israel)", None, None, "IL", True, False),
        ("Virtual (Global)", None, None, None, True, False),
        ("Various - EMEA", None, None, None, False, False),
        ("Various cities, IR", None, None, "IR", False, False),
        ("Malaysia", None, None, "MY", False, False),
        ("Melbourne, AUS", "Melbourne", None, "AU", False, False),
        ("Bergen, No", "Bergen", None, "NO", False, False),
        ("Minneapolis, MN US", "Minneapolis", "MN", "US", False, False),
        ("Buffalo, NY", "Buffalo", "NY", "US", False, False),
        ("Boulder, CO", "Boulder", "CO", "US", False, False),
        ("Toronto, CA", "Toronto", None, "CA", False, False),
        ("Johannesburg, SA", "Johannesburg", None, "ZA", False, False),
        ("Vancouver, BC, US", "Vancouver", "BC", "CA", False, False),
        ("Vancouver, British Columbia, US", "Vancouver", "BC", "CA", False, False),  # named
        ("Portland, Oregon, CA", "Portland", "OR", "US", False, False),
        ("São Paulo, SP", "São Paulo", "SP", "BR", False, False),
        # names a slash joins, as written (one city's or a pair's); of a country and a
        # city the city
        ("Köln/Cologne, DE", "Köln/Cologne", None, "DE", False, False),
        ("Bangalore/Bengaluru, IN", "Bangalore/Bengaluru", None, "IN", False, False),
        ("Frankfurt/Main, DE", "Frankfurt/Main", None, "DE", False, False),
        ("Zürich/Zurich", "Zürich/Zurich", None, "CH", False, False),
        ("Boulder/Denver, CO, US", "Boulder/Denver", "CO", "US", False, False),
        ("Minneapolis/St. Paul, US", "Minneapolis/St. Paul", None, "US", False, False),
        # a venue before the city
        ("Mozilla Paris office, Paris, FR", "Paris", None, "FR", False, False),
        ("Subang Jaya / Kuala Lumpur, Selangor, MY", "Subang Jaya / Kuala Lumpur", "10", "MY",
         False, False),
        ("Germany/Cologne", "Cologne", None, "DE", False, False),
        ("Praha / Prague, CZ", "Praha / Prague", None, "CZ", False, False),
        ("Hawthorne (Los Angeles), CA, US", "Hawthorne", "CA", "US", False, False),
        ("Ikot Akpaden, Mkpat Enin, Akwa Ibom State, NG", "Ikot Akpaden", "AK", "NG", False,
         False),  # "Akwa Ibom State": the state Akwa Ibom
        ("Seattle", "Seattle", "WA", "US", False, False),
        # spellings the sample does not show, read as a human would
        ("Berlin DE", "Berlin", None, "DE", False, False),  # the comma left out
        ("St. Louis MO", "St. Louis", "MO", "US", False, False),  # Missouri, not Macau
        ("Seattle WA, US", "Seattle", "WA", "US", False, False),  # no comma before the state
        ("Vancouver BC, CA", "Vancouver", "BC", "CA", False, False),
        ("Salt Lake City UT, US", "Salt Lake City", "UT", "US", False, False),
        ("Washington DC", "Washington", "DC", "US", False, False),  # an alias with its state
        # a stray stop after the place: no part of its last code
        ("Columbus, IL.", "Columbus", "IL", "US", False, False),  # Illinois, not Israel
        ("São Paulo, SP.", "São Paulo", "SP", "BR", False, False),
        ("Austin, TX;", "Austin", "TX", "US", False, False),
        # bold or struck-through markup around the place or in it
        ("**Munich, DE**", "Munich", None, "DE", False, False),
        ("~~Munich, DE~~", "Munich", None, "DE", False, False),
        ("Virtual (~~Berlin~~, DE)", "Berlin", None, "DE", True, False),
        ("Rust Meetup DE", "Rust Meetup DE", None, None, False, False),  # no city: as written
        ("Berlin, DE / Virtual", "Berlin", None, "DE", True, True),
        ("In-person: Berlin, DE", "Berlin", None, "DE", False, False),
        ("Hybrid: Berlin, DE", "Berlin", None, "DE", True, True),
        # a marker glued to the place by a slash, as " / " (a slash between names of a
        # city, "Köln/Cologne", stays one place)
        ("Virtual/Berlin, DE", "Berlin", None, "DE", True, True),
        ("Berlin, DE/Online", "Berlin", None, "DE", True, True),
        # a meeting platform is no place, and neither is a marker for everywhere
        ("Zoom", None, None, None, True, False),
        ("Online / Zoom", None, None, None, True, False),
        ("Virtual (Zoom/Discord)", None, None, None, True, False),
        ("Virtual / Global", None, None, None, True, False),
        # hosts joined by " + " inside the parentheses: the first that is no marker
        ("Hybrid (Online + Berlin, DE)", "Berlin", None, "DE", True, True),
        ("Virtual (Seattle, WA, US + New York, NY, US)", "Seattle", "WA", "US", True, False),
        # a time zone is no place; "The" before a country's name is no state code
        ("Virtual (UTC+2)", None, None, None, True, False),
        ("Virtual (CET)", None, None, None, True, False),
        ("Virtual (UTC)", None, None, None, True, False),  # not Utrecht's code
        ("Virtual (IST)", None, None, None, True, False),
        ("Virtual (EU timezone)", None, None, None, True, False),
        ("Virtual (US Eastern)", None, None, None, True, False),
        ("Virtual (Eastern Time)", None, None, None, True, False),
        ("Central, HK", "Central", None, "HK", False, False),  # a district, not a time zone
        # words that only say how it is held are no city
        ("Online event", None, None, None, True, False),
        ("Virtual (YouTube Live)", None, None, None, True, False),
        ("Livestream", None, None, None, True, False),
        # a place streamed: both ways
        ("Berlin, DE (livestream)", "Berlin", None, "DE", True, True),
        # the country's continent after it
        ("Berlin, DE, EU", "Berlin", None, "DE", False, False),
        ("Virtual (Paris, FR, Europe)", "Paris", None, "FR", True, False),
        # a marker after the hosts' ";": online too
        ("Seattle, WA, US; Virtual", "Seattle", "WA", "US", True, True),
        ("Amsterdam, The Netherlands", "Amsterdam", None, "NL", False, False),
        # after a dash (or an en dash) a marker says how the place's group meets, as the
        # 2020 issues write "Berlin, DE - Remote": online only
        ("Berlin, DE - Online", "Berlin", None, "DE", True, False),
        ("Online – Berlin, DE", "Berlin", None, "DE", True, False),
        ("Virtual - Global", None, None, None, True, False),
        ("Online - CET", None, None, None, True, False),
        # "offline" is in person: both ways, and no city called "Offline"
        ("Online/Offline", None, None, None, True, True),
        ("Offline + Online (Berlin, DE)", "Berlin", None, "DE", True, True),
        ("Offline (Berlin, DE)", "Berlin", None, "DE", False, False),
        # a state or province written out, without the country
        ("Portland, Maine", "Portland", "ME", "US", False, False),  # not Oregon's Portland
        ("Melbourne, Florida", "Melbourne", "FL", "US", False, False),
        ("Springfield, Illinois", "Springfield", "IL", "US", False, False),
        ("Pune, Maharashtra", "Pune", "MH", "IN", False, False),
        ("Toronto, Ontario", "Toronto", "ON", "CA", False, False),
        # either way, or online too: both ways
        ("Berlin, DE or Virtual", "Berlin", None, "DE", True, True),
        ("Berlin, DE (and online)", "Berlin", None, "DE", True, True),
        ("Berlin, DE (also on YouTube)", "Berlin", None, "DE", True, True),
        ("Virtual or TBD", None, None, None, True, False),  # "or TBD" is no city
        # how to attend, in parentheses after a marker: no city, and online only
        ("Virtual (on Zoom)", None, None, None, True, False),
        ("Virtual (via Jitsi)", None, None, None, True, False),
        ("Online (also on YouTube)", None, None, None, True, False),
        # a platform in a place field: online
        ("Discord", None, None, None, True, False),
        ("YouTube", None, None, None, True, False),
        # a colon after the marker
        ("Hybrid: (Barcelona, ES)", "Barcelona", None, "ES", True, True),
        ("Virtual: (Berlin, DE)", "Berlin", None, "DE", True, False),
    ],
)
def test_read_place(
    text: str,
    city: str | None,
    subdivision: str | None,
    country: str | None,
    virtual: bool,
    hybrid: bool,
) -> None:
    place = read_place(text)
    assert (place.city, place.subdivision, place.country) == (city, subdivision, country)
    assert (place.virtual, place.hybrid) == (virtual, hybrid)
    assert place.found


def test_empty_and_unknown_places() -> None:
    assert read_place("") == Place()
    assert not read_place("").found


@pytest.mark.parametrize(("text", "code"), [
    ("Berlin, DE, EU", None), ("Paris, FR, EMEA", None), ("Atlantis, XX", "XX"),
    ("Berlin, EU", "EU"),  # no country before it
])
def test_unknown_code(text: str, code: str | None) -> None:
    assert unknown_code(text, read_place(text)) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wroclaw, PL", True),
        ("Rome, Italy", True),
        ("Russia", True),
        ("Durham, NC", True),
        ("Online", True),
        ("Berlin, DE + Online", True),  # a place beside a marker
        ("Virtual / Berlin, DE", True),
        ("Berlin, DE, EU", True),
        ("Rust Berlin + Online", False),
        ("Rust Paris", False),
        ("Rust Meetup Linz", False),
        ("GPU enhanced terminals, Counting Votes, and Converting C to Rust", False),
        ("", False),
    ],
)
def test_is_place(text: str, expected: bool) -> None:
    assert is_place(text) is expected


# -- found by the audit of every sample event ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "city", "subdivision", "country"),
    [
        ("Malaysia, MY", None, None, "MY"),
        ("Poland, PL", None, None, "PL"),
        ("Switzerland, CH", None, None, "CH"),
        ("Utah, US", None, "UT", "US"),
        ("Georgia, US", None, "GA", "US"),  # the state, not the country
        ("Singapore, SG", "Singapore", None, "SG"),  # a city-state is a city
        ("Luxembourg, LU", "Luxembourg", None, "LU"),
        ("New York, US", "New York", None, "US"),  # a state and a city: the city
        ("East Coast, US", None, None, "US"),  # a part of the country
        ("Pacific Northwest, US", None, None, "US"),
        ("Gold Coast, AU", "Gold Coast", None, "AU"),  # a city of that name
    ],
)
def test_country_or_state_written_where_the_city_goes_is_no_city(
    text: str, city: str | None, subdivision: str | None, country: str
) -> None:
    place = read_place(text)
    assert (place.city, place.subdivision, place.country) == (city, subdivision, country)


def test_state_name_between_city_and_country_becomes_its_code() -> None:
    place = read_place("Utah Valley, Utah, US")
    assert (place.city, place.subdivision, place.country) == ("Utah Valley", "UT", "US")


def test_state_code_that_is_also_a_country_goes_with_a_city_only_the_state_country_has() -> None:
    # "IL" is Illinois and Israel; there is no Columbus in Israel.
    place = read_place("Columbus, IL")
    assert (place.city, place.subdivision, place.country) == ("Columbus", "IL", "US")
    assert read_place("Medellín, CO").country == "CO"  # Colombia has Medellín
    assert read_place("Boulder, CO").country == "US"


def test_state_code_that_is_also_a_country_is_the_country_a_city_so_called_is_in() -> None:
    # "AR" is Arkansas and Argentina, and a Chilean region's code: San Vicente is a town of
    # Argentina (several) and of Chile, none of Arkansas
    place = read_place("San Vicente, AR")
    assert (place.city, place.subdivision, place.country) == ("San Vicente", None, "AR")
    assert read_place("Little Rock, AR").country == "US"


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("Milano, IT", True),  # a province's name too, but Milan's other name
        ("Wien, AT", True),
        ("Zurich, CH", True),
        ("Chiapas, Mexico", False),  # a state, once the name of a town
        ("Selangor, MY", False),
        ("Atlantis, DE", False),
    ],
)
def test_known_city_is_a_city_not_a_state_a_town_was_named_after(text: str, known: bool) -> None:
    assert known_city(read_place(text)) is known
