"""One entry -> its event, whichever form it is written in.

An entry is read in two steps. What its text says - the form, the fields, where the dates
are written - depends on the text alone, and is kept per text (``_reading``): an event stays
listed for weeks, so a backfill meets most entries several times, in issues of different
dates. Only then are the dates given their years, for the issue that lists the entry (cheap,
and kept for the few dates one issue lists: ``dates.resolve_dates``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass

from calendar_agg.models import RawEvent
from calendar_agg.parsers.twir.cancelled import is_notice, may_say_cancelled, without_cancellation
from calendar_agg.parsers.twir.current import read_bracketed_pipes, read_current
from calendar_agg.parsers.twir.dates import (
    DOTTED_DATE,
    ISO_DATE,
    DateSpan,
    ScannedDates,
    end_in_title,
    first_resolved,
    resolve_dates,
    scan_anywhere,
    scan_dates,
)
from calendar_agg.parsers.twir.fields import Context, Fields, build, event_links
from calendar_agg.parsers.twir.legacy import read_dash_form, read_free_text
from calendar_agg.parsers.twir.links import Link, find_links
from calendar_agg.parsers.twir.section import Entry

_OPENING = re.compile(r"^[\s*_$|]*")  # "| 2024-02-01 | ...": a table row's bar too
_PIPE_NEXT = re.compile(r"[^|\[\]]{0,3}\|")
_FULL_DATE_HEAD = re.compile(f"{ISO_DATE}|{DOTTED_DATE}")  # the year written: today's forms
# The place then the group's link after a full date, without bars: "2024-02-01 Berlin, DE
# [Rust Berlin](...)", "2024-02-01 - Berlin, DE - [Rust Berlin] (...)"
_PLACE_THEN_LINK = re.compile(r"\s*(?:[-–—]\s+)?[A-Z][^|\[\]]{1,60}\[[^\]]+\] ?\(")
# What may stand between the dates and the first "|" of the current form: a weekday or a
# time ("2026-12-03 (Thu) |", "2024-05-08T18:30 |", "2024-05-08 6pm |", "2024-05-08 (Wed)
# 18:30-21:00 CEST |"), skipped; else the place, its bar left out ("2024-05-08 Berlin, DE |")
_BEFORE_BAR = re.compile(r"[^|\[\]\n]{1,40}(?=\|)")
_WEEKDAY = (r"(?<![a-z])(?i:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?i:day)?\.?"
            r"(?![a-z])")
_A_WEEKDAY = re.compile(_WEEKDAY)
_TIME_WORDS = re.compile(
    rf"{_WEEKDAY}|(?<![a-z])(?:[ap]\.?m\.?|h|at|uhr|(?-i:[A-Z]{{2,5}})|T(?=\d))(?![a-z])",
    re.I,
)


# A date struck through and the one it moved to ("~~2024-03-09~~ 2024-03-10 | ..."): the
# struck one is no date of the event
_MOVED_DATE = re.compile(r"~~([^~\n]{4,30})~~\s*(?=[\dA-Z])")


class EntryError(ValueError):
    """An entry that looks like an event but cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class TextReading:
    """What an entry's text says before its dates are given years (shared: kept per text)."""

    fields: Fields | None  # None: no event listed
    dates: ScannedDates | None = None  # the dates the entry starts with, as written
    elsewhere: tuple[ScannedDates, ...] = ()  # else those in its text: the first possible
    # the whole entry (or its link's whole text) is struck through, or a word says so
    cancelled: bool = False


_NO_EVENT = TextReading(None)


def read_entry(entry: Entry, context: Context) -> tuple[RawEvent, tuple[str, ...]] | None:
    """The event an entry lists and what could not be read for sure (its doubts), or None
    when it lists none.

    Raises EntryError when the entry looks like an event but gives no usable date.
    """
    reading = _reading(entry.head, tuple(entry.subs))
    fields = reading.fields
    if fields is None:
        return None
    span = _span(reading, entry.bullet, context.issue_date)
    if span is None:
        return None
    end = span.end
    if end is None and fields.title:  # "2022-10-02 | ... | **RustLab 2022 (Oct 2-4)**"
        end = end_in_title(fields.title, span.start)
    event = build(fields.values(entry.region), span.start, end, entry.line, context)
    if reading.cancelled:
        event = dataclasses.replace(event, status="CANCELLED")
    if span.doubtful:
        return event, (f"doubtful date: {span.doubtful}", *fields.notes)
    return event, fields.notes


def _span(reading: TextReading, bullet: bool, issue_date: dt.date | None) -> DateSpan | None:
    """The dates of a reading in an issue of ``issue_date``; None: no event after all."""
    if reading.dates is None:
        span = first_resolved(reading.elsewhere, issue_date)
        if span is None and bullet:
            raise EntryError("no date")
        return span
    try:
        return resolve_dates(reading.dates, issue_date)
    except (ValueError, OverflowError) as error:
        raise EntryError(f"unreadable date ({error})") from error


