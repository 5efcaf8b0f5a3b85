"""How sure each format is that it reads a document: 0 (not mine) to 100.

Cheap looks at a document's name, content type and first characters, kept apart from the
parsers so that telling the format imports only the parser chosen (lxml, feedparser and
icalendar load only when a document needs them). Each parser's ``detect`` is its function
here; ``parsers.PARSERS`` names them.
"""

from __future__ import annotations

import functools
import re

from calendar_agg.models import Document
from calendar_agg.parsers.prose.frontmatter import read_front_matter

_LEADING_SPACE = "\ufeff \t\r\n"

# --- markdown: a TWiR issue -------------------------------------------------------------------
# "upcoming (rust) events" in any case, spelled out as re.I reads it (i: also U+0130/U+0131,
# s: also U+017F): without re.I the search is about twice as fast.
EVENTS_TITLE = re.compile(
    "[Uu][Pp][Cc][Oo][Mm][Ii\u0130\u0131][Nn][Gg]\\s+(?:[Rr][Uu][Ss\u017f][Tt]\\s+)?"
    "[Ee][Vv][Ee][Nn][Tt][Ss\u017f]"
)
# A "#" heading: up to three spaces (not a line break), then "#".
HASH_HEADING = r"[^\S\n]{0,3}#"
_MARKDOWNISH = re.compile(r"^\s{0,3}(?:#{1,6}\s|[*+-]\s)|\]\(|\*\*", re.M)


def markdown(document: Document) -> int:
    text = document.text.lstrip(_LEADING_SPACE)
    if text.startswith("<") or text.startswith("BEGIN:VCALENDAR"):
        return 0
    if events_heading(text, HASH_HEADING) is not None:
        return 90
    if document.name.lower().endswith((".md", ".markdown")) or _MARKDOWNISH.search(text):
        return 40
    return 0


def events_heading(text: str, marker: str) -> int | None:
    """Where the first line of ``text`` that starts with ``marker`` (a regular expression
    that stays on the line) and names the upcoming events after it begins, else None.

    What a case-insensitive, multi-line search (``^MARKER.*upcoming\\s+events``) tells,
    without one: that search tries every position of the text, while these look for a
    literal line break first and read only the lines that start with the marker.
    """
    first_line, other_lines = _marked_title(marker)
    if first_line.match(text):
        return 0
    found = other_lines.search(text)
    return found.start() + 1 if found else None


@functools.cache
def _marked_title(marker: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The marker then the title on the first line, and on a line after a line break."""
    line = f"(?:{marker})[^\\n]*?(?:{EVENTS_TITLE.pattern})"
    return re.compile(line), re.compile(f"\\n{line}")


# --- html: an issue page ----------------------------------------------------------------------
_HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
_FEED_START = re.compile(r"<(?:feed|rss|rdf:RDF)\b", re.IGNORECASE)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html)\b", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"<(?:h[1-6]|ul|ol|p|div|article|body)\b[^>]*>", re.IGNORECASE)


def html(document: Document) -> int:
    content_type = (document.content_type or "").lower()
    if content_type.startswith(_HTML_CONTENT_TYPES):
        return 90
    head = document.text[:4096].lstrip(_LEADING_SPACE)
    if _FEED_START.search(head) or head.startswith(("<?xml", "BEGIN:VCALENDAR")):
        if not _HTML_START.match(head):
            return 0
    if _HTML_START.match(head):
        return 90
    if _HTML_START.search(head):
        return 70
    if head.startswith("<") and _HTML_BLOCK.search(head):
        return 40  # a fragment, such as a saved article body
    return 0


# --- feed: Atom or RSS ------------------------------------------------------------------------
_FEED_CONTENT_TYPES = ("application/atom+xml", "application/rss+xml", "application/rdf+xml")
_XML_CONTENT_TYPES = ("application/xml", "text/xml")
_ATOM_START = re.compile(r"<(?:\w+:)?feed\b[^>]*http://www\.w3\.org/2005/Atom", re.IGNORECASE)
_RSS_START = re.compile(r"<(?:rss\b|rdf:RDF\b)", re.IGNORECASE)


def feed(document: Document) -> int:
    content_type = (document.content_type or "").lower()
    if content_type.startswith(_FEED_CONTENT_TYPES):
        return 95
    head = document.text[:4096]
    if _ATOM_START.search(head) or _RSS_START.search(head):
        return 95 if not content_type or content_type.startswith(_XML_CONTENT_TYPES) else 60
    return 0


# --- ics: iCalendar ---------------------------------------------------------------------------
_ICS_CONTENT_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar")
_ICS_SUFFIXES = (".ics", ".ical", ".icalendar")


def ics(document: Document) -> int:
    if (document.content_type or "").lower() in _ICS_CONTENT_TYPES:
        return 100
    if document.text.lstrip(_LEADING_SPACE)[:15].upper() == "BEGIN:VCALENDAR":
        return 95
    return 30 if document.name.lower().endswith(_ICS_SUFFIXES) else 0


# --- post: a blog post announcing events ------------------------------------------------------
# "This Week in Rust 602", and "These Weeks in Rust 127" after a break
_TWIR = re.compile(r"th(?:is|ese)\s+weeks?\s+in\s+rust", re.IGNORECASE)
_EVENTS_SECTION = re.compile(r"^\s{0,3}(?:#{1,6}|\*\*).*upcoming\s+(?:rust\s+)?events"
                             r"|rusty\s+events\s+between", re.IGNORECASE | re.MULTILINE)
_POST_SCORE = 60  # above a markdown file's 40, below an events section's 90


def post(document: Document) -> int:
    text = document.text.lstrip("\ufeff")
    front = read_front_matter(text)
    if front.kind is None or _TWIR.search(front.title):
        return 0
    if _TWIR.search(document.name.replace("-", " ")) or _EVENTS_SECTION.search(text):
        return 0
    return _POST_SCORE
