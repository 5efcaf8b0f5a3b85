"""Dates in prose, the way people write them, and their resolution to calendar days.

``find_dates(text)`` finds every mention: "October 12th to 13th, 2023", "September 6, 2023",
"Dec 15-16, 2018", "Sept 30 – Oct 2", "12–13 October", "30 September – 2 October 2023",
"the 12th and 13th of October", "2023-10-12", month-only "March 2024" and, with a word that
makes it a date ("this March", "in June", "early May"), a bare month name. Month names must
be capitalised: prose does, and "may" or "march" in lower case are words.

``resolve(mention, year, reference)`` turns a mention into (first day, last day, precision).
A mention without a year takes ``year`` (e.g. the year in the event's name); "this/next/last
March" are taken relative to ``reference`` (the post date); any other year-less date takes
the year that puts it nearest to ``reference`` (days before it count double). Without
either, it does not resolve. "last week", "next month" and the like resolve against
``reference`` to a month, and not at all when the week runs over two months.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
          "sep": 9, "oct": 10, "nov": 11, "dec": 12}

_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|Jun(?:e|\.)?"
          r"|Jul(?:y|\.)?|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?"
          r"|Dec(?:ember|\.)?)(?![A-Za-z])")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d|%)"
_YEAR = r"(?:19|20)\d\d(?!\d|:\d)"
_WEEKDAY = (r"(?:(?:Mon|Tue|Tues|Wed|Wednes|Thu|Thur|Thurs|Fri|Sat|Satur|Sun)(?:day)?\.?,?\s+"
            r"(?:the\s+)?)?")
_TO = r"\s*(?:-|–|—|to|through|thru|until|till|and|&|/)\s*(?:the\s+)?"
_YEAR_TAIL = rf"(?:(?:,\s*|\s+)(?:in\s+)?(?P<y>{_YEAR}))?"

_PATTERNS = (
    # October 12th to 13th, 2023 / Dec 15-16, 2018 / Sept 30 – Oct 2, 2023 / May 7 & 8
    re.compile(rf"(?P<m1>{_MONTH})\s*(?P<d1>{_DAY})(?:,\s*{_DAY}(?=,|\s*(?:and|&)\s))*"
               rf"(?:,?\s*(?P<y1>{_YEAR}))?"
               rf"(?:{_TO}{_WEEKDAY}(?:(?P<m2>{_MONTH})\s*)?(?P<d2>{_DAY})(?!\s*(?:[ap]m|h)\b))?"
               rf"{_YEAR_TAIL}"),
    # 12–13 October 2023 / 30 September – 2 October / the 12th and 13th of October
    re.compile(rf"(?<![\d.,$€£])(?P<d1>{_DAY})(?:\s+(?:of\s+)?(?P<m1>{_MONTH})"
               rf"(?:,?\s+(?P<y1>{_YEAR}))?)?{_TO}{_WEEKDAY}(?P<d2>{_DAY})\s+(?:of\s+)?"
               rf"(?P<m2>{_MONTH}){_YEAR_TAIL}"),
    # 6 September 2023 / 6th of September
    re.compile(rf"(?<![\d.,$€£])(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH}){_YEAR_TAIL}"),
    # 2023-10-12, 2023-10-12 to 2023-10-13, 2023-10-12/13
    re.compile(rf"(?<![\d-])(?P<y1>{_YEAR})-(?P<n1>[01]\d)-(?P<d1>[0-3]\d)(?!\d)"
               rf"(?:{_TO}(?:(?P<y>{_YEAR})-)?(?:(?P<n2>[01]\d)-)?(?P<d2>[0-3]\d)(?!\d))?"),
    # March 2024 / June, 2024 / March of 2024
    re.compile(rf"(?P<m1>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR})"),
    # this March / in June / early May / coming this June
    re.compile(rf"\b(?P<q>[Tt]his|[Nn]ext|[Ll]ast|[Ii]n|[Ee]arly|[Mm]id|[Ll]ate|[Dd]uring)"
               rf"(?:\s+|-)(?P<m1>{_MONTH})(?!\s*\d)"),
)
# last weekend / this past weekend / over the weekend: a Saturday and Sunday near the post date
_WEEKEND = re.compile(r"\b(?P<rel>(?:[Tt]his|[Ll]ast|[Nn]ext|[Tt]his\s+past|[Oo]ver\s+the)"
                      r"\s+weekend)\b")

# last week / next month / this past week: only to the month, and only when the week lies
# within one month
_WEEK_OR_MONTH = re.compile(r"\b(?P<rel>(?:[Tt]his|[Ll]ast|[Nn]ext|[Tt]his\s+past)"
                            r"\s+(?:week|month))\b")


@dataclass(frozen=True)
class DateMention:
    """A date or date range as written; parts not written are None."""

    start: int  # offset of the mention in the text
    end: int
    text: str
    first: tuple[int | None, int, int | None]  # (year, month, day)
    last: tuple[int | None, int, int | None]
    qualifier: str | None = None  # "this", "next", "last", "in", ... before a bare month
    relative: str | None = None  # "last weekend", ...: only the post date resolves it

    @property
    def precision(self) -> str:
        return "day" if self.first[2] is not None else "month"

    @property
    def year(self) -> int | None:
        return self.last[0] or self.first[0]


def find_dates(text: str) -> list[DateMention]:
    """Every date mention in ``text``, in order; overlapping readings keep the longest."""
    found: list[DateMention] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            mention = _mention(match)
            if mention is not None:
                found.append(mention)
    found += [DateMention(match.start(), match.end(), match.group(0), (None, 1, 1), (None, 1, 1),
                          relative=" ".join(match.group("rel").lower().split()))
              for match in _WEEKEND.finditer(text)]
    found += [DateMention(match.start(), match.end(), match.group(0), (None, 1, None),
                          (None, 1, None), relative=" ".join(match.group("rel").lower().split()))
              for match in _WEEK_OR_MONTH.finditer(text)]
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    chosen: list[DateMention] = []
    for mention in found:
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def _month(text: str | None, number: str | None = None) -> int | None:
    if number:
        return int(number) if 1 <= int(number) <= 12 else None
    return MONTHS.get(text[:3].lower()) if text else None


def _number(text: str | None) -> int | None:
    return int(re.sub(r"\D", "", text)) if text else None


def _mention(match: re.Match[str]) -> DateMention | None:
    parts = match.groupdict()
    m1 = _month(parts.get("m1"), parts.get("n1"))
    m2 = _month(parts.get("m2"), parts.get("n2"))
    d1, d2 = _number(parts.get("d1")), _number(parts.get("d2"))
    y_last = _number(parts.get("y"))
    y_first = _number(parts.get("y1")) or (y_last if m1 is None or m2 is None else None)
    month_first = m1 or m2
    if month_first is None:
        return None
    month_last = m2 or month_first
    if d2 is None:
        month_last, y_last = month_first, y_last or y_first
    if y_first is None and y_last is not None:
        y_first = y_last - 1 if month_first > month_last else y_last
    first = (y_first, month_first, d1)
    last = (y_last or y_first, month_last, d2 if d2 is not None else d1)
    if not _plausible(first, last):
        if d2 is None or parts.get("m2"):
            return None
        last = first  # "May 3 and 2 more": keep the first day only
        end = match.start("d2") if match.start("d2") >= 0 else match.end()
        return DateMention(match.start(), end, match.group(0)[:end - match.start()], first,
                           last)
    qualifier = parts.get("q")
    return DateMention(match.start(), match.end(), match.group(0), first, last,
                       qualifier.lower() if qualifier else None)


def _plausible(first: tuple, last: tuple) -> bool:
    """Real days, in order, a range no longer than six weeks."""
    try:
        start = _day(first, first[0] or 2000)
        stop = _day(last, last[0] or (2000 if last[1] >= first[1] else 2001))
    except ValueError:
        return False
    return dt.timedelta(0) <= stop - start <= dt.timedelta(days=42)


def _day(part: tuple, year: int) -> dt.date:
    return dt.date(year, part[1], part[2] or 1)


def resolve(mention: DateMention, year: int | None = None,
            reference: dt.date | None = None) -> tuple[dt.date, dt.date, str] | None:
    """(first day, inclusive last day, precision) of ``mention``, or None without a year."""
    if mention.relative:
        if reference is None:
            return None
        if mention.relative.endswith(("week", "month")):
            return _relative_month(mention.relative, reference)
        return _weekend(mention.relative, reference)
    first_year = mention.first[0]
    if first_year is None:
        first_year = _year_for(mention, year, reference)
        if first_year is None:
            return None
    last_year = mention.last[0] or (first_year + (1 if mention.last[1] < mention.first[1]
                                                  else 0))
    try:
        start = dt.date(first_year, mention.first[1], mention.first[2] or 1)
        if mention.precision == "month":
            days = calendar.monthrange(last_year, mention.last[1])[1]
            return start, dt.date(last_year, mention.last[1], days), "month"
        return start, dt.date(last_year, mention.last[1], mention.last[2] or 1), "day"
    except ValueError:  # 29 February of a year without one
        return None


def _year_for(mention: DateMention, year: int | None, reference: dt.date | None) -> int | None:
    month = mention.first[1]
    if reference is not None and mention.qualifier in ("next", "last"):
        if mention.qualifier == "next":
            return reference.year + (0 if month > reference.month else 1)
        return reference.year - (0 if month < reference.month else 1)
    if year is not None:  # the event's name or the title says it ("RustNation 2027")
        return year
    if reference is not None and mention.qualifier == "this" and month >= reference.month:
        return reference.year
    if reference is None:
        return None
    # "this March" in November, or a month with no word before it: the nearest such month
    # (one ahead preferred: posts announce more often than they look back)
    day = mention.first[2] or 15
    candidates = [y for y in range(reference.year - 1, reference.year + 2)
                  if not (month == 2 and day == 29 and not calendar.isleap(y))]
    return min(candidates, key=lambda y: _distance(dt.date(y, month, day), reference),
               default=None)


def _distance(day: dt.date, reference: dt.date) -> int:
    """Days from the post date, a day before it counting double: posts announce more
    often than they look back half a year later."""
    days = (day - reference).days
    return days if days >= 0 else -2 * days


def _weekend(relative: str, reference: dt.date) -> tuple[dt.date, dt.date, str]:
    """The Saturday and Sunday "this/next/last weekend" means, seen from ``reference``."""
    saturday = reference + dt.timedelta(days=(5 - reference.weekday()) % 7)
    if relative.startswith("this") and reference.weekday() == 6:
        saturday -= dt.timedelta(days=7)
    if relative in ("last weekend", "this past weekend", "over the weekend"):
        saturday = reference - dt.timedelta(days=(reference.weekday() - 5) % 7 or 7)
        if reference.weekday() == 6:
            saturday -= dt.timedelta(days=7)
    return saturday, saturday + dt.timedelta(days=1), "day"


def _relative_month(relative: str, reference: dt.date) -> tuple[dt.date, dt.date, str] | None:
    """The month "last week", "next month" and the like mean, seen from ``reference``; None
    when the week meant runs over two months."""
    step = -1 if relative.startswith(("last", "this past")) else 1 if relative.startswith(
        "next") else 0
    if relative.endswith("month"):
        index = reference.year * 12 + reference.month - 1 + step
        first = dt.date(index // 12, index % 12 + 1, 1)
    else:
        monday = reference - dt.timedelta(days=reference.weekday()) + dt.timedelta(weeks=step)
        first = monday.replace(day=1)
        if (monday + dt.timedelta(days=6)).month != monday.month:
            return None
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first.replace(day=days), "month"


def year_only(year: int) -> tuple[dt.date, dt.date, str]:
    """A year-precision span: the whole year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