@functools.lru_cache(maxsize=32768)
def _reading(head: str, subs: tuple[str, ...]) -> TextReading:
    """What the text of an entry (its head and sub-items) says, whatever issue lists it."""
    if may_say_cancelled(head) or (subs and any(map(may_say_cancelled, subs))):
        if "|" not in head and not head.lstrip(" *-+").startswith("[") and is_notice(head):
            return _NO_EVENT  # "Dec 3. Karlsruhe - Hack & Learn is cancelled this month."
        unmarked = _without_cancellation(head, subs)
        if unmarked is not None:  # a word called the event off: read without it
            return dataclasses.replace(_reading(*unmarked), cancelled=True)
    start = _OPENING.match(head)
    pos = start.end() if start else 0
    if "~~" in head:
        return _struck_through(head, pos, subs)
    return _unmarked_reading(head, pos, subs)


def _without_cancellation(head: str, subs: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """The entry's text without its cancellation marks; None when it has none."""
    head, said = without_cancellation(head)
    unmarked = [without_cancellation(sub) for sub in subs]
    if not said and not any(sub_said for _, sub_said in unmarked):
        return None
    return head, tuple(sub for sub, _ in unmarked)


def _struck_through(head: str, pos: int, subs: tuple[str, ...]) -> TextReading:
    """An entry with text struck through (``~~...~~``): a struck date that another follows
    is where the event moved from, and left out; an entry struck through as a whole (or
    its link's whole text) lists a cancelled event; other marks are only left out."""
    moved = _MOVED_DATE.match(head, pos)
    if moved is not None and scan_dates(moved.group(1)) is not None:
        head = head[:pos] + head[moved.end():]
    else:
        moved = None  # no date struck at the start
    body = head[pos:].rstrip(" .")
    cancelled = moved is None and (
        (body.startswith("~~") and body.endswith("~~"))
        or (body.startswith("[~~") and "~~](" in body and body.count("~~") == 2))
    reading = _unmarked_reading(head.replace("~~", ""), pos, subs)
    return dataclasses.replace(reading, cancelled=True) if cancelled else reading


def _unmarked_reading(head: str, pos: int, subs: tuple[str, ...]) -> TextReading:
    """``_reading`` of a head without struck-through text; ``pos``: where its text starts."""
    if head.startswith("[", pos):
        found = _read_bracketed(head, pos)
        if found is not None:
            return found
    dates = scan_dates(head, pos)
    if dates is None:
        return _read_undated(head)
    length = dates.length
    if _PIPE_NEXT.match(head, length) or (
        _FULL_DATE_HEAD.match(head, pos) and _PLACE_THEN_LINK.match(head, length)
    ):
        return TextReading(read_current(head, length, subs), dates)
    before_bar = _BEFORE_BAR.match(head, length)
    if before_bar is not None:
        if _only_time(before_bar[0]):
            return TextReading(read_current(head, before_bar.end(), subs), dates)
        if _FULL_DATE_HEAD.match(head, pos) or head.count("|", length) >= 2:
            return TextReading(read_current(head, length, subs), dates)
    return TextReading(read_free_text(head[pos:], length - pos), dates)


def _only_time(text: str) -> bool:
    """Whether a text says a weekday or a time and nothing else (``(Thu) 18:30-21:00 CEST``;
    not "NYC")."""
    if not any(c.isdigit() for c in text) and not _A_WEEKDAY.search(text):
        return False
    return not any(c.isalpha() for c in _TIME_WORDS.sub("", text))


def _read_bracketed(head: str, pos: int) -> TextReading | None:
    """``[DATE ...](url)`` forms; None when the link text does not start with a date."""
    link = _first_link(head, pos)
    inner = link.text if link else head[pos + 1 :].split("]")[0]
    dates = scan_dates(inner, 0)
    if dates is None:
        return None
    if link is None:  # "[Mar 15] [Boston Meetup](url)": the date alone in brackets
        rest = head[pos + 1 + len(inner) + 1 :]
        return TextReading(read_free_text(inner + rest, dates.length), dates)
    after = head[link.end :]
    if inner[dates.length :].lstrip().startswith("|"):
        fields = read_bracketed_pipes(inner, dates.length, _or_empty(link), after)
    else:
        fields = read_dash_form(inner, dates.length, link, after)
    return TextReading(fields, dates)


def _first_link(head: str, pos: int) -> Link | None:
    links = find_links(head)
    return links[0] if links and links[0].start == pos else None


def _or_empty(link: Link | None) -> Link:
    return link if link is not None else Link("", "", 0, 0)


def _read_undated(head: str) -> TextReading:
    """A date later in the text (``[Meetup](url),\\nJanuary 12th``), or no event."""
    if not event_links(head):
        return _NO_EVENT
    return TextReading(read_free_text(head, None), elsewhere=scan_anywhere(head))
