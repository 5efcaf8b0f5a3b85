"""iCalendar property values and content lines written as text, byte for byte what icalendar
7.3 writes for the same values (tests/publish/test_ics_parts.py holds the two side by side).

Building each event as an icalendar component (``Component.add``, ``Parameters``,
``Contentline.from_parts``) cost about a second of a four-second backfill of 2,700 events;
the few property types a VEVENT of ours has are simple to write directly. Each function
returns what follows the property name on its line: the parameters, a colon, the value.
icalendar itself is imported only for what is rare (a timed event's TZID): a run that
serializes no timed event does not pay for importing it.
"""

from __future__ import annotations

import datetime as dt
import functools


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


def raw(value: str) -> str:
    """A value of a type icalendar does not know (NAME, X-WR-CALNAME, X-WR-CALDESC): written
    verbatim, unescaped, as its ``vUnknown`` writes it."""
    return ":" + value


def duration(value: dt.timedelta) -> str:
    """A DURATION value as icalendar's ``vDuration`` writes it: ``P1DT2H``, ``PT6H``,
    ``PT1H0M5S`` (minutes kept between hours and seconds), ``-P1D``; microseconds dropped."""
    sign = "-" if value.days < 0 else ""
    value = -value if value.days < 0 else value
    hours, minutes, seconds = value.seconds // 3600, value.seconds // 60 % 60, value.seconds % 60
    time = ""
    if value.seconds:
        time = "T" + (f"{hours}H" if hours else "") + (
            f"{minutes}M" if minutes or (hours and seconds) else "") + (
            f"{seconds}S" if seconds else "")
    if value.days == 0 and time:
        return f":{sign}P{time}"
    return f":{sign}P{value.days}D{time}"


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
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 - twice as fast as an f-string here
        value.year, value.month, value.day, value.hour, value.minute, value.second)


@functools.cache
def _tzid(zone: dt.tzinfo | None) -> str | None:
    """The TZID icalendar gives a zone: one of the ids equivalent to it, "UTC" when UTC is
    one of them. Asked of icalendar once per zone (a lookup in its table of equivalents)."""
    from icalendar.timezone.tzid import tzid_from_tzinfo

    return tzid_from_tzinfo(zone)


@functools.cache
def _tzid_parameter(tzid: str) -> str:
    """``;TZID=...`` as icalendar writes the parameter (quoted if it had to be)."""
    from icalendar import Parameters

    return ";" + Parameters({"TZID": tzid}).to_ical().decode()


def content_line(name: str, rest: str) -> bytes:
    """One property's content line with its CRLF, folded as icalendar 7 folds it."""
    return _folded(name + rest) + b"\r\n"


def component(name: str, properties: list[tuple[str, str]]) -> bytes:
    """A component of ``properties`` (name, what follows it), in their order: its
    BEGIN and END lines around their content lines."""
    lines = [f"BEGIN:{name}".encode(), *(_folded(key + rest) for key, rest in properties),
             f"END:{name}".encode(), b""]
    return b"\r\n".join(lines)


# A folded line's chunks are under this many octets (RFC 5545 3.1: 75 at most).
_LIMIT = 75
# A chunk does not end in one of these (the start of a TEXT or RFC 6868 escape), unless it
# is that one character: icalendar carries it over to the next chunk.
_ESCAPES = b"\\^"


def _folded(line: str) -> bytes:
    """The line in UTF-8, folded: chunks of up to 74 octets that never split a character,
    one octet shorter where the last would be an escape character."""
    data = line.encode()
    if len(data) < _LIMIT:
        return data
    chunks, start = [], 0
    while len(data) - start >= _LIMIT:
        end = start + _LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # inside a character: its octets stay together
            end -= 1
        if data[end - 1] in _ESCAPES and end - 1 > start:
            end -= 1
        chunks.append(data[start:end])
        start = end
    chunks.append(data[start:])
    return b"\r\n ".join(chunks)
