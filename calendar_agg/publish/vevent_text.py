"""iCalendar property values and content lines written as text, byte for byte what icalendar
7.3 writes for the same values (tests/publish/test_ics_parts.py holds the two side by side).

Building each event as an icalendar component (``Component.add``, ``Parameters``,
``Contentline.from_parts``) cost about a second of a four-second backfill of 2,700 events;
the few property types a VEVENT of ours has are simple to write directly. Each function
returns what follows the property name on its line: the parameters, a colon, the value.
"""

from __future__ import annotations

import datetime as dt
import functools

from icalendar import Parameters
from icalendar.timezone.tzid import tzid_from_tzinfo


def text(value: str) -> str:
    """A TEXT value, escaped the way icalendar escapes it, quirks included: a literal
    backslash-N is taken for a line break first, and CR LF, LF and a lone CR all become
    the escape ``\\n``."""
    return ":" + _escaped(value)


def texts(values: list[str]) -> str:
    """A list of TEXT values (CATEGORIES), each escaped, separated by commas."""
    return ":" + ",".join(map(_escaped, values))


def _escaped(value: str) -> str:
    # the order matters, as in icalendar: the backslash of "\N" is not escaped
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))


def uri(value: str) -> str:
    """A URI value, written as it is (icalendar does not escape one)."""
    return ":" + value


def integer(value: int) -> str:
    """An INTEGER value; like icalendar, refuses one outside RFC 5545's 32-bit range."""
    if not -2**31 <= value < 2**31:
        raise ValueError(f"Integer {value} is outside the RFC 5545 range")
    return f":{value}"


def utc(value: dt.datetime) -> str:
    """A DATE-TIME in UTC (``value`` must be in UTC): digits and Z, no parameter."""
    return f":{_digits(value)}Z"


def when(value: dt.date) -> tuple[str | None, str]:
    """A DTSTART or DTEND value, and the TZID it refers to (None for a date or UTC).

    A date is ``;VALUE=DATE:YYYYMMDD``. A datetime is its wall time with the TZID icalendar
    finds for its zone; when that is UTC (also for a zone equivalent to UTC, e.g. Etc/UTC),
    the wall time goes out with Z and no TZID."""
    if not isinstance(value, dt.datetime):
        return None, f";VALUE=DATE:{value.year:04}{value.month:02}{value.day:02}"
    tzid = _tzid(value.tzinfo) or value.tzname()  # as icalendar's tzid_from_dt
    if tzid is None:  # a floating time (not one of ours: their times are aware)
        return None, f":{_digits(value)}"
    if tzid == "UTC":
        return None, f":{_digits(value)}Z"
    return tzid, f"{_tzid_parameter(tzid)}:{_digits(value)}"


def _digits(value: dt.datetime) -> str:
    return (f"{value.year:04}{value.month:02}{value.day:02}"
            f"T{value.hour:02}{value.minute:02}{value.second:02}")


@functools.cache
def _tzid(zone: dt.tzinfo | None) -> str | None:
    """The TZID icalendar gives a zone: one of the ids equivalent to it, "UTC" when UTC is
    one of them. Asked of icalendar once per zone (a lookup in its table of equivalents)."""
    return tzid_from_tzinfo(zone)


@functools.cache
def _tzid_parameter(tzid: str) -> str:
    """``;TZID=...`` as icalendar writes the parameter (quoted if it had to be)."""
    return ";" + Parameters({"TZID": tzid}).to_ical().decode()


def content_line(name: str, rest: str) -> bytes:
    """One property's content line with its CRLF, folded as icalendar 7 folds it."""
    line = name + rest
    if line.isascii():
        return "\r\n ".join(_ascii_chunks(line)).encode("ascii") + b"\r\n"
    return "\r\n ".join(_utf8_chunks(line)).encode() + b"\r\n"


# A folded line's chunks are under this many octets (RFC 5545 3.1: 75 at most).
_LIMIT = 75
# A chunk does not end in one of these (the start of a TEXT or RFC 6868 escape), unless it
# is that one character: icalendar carries it over to the next chunk.
_ESCAPES = "\\^"


def _ascii_chunks(line: str) -> list[str]:
    """The chunks of an ASCII line: slices of 74 characters, or 73 before an escape."""
    chunks, start = [], 0
    while len(line) - start >= _LIMIT:
        end = start + _LIMIT - 1 - (line[start + _LIMIT - 2] in _ESCAPES)
        chunks.append(line[start:end])
        start = end
    chunks.append(line[start:])
    return chunks


def _utf8_chunks(line: str) -> list[str]:
    """The chunks of a line with non-ASCII text, counting the UTF-8 octets of each
    character (one is never split); rare enough that a loop over them is fine."""
    chunks, start, size = [], 0, 0
    for index, char in enumerate(line):
        octets = len(char.encode())
        if index > start and size + octets >= _LIMIT:
            carried = index - start > 1 and line[index - 1] in _ESCAPES
            end = index - 1 if carried else index
            chunks.append(line[start:end])
            start, size = end, index - end  # a carried escape character is one octet
        size += octets
    chunks.append(line[start:])
    return chunks
