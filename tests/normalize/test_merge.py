"""Places cleaned and checked, and the rules that decide which listings are one event."""

import dataclasses
import datetime as dt

import pytest

from calendar_agg.models import RawEvent
from calendar_agg.normalize.merge import Listing, check_place, group_listings, make_listing

DAY = dt.date(2025, 6, 19)


def raw(**fields):
    base = dict(issue="602", line=1, start=DAY, source="twir")
    return RawEvent(**(base | fields))


@pytest.mark.parametrize(("written", "expected"), [
    (dict(city="  nürnberg ", country="DE"), ("Nuremberg", None, "DE")),
    (dict(city="Nurnberg", country="DE"), ("Nuremberg", None, "DE")),
    (dict(city="Cologne/Köln", country="DE"), ("Köln", None, "DE")),
    (dict(city="Berlin", country="Germany"), ("Berlin", None, "DE")),
    (dict(city="London", country="UK"), ("London", None, "GB")),
    (dict(city="Seattle", subdivision="wa", country="US"), ("Seattle", "WA", "US")),
    (dict(city="Seattle", subdivision="US-WA", country="US"), ("Seattle", "WA", "US")),
    (dict(city="Munich", subdivision="Bayern", country="DE"), ("Munich", "BY", "DE")),
    (dict(city="Ikot Akpaden", subdivision="Akwa Ibom State", country="NG"),  # "State" added
     ("Ikot Akpaden", "AK", "NG")),
    (dict(city="Redmond", subdivision="Washington", country="US"), ("Redmond", "WA", "US")),
    (dict(city="Boulder", subdivision="XX", country="US"), ("Boulder", "CO", "US")),  # context
    (dict(city="Seattle"), ("Seattle", "WA", "US")),  # the city alone is unambiguous
    (dict(city="Boston", country="US"), ("Boston", "MA", "US")),  # the state of that city
    (dict(city="Columbus", country="US"), ("Columbus", None, "US")),  # OH, GA or IN
    (dict(city="Munich", country="DE"), ("Munich", None, "DE")),  # no ISO codes in geonames
    (dict(city="Selangor", country="MY"), ("Selangor", None, "MY")),  # a state, not a city
    (dict(city="Milano", country="IT"), ("Milan", None, "IT")),  # a big city's other name,
    (dict(city="Torino", country="IT"), ("Turin", None, "IT")),  # though a province's too
    (dict(city="Zurich", country="CH"), ("Zürich", None, "CH")),  # the canton's, and the city's
    (dict(city="Mexico City", subdivision="DF", country="MX"),  # renamed CMX in 2016
     ("Mexico City", "CMX", "MX")),
])
def test_places_are_cleaned_and_resolved(written, expected):
    event, problems = check_place(raw(**written))
    assert (event.city, event.subdivision, event.country) == expected
    assert problems == []


@pytest.mark.parametrize(("written", "kept", "problem"), [
    (dict(city="Hangzhou", subdivision="ZH", country="CN"), ("ZH", "CN"),
     "unknown subdivision 'ZH' of CN"),
    (dict(city="Atlantis", country="Atlantis"), (None, "Atlantis"), "unknown country"),
])
def test_unresolved_codes_are_kept_as_written_with_a_problem(written, kept, problem):
    event, problems = check_place(raw(**written))
    assert (event.subdivision, event.country) == kept
    assert len(problems) == 1 and problem in problems[0]


def test_region_comes_from_the_country_not_the_heading():
    event, _ = check_place(raw(city="Berlin", country="DE", region="North America"))
    assert event.region == "Europe"


def listing(issue_date, line=1, **fields):
    seen = dt.datetime.combine(issue_date, dt.time(), tzinfo=dt.UTC)
    return make_listing(raw(issue=issue_date.isoformat(), line=line, **fields), seen)


