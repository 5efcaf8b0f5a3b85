"""Finding the Upcoming Events section and cutting it into entries.

Input lines are ``(line_number, text)`` pairs in markdown-like form: headings as ``#``s,
list items as ``* `` (or ``-``/``+``) with deeper items indented, links ``[text](url)``.

An *entry* is one listed event as written: a top-level list item (or a dated paragraph
line) with its continuation lines and its indented sub-items. Region headings (``### Europe``,
``**Asia Pacific:**``, ``# Oceania``) set the region of the entries below them; any other
heading, or the closing boilerplate, ends the section.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from calendar_agg.parsers.twir.dates import DOTTED_DATE, ISO_DATE, WEEKDAY, scan_anywhere

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)[\s#]*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)([^*_]{2,40}?)(?:\*\*|__)\s*:?\s*$")
_EVENTS_TITLE = re.compile(r"\bupcoming\s+(?:rust\s+)?events\b", re.I)
_BULLET = re.compile(r"^(\s*)(?:[*+-]|\d{1,2}[.)])\s+(.*)$")
_BOILERPLATE = re.compile(
    r"^\s*(?:if you are running a rust event|if you are running an? .{0,20}event"
    r"|please add it to the \[?calendar)",
    re.I,
)
_WINDOW = re.compile(r"^\s*\**\s*rusty events between\b(.*)$", re.I)
_STARTS_DATED = re.compile(
    rf"^[\s*_$]*\[?\s*(?:{ISO_DATE}|\d{{1,2}}/\d{{1,2}}\b"
    r"|[A-Za-z]{2,10}\.?\s*\d{1,2}(?:st|nd|rd|th)?\b)"  # "March 13th"
)
# The current form's date and first bar (a weekday may come first: "Thu 2024-07-18 |")
_CURRENT_HEAD = re.compile(
    rf"^[\s$|]*(?i:{WEEKDAY})(?:{ISO_DATE}|{DOTTED_DATE})[^|\[]{{0,40}}\|")
# Spaces other than the plain one (a page's &nbsp;, as typography tools put between a
# title's last words or in "North&nbsp;America"; thin and wide spaces): read as spaces
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# The sections of an issue that follow its events (by their titles over the years)
_OTHER_SECTION = re.compile(
    r"(?:rust\s+)?jobs\b|fn work\b|quote of the week|call for (?:participation|testing|papers)"
    r"|crate of the week|updates from|rfcs?\b|final comment period|this week in rust\b",
    re.I,
)

_REGION_WORDS: dict[str, str] = {
    "online": "Virtual",
    "virtual": "Virtual",
    "remote": "Virtual",
    "hybrid": "Virtual",
    "online and hybrid": "Virtual",
    "virtual and hybrid": "Virtual",
    "africa": "Africa",
    "asia": "Asia",
    "asia pacific": "Asia",
    "apac": "Asia",
    "asia and oceania": "Asia",
    "middle east": "Asia",  # as the continents go: Israel, the Gulf states
    "europe": "Europe",
    "emea": "Europe",
    "north america": "North America",
    "northern america": "North America",
    "americas": "North America",
    "central america": "North America",
    "us and canada": "North America",
    "usa and canada": "North America",
    "united states and canada": "North America",
    "canada": "North America",
    "usa": "North America",
    "united states": "North America",
    "south america": "South America",
    "latin america": "South America",
    "latam": "South America",
    "oceania": "Oceania",
    "australia": "Oceania",
    "australia and new zealand": "Oceania",
    "australia new zealand": "Oceania",  # "Australia / New Zealand"
    "new zealand": "Oceania",
    "anz": "Oceania",
    "pacific": "Oceania",
}
_REGION_NOISE = re.compile(r"\b(?:events?|meetups?|region|the|in[- ]person|only)\b")


@dataclass(slots=True)
class Entry:
    """One listed event as written, before it is read."""

    line: int  # 1-based line of its first line
    head: str  # the item's text (continuation lines joined), list marker removed
    region: str | None
    bullet: bool  # a list item (not a paragraph line)
    subs: list[str] = field(default_factory=list)  # indented items, marker removed
    is_open: bool = True  # a following plain line continues it
    closed: bool = False  # a heading followed it: nothing more belongs to it
    strays: int = 0  # sub-items written as items of its own level (``_stray_title``)


@dataclass(slots=True)
class Section:
    """The Upcoming Events section of one issue, cut into entries."""

    found: bool
    entries: list[Entry] = field(default_factory=list)
    window: tuple[int, str] | None = None  # the "Rusty Events between ..." line
    ended: bool = False  # by a heading or the closing boilerplate, not by the document's end


@functools.lru_cache(maxsize=1024)
def region_of(title: str) -> str | None:
    """The REGIONS name a heading names (``Asia-Pacific:`` -> ``Asia``), else None."""
    key = re.sub(r"[^a-z]+", " ", title.lower().replace("&", " and "))
    key = " ".join(_REGION_NOISE.sub(" ", key).split())
    if key in _REGION_WORDS:
        return _REGION_WORDS[key]
    if key.startswith(("online", "virtual")):
        return "Virtual"
    return None


def _heading(text: str) -> tuple[int, str] | None:
    match = _HEADING.match(text)
    if match is None:
        return None
    return len(match.group(1)), match.group(2).strip()


def _find_heading(lines: Sequence[tuple[int, str]]) -> tuple[int, int] | None:
    """(index, level) of the Upcoming Events heading; a bold line has level 0."""
    for index, (_, text) in enumerate(lines):
        if "vent" not in text:
            continue
        heading = _heading(text)
        bold = _BOLD_LINE.match(text)
        title = heading[1] if heading else (bold.group(1) if bold else None)
        if title is not None and _EVENTS_TITLE.search(title) and len(title) < 60:
            return index, heading[0] if heading else 0
    return None


def read_section(lines: Sequence[tuple[int, str]]) -> Section:
    """The entries of the Upcoming Events section of ``lines``."""
    found = _find_heading(lines)
    if found is None:
        return Section(found=False)
    section = Section(found=True)
    cutter = _Cutter(section, found[1], lines)
    start = found[0] + 1
    for index, (number, text) in enumerate(itertools.islice(lines, start, None), start):
        if not cutter.feed(number, text, index):
            section.ended = True
            break
    return section


# First characters (after spaces) a line must start with to match: a cheap test first.
_CLOSING_FIRST = frozenset("iIpP\u0130\u0131")  # re.I: "i" also matches U+0130 and U+0131
_WINDOW_FIRST = frozenset("*rR")


def _closes(text: str) -> bool:
    """Whether ``text`` is the section's closing boilerplate."""
    text = _plain_spaces(text)
    return text.lstrip()[:1] in _CLOSING_FIRST and _BOILERPLATE.match(text) is not None


