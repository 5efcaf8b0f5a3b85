"""The place line every output shows (ICS LOCATION, Atom titles, the page)."""

import datetime as dt

import pytest

from calendar_agg.publish.text import place_line


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "Berlin, DE"),
        ({"subdivision": "BE"}, "Berlin, BE, DE"),
        ({"subdivision": " "}, "Berlin, DE"),  # a blank part leaves no empty ", ,"
        ({"subdivision": "\x00"}, "Berlin, DE"),  # nothing left once cleaned
        ({"city": " ", "country": " ", "virtual": True, "hybrid": True}, "Online"),
        ({"city": "Redmond", "subdivision": "WA", "country": "US", "virtual": True,
          "hybrid": True}, "Redmond, WA, US + Online"),
        ({"virtual": True}, "Online"),
        ({"city": None, "country": ""}, "Unknown place"),
    ],
)
def test_place_line(make_event, fields, expected):
    assert place_line(make_event("e", dt.date(2025, 6, 12), ("Europe",), **fields)) == expected
