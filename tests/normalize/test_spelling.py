"""Misspelt cities corrected when a listing is stored, never across countries; a country code
a letter off mended by the city."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_agg.models import Document, RawEvent
from calendar_agg.normalize.merge import check_place
from calendar_agg.normalize.spelling import corrected_city, one_slip
from calendar_agg.pipeline import parse_only


@pytest.mark.parametrize(
    ("name", "subdivision", "country", "expected"),
    [
        ("Darmstadr", None, "DE", "Darmstadt"),  # a wrong letter
        ("Saarbücken", None, "DE", "Saarbrücken"),  # a missing letter
        ("Washinigton", "DC", "US", "Washington"),  # an extra letter
        ("Posnan", None, "PL", "Poznań"),
        ("Aukland", None, "NZ", "Auckland"),
        ("Hmaburg", None, "DE", "Hamburg"),  # two letters swapped
    ],
)
def test_one_slip_from_one_sizeable_city_of_the_country_is_that_city(
    name: str, subdivision: str | None, country: str, expected: str
) -> None:
    assert corrected_city(name, subdivision, country) == expected


@pytest.mark.parametrize(
    ("name", "subdivision", "country"),
    [
        ("Standford", None, "US"),  # Stanford is too small; Stamford is two slips away
        ("Darmstadr", None, "AT"),  # never across countries
        ("Darmstadr", None, None),
        ("Seatle", "OR", "US"),  # Seattle is not in Oregon
        ("Linz", None, "AU"),  # too short to guess
        ("Berlin", None, "DE"),  # known: nothing to correct
        ("Ludwigslust", None, "DE"),  # a real small town
        ("Collingwood", "VIC", "AU"),
    ],
)
def test_no_guess_without_one_close_sizeable_city_of_that_country(
    name: str, subdivision: str | None, country: str | None
) -> None:
    assert corrected_city(name, subdivision, country) is None


def test_one_slip() -> None:
    assert one_slip("darmstadr", "darmstadt")
    assert one_slip("aukland", "auckland") and one_slip("auckland", "aukland")
    assert one_slip("hmaburg", "hamburg")
    assert not one_slip("standford", "stamford")
    assert not one_slip("berlin", "berlin")


def test_store_path_corrects_the_city_and_parse_keeps_it_as_written() -> None:
    raw = RawEvent(issue="i", line=1, start=dt.date(2024, 10, 17), city="Darmstadr",
                   country="DE")  # fmt: skip
    event, problems = check_place(raw)
    assert (event.city, event.country, problems) == ("Darmstadt", "DE", [])
    issue = ("Title: This Week in Rust 569\nDate: 2024-10-02\n\n## Upcoming Events\n\n"
             "* 2024-10-17 | Darmstadr, DE | [Rust Rhein-Main](https://x.org/r)\n")
    (parsed,), _, _ = parse_only([Document("s", "2024-10-02-this-week-in-rust.md", issue)])
    assert (parsed.city, parsed.country) == ("Darmstadr", "DE")


@pytest.mark.parametrize(
    ("city", "country", "expected", "region"),
    [
        ("Linz", "AU", "AT", "Europe"),  # issue 440: no Linz in Australia; Austria is AT
        ("Vienna", "AU", "AT", "Europe"),
        ("Perth", "AU", "AU", "Oceania"),  # Australia has one
        ("Barton", "AU", "AU", "Oceania"),  # a place too small to know: kept as written
        ("Darmstadr", "AT", "AT", "Europe"),  # no big city of that name anywhere
    ],
)
def test_a_country_code_a_letter_off_is_the_country_of_the_one_big_city_of_that_name(
        city: str, country: str, expected: str, region: str) -> None:
    raw = RawEvent(issue="i", line=1, start=dt.date(2022, 4, 28), city=city, country=country)
    event, problems = check_place(raw)
    assert (event.country, event.region, problems) == (expected, region, [])
