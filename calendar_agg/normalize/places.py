"""Places: country codes, cities, subdivisions and coordinates, from offline gazetteers.

The one import for the rest of the package; the work is done in

- ``place_names``: how names are folded into lookup keys (``city_key``);
- ``countries``: ISO 3166 country codes from codes, names and aliases, and subdivisions;
- ``gazetteer``: cities - lookup, canonical spelling, coordinates, the nearest city to a
  point, time zones;
- ``text_cities``: the city (or else the country) a free-text title or address names.

Nothing is loaded at import time: each table is built on first use and cached.
"""

from __future__ import annotations

from calendar_agg.normalize.countries import (
    countries_with_subdivision,
    country_code,
    subdivision_named,
    subdivision_names,
    subdivision_valid,
)
from calendar_agg.normalize.gazetteer import (
    Place,
    canonical_city,
    cities_of,
    city_timezone,
    coordinates,
    country_meant,
    distance_km,
    knows_city,
    locate_city,
    nearest_city,
    subdivision_not_city,
)
from calendar_agg.normalize.place_names import city_key
from calendar_agg.normalize.text_cities import (
    city_in_context,
    city_in_text,
    country_in_text,
    shared_city_name_in_text,
    written_city_in_text,
)

__all__ = [
    "Place",
    "canonical_city",
    "cities_of",
    "city_in_context",
    "city_in_text",
    "city_key",
    "city_timezone",
    "countries_with_subdivision",
    "country_in_text",
    "coordinates",
    "country_code",
    "country_meant",
    "distance_km",
    "knows_city",
    "locate_city",
    "nearest_city",
    "shared_city_name_in_text",
    "written_city_in_text",
    "subdivision_named",
    "subdivision_not_city",
    "subdivision_names",
    "subdivision_valid",
]
