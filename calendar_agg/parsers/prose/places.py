"""Where an event is, read from prose: cities through the offline gazetteer, and online.

``cities_in(text)`` finds the cities a sentence names: runs of capitalised words looked up
with ``normalize.places.city_in_text`` ("held in Brussels", "in the Seattle area", "the
Google London office"), or a smaller city made certain by the country or US state written
after it ("Delft, the Netherlands", "Pittsburgh, PA"). A mention is *cued* when a word such
as "in", "at" or "to" comes right before it: that is how prose says where something is. A
run that is a street ("Avenida Faria Lima", "Paris Street") names no city.

``online_in(text)`` says whether a sentence calls the event online ("virtual") or both
online and in person ("hybrid"); a post saying that "collaboration occurs online" does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calendar_agg.normalize import places as gazetteer
from calendar_agg.normalize.countries import subdivisions_of

_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_RUN = re.compile(rf"{_WORD}(?:\s+(?:(?:am|an|de|del|do|da|la|le|upon|sur)\s+)?{_WORD})*")
_AFTER = re.compile(r",\s*(?:the\s+)?(?P<where>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})")
_US_STATE = re.compile(r"[A-Z]{2}")
_CUE = re.compile(
    r"\b(?i:in|at|to|near|around|visit(?:ing|ed)?|into|venue:?|city:?|location:?|place:?|"
    r"where:?)\s+(?:(?i:the)\s+)?(?:(?i:beautiful|sunny|historic|lovely|city\s+of|heart\s+of|"
    r"cent(?:er|re)\s+of)\s+)?(?:[A-Z][\w&'’.-]*\s+){0,3}$")
_IN = re.compile(r"\b(?:in|held\s+at)\s+$")
# Capitalised words after "in" that are no place, though a small town may bear the name.
_NOT_PLACES = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun|"
    r"Production|Practice|Action|Mobile|Independence|Enterprise|Commerce|Providence|Concord|"
    r"Surprise|Reading|Bath|Nice|Split|Victoria|Orange|Union|Liberty|Temple|Rust|English|"
    r"Person|Part|Time|Order|General|Spring|Summer|Autumn|Fall|Winter)", re.IGNORECASE)
# Words that make a capitalised run an address: "on Avenida Faria Lima" is no Lima.
_STREET = re.compile(
    r"\b(?:Avenida|Avenue|Ave|Rua|Rue|Calle|Carrer|Via|Viale|Corso|Street|St|Road|Rd|Lane|"
    r"Boulevard|Blvd|Straße|Strasse|Str|Gasse|Weg|Allee|Platz|Plaza|Square|Place|Ulica|ul)\b")
_ONLINE = re.compile(
    r"\b(?:held|take[sn]?\s+place|took\s+place|taking\s+place|happen(?:s|ed|ing)?|run(?:s|ning)?"
    r"|go(?:es|ing)?|went|move[ds]?|moving|hosted)\s+"
    r"(?:entirely\s+|fully\s+|completely\s+|exclusively\s+|purely\s+|only\s+|100\s?%\s+)?"
    r"(?:online|virtual(?:ly)?|remote(?:ly)?)\b"
    r"|\b(?:be|is|was|are|were)\s+(?:entirely\s+|fully\s+|completely\s+|exclusively\s+"
    r"|purely\s+|100\s?%\s+)(?:online|virtual|remote)\b"
    r"|\b(?:be|is|was|are|were)\s+virtual\b"
    r"|\b(?:online|virtual|remote|digital)(?:[- ]only)?[- ](?:conference|event|edition|summit"
    r"|meetup|meet-up|gathering|workshop|hackathon|unconference|festival|fest|conf)s?\b"
    r"|\bonline[- ]only\b|\b(?:RustFest|Rust)\s+Global\s+online\b", re.IGNORECASE)
_HYBRID = re.compile(
    r"\bhybrid\s+(?:conference|event|edition|format|summit|meetup|gathering)\b"
    r"|\bin[- ]person\s+(?:and|&|as\s+well\s+as|or)\s+(?:online|virtual(?:ly)?|remote(?:ly)?)\b"
    r"|\b(?:online|virtual(?:ly)?|remote(?:ly)?)\s+(?:and|&|or)\s+in[- ]person\b", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceMention:
    city: str  # canonical city (geonames primary name)
    subdivision: str | None
    country: str  # ISO 3166-1 alpha-2
    offset: int
    cued: bool  # "in Brussels", "at the Google London office"


def cities_in(text: str) -> list[PlaceMention]:
    """The cities ``text`` names, in order."""
    found: list[PlaceMention] = []
    for match in _RUN.finditer(text):
        before = text[max(0, match.start() - 60):match.start()]
        cued = bool(_CUE.search(before))
        place = _place(match, text, _IN.search(before) is not None)
        if place is not None:
            found.append(PlaceMention(*place, match.start(), cued))
    return found


def _place(match: re.Match[str], text: str, after_in: bool) -> tuple[str, str | None, str] | None:
    """(city, subdivision, country) of a capitalised run, checked against what follows it.
    Right after "in" a smaller city counts too ("in Delft"), if the gazetteer is sure."""
    run = match.group(0)
    if _STREET.search(run):
        return None
    after = _AFTER.match(text, match.end())
    where = after.group("where") if after else None
    if where:
        qualified = _qualified(run, where)
        if qualified:
            return qualified
    hit = gazetteer.city_in_text(run)
    if hit is None and after_in and len(run.split()) <= 2 and not _NOT_PLACES.match(run):
        located = gazetteer.locate_city(run)
        return (located[0], located[1], located[2]) if located and located[2] else None
    if hit is None:
        return None
    located = gazetteer.locate_city(hit[0], None, hit[1])
    return (hit[0], located[1] if located else None, hit[1])


def _qualified(run: str, where: str) -> tuple[str, str | None, str] | None:
    """The city named by the last words of ``run`` in the country or US state ``where``."""
    words = run.split()
    state = where.split()[0] if _US_STATE.fullmatch(where.split()[0]) else None
    country = None if state else gazetteer.country_code(where)
    if state is None and country is None:
        state = us_state_code(where)
    for size in range(min(3, len(words)), 0, -1):
        name = " ".join(words[-size:])
        found = (gazetteer.locate_city(name, state, "US") if state
                 else gazetteer.locate_city(name, None, country))
        if found and found[2]:
            return (gazetteer.canonical_city(found[0], found[2]), found[1], found[2])
    return None


def us_state_code(name: str) -> str | None:
    """``"Oregon"`` -> ``"OR"``: a US state written out in full, else None."""
    key = name.strip().lower()
    return next((code for code, state in subdivisions_of("US") if state.lower() == key), None)


def online_in(text: str) -> str | None:
    """``"hybrid"``, ``"virtual"`` or None: how ``text`` says the event can be attended."""
    if _HYBRID.search(text):
        return "hybrid"
    return "virtual" if _ONLINE.search(text) else None
