"""Inline links ``[text](url)`` as a human reads them, broken syntax included.

Handles nested brackets in the text (``[Jul 18. Rust Bay Area - [@ Stanford] Macros](url)``),
a space before or inside the parentheses (``[x] (url)``, ``]( url)``), a doubled
parenthesis (``[x]((url)``) and a missing closing parenthesis at the end of a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL_START = re.compile(r"\s?\(\(?\s*")
_BOLD = re.compile(r"\*\*\*?|__|(?<![\w])_(?=\S)|(?<=\S)_(?![\w])|`")
_TRAILING = re.compile(r"[\s.,;:!?|*_-]+$")
_LEADING = re.compile(r"^[\s.,;:!?|*_$-]+")


@dataclass(frozen=True, slots=True)
class Link:
    """One link found in a line: its visible text, its target and where it sat."""

    text: str
    url: str
    start: int  # index of "["
    end: int  # index just past ")"


def _closing_bracket(text: str, start: int) -> int:
    """Index of the "]" matching the "[" at ``start``, or -1."""
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _read_target(text: str, pos: int) -> tuple[str, int] | None:
    """The url starting at ``pos`` (just past "]") and the index past it, or None."""
    opening = _URL_START.match(text, pos)
    if opening is None:
        return None
    begin = opening.end()
    depth = 1
    for i in range(begin, len(text)):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[begin:i].strip(), i + 1
        elif char.isspace() and text[begin:i].strip() and not text[i:].strip().startswith(")"):
            # "](http://x.y more words" without ")": the url ends at the space
            return text[begin:i].strip(), i
    url = text[begin:].strip()
    return (url, len(text)) if url else None


def find_links(text: str) -> list[Link]:
    """Every ``[text](url)`` in ``text``, outermost only, in order."""
    links: list[Link] = []
    pos = text.find("[")
    while pos != -1:
        close = _closing_bracket(text, pos)
        if close == -1:
            break
        target = _read_target(text, close + 1)
        if target is None or not target[0]:
            pos = text.find("[", pos + 1)
            continue
        url, end = target
        links.append(Link(text[pos + 1 : close], url.strip("<>").strip(), pos, end))
        pos = text.find("[", end)
    return links


def clean_text(text: str) -> str:
    """Visible text without markdown emphasis, outer punctuation and doubled spaces."""
    text = _BOLD.sub("", text)
    text = _LEADING.sub("", _TRAILING.sub("", text))
    return " ".join(text.split())


def strip_links(text: str) -> str:
    """``text`` with every link replaced by its visible text."""
    out, last = [], 0
    for link in find_links(text):
        out.append(text[last : link.start])
        out.append(link.text)
        last = link.end
    out.append(text[last:])
    return "".join(out)


def is_url(url: str | None) -> bool:
    """Whether ``url`` looks like a link target a person could open."""
    if not url:
        return False
    return bool(re.match(r"(?:https?|irc|ftp)://|www\.|mailto:", url, re.I)) or (
        "." in url and "/" in url and " " not in url
    )
