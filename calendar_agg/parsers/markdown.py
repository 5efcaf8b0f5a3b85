"""Markdown issues of This Week in Rust (the site's source files), every format since 2014.

A document starts with ``Title:``/``Number:``/``Date:`` header lines (Pelican style) or
YAML/TOML front matter; without either, the date comes from a ``YYYY-MM-DD`` prefix of the
file name. The issue is named by ``issue_name`` from the date and the ``Slug:`` or numbered
``Title:`` header (``2025-06-04-this-week-in-rust-602``, as the site's page and feed name it),
else by the file name. Reference links (``[text][ref]`` with ``[ref]: url`` below) are
inlined, their definitions blanked, and the lines handed to the shared TWiR reader.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import overload

from calendar_agg.models import Document, ParseResult
from calendar_agg.parsers import sniff
from calendar_agg.parsers.base import Parser, issue_name
from calendar_agg.parsers.twir import parse_lines

_HEADER = re.compile(r"^([A-Za-z][\w-]{0,30})\s*[:=]\s*(.*?)\s*$")
_FENCE = re.compile(r"^(?:---|\+\+\+)\s*$")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DEFINITION = re.compile(
    r"^\s{0,3}\[([^\]\n]{1,100})\]:\s*"
    r"<?((?:https?|ftp|irc|mailto):\S*|www\.\S+|/\S*|\S+\.\S+/\S*)>?"
    r"(?:\s+[\"'(].*)?\s*$",
    re.I,
)
_REFERENCE = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\s?\[([^\[\]]*)\]")
# A character reference ("&amp;", "&ndash;", "&#8211;"): python-markdown passes it to the
# page, which shows its character; outside code only, and with its ";" ("R&D", "&notes" are
# text). ``_CODE_SPAN``: code, where the page shows it as written.
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CODE_SPAN = re.compile(r"(`+)[^`].*?\1")
# A heading or a bold line: up to three spaces (not a line break), then "#", "**" or "__".
_HEADING_LIKE = r"[^\S\n]{0,3}(?:#|\*\*|__)"


class MarkdownParser(Parser):
    """TWiR issues written in markdown."""

    name = "markdown"

    def detect(self, document: Document) -> int:
        return sniff.markdown(document)

    def parse(self, document: Document) -> ParseResult:
        text = document.text.lstrip("\ufeff")
        lines = text.splitlines()
        header = read_header(lines)
        date = _issue_date(header.get("date"), document.name)
        first = _section_start(text)
        if "<!--" in text:
            _drop_comments(lines, first)
        inlined = _InlinedLines(lines, first=first)
        return parse_lines(
            inlined,
            source=document.source,
            issue=issue_name(date, header.get("title"), header.get("slug")) or document.name,
            issue_date=date,
            issue_url=header.get("url") or None,
            document=document.name,
            inline=inlined.inline,
        )


def _section_start(text: str) -> int:
    """Index of the line of the Upcoming Events heading (0 when not found that way)."""
    start = sniff.events_heading(text, _HEADING_LIKE)
    return 0 if start is None else text.count("\n", 0, start)


def _drop_comments(lines: list[str], first: int) -> None:
    """Take the HTML comments (``<!-- ... -->``, over several lines too) out of the lines
    from index ``first`` on, in place; a line all inside one is left empty. A page does not
    show them: an entry an editor commented out is no event."""
    inside = False
    for index in range(first, len(lines)):
        line = lines[index]
        if not inside and "<!--" not in line:
            continue
        kept, pos = [], 0
        while pos <= len(line):
            if inside:
                end = line.find("-->", pos)
                if end < 0:
                    break
                inside, pos = False, end + 3
            else:
                start = line.find("<!--", pos)
                if start < 0:
                    kept.append(line[pos:])
                    break
                kept.append(line[pos:start])
                inside, pos = True, start + 4
        lines[index] = "".join(kept)


def read_header(lines: list[str]) -> dict[str, str]:
    """Header fields (lower-case keys) from Pelican headers or YAML/TOML front matter."""
    header: dict[str, str] = {}
    fenced = bool(lines) and bool(_FENCE.match(lines[0]))
    for index, line in enumerate(lines[1:] if fenced else lines, start=1 if fenced else 0):
        if fenced and _FENCE.match(line):
            break
        match = _HEADER.match(line)
        if match is None:
            if fenced and line.strip():
                continue
            break
        header.setdefault(match.group(1).lower(), match.group(2).strip("\"'"))
        if index > 60:
            break
    return header


def _issue_date(value: str | None, name: str) -> dt.date | None:
    """The date header, else the ``YYYY-MM-DD`` (or ``YYYY-MM-D``) prefix of the file name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for match in (_DATE.search(value or ""), _DATE.match(base)):
        if match is None:
            continue
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            continue
    return None


