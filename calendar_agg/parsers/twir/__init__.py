"""The This Week in Rust "Upcoming Events" reader shared by the markdown and HTML parsers.

Both parsers bring their input into one markdown-like shape and call :func:`parse_lines`:

* ``lines`` is a sequence of ``(line_number, text)`` pairs, ``line_number`` 1-based in the
  original document (it becomes ``RawEvent.line`` and ``Problem.line``);
* headings are ``#``-prefixed (``### Europe``), list items ``* `` with nested items indented
  (4 spaces per level; any indent of 2 or more counts as nested), links ``[text](url)`` with
  reference links already resolved, bold ``**text**``.

Modules: ``section`` finds the section and cuts it into entries, ``dates``, ``place`` and
``links`` read the parts of a line, ``current`` and ``legacy`` read the forms of each era,
``reader`` picks the form, ``fields`` builds the RawEvent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from calendar_agg.models import Issue, ParseResult, Problem, RawEvent
from calendar_agg.parsers.twir.dates import read_dates
from calendar_agg.parsers.twir.fields import Context
from calendar_agg.parsers.twir.reader import EntryError, read_entry
from calendar_agg.parsers.twir.section import Entry, Section, read_section

__all__ = ["NO_SECTION", "parse_lines"]

NO_SECTION = "no upcoming-events section"


def parse_lines(
    lines: Sequence[tuple[int, str]],
    *,
    source: str,
    issue: str,
    issue_date: dt.date | None,
    issue_url: str | None = None,
    document: str | None = None,
    inline: Callable[[str], str] | None = None,
) -> ParseResult:
    """Every event of the Upcoming Events section in ``lines``; never raises on bad input.

    Returns one Issue (``issue``, ``issue_date``, the listing window when the section
    states one, ``issue_url``), the events in document order, a Problem for every line that
    looks like an event but cannot be read fully, and the notice ``NO_SECTION`` when the
    document has no Upcoming Events section. Problems name ``document`` (the file or feed
    the line numbers count in; ``issue`` when not given). ``inline`` resolves the reference
    links of an entry's joined lines (markdown's, whose link text may wrap onto the next line).
    """
    section = read_section(lines if isinstance(lines, Sequence) else list(lines))
    window = _window(section, issue_date if issue_date and 1 < issue_date.year < 9998 else None)
    found_issue = Issue(name=issue, date=issue_date, window=window, url=issue_url)
    if not section.found:
        return ParseResult(issues=(found_issue,), notices=(f"{issue}: {NO_SECTION}",))
    usable = issue_date if issue_date and 1 < issue_date.year < 9998 else None
    context = Context(source, issue, usable, document or issue)
    events: list[RawEvent] = []
    problems: list[Problem] = []
    lost = False  # an entry that looked like an event gave none
    for entry in section.entries:
        if inline is not None:
            entry.head = inline(entry.head)
        lost = _read(entry, context, events, problems) or lost
    if lost or (window is not None and not section.ended):
        # a windowed list always ends with its closing lines: one that does not was cut off
        found_issue = replace(found_issue, partial=True)
    return ParseResult(issues=(found_issue,), events=tuple(events), problems=tuple(problems))


def _read(entry: Entry, context: Context, events: list[RawEvent], problems: list[Problem]
          ) -> bool:
    """Append the entry's event and problems; True when it looked like an event but gave
    none (a problem says why)."""
    try:
        found = read_entry(entry, context)
    except EntryError as error:
        problems.append(_problem(context, entry, str(error)))
        return True
    if found is None:
        return False
    event, doubts = found
    events.append(event)
    if doubts:
        problems.extend(_problem(context, entry, doubt) for doubt in doubts)
    return False


def _problem(context: Context, entry: Entry, message: str) -> Problem:
    return Problem(context.source, context.document, entry.line, message, entry.head)


def _window(section: Section, issue_date: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """``Rusty Events between 2025-06-04 - 2025-07-02`` -> (start, end)."""
    if section.window is None:
        return None
    try:
        span = read_dates(section.window[1], issue_date)
    except (ValueError, OverflowError):
        return None
    if span is None or span.end is None:
        return None
    return span.start, span.end
