"""Reading the dates at the start of an event line, in every spelling TWiR used.

``read_dates(text, issue_date)`` reads one date or a list/range of dates at the start of
``text`` (``2025-06-04``, ``2024-01-27-28``, ``2022-05-19 & 05-20``, ``Feb. 9.``,
``June 8, 2021,``, ``Oct 26 & 27``, ``May 30/31``, ``Nov 26+28``, ``10/27 and 10/28``,
``May 15 - June 7``, ``2/4 - 2/5:`` ...) and returns the first and last day.

Years: a date without one takes the year that puts it nearest after the issue date
(an issue of Dec 28 listing ``1/11`` means next January). A written year that puts the
date far from the issue (``2032-05-04`` in a 2023 issue) is corrected when the issue date
makes the intent certain; otherwise the date is reported as doubtful.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_FULL_NAMES = [name for name in MONTHS if len(name) > 4 or name in ("may", "june", "july")]

# The longest span of days a year-less range runs over the new year for ("Dec 15 - Jan 7");
# a longer one is a slip ("Dec 3 - Dec 1"), not an event of a year.
_NEW_YEAR_SPAN = dt.timedelta(days=92)

# How far before / after the issue date a listed event may plausibly be.
PAST_LIMIT = dt.timedelta(days=75)
FUTURE_LIMIT = dt.timedelta(days=550)

_ORD = r"(?:st|nd|rd|th)?"
# 2024-10-09, and the slips 2024/10/09 and 2024.10.09 (one separator throughout).
# A year of five digits is a slip with one digit too many ("20224-01-20"), mended in
# ``_dated`` when the issue date tells which year was meant.
_ISO = re.compile(r"(?P<y>\d{4,5})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
# The same shape, without the groups the scanner reads: for patterns that only ask whether a
# text holds such a date where they look (``section``, ``reader``)
ISO_DATE = r"\d{4,5}(?P<iso_sep>[-/.])\d{1,2}(?P=iso_sep)\d{1,2}"
_NUM = re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])")
# 08.05.2024 and 8.5.24: dotted with the year last is day first (as written in most of Europe)
_DOTTED = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})(?![\d.:])")
# The same shape, for patterns that only ask whether a text holds one (as ``ISO_DATE``)
DOTTED_DATE = r"\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?![\d.:])"
_NAMED = re.compile(
    rf"(?P<mon>[A-Za-z]{{2,10}})\.?\s*(?P<d>\d{{1,2}}){_ORD}(?!\d)"
    r"(?:(?:,\s*|\s+)(?P<y>\d{4})(?!\d))?"
)
_DAYFIRST = re.compile(
    rf"(?P<d>\d{{1,2}}){_ORD}\s+(?P<mon>[A-Za-z]{{3,10}})\.?(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
)
# A weekday's name, short or long ("Thu", "Thur.", "Thursday"), for patterns compiled with
# re.I (or inside "(?i:...)")
_DAY_NAME = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?"
# A weekday before a date ("Thursday, December 10", "Sat 5 Dec", "Thu 12th & Fri 13th June")
WEEKDAY = rf"(?:{_DAY_NAME},?\s+)?"
_MMDD = re.compile(r"(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d/])")
# "5-7 December", "5 & 6 Dec 2026": the first day's month and year are written after the last
_DAYS_THEN_MONTH = re.compile(
    rf"(?P<first>\d{{1,2}}){_ORD}\s*(?:-|–|—|&|\+|/|\band\b|\bto\b)\s*{WEEKDAY}"
    rf"(?=\d{{1,2}}{_ORD}\s+[A-Za-z])",
    re.I,
)
# a day after a list's separator; not a time ("7pm", "7 pm", "18h", "6:30") nor a count
_DAY = re.compile(
    rf"(?P<d>\d{{1,2}})(?!\d){_ORD}(?![\d/:.]\d)(?![A-Za-z])(?!\s+[a-z])(?!\s*[-/]\s*\d)"
)
# a weekday in parentheses after a day, before the next ("2024-08-15 (Thu) - 2024-08-17")
_PAREN_WEEKDAY = rf"(?:\s*\({_DAY_NAME}\))?"
_SEP = re.compile(
    _PAREN_WEEKDAY
    + r"\s*(?:-|–|—|~|→|\.\.|\bto\b|\btill\b|\buntil\b|\bthrough\b|\bthru\b|&|\band\b|\+|,|/)\s*"
    + WEEKDAY, re.I
)
# Before the dates: brackets and emphasis, and a weekday
_LEAD = re.compile(r"[\s*_\[(]*" + WEEKDAY, re.I)


class DateSpan(NamedTuple):
    """Dates read from the start of a text."""

    start: dt.date
    end: dt.date | None  # last day when several days are listed, else None
    length: int  # index in the text just past the dates
    corrected: bool = False  # a typo in a month name or year was corrected
    doubtful: str | None = None  # why the dates may be wrong (reported as a Problem)


def month_number(word: str) -> tuple[int, bool] | None:
    """The month a word names and whether it needed correcting (``Feburary``, ``Oc``,
    ``Dce``)."""
    key = word.lower().rstrip(".")
    if key in MONTHS:
        return MONTHS[key], False
    if len(key) >= 3:
        starts = {n for name, n in MONTHS.items() if name.startswith(key)}
        if len(starts) == 1:
            return starts.pop(), False
    if len(key) == 2:
        starts = {n for name, n in MONTHS.items() if name.startswith(key)}
        return (starts.pop(), True) if len(starts) == 1 else None
    if len(key) >= 3:  # two letters swapped: "Dce", "Setp" (no weekday's name is one)
        swapped = {MONTHS[word] for word in (key[:i] + key[i + 1] + key[i] + key[i + 2:]
                                             for i in range(len(key) - 1)) if word in MONTHS}
        if len(swapped) == 1:
            return swapped.pop(), True
    close = difflib.get_close_matches(key, _FULL_NAMES, n=1, cutoff=0.75)
    return (MONTHS[close[0]], True) if close else None


def infer_year(month: int, day: int, issue_date: dt.date | None) -> dt.date | None:
    """The first ``month``/``day`` on or after the plausibility window of the issue.

    Raises ValueError when no year has that day (``Jun 31``).
    """
    if issue_date is None:
        return None
    valid = False
    for year in (issue_date.year - 1, issue_date.year, issue_date.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        valid = True
        if candidate >= issue_date - PAST_LIMIT:
            return candidate
    if not valid:
        raise ValueError(f"no day {day} in month {month}")
    return None


def plausible(date: dt.date, issue_date: dt.date | None) -> bool:
    """Whether an event on ``date`` can be listed in an issue of ``issue_date``."""
    if issue_date is None:
        return True
    return issue_date - PAST_LIMIT <= date <= issue_date + FUTURE_LIMIT


class _Piece(NamedTuple):
    """One date as written: the year and month may be left to the pieces around it."""

    year: int | None
    month: int | None
    day: int
    corrected: bool = False


class ScannedDates(NamedTuple):
    """The dates written at the start of a text, before they are given years: what the
    text alone says, so that a reader can keep it and resolve it for each issue date."""

    pieces: tuple[_Piece, ...]
    length: int  # index in the text just past the dates


def _piece(match: re.Match[str], kind: str) -> _Piece | None:
    groups = match.groupdict()
    corrected = False
    month: int | None
    if "mon" in groups:
        found = month_number(groups["mon"])
        if found is None or (kind == "dayfirst" and found[1]):
            return None
        month, corrected = found
    else:
        month = int(groups["m"]) if groups.get("m") else None
    return _Piece(_year(groups.get("y")), month, int(groups["d"]), corrected)


def _year(text: str | None) -> int | None:
    """A year as written: ``24`` (and ``0024``) is 2024."""
    year = int(text) if text else None
    return year + 2000 if year is not None and year < 100 else year


_FIRST = (("iso", _ISO), ("num", _NUM), ("dotted", _DOTTED), ("named", _NAMED),
          ("dayfirst", _DAYFIRST))
_NEXT = {
    "iso": (("iso", _ISO), ("mmdd", _MMDD), ("day", _DAY)),
    "num": (("num", _NUM), ("named", _NAMED), ("day", _DAY)),
    "dotted": (("dotted", _DOTTED),),
    "named": (("named", _NAMED), ("dayfirst", _DAYFIRST), ("day", _DAY)),
    "dayfirst": (("dayfirst", _DAYFIRST), ("named", _NAMED), ("day", _DAY)),
    "mmdd": (("mmdd", _MMDD), ("day", _DAY)),
}


def _match_first(text: str, pos: int) -> tuple[str, _Piece, int] | None:
    for kind, regex in _FIRST:
        match = regex.match(text, pos)
        if match:
            piece = _piece(match, kind)
            if piece is not None and piece.month is not None:
                return kind, piece, match.end()
    return _mmdd_first(text, pos)


def _mmdd_first(text: str, pos: int) -> tuple[str, _Piece, int] | None:
    """``05-19 & 05-20 |``: month-day without a year, taken only where it cannot be
    anything else: before the ``|`` of its line, or followed by another such date."""
    match = _MMDD.match(text, pos)
    if match is None or not 1 <= int(match["m"]) <= 12:
        return None
    after = text[match.end():].lstrip()
    if not after.startswith("|") and _match_next(text, match.end(), "mmdd") is None:
        return None
    return "mmdd", _Piece(None, int(match["m"]), int(match["d"])), match.end()


def _match_next(text: str, pos: int, kind: str) -> tuple[_Piece, int] | None:
    sep = _SEP.match(text, pos)
    if sep is None or sep.end() == pos:
        return None
    for next_kind, regex in _NEXT[kind]:
        match = regex.match(text, sep.end())
        if match:
            piece = _piece(match, next_kind)
            if piece is not None:
                return piece, match.end()
    return None


def scan_pieces(text: str, pos: int = 0) -> tuple[list[_Piece], int] | None:
    """The date pieces at ``pos`` and the index after the last one, or None."""
    days = _DAYS_THEN_MONTH.match(text, pos)
    after = _DAYFIRST.match(text, days.end()) if days else None
    last = _piece(after, "dayfirst") if after else None
    if days and after and last is not None:  # the first day: the month and year of the last
        kind, end = "dayfirst", after.end()
        pieces = [last._replace(day=int(days["first"])), last]
    else:
        first = _match_first(text, pos)
        if first is None:
            return None
        kind, piece, end = first
        pieces = [piece]
    while len(pieces) < 8:
        following = _match_next(text, end, kind)
        if following is None:
            break
        pieces.append(following[0])
        end = following[1]
    year = _YEAR_AFTER.match(text, end) if len(pieces) > 1 else None
    if year is not None and all(piece.year is None for piece in pieces):
        return _with_year(pieces, int(year["y"])), year.end()
    return pieces, end


# ", 2022" after several days ("February 22 - 23, 2022"): the year of the last
_YEAR_AFTER = re.compile(r",?\s*(?P<y>(?:19|20)\d\d)(?![\d/:-])")


def _with_year(pieces: list[_Piece], year: int) -> list[_Piece]:
    """The pieces with years: ``year`` for the last, the year before for earlier days of a
    later month (``Dec 30 - Jan 2, 2027``)."""
    months, month = [], None
    for piece in pieces:
        month = piece.month or month
        months.append(month)
    last = months[-1] or 0
    return [piece._replace(year=year - (1 if (m or 0) > last else 0))
            for piece, m in zip(pieces, months, strict=True)]


def _resolve(
    pieces: Sequence[_Piece], issue_date: dt.date | None
) -> tuple[list[dt.date], str | None]:
    """Concrete dates for the pieces: missing months and years carried forward."""
    dates: list[dt.date] = []
    doubt = None
    for piece in pieces:
        prev = dates[-1] if dates else None
        month = piece.month or (prev.month if prev else None)
        if month is None:
            raise ValueError("no month")
        if piece.month is None and prev and piece.day < prev.day:
            month = prev.month % 12 + 1
        date, why = _dated(piece.year, month, piece.day, prev, issue_date)
        doubt = doubt or why
        dates.append(date)
    return dates, doubt


def _dated(
    year: int | None, month: int, day: int, prev: dt.date | None, issue_date: dt.date | None
) -> tuple[dt.date, str | None]:
    if month > 12 and 1 <= day <= 12:  # "2024-13-02": the day and month swapped, it seems
        date, why = _dated(year, day, month, prev, issue_date)
        if why is None and year in (None, date.year):  # so read, a date the issue may list
            return date, f"no month {month}: read as the day, {date}"
        raise ValueError(f"month must be in 1..12, not {month}")
    if year is None and prev is not None:
        date = dt.date(prev.year, month, day)
        if date >= prev:
            return date, None
        later = dt.date(prev.year + 1, month, day)  # "Dec 30 - Jan 2": over the new year
        return (later if later - prev <= _NEW_YEAR_SPAN else date), None
    if year is None:
        inferred = infer_year(month, day, issue_date)
        if inferred is None:
            raise ValueError("no year and no issue date")
        return inferred, None
    if year > dt.MAXYEAR:  # "20224": one digit too many
        inferred = infer_year(month, day, issue_date)
        if inferred is not None and _typo(year, inferred.year):
            return inferred, None
        raise ValueError(f"year {year} is out of range")
    try:
        date = dt.date(year, month, day)
    except ValueError:  # no such day in the year written: "2023-02-29" in a 2024 issue
        inferred = infer_year(month, day, issue_date)
        if (inferred is not None and issue_date is not None and _typo(year, inferred.year)
                and inferred <= issue_date + _NEW_YEAR_SPAN):
            return inferred, None
        raise
    if plausible(date, issue_date) or (prev is not None and prev <= date <= prev + FUTURE_LIMIT):
        return date, None
    inferred = infer_year(month, day, issue_date)
    if inferred is None:
        return date, f"year {year} far from the issue date"
    if _typo(year, inferred.year):
        return inferred, None
    return inferred, f"year {year} far from the issue date, read as {inferred.year}"


def _typo(written: int, meant: int) -> bool:
    """Whether ``written`` is a slip for ``meant``: last year's, swapped, one wrong digit or
    one digit too many."""
    a, b = str(written), str(meant)
    return (
        abs(written - meant) == 1
        or sorted(a) == sorted(b)
        or (len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1)
        or (len(a) == len(b) + 1 and any(a[:i] + a[i + 1:] == b for i in range(len(a))))
    )


def read_dates(text: str, issue_date: dt.date | None, pos: int = 0) -> DateSpan | None:
    """The dates at the start of ``text`` (after ``pos``), or None when there are none.

    Raises ValueError for dates that are written but impossible (``Feb 30``, no year
    known); callers turn that into a Problem.
    """
    found = scan_dates(text, pos)
    return None if found is None else resolve_dates(found, issue_date)


def scan_dates(text: str, pos: int = 0) -> ScannedDates | None:
    """What ``read_dates`` reads, before years are inferred: it depends on the text only.

    No pattern here matches a ``|``, nor looks past one: in a text with one after ``pos``
    (``2025-06-04 | Berlin, DE | ...``) the dates depend only on the text up to it, which
    many entries share, so they are read once for each such start.
    """
    plain = _ISO_THEN_BAR.match(text, pos)
    if plain is not None:  # "2025-06-04 |", most entries since 2022: what _scan finds
        year, month, day = plain.groups()
        return ScannedDates((_Piece(_year(year), int(month), int(day)),), plain.end())
    bar = text.find("|", pos)
    return _scan(text, pos) if bar < 0 else _scan_before_bar(text[: bar + 1], pos)


# One ISO date and the "|" after it: nothing else to look for
_ISO_THEN_BAR = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=[ \t]*\|)")


@functools.lru_cache(maxsize=4096)
def _scan_before_bar(text: str, pos: int) -> ScannedDates | None:
    """``_scan`` of a text that ends at its first ``|`` after ``pos``."""
    return _scan(text, pos)


def _scan(text: str, pos: int) -> ScannedDates | None:
    """The dates at ``pos`` (after any opening brackets and emphasis), as written."""
    lead = _LEAD.match(text, pos)
    found = scan_pieces(text, lead.end() if lead else pos)
    if found is None:
        return None
    return ScannedDates(tuple(found[0]), found[1])


@functools.lru_cache(maxsize=256)
def resolve_dates(found: ScannedDates, issue_date: dt.date | None) -> DateSpan:
    """The DateSpan of scanned dates in an issue of ``issue_date`` (``read_dates``).

    Kept for a while, as the events of one issue share few dates (entries of other issues
    need other results, so the cache stays small)."""
    pieces = found.pieces
    piece = pieces[0] if len(pieces) == 1 else None  # one day, its year written: most entries
    if (piece is not None and piece.month is not None and piece.year is not None
            and piece.year <= dt.MAXYEAR and piece.month <= 12
            and piece.day <= _SHORTEST_MONTH):
        date = dt.date(piece.year, piece.month, piece.day)
        if not piece.corrected and plausible(date, issue_date):
            return DateSpan(date, None, found.length)
    return _resolved_span(found, issue_date)


_SHORTEST_MONTH = 28  # a later day may be in no month of the year written ("2023-02-29")


def _resolved_span(found: ScannedDates, issue_date: dt.date | None) -> DateSpan:
    """``resolve_dates`` the long way, for any pieces."""
    pieces = found.pieces
    dates, doubt = _resolve(pieces, issue_date)
    corrected = any(p.corrected for p in pieces)
    for piece, date in zip(pieces, dates, strict=True):
        corrected = corrected or (piece.year is not None and piece.year != date.year)
    last = max(dates)
    if min(dates) < dates[0]:
        doubt = doubt or f"{min(dates)} is before the first day, {dates[0]}: read from the first"
    return DateSpan(dates[0], last if last != dates[0] else None, found.length, corrected, doubt)


_ANYWHERE = re.compile(
    r"(?<![\w/#.-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?!\d))(?![\w/])"
)


def find_dates(text: str, issue_date: dt.date | None) -> DateSpan | None:
    """The first date written anywhere in free text (``... meetup on 2015-01-12.``)."""
    return first_resolved(scan_anywhere(text), issue_date)


# A day written before its month where a span may start in free text ("30 Sept - 2 Oct",
# "2-4 Oct"); ``_ANYWHERE`` finds the spans that start with the month ("Oct 2-4")
_DAY_THEN_MONTH = re.compile(
    r"(?<![\w/#.:-])\d{1,2}(?:st|nd|rd|th)?\s*(?=(?:[-–&]\s*\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"[A-Za-z]{3,9}\b)"
)
_LONGEST_SPAN = dt.timedelta(days=31)  # a conference, a hackathon: not a season


def end_in_title(title: str, start: dt.date) -> dt.date | None:
    """The last day of a span of days a title writes from ``start`` on ("RustFi Hackathon
    30 Sept - 2 Oct", "RustLab Conference 2022 (Oct 2-4)"), when the entry's date gives the
    first day only; None when the title writes no such span."""
    for scanned in _spans_in(title):
        try:
            found = resolve_dates(scanned, start)
        except (ValueError, OverflowError):
            continue
        if found.start == start and found.end is not None and (
                start < found.end <= start + _LONGEST_SPAN):
            return found.end
    return None


@functools.lru_cache(maxsize=4096)
def _spans_in(text: str) -> tuple[ScannedDates, ...]:
    """The dates of several days written anywhere in a text, in text order."""
    if not any(c.isdigit() for c in text):
        return ()
    starts = sorted({m.start() for m in _ANYWHERE.finditer(text)}
                    | {m.start() for m in _DAY_THEN_MONTH.finditer(text)})
    found = (scan_dates(text, start) for start in starts)
    return tuple(s for s in found if s is not None and len(s.pieces) > 1)


def scan_anywhere(text: str) -> tuple[ScannedDates, ...]:
    """The dates ``find_dates`` may pick, in text order, before years are inferred."""
    found = (scan_dates(text, match.start()) for match in _ANYWHERE.finditer(text))
    return tuple(scanned for scanned in found if scanned is not None)


def first_resolved(
    candidates: Iterable[ScannedDates], issue_date: dt.date | None
) -> DateSpan | None:
    """The first of ``candidates`` that are possible dates in an issue of ``issue_date``."""
    for scanned in candidates:
        try:
            return resolve_dates(scanned, issue_date)
        except (ValueError, OverflowError):
            continue
    return None
