"""Document -> RawEvents + Problems, one module per input format.

The registry below is the one place that names the formats. Adding a format:
write ``parsers/<name>.py`` with a ``Parser`` subclass, add it to ``PARSERS`` with
the function of ``parsers/sniff.py`` that tells its documents, add samples with their
expected JSON under ``tests/samples/<name>/``, and document the name in the README.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NamedTuple

from calendar_agg.models import Document, ParseResult, Problem
from calendar_agg.parsers import sniff
from calendar_agg.parsers.base import Parser


class Format(NamedTuple):
    """A registered format: its parser, as "module:Class", imported on first use so that
    heavy libraries (lxml, feedparser, icalendar) load only when a document needs them;
    and how sure that parser is that it reads a document (its ``detect``), told without
    importing it."""

    parser: str
    detect: Callable[[Document], int]


PARSERS: dict[str, Format] = {
    "markdown": Format("calendar_agg.parsers.markdown:MarkdownParser", sniff.markdown),
    "html": Format("calendar_agg.parsers.html:HtmlParser", sniff.html),
    "feed": Format("calendar_agg.parsers.feed:FeedParser", sniff.feed),
    "ics": Format("calendar_agg.parsers.ics:IcsParser", sniff.ics),
    "post": Format("calendar_agg.parsers.post:PostParser", sniff.post),
}

_instances: dict[str, Parser] = {}


class UnknownFormat(KeyError):
    """A format name that is not in PARSERS."""


def get_parser(name: str) -> Parser:
    """The parser registered under ``name``."""
    if name not in PARSERS:
        raise UnknownFormat(name)
    if name not in _instances:
        module_name, class_name = PARSERS[name].parser.split(":")
        parser_class = getattr(importlib.import_module(module_name), class_name)
        _instances[name] = parser_class()
    return _instances[name]


def available_parsers() -> list[Parser]:
    """Every registered parser whose module imports (a format still being built is skipped)."""
    found = []
    for name in PARSERS:
        try:
            found.append(get_parser(name))
        except ImportError:
            continue
    return found


def detect_format(document: Document) -> str | None:
    """The name of the parser most sure it reads ``document`` (the first registered of
    equally sure ones), or None; only the parser chosen is imported (one whose module does
    not import is passed over, as by ``available_parsers``)."""
    scores = [(name, found.detect(document)) for name, found in PARSERS.items()]
    for name, score in sorted(scores, key=lambda item: item[1], reverse=True):
        if score <= 0:
            break
        try:
            get_parser(name)
        except ImportError:
            continue
        return name
    return None


def parse_document(document: Document) -> ParseResult:
    """Parse with the forced format, else the detected one; unknown input is a Problem."""
    name = document.format or detect_format(document)
    if name is None:
        problem = Problem(document.source, document.name, None, "format not recognised")
        return ParseResult(problems=(problem,))
    return get_parser(name).parse(document)
