"""What the post readers hand back: an event found in a post, or why there is none."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from calendar_agg.parsers.prose.markup import Block, Link, sentences
from calendar_agg.parsers.prose.names import EventName


@dataclass(frozen=True)
class Post:
    """A post as the readers see it: title, summary, body blocks and its own date."""

    title: str
    title_line: int
    description: str
    date: dt.date | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Sentence:
    text: str
    part: str  # "title", "description", "lead" (first paragraph), "heading" or "body"
    line: int
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class FoundEvent:
    name: str
    start: dt.date
    end: dt.date
    precision: str  # "day", "month" or "year"
    city: str | None
    subdivision: str | None
    country: str | None
    virtual: bool
    hybrid: bool
    url: str | None
    confidence: float
    line: int


@dataclass(frozen=True)
class Missing:
    """An event the post names but does not place in time or space with enough certainty."""

    line: int
    message: str
    text: str


def post_sentences(post: Post) -> list[Sentence]:
    """Title, description and every sentence of the body, in reading order."""
    found = [Sentence(post.title, "title", post.title_line)]
    found += [Sentence(s, "description", post.title_line) for s in sentences(post.description)]
    lead_seen = False
    for block in post.blocks:
        if block.kind == "heading":
            found.append(Sentence(block.text, "heading", block.line, block.links))
            continue
        part = "body" if lead_seen else "lead"
        lead_seen = lead_seen or (block.kind == "paragraph" and len(block.text) > 60)
        found += [Sentence(s, part, block.line, _links_in(s, block.links))
                  for s in sentences(block.text)]
    return found


def _links_in(sentence: str, links: tuple[Link, ...]) -> tuple[Link, ...]:
    return tuple(link for link in links if link.text and link.text in sentence)


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_GENERIC_KEYS = {"conference", "conf", "summit", "meetup", "meet up", "workshop", "workshops",
                 "hackathon", "unconference", "all hands", "gathering", "symposium", "sprint",
                 "expo", "retreat", "convention", "congress", "festival", "camp", "devroom"}


def _split(url: str) -> SplitResult | None:
    """The parts of a link; None when it has none to read (``http://[host``)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def event_url(name: EventName, links: list[Link]) -> str | None:
    """The event's own link: one whose text is the name, else one whose address holds it."""
    addresses = {link.url: parts for link in links if (parts := _split(link.url))}
    web = [link for link in links
           if link.url in addresses and addresses[link.url].scheme in ("http", "https")]
    core = _fold(re.sub(r"\b(?:19|20)\d\d\b", "", name.text))
    key = _fold(name.key)
    for link in web:
        text = _fold(re.sub(r"\b(?:19|20)\d\d\b", "", link.text))
        if text and (text == core or (core and core in text and len(text) <= len(core) + 12)
                     or (key in text and key not in _GENERIC_KEYS and text in core)):
            return link.url
    if key in _GENERIC_KEYS:
        return None
    slug = key.replace(" ", "")
    for link in web:
        parts = addresses[link.url]
        if slug and slug in re.sub(r"[^a-z0-9]", "", (parts.netloc + parts.path).lower()):
            return link.url
    return None
