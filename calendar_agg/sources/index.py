"""Index pages: a site's front page or archive lists its issues instead of being one.

Pointed at ``https://this-week-in-rust.org/`` (or at a folder of issues a web server lists),
a source finds no events on the page itself, only links to the issues. ``issue_links``
gives those links, oldest first, so the source can read the issues themselves
(``[[sources]] follow``). A link is taken for an issue when it stays on the page's site and
its path is dated (``/blog/2025/06/04/this-week-in-rust-602/``,
``2025-06-04-this-week-in-rust.html``) or names the newsletter. A page whose own path is
dated is an issue, even one without events: the issues it mentions are not read.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from calendar_agg.models import Document
from calendar_agg.parsers.html_lines import parse_html
from calendar_agg.parsers.sniff import EVENTS_TITLE

_DATED = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
_NEWSLETTER = re.compile(r"this-week-in-rust", re.I)


def is_index(document: Document) -> bool:
    """Whether ``document`` is read as a web page (its forced format or the detected one; a
    feed is none) and has no events section of its own."""
    from calendar_agg.parsers import detect_format

    return ((document.format or detect_format(document)) == "html"
            and EVENTS_TITLE.search(document.text) is None)


def issue_links(document: Document, most: int | None = None) -> list[str]:
    """The issues an index page links to on its own site, each once, oldest first as a
    folder of issues is read: the newest ``most`` of them (undated ones count as oldest and
    keep the page's order); none when ``document`` is no index page."""
    if document.location is None or not is_index(document):
        return []
    page = urldefrag(document.location).url
    if _DATED.search(urlsplit(page).path):  # an issue of its own, with no events section
        return []
    site = _site(page)
    found: dict[str, tuple[int, int, int]] = {}
    seen = {_same_page(page)}
    root, _ = parse_html(document.text)  # the links a browser shows: none in comments
    hrefs = [a.get("href") for a in root.iter("a")] if root is not None else []
    for href in filter(None, hrefs):
        try:
            url = urldefrag(urljoin(page, href.strip())).url
            on_site, path = _site(url) == site, urlsplit(url).path
        except ValueError:  # "http://[host/...": no page a browser could open
            continue
        if _same_page(url) in seen or not on_site:
            continue
        seen.add(_same_page(url))
        dated = _DATED.search(path)
        if dated is not None:
            year, month, day = (int(part) for part in dated.groups())
            found[url] = (year, month, day)
        elif _NEWSLETTER.search(path):
            found[url] = (0, 0, 0)
    oldest_first = sorted(found, key=lambda url: found[url])  # stable: ties in page order
    return oldest_first[-most:] if most else oldest_first


def _same_page(url: str) -> str:
    """What two links to one page share: ``.../602/``, ``.../602`` and ``.../602/index.html``."""
    return url.removesuffix("index.html").rstrip("/")


def _site(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
