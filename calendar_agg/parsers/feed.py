"""Parser for the site's Atom and RSS feeds: one issue per entry.

Each entry's HTML content (``<content>``/``<content:encoded>``, else
``<summary>``/``<description>``) goes through ``html_lines`` and the shared line
parser, exactly like an issue page, and the results of all entries are merged.

Per entry:

* issue name: from the entry link by ``html.issue_name_from_url``
  (``/blog/2025/06/04/this-week-in-rust-602/`` -> ``2025-06-04-this-week-in-rust-602``),
  else from the path in the entry id (Pelican's ids are
  ``tag:this-week-in-rust.org,2025-06-04:/blog/2025/06/04/this-week-in-rust-602/``),
  else ``base.issue_name`` of the entry date and a title ending in the issue number
  (``This Week in Rust 602``), else the entry id as it is, else
  ``<document name>#<entry number>`` (1-based);
* issue URL: the entry link when it is an http(s) URL (feedparser falls back to the id);
* issue date: the published, else updated, date as written in the feed (the site's
  local date, not converted to UTC);
* line numbers: lines of the feed document when the entry's content element can be
  found in it (escaped HTML and CDATA keep their newlines), else lines of the entry's
  HTML counted from 1.

feedparser is told not to sanitize the HTML or resolve relative links, so an entry
reads exactly like the page it was rendered for. A malformed feed (feedparser's
``bozo``) still gives every entry that could be read, plus a Problem.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
from collections.abc import Sequence
from typing import Any, NamedTuple

import feedparser
from lxml import etree

from calendar_agg.models import Document, Issue, ParseResult, Problem, RawEvent
from calendar_agg.parsers import sniff
from calendar_agg.parsers.base import Parser, issue_name
from calendar_agg.parsers.html import date_from_text, issue_name_from_url
from calendar_agg.parsers.html_lines import parse_html, tree_to_lines
from calendar_agg.parsers.twir import NO_SECTION, parse_lines

HTML_TYPES = ("text/html", "html", "application/xhtml+xml", "xhtml")
# Encoding mismatches are repaired by feedparser and are not a problem of the feed's content.
HARMLESS_BOZO = (feedparser.CharacterEncodingOverride,)


class FeedParser(Parser):
    """An Atom or RSS feed whose entries carry whole rendered issues."""

    name = "feed"

    def detect(self, document: Document) -> int:
        return sniff.feed(document)

    def parse(self, document: Document) -> ParseResult:
        return read_feed(document, lift=True)


def read_feed(document: Document, lift: bool) -> ParseResult:
    """The events of every entry; ``lift``: the entries' HTML of a well-formed feed is read
    with lxml and left out of what feedparser reads (``lift_html``)."""
    data = document.text.encode("utf-8", "replace")
    lifted = lift_html(data) if lift else None
    feed = feedparser.parse(
        io.BytesIO(lifted.rest if lifted is not None else data),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if lifted is not None and len(lifted.htmls) != len(feed.entries):
        return read_feed(document, lift=False)  # not the entries feedparser found
    results = [bozo_result(feed, document)]
    offsets = (lifted.offsets if lifted is not None
               else content_offsets(document.text, len(feed.entries)))
    for number, entry in enumerate(feed.entries):
        html = lifted.htmls[number] if lifted is not None else entry_html(entry)
        results.append(parse_entry(entry, number, offsets[number], document, html))
    if not feed.entries:
        results.append(ParseResult(notices=(f"{document.name}: feed has no entries",)))
    return merge(results)


class Lifted(NamedTuple):
    """A well-formed feed's entries' HTML, read with lxml (``lift_html``)."""

    rest: bytes  # the feed without it, for feedparser
    htmls: list[str]  # each entry's, as ``entry_html`` gives it of feedparser's reading
    offsets: list[int]  # each entry's, as ``content_offsets`` gives it


_ATOM = "{http://www.w3.org/2005/Atom}"
# The elements holding an entry's HTML: 0 its content, 1 its summary
_HTML_HOLDERS = {
    f"{_ATOM}content": 0,
    "{http://purl.org/rss/1.0/modules/content/}encoded": 0,
    f"{_ATOM}summary": 1,
    "description": 1,  # RSS 2.0
    "{http://purl.org/rss/1.0/}description": 1,  # RSS 1.0
}
_HOLDER_NAMES = frozenset({"content", "encoded", "summary", "description"})


def lift_html(data: bytes) -> Lifted | None:
    """The HTML of each entry of a well-formed feed (the content, else the summary,
    stripped, as feedparser gives it) and the feed without it.

    feedparser hands a feed's text to Python one piece at a time, split at every escaped
    ``<`` of the HTML it carries: most of the time of reading a feed of whole issues. lxml
    reads it in one go. None, and feedparser reads all of it, as it reads the rest of every
    feed, when lxml finds the feed malformed or with a DOCTYPE, or an entry's HTML is held
    otherwise: XHTML markup, a ``mode`` or ``src``, two contents, an element of another
    vocabulary named like one (``media:content``, ``itunes:summary``)."""
    # ``data`` is UTF-8 whatever the feed declares, as feedparser is told
    parser = etree.XMLParser(encoding="utf-8", huge_tree=True, resolve_entities=False,
                             no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        return None
    if root.getroottree().docinfo.doctype:  # its entities would not travel with the root
        return None
    htmls: list[str] = []
    offsets: list[int] = []
    for item in root.iter("{*}entry", "{*}item"):
        offsets.append(max(_content_line(item) - 1, 0))
        found: list[list[str]] = [[], []]  # contents, summaries
        for child in item:
            if not isinstance(child.tag, str) or _local_name(child.tag) not in _HOLDER_NAMES:
                continue
            kind = _HTML_HOLDERS.get(child.tag)
            if kind is None or len(child) or child.get("mode") or child.get("src"):
                return None
            found[kind].append((child.text or "").strip())
            child.text = None
        if len(found[0]) > 1 or len(found[1]) > 1:
            return None
        htmls.append(found[0][0] if found[0] else found[1][0] if found[1] else "")
    return Lifted(etree.tostring(root, encoding="utf-8", xml_declaration=True), htmls, offsets)


def parse_entry(entry: Any, number: int, offset: int, document: Document,
                html: str | None = None) -> ParseResult:
    """The events of one feed entry (its HTML: ``entry_html`` unless given); an entry
    without an events section is a notice."""
    link = str(_field(entry, "link") or "")
    url = link if link.startswith(("http://", "https://")) else None  # not a tag: id
    entry_id = str(_field(entry, "id") or "")
    date = entry_date(entry)
    name = (
        issue_name_from_url(link)
        or issue_name_from_url(entry_id)
        or issue_name(date, str(_field(entry, "title") or ""))
        or entry_id
        or f"{document.name}#{number + 1}"
    )
    root, warnings = parse_html(entry_html(entry) if html is None else html)
    lines = [(line + offset, text) for line, text in tree_to_lines(root, events_only=True)]
    result = parse_lines(
        lines,
        source=document.source,
        issue=name,
        issue_date=date,
        issue_url=url,
        document=document.name,
    )
    problems = tuple(
        Problem(document.source, document.name, offset + 1, f"entry {name}: {warning}")
        for warning in warnings
    )
    if not result.events and any(notice.endswith(NO_SECTION) for notice in result.notices):
        notice = f"{document.name}: entry {name} has no upcoming-events section; skipped"
        return ParseResult(problems=problems, notices=(notice,))
    return ParseResult(result.issues, result.events, problems + result.problems, result.notices)


def entry_html(entry: Any) -> str:
    """The HTML of an entry: its HTML content, else its summary (HTML or not)."""
    contents = _field(entry, "content") or []
    for content in contents:
        if (content.get("type") or "text/html").lower() in HTML_TYPES:
            return str(content.get("value") or "")
    if contents:
        return str(contents[0].get("value") or "")
    return str(_field(entry, "summary") or "")


def entry_date(entry: Any) -> dt.date | None:
    """The published (else updated) date of an entry, as written in the feed."""
    for key in ("published", "updated"):
        raw = str(_field(entry, key) or "").strip()
        if not raw:
            continue
        found = date_from_text(raw[:10])
        if found:
            return found
        try:
            return email.utils.parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
        parsed = _field(entry, f"{key}_parsed")
        if parsed:
            return dt.date(*parsed[:3])
    return None


def bozo_result(feed: Any, document: Document) -> ParseResult:
    """A Problem naming the document when feedparser found the feed malformed."""
    exception = feed.get("bozo_exception")
    if not feed.get("bozo") or isinstance(exception, HARMLESS_BOZO):
        return ParseResult()
    line = None
    get_line = getattr(exception, "getLineNumber", None)
    if callable(get_line):
        line = get_line()
    message = f"malformed feed, read what could be read: {exception}"
    return ParseResult(problems=(Problem(document.source, document.name, line, message),))


def content_offsets(text: str, entries: int) -> list[int]:
    """For each entry, the feed line before its content starts (0 when unknown).

    The entries are matched to feedparser's by position, so the offsets are used only
    when lxml finds as many entries as feedparser did."""
    parser = etree.XMLParser(
        recover=True, huge_tree=True, resolve_entities=False, no_network=True
    )
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    except etree.LxmlError:
        root = None
    found: list[int] = []
    if root is not None:
        for item in root.iter("{*}entry", "{*}item"):
            found.append(_content_line(item) - 1)
    if len(found) != entries:
        return [0] * entries
    return [max(offset, 0) for offset in found]


def _content_line(item: etree._Element) -> int:
    """Source line of the element holding an entry's HTML (what ``entry_html`` reads)."""
    for names in (("content", "encoded"), ("summary", "description")):
        for child in item:
            if isinstance(child.tag, str) and _local_name(child.tag) in names:
                return child.sourceline or 1
    return 1


def _local_name(tag: str) -> str:
    """``{namespace}encoded`` or ``content:encoded`` -> ``encoded``. Not ``etree.QName``:
    a recovered feed may keep a prefix it never declared (``<c:creator>``), which QName
    refuses."""
    return tag.rpartition("}")[2].rpartition(":")[2]


def merge(results: Sequence[ParseResult]) -> ParseResult:
    """All results of one feed as one."""
    issues: list[Issue] = []
    events: list[RawEvent] = []
    problems: list[Problem] = []
    notices: list[str] = []
    for result in results:
        issues += result.issues
        events += result.events
        problems += result.problems
        notices += result.notices
    return ParseResult(tuple(issues), tuple(events), tuple(problems), tuple(notices))


def _field(entry: Any, key: str) -> Any:
    """An entry field as stored: ``entry.get("updated")`` would fall back to
    ``published`` with a DeprecationWarning (an error under our pytest settings)."""
    return dict.get(entry, key)