W1, W2, W3 = dt.date(2025, 6, 4), dt.date(2025, 6, 11), dt.date(2025, 6, 18)
EVENT = "https://www.meetup.com/rust-berlin/events/1"
BERLIN = dict(city="Berlin", country="DE", group="Rust Berlin",
              group_url="https://www.meetup.com/rust-berlin/")


def groups(*listings: Listing) -> list[list[tuple[str, int]]]:
    found, _ = group_listings(listings)
    return sorted(sorted((li.event.issue, li.event.line) for li in g) for g in found)


def test_mirror_link_joins_listings():
    a = listing(W1, url=EVENT, extra_urls=("https://berline.rs/2025/06/19/hack.html",))
    b = listing(W2, url="https://berline.rs/2025/06/19/hack.html")
    assert len(groups(a, b)) == 1


def test_shared_front_page_or_group_page_joins_nothing():
    a = listing(W1, url="https://x.org/e/1", extra_urls=("https://berline.rs/",), **BERLIN)
    b = listing(W1, line=2, url="https://x.org/e/2", title="Other",
                extra_urls=("https://www.meetup.com/rust-berlin/",), city="Hamburg")
    assert len(groups(a, b)) == 2


def test_move_announced_before_the_old_date_is_one_event():
    a, b = listing(W1, url=EVENT), listing(W2, url=EVENT, start=DAY + dt.timedelta(days=7))
    c = listing(W3, url=EVENT)  # ... and moved back
    assert len(groups(a, b, c)) == 1


def test_same_link_on_two_dates_in_one_issue_is_a_series():
    a, b = listing(W1, url=EVENT), listing(W1, line=2, url=EVENT, start=DAY + dt.timedelta(1))
    assert len(groups(a, b)) == 2


def test_same_link_listed_after_the_old_date_passed_is_the_next_occurrence():
    a = listing(W1, url=EVENT, start=dt.date(2025, 6, 5))
    b = listing(W2, url=EVENT, start=dt.date(2025, 6, 12))
    assert len(groups(a, b)) == 2


def test_replaced_link_with_same_date_organiser_and_city_is_one_event():
    a = listing(W1, url="https://www.meetup.com/rust-berlin/events/tqvhxsydcnbzb", **BERLIN)
    b = listing(W2, url="https://www.meetup.com/rust-berlin/events/288641106", **BERLIN)
    c = listing(W3, **BERLIN)  # and a week without a link of its own
    assert len(groups(a, b, c)) == 1


def test_other_city_or_organiser_is_another_event():
    a = listing(W1, url="https://x.org/e/1", **BERLIN)
    b = listing(W2, url="https://x.org/e/2", **(BERLIN | {"city": "Hamburg"}))
    c = listing(W2, line=2, url="https://x.org/e/3",
                **(BERLIN | {"group": "Rust Hack", "group_url": "https://hack.example/"}))
    assert len(groups(a, b, c)) == 3


def test_two_links_in_one_issue_are_kept_apart_and_reported():
    a = listing(W1, url="https://x.org/e/1", title="Hack and Learn", **BERLIN)
    b = listing(W1, line=2, url="https://x.org/e/2", title="Rust and Tell", **BERLIN)
    found, review = group_listings([a, b])
    assert len(found) == 2
    assert [(x.event.line, y.event.line) for x, y in review] == [(1, 2)]


def test_the_same_title_twice_in_one_issue_is_one_event():
    a = listing(W1, url="https://x.org/e/1", title="Hack and Learn", **BERLIN)
    b = listing(W1, line=2, url="https://x.org/e/2", title="hack and learn!", **BERLIN)
    found, review = group_listings([a, b])
    assert len(found) == 1 and review == []


def test_source_uid_follows_a_renamed_and_moved_event():
    a = listing(W1, url="https://x.org/a", title="A")
    b = listing(W2, url="https://x.org/b", title="B", start=DAY + dt.timedelta(days=30))
    a, b = (dataclasses.replace(x, event=dataclasses.replace(x.event, source_uid="ics-1"))
            for x in (a, b))
    assert len(groups(a, b)) == 1
