"""Misspelt city names: "Darmstadr, DE" is Darmstadt, "Washinigton, DC, US" is Washington.

Used when a listing is stored (``merge.check_place``), never by ``parse``, which prints the
city as the document writes it. Conservative on purpose, since a wrong guess moves an event:

* only a name the gazetteer does not know in the listing's country is corrected;
* only to a sizeable city (``SIZEABLE`` people or more) of that same country - never across
  countries - and, where geonames has ISO subdivision codes (the US), of the given state;
* only names of ``MIN_LETTERS`` letters or more, one slip off (a letter missing, extra or
  wrong, or two letters swapped), and only when exactly one city is that close.

"Standford, US" stays as written: Stanford is too small for the gazetteer, and Stamford
is two slips away.
"""

from __future__ import annotations

import functools

from calendar_agg.normalize import places

SIZEABLE = 100_000
MIN_LETTERS = 6


@functools.lru_cache(maxsize=4096)
def corrected_city(name: str, subdivision: str | None, country: str | None) -> str | None:
    """The sizeable city of ``country`` that ``name`` misspells, else None (see module)."""
    code = places.country_code(country) if country else None
    key = places.city_key(name)
    if code is None or "/" in name or len(key.replace(" ", "")) < MIN_LETTERS:
        return None
    if places.knows_city(name, code):
        return None
    state = subdivision.strip().upper() if code == "US" and subdivision else None
    close = {
        city
        for city, admin1 in places.cities_of(code, SIZEABLE)
        if (state is None or admin1 == state) and one_slip(key, places.city_key(city))
    }
    return close.pop() if len(close) == 1 else None


def one_slip(a: str, b: str) -> bool:
    """Whether two different words are one typing slip apart: a letter missing, extra or
    wrong, or two neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) < len(b):
        return a[first:] == b[first + 1 :]
    if a[first + 1 :] == b[first + 1 :]:
        return True
    return a[first : first + 2] == b[first : first + 2][::-1] and a[first + 2 :] == b[first + 2 :]
