"""One entry -> the fields of its event, whichever form it is written in."""

from __future__ import annotations

import datetime as dt
import functools
import re

from calendar_agg.parsers.twir.current import read_bracketed_pipes, read_current
from calendar_agg.parsers.twir.dates import DateSpan, find_dates, read_dates
from calendar_agg.parsers.twir.fields import Context, Fields, event_links
from calendar_agg.parsers.twir.legacy import read_dash_form, read_free_text
from calendar_agg.parsers.twir.links import Link, find_links
from calendar_agg.parsers.twir.section import Entry

_OPENING = re.compile(r"^[\s*_$]*")


class EntryError(ValueError):
    """An entry that looks like an event but cannot be read; the message says why."""


def read_entry(entry: Entry, context: Context) -> tuple[Fields | None, list[str]]:
    """The event an entry lists (None when it lists none) and what could not be read.

    Raises EntryError when the entry looks like an event but gives no usable date.
    The result is cached (an event stays listed for weeks and a folder is re-read): the
    Fields returned must not be mutated.
    """
    subs = tuple(sub for _, sub in entry.subs)
    fields, doubts, error = _cached(entry.head, subs, entry.bullet, context.issue_date)
    if error is not None:
        raise EntryError(error)
    return fields, list(doubts)


@functools.lru_cache(maxsize=32768)
def _cached(
    head: str, subs: tuple[str, ...], bullet: bool, issue_date: dt.date | None
) -> tuple[Fields | None, tuple[str, ...], str | None]:
    """``_read_entry`` of an entry with that text, for an issue of ``issue_date``."""
    entry = Entry(0, head, None, bullet, [(0, sub) for sub in subs])
    try:
        fields, doubts = _read_entry(entry, Context("", "", issue_date))
    except EntryError as error:
        return None, (), str(error)
    return fields, tuple(doubts), None


def _read_entry(entry: Entry, context: Context) -> tuple[Fields | None, list[str]]:
    """What ``read_entry`` returns, read afresh; only the entry's text, sub-items, bullet
    and the issue date count."""
    head = entry.head
    start = _OPENING.match(head)
    pos = start.end() if start else 0
    if head.startswith("[", pos):
        found = _read_bracketed(head, pos, entry, context)
        if found is not None:
            return found
    span = _dates(head, pos, context)
    if span is not None:
        if _PIPE_NEXT.match(head, span.length) or (
            _ISO_HEAD.match(head, pos) and _PLACE_THEN_LINK.match(head, span.length)
        ):
            fields = read_current(head, span, entry.subs)
            return fields, _doubts(span, fields)
        fields = read_free_text(head[pos:], _shift(span, pos), date_at_start=True)
        return fields, _doubts(span, fields)
    return _read_undated(entry, context)


_PIPE_NEXT = re.compile(r"[^|\[\]]{0,3}\|")
_ISO_HEAD = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_PLACE_THEN_LINK = re.compile(r"\s*[A-Z][^|\[\]]{1,60}\[[^\]]+\]\(")


def _shift(span: DateSpan, pos: int) -> DateSpan:
    return DateSpan(span.start, span.end, span.length - pos, span.corrected, span.doubtful)


def _dates(text: str, pos: int, context: Context) -> DateSpan | None:
    try:
        return read_dates(text, context.issue_date, pos)
    except (ValueError, OverflowError) as error:
        raise EntryError(f"unreadable date ({error})") from error


def _read_bracketed(
    head: str, pos: int, entry: Entry, context: Context
) -> tuple[Fields | None, list[str]] | None:
    """``[DATE ...](url)`` forms; None when the link text does not start with a date."""
    link = _first_link(head, pos)
    inner = link.text if link else head[pos + 1 :].split("]")[0]
    span = _dates(inner, 0, context)
    if span is None:
        return None
    after = head[link.end :] if link else ""
    if inner[span.length :].lstrip().startswith("|"):
        fields = read_bracketed_pipes(inner, span, _or_empty(link), after)
    else:
        fields = read_dash_form(inner, span, link, after)
    return fields, _doubts(span, fields)


def _first_link(head: str, pos: int) -> Link | None:
    links = find_links(head)
    return links[0] if links and links[0].start == pos else None


def _or_empty(link: Link | None) -> Link:
    return link if link is not None else Link("", "", 0, 0)


def _read_undated(entry: Entry, context: Context) -> tuple[Fields | None, list[str]]:
    """A date later in the text (``[Meetup](url),\\nJanuary 12th``), or no event."""
    links = event_links(entry.head)
    if not links:
        return None, []
    span = find_dates(entry.head, context.issue_date)
    if span is None:
        if entry.bullet:
            raise EntryError("no date")
        return None, []
    fields = read_free_text(entry.head, span, date_at_start=False)
    return fields, _doubts(span, fields)


def _doubts(span: DateSpan, fields: Fields) -> list[str]:
    found = []
    if span.doubtful:
        found.append(f"doubtful date: {span.doubtful}")
    found.extend(fields.notes)
    return found
