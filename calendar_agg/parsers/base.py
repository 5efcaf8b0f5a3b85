"""What every parser is: a pure function from a Document to a ParseResult.

Parsers do no I/O: no network, no clock, no config. They never raise on bad
input; lines they cannot read become Problems in the result.

Every parser names an issue the same way (``issue_name``), so that the markdown file, the
rendered page and the feed entry of one issue give the same ``RawEvent.issue``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from abc import ABC, abstractmethod

from calendar_agg.models import Document, ParseResult


class Parser(ABC):
    """Base class of the parsers named in ``calendar_agg.parsers.PARSERS``."""

    #: the format name users write as ``format = "..."`` in a source
    name: str = ""

    @abstractmethod
    def detect(self, document: Document) -> int:
        """How sure this parser is that it reads ``document``: 0 (not mine) to 100."""

    @abstractmethod
    def parse(self, document: Document) -> ParseResult:
        """Every event in ``document``; never raises on bad input."""


# "This Week in Rust 602", "These Weeks in Rust 97": a title that carries the issue number.
_NUMBERED_TITLE = re.compile(r"\d+\s*$")
_SLUG_DROPPED = re.compile(r"[^\w\s-]")
_SLUG_JOINED = re.compile(r"[-\s]+")


def slugify(title: str) -> str:
    """The URL slug the site (Pelican) makes of a title: ``This Week in Rust 602`` ->
    ``this-week-in-rust-602``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return _SLUG_JOINED.sub("-", _SLUG_DROPPED.sub("", ascii_title).strip().lower()).strip("-_")


def issue_name(date: dt.date | None, title: str | None, slug: str | None = None) -> str | None:
    """The name of an issue whose number is known: ``YYYY-MM-DD-<slug>``, the site's URL path
    ``/blog/YYYY/MM/DD/<slug>/`` joined by dashes (``2025-06-04-this-week-in-rust-602``).

    The slug is the given one, else the slug of a title ending in the issue number; None
    without a date or without either (the caller then names the issue by its document).
    """
    if date is None:
        return None
    if not slug and title and _NUMBERED_TITLE.search(title):
        slug = slugify(title)
    slug = slugify(slug) if slug else None
    return f"{date.isoformat()}-{slug}" if slug else None
