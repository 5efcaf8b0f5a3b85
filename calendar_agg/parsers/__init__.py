"""Document -> RawEvents + Problems, one module per input format.

The registry below is the one place that names the formats. Adding a format:
write ``parsers/<name>.py`` with a ``Parser`` subclass, add it to ``PARSERS``,
add samples with their expected JSON under ``tests/samples/<name>/``, and
document the name in the README.
"""

from __future__ import annotations

import importlib

from calendar_agg.models import Document, ParseResult, Problem
from calendar_agg.parsers.base import Parser

# format name -> "module:Class"; imported on first use so that heavy libraries
# (lxml, feedparser) load only when a document needs them.
PARSERS: dict[str, str] = {
    "markdown": "calendar_agg.parsers.markdown:MarkdownParser",
    "html": "calendar_agg.parsers.html:HtmlParser",
    "feed": "calendar_agg.parsers.feed:FeedParser",
    "ics": "calendar_agg.parsers.ics:IcsParser",
    "post": "calendar_agg.parsers.post:PostParser",
}

_instances: dict[str, Parser] = {}


class UnknownFormat(KeyError):
    """A format name that is not in PARSERS."""


def get_parser(name: str) -> Parser:
    """The parser registered under ``name``."""
    if name not in PARSERS:
        raise UnknownFormat(name)
    if name not in _instances:
        module_name, class_name = PARSERS[name].split(":")
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
    """The name of the parser most sure it reads ``document``, or None."""
    best_name, best_score = None, 0
    for parser in available_parsers():
        score = parser.detect(document)
        if score > best_score:
            best_name, best_score = parser.name, score
    return best_name


def parse_document(document: Document) -> ParseResult:
    """Parse with the forced format, else the detected one; unknown input is a Problem."""
    name = document.format or detect_format(document)
    if name is None:
        problem = Problem(document.source, document.name, None, "format not recognised")
        return ParseResult(problems=(problem,))
    return get_parser(name).parse(document)