def inline_references(lines: list[str], first: int = 0) -> list[tuple[int, str]]:
    """``(line_number, line)`` from line index ``first`` on, reference links inlined and
    definitions (anywhere in the document) blanked."""
    return list(_InlinedLines(lines, first))


class _InlinedLines(Sequence[tuple[int, str]]):
    """What ``inline_references`` returns, each line made when asked for: the TWiR reader
    stops at the end of the Upcoming Events section, a small part of an issue. Lines are
    not kept: the reader takes each once (or twice), and what is not kept does not have to
    be looked at by the garbage collector."""

    def __init__(self, lines: list[str], first: int = 0) -> None:
        self._lines = lines
        self._first = max(first, 0)
        self._length = max(len(lines) - self._first, 0)
        self._definitions: dict[str, str] | None = None  # read on first need: often none is

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> tuple[int, str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[int, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, str] | Sequence[tuple[int, str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        number = self._first + index
        return number + 1, self._inlined(self._lines[number])

    def __iter__(self) -> Iterator[tuple[int, str]]:
        inlined = self._inlined
        for number, line in enumerate(itertools.islice(self._lines, self._first, None),
                                      self._first + 1):
            # only a definition, a reference or a character reference changes a line
            changed = "]:" in line or "][" in line or "] [" in line or "&" in line
            yield number, inlined(line) if changed else line

    def inline(self, text: str) -> str:
        """``text`` (an entry's lines joined) with the reference links that no one line
        holds whole inlined: "[Rust tutorial at the Open Source Developers'" on one line,
        "Gathering][osdg]" on the next."""
        return self._references_inlined(text)

    def _inlined(self, line: str) -> str:
        if "&" in line:
            line = characters_shown(line)
        if "]:" in line and _DEFINITION.match(line):
            return ""
        return self._references_inlined(line)

    def _references_inlined(self, text: str) -> str:
        """``text`` with its ``[text][label]`` references inlined (the document's
        definitions read on first need: often none is)."""
        if "][" not in text and "] [" not in text:
            return text
        if self._definitions is None:
            self._definitions = _definitions(self._lines)
        return _inline_all(text, self._definitions) if self._definitions else text


def _definitions(lines: list[str]) -> dict[str, str]:
    """Reference label (``_key``) -> url, the first definition of each label."""
    definitions: dict[str, str] = {}
    for line in [line for line in lines if "]:" in line]:
        match = _DEFINITION.match(line)
        if match:
            definitions.setdefault(_key(match.group(1)), characters_shown(match.group(2)))
    return definitions


def characters_shown(text: str) -> str:
    """``text`` with its character references (``&amp;``, ``&#8211;``) as the characters a
    page shows for them, in text and link targets alike, not in code (``_CODE_SPAN``)."""
    if "&" not in text or ";" not in text:
        return text
    out, pos = [], 0
    for code in _CODE_SPAN.finditer(text) if "`" in text else ():
        out += [_CHARACTER_REFERENCE.sub(_character, text[pos : code.start()]), code.group()]
        pos = code.end()
    out.append(_CHARACTER_REFERENCE.sub(_character, text[pos:]))
    return "".join(out)


def _character(reference: re.Match[str]) -> str:
    return html.unescape(reference.group())


def _key(label: str) -> str:
    return " ".join(label.lower().split())


def _inline_all(line: str, definitions: dict[str, str]) -> str:
    """The line with each ``[text][label]`` whose label is defined as ``[text](url)``. Where
    ``[a] [b]`` is no reference, ``[b]`` may start one (``[Mar 15] [Boston Meetup][bos]``)."""
    out, pos = [], 0
    while (match := _REFERENCE.search(line, pos)) is not None:
        text, label = match.group(1), match.group(2)
        url = definitions.get(_key(label or text))
        if url:
            out += [line[pos : match.start()], f"[{text}]({url})"]
            pos = match.end()
        else:  # its first brackets are text; look again from the second
            second = match.start() + len(text) + 2
            out.append(line[pos:second])
            pos = second
    out.append(line[pos:])
    return "".join(out)