def _plain_spaces(text: str) -> str:
    """``text`` with its no-break, thin and wide spaces made plain ones (``_ODD_SPACES``)."""
    return text if text.isascii() else _ODD_SPACES.sub(" ", text)


class _Line(NamedTuple):
    """What one line of the section is by its text alone, in the order ``_Cutter.feed``
    asks (kept per text: most lines recur in the next weeks' issues)."""

    blank: bool = False
    closing: bool = False  # the closing boilerplate: the section ends
    window: str | None = None  # "Rusty Events between ...": what follows those words
    heading: tuple[int, str] | None = None  # a "#" heading: (level, title)
    bold_region: str | None = None  # a bold line that names a region: its text
    item: tuple[int, str] | None = None  # a list item: (indent, text after the marker)


_BLANK = _Line(blank=True)
_CLOSING = _Line(closing=True)


@functools.lru_cache(maxsize=32768)
def _classify(text: str) -> _Line:
    """The ``_Line`` of a line's text."""
    first = text.lstrip()[:1]
    if not first:
        return _BLANK
    if first in _CLOSING_FIRST and _BOILERPLATE.match(text):
        return _CLOSING
    found = _WINDOW.match(text) if first in _WINDOW_FIRST else None
    window = found.group(1) if found else None
    heading = _heading(text) if first == "#" else None
    if heading is not None:
        return _Line(window=window, heading=heading)
    bold = _BOLD_LINE.match(text) if first in "*_" else None
    if bold and region_of(bold.group(1)):
        return _Line(window=window, bold_region=bold.group(1))
    if bold and _OTHER_SECTION.fullmatch(bold.group(1).strip(" :")):
        return _CLOSING  # "**Jobs**": the next section, written as a bold line
    item = _BULLET.match(text)
    if item is not None:
        return _Line(window=window, item=(len(item.group(1).expandtabs(4)), item.group(2)))
    return _Line(window=window)


