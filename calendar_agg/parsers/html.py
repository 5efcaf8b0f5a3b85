"""Parser for a rendered issue page (the site's HTML, or any HTML holding an issue).

The page is turned into markdown-like lines (``html_lines``) and read by the same
line parser as the markdown issues, so both give the same events.

Issue date, first found of: ``<time datetime>`` (the site's post title), the meta
tags ``article:published_time`` / ``date`` / ``dc.date``..., ``/YYYY/MM/DD/`` in the
canonical link, ``og:url`` or the document location, ``YYYY-MM-DD`` at the start of
the document name. A datetime counts by its date as written (the site's local
date), not converted to UTC.

Issue name: see ``issue_name_from_url``; without a blog URL, ``base.issue_name`` of the
issue date and the page title (``This Week in Rust 602 · This Week in Rust`` ->
``2025-06-04-this-week-in-rust-602``, as the markdown parser names the issue from its
header); else the document name.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from lxml import etree

from calendar_agg.models import Document, ParseResult, Problem
from calendar_agg.parsers import sniff
from calendar_agg.parsers.base import Parser, issue_name
from calendar_agg.parsers.html_lines import parse_html, tree_to_lines
from calendar_agg.parsers.twir import parse_lines

# a day or month may be written with one digit, as one issue's header does ("2020-12-9")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
SITE_SUFFIX = re.compile(r"\s+[·|–—]\s+")
BLOG_PATH = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/([^/?#]+)/?$")
DATE_META_NAMES = (
    "article:published_time",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "pubdate",
    "publish_date",
)


def issue_name_from_url(url: str | None) -> str | None:
    """The issue name of a blog URL: its ``/YYYY/MM/DD/slug/`` path joined by dashes,
    ``.../blog/2025/06/04/this-week-in-rust-602/`` -> ``2025-06-04-this-week-in-rust-602``;
    None for any other URL. The same rule names feed entries, so a page and its feed
    entry name the same issue."""
    if not url:
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:  # "http://[host/...": no address to read
        return None
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    match = BLOG_PATH.search(path)
    if match is None:
        return None
    year, month, day, slug = match.groups()
    return f"{year}-{month}-{day}-{slug}"


def date_from_text(text: str | None, pattern: re.Pattern[str] = ISO_DATE) -> dt.date | None:
    """The first date ``pattern`` (three groups: year, month, day) finds in ``text``."""
    match = pattern.search(text or "")
    if match is None:
        return None
    try:
        return dt.date(*(int(group) for group in match.groups()))
    except ValueError:
        return None


class HtmlParser(Parser):
    """An issue page: ``<!DOCTYPE html>``..., the events read like the markdown's."""

    name = "html"

    def detect(self, document: Document) -> int:
        return sniff.html(document)

    def parse(self, document: Document) -> ParseResult:
        root, warnings = parse_html(document.text)
        url = page_url(root, document.location)
        date = page_date(root, url, document)
        name = issue_name_from_url(url) or issue_name(date, page_title(root)) or document.name
        result = parse_lines(
            tree_to_lines(root, events_only=True),
            source=document.source,
            issue=name,
            issue_date=date,
            issue_url=url,
            document=document.name,
        )
        problems = tuple(Problem(document.source, document.name, None, w) for w in warnings)
        return ParseResult(
            issues=result.issues,
            events=result.events,
            problems=problems + result.problems,
            notices=result.notices,
        )


def page_url(root: etree._Element | None, location: str = "") -> str | None:
    """The page's own URL: canonical link, ``og:url``, else an http(s) location."""
    if root is not None:
        for path in (
            "//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href",
            "//meta[@property='og:url']/@content",
        ):
            found = [value.strip() for value in root.xpath(path) if value.strip()]
            if found:
                return str(found[0])
    if location.startswith(("http://", "https://")):
        return location
    return None


def page_title(root: etree._Element | None) -> str | None:
    """The issue's title: ``og:title``, else ``<title>`` without the site name after `` · ``
    (or `` | ``), else the first ``<h1>``."""
    if root is None:
        return None
    for path in ("//meta[@property='og:title']/@content", "//title//text()", "//h1//text()"):
        found = " ".join(str(value) for value in root.xpath(path)).strip()
        if found:
            return SITE_SUFFIX.split(found, maxsplit=1)[0].strip() or None
    return None


def page_date(root: etree._Element | None, url: str | None, document: Document) -> dt.date | None:
    """The issue date of a page (see the module docstring for the order)."""
    candidates: list[str | None] = []
    if root is not None:
        candidates += root.xpath("//time/@datetime")
        for meta in root.iter("meta"):
            key = (meta.get("name") or meta.get("property") or "").strip().lower()
            if key in DATE_META_NAMES:
                candidates.append(meta.get("content"))
    for candidate in candidates:
        found = date_from_text(candidate)
        if found:
            return found
    for text in (url, document.location):
        found = date_from_text(text, URL_DATE)
        if found:
            return found
    return date_from_text(document.name[:10])
