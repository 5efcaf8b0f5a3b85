"""Place names as lookup keys: how names of countries, subdivisions and cities are compared.

Folding drops accents, case, dots, apostrophes and punctuation and collapses spaces, so
"Nürnberg", "nurnberg" and "NÜRNBERG" are one key; letters Unicode does not decompose
("København", "Łódź") are spelled out in ASCII.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

# Letters Unicode does not decompose into a base letter plus accent ("København", "Łódź").
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_COMBINING = re.compile(r"[\u0300-\u036f]")  # accents left apart by NFKD
_DROPPED = re.compile(r"[.'’]")
_PUNCTUATION = re.compile(r"[^\w]+|_")


def fold(text: str) -> str:
    """Lookup key: accents, case, dots, apostrophes and punctuation dropped, spaces collapsed."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = _PUNCTUATION.sub(" ", _DROPPED.sub("", text.casefold().translate(_UNDECOMPOSED)))
    return " ".join(text.split())


def city_key(name: str) -> str:
    """A city name folded for comparison: ``"Nürnberg"`` and ``"nurnberg"`` are equal."""
    return fold(name)


_EXONYM_SIMILARITY = 0.6
_SPELLING_SIMILARITY = 0.88
_SAINT = re.compile(r"\bst(e?)\b")  # "St. Louis", "Ste-Foy" (folded): "Saint Louis"


def reads_as_exonym(alternate: str, primary: str, *, close: bool = False) -> bool:
    """Whether a city's alternate name (folded) reads as another spelling of its primary one:
    "frankfurt" of "frankfurt am main", "torino" of "turin"; not a surname or an old name
    ("ivanov" of "ivanovo", "waterloo" of "austin"). ``close``: only as nearly the same
    letters ("odessa" of "odesa", not "cancun" of "changchun" nor "parma" of "perm"), as an
    alternate name must read to take the name from a big city whose own name it is."""
    similarity = _EXONYM_SIMILARITY
    if close:
        similarity = _SPELLING_SIMILARITY
        alternate, primary = _SAINT.sub(r"saint\1", alternate), _SAINT.sub(r"saint\1", primary)
    # "Frankfurt" for "Frankfurt am Main"; "St. Louis" for "Saint Louis"
    if alternate == primary or primary.startswith(alternate + " "):
        return True
    if alternate[0] != primary[0] or primary.startswith(alternate) or alternate.startswith(primary):
        return False  # surnames and demonyms: "Ivanov" (Ivanovo), "Kermani" (Kerman)
    matcher = difflib.SequenceMatcher(None, alternate, primary, autojunk=False)
    return (  # the cheap upper bounds first: this runs on every alternate name of big cities
        matcher.real_quick_ratio() >= similarity
        and matcher.quick_ratio() >= similarity
        and matcher.ratio() >= similarity
    )