class _Cutter:
    """Feeds section lines one by one into entries.

    A heading that names no region (``### Conferences``) starts a part of the section
    whose entries have no region heading when it is deeper than the section's heading or
    comes before the section's closing boilerplate; any other heading ends the section.
    """

    def __init__(
        self, section: Section, level: int = 0, lines: Sequence[tuple[int, str]] = ()
    ) -> None:
        self.section = section
        self.region: str | None = None
        self.level = level  # of the Upcoming Events heading (0: a bold line)
        self.lines = lines  # every line: those after the current one tell ``inside``
        self.index = 0  # of the current line in ``lines``
        self._inside: bool | None = None  # ``inside`` once asked
        self._in_boilerplate = False  # in the closing paragraph, written before any entry

    @property
    def last(self) -> Entry | None:
        return self.section.entries[-1] if self.section.entries else None

    @property
    def inside(self) -> bool:
        """Whether the closing boilerplate is still to come. Found on first need (a
        heading that names no region is rare) by looking ahead: the section ends at the
        closing line, so none came before the current one."""
        if self._inside is None:
            ahead = range(self.index + 1, len(self.lines))
            self._inside = any(_closes(self.lines[i][1]) for i in ahead)
        return self._inside

    def feed(self, number: int, text: str, index: int = 0) -> bool:
        """Take one line (``lines[index]``); False when the section has ended."""
        self.index = index
        text = _plain_spaces(text)
        line = _classify(text)
        if self._in_boilerplate:
            self._in_boilerplate = not line.blank
            return True
        entries = self.section.entries
        last = entries[-1] if entries else None
        if line.item is not None and line.window is None:  # most lines: straight to content
            self._item(number, line.item, last)
            return True
        if line.blank:
            if last is not None:
                last.is_open = False
            return True
        if line.closing:
            if entries or not _closes(text):
                return False
            # the closing paragraph before any entry ("If you are running a Rust event..."
            # moved to the top): no end, and none of its lines is an entry
            self._in_boilerplate = True
            return True
        if line.window is not None and self.section.window is None:
            self.section.window = (number, line.window)
            return True
        if line.heading is not None:
            return self._heading(number, line.heading[1], line.heading[0])
        if line.bold_region is not None:
            return self._heading(number, line.bold_region, self.level + 1)
        self._content(number, text, line.item, last)
        return True

    def _heading(self, number: int, title: str, level: int) -> bool:
        region = region_of(title.strip("*_ :"))
        if region is not None:
            self._set_region(region)
            return True
        if _STARTS_DATED.match(title) and ("|" in title or "](" in title):
            self._new(number, title, bullet=True)
            return True
        if _OTHER_SECTION.match(title.strip("*_ :")):
            return False  # "### Jobs": the newsletter's next section, whatever its level
        if (self.level and level > self.level) or self.inside:
            self._set_region(None)  # "### Conferences": a part of the section
            return True
        return False

    def _set_region(self, region: str | None) -> None:
        self.region = region
        if self.last is not None:
            self.last.is_open = False
            self.last.closed = True

    def _new(self, number: int, text: str, bullet: bool) -> None:
        self.section.entries.append(Entry(number, text.strip(), self.region, bullet))

    def _item(self, number: int, item: tuple[int, str], last: Entry | None) -> None:
        """A list item: a sub-item of the entry before it, or a new entry."""
        indent, body = item
        if last is not None and _belongs_to(last, indent, body):
            last.strays += indent < 2
            last.subs.append(body.strip())
        else:
            self._new(number, body, bullet=True)

    def _content(
        self, number: int, text: str, item: tuple[int, str] | None, last: Entry | None
    ) -> None:
        if item is not None:
            self._item(number, item, last)
            return
        if _STARTS_DATED.match(text) and text.lstrip()[:1] != "(":
            if not (last is not None and last.is_open and last.head.endswith(("(", "](", ","))):
                self._new(number, text, bullet=False)
                return
        if last is not None and (last.is_open or text[:1].isspace()):
            if last.bullet or last.subs or not _another_sentence_event(last.head, text):
                _continue(last, text)
                return
        self._new(number, text, bullet=False)


def _belongs_to(last: Entry, indent: int, body: str) -> bool:
    """Whether a list item is a sub-item of the entry before it: not when it is an entry of
    the current form itself, which a page nests when the list before it was loose."""
    if not last.bullet or last.closed:
        return False
    if indent >= 2 and _CURRENT_HEAD.match(body) and _CURRENT_HEAD.match(last.head):
        return False
    return indent >= 2 or _stray_title(last, body)


def _stray_title(last: Entry, body: str) -> bool:
    """``* [**Title**](url)`` not indented under a ``* 2024-07-17 | ... |`` line (and the
    mirrors after it, written alike: a page of sub-items indented two spaces has them so)."""
    return (
        (not last.subs or last.strays == len(last.subs))
        and not last.closed
        and bool(_CURRENT_HEAD.match(last.head))
        and body.lstrip("$*_ ").startswith("[")
        and not _STARTS_DATED.match(body)
    )


def _another_sentence_event(before: str, text: str) -> bool:
    """Whether a paragraph's next line starts a sentence that names an event of its own (a
    link and a date) after one that did: "... [the Berlin hack night](url) on 2014-12-30 is
    still on. / After that, [the London meetup](url) returns on 2015-01-06." """
    if not before.rstrip().endswith((".", "!")):
        return False
    return (_HAS_LINK.search(text) is not None and _HAS_LINK.search(before) is not None
            and bool(scan_anywhere(text)) and bool(scan_anywhere(before)))


_HAS_LINK = re.compile(r"\]\s?[(\[]")  # "[text](url)", "[text][ref]"


def _continue(entry: Entry, text: str) -> None:
    """Append a continuation line to the entry's last item."""
    text = text.strip()
    if entry.subs:
        entry.subs[-1] = _join(entry.subs[-1], text)
    else:
        entry.head = _join(entry.head, text)


def _join(before: str, after: str) -> str:
    return before + after if before.endswith("(") else f"{before} {after}"
