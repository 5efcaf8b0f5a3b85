"""Lineup posts: a heading per event ("### April 26-29, 2019: Oxidize"), prose below it,
or a list item per event ("- **Rust Nation UK** — London, 26–27 March 2025.").

An entry is a heading that holds a date and a name, an event name whose section opens
with a date, or a list item that opens with an event name, a separator and one date. The
place is a city in the heading (or item), else a city the section names ("held in
Berlin"), or "online" as a slot of its own; the link is the heading's, else one in the
section that carries the name. Two or more entries make a post a lineup, unless its title
says it reviews or reports (a "year in review" lists past events in passing).
"""

from __future__ import annotations

import re

from calendar_agg.parsers.prose.dates import DateMention, find_dates, resolve
from calendar_agg.parsers.prose.found import FoundEvent, Missing, Post, event_url
from calendar_agg.parsers.prose.headline import NOT_ANNOUNCING
from calendar_agg.parsers.prose.markup import Block, Link, sentences
from calendar_agg.parsers.prose.names import EventName, event_name, is_event_like
from calendar_agg.parsers.prose.places import PlaceMention, cities_in, online_in

_EDGES = re.compile(r"^[\s:|–—\-,.()\[\]@/]+|[\s:|–—\-,.()\[\]@/]+$")
_LEAD_WORDS = re.compile(r"^(?:on|at|from|in)\s+", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(?:day|week|part|session|update|agenda|schedule|version|release"
                         r"|v?\d[\d.]*)\b", re.IGNORECASE)
# Between the name and the rest of a list-item entry: "Name — place, date", "Name: date".
_SEPARATOR = re.compile(r"\s+[—–|]\s+|\s+-\s+|:\s+")
_ONLINE_SLOT = re.compile(r"online|virtual|remote", re.IGNORECASE)
MIN_ENTRIES = 2


def lineup_events(post: Post) -> list[FoundEvent | Missing]:
    """One result per entry when the post is a lineup (two or more entries), else []."""
    entries: list[tuple] = []
    blocks = list(post.blocks)
    for index, block in enumerate(blocks):
        if block.kind == "item":
            item = _item_entry(block)
            if item is not None:
                entries.append((item[0], [], item[1], item[2]))
        if block.kind != "heading":
            continue
        section = _section(blocks, index)
        entry = _entry(block, section)
        if entry is not None:
            entries.append((block, section, *entry))
    if (len(entries) < MIN_ENTRIES or (event_name(post.title) and _one_event(entries))
            or NOT_ANNOUNCING.search(post.title)):
        return []
    year = _title_year(post.title)
    return [_event(post, year, *entry) for entry in entries]


def _one_event(entries: list[tuple]) -> bool:
    """Headings of the days of one event ("Workshop day (October 14)"), not a lineup:
    their dates lie within two weeks of each other."""
    months = [(m.first[1], m.first[2] or 1) for *_, m in entries]
    days = [month * 31 + day for month, day in months]
    return max(days) - min(days) <= 14


def _section(blocks: list[Block], index: int) -> list[Block]:
    level = blocks[index].level
    section = []
    for block in blocks[index + 1:]:
        if block.kind == "heading" and block.level <= level:
            break
        section.append(block)
    return section


def _entry(heading: Block, section: list[Block]) -> tuple[str, DateMention] | None:
    """(name, date mention) of a heading that is a lineup entry, else None."""
    found = find_dates(heading.text)
    if len(found) == 1:
        mention = found[0]
        rest = heading.text[:mention.start] + " " + heading.text[mention.end:]
        name = _EDGES.sub("", _LEAD_WORDS.sub("", _EDGES.sub("", rest)))
        name = re.split(r"\s+[–—|-]\s+|,\s+|\s+\(", name)[0].strip()
        if name and not _NOT_A_NAME.match(name) and re.search(r"[A-Za-z]{3}", name):
            return name, mention
        return None
    opening = next((b for b in section if b.kind != "heading"), None)
    if found or opening is None or not is_event_like(heading.text):
        return None
    dates = find_dates(sentences(opening.text)[0]) if opening.text else []
    return (heading.text, dates[0]) if dates else None


def _item_entry(item: Block) -> tuple[Block, str, DateMention] | None:
    """(first sentence, name, date) of a list item written as an entry ("Rust Nation UK —
    London, 26–27 March 2025."): an event name, a separator, then one date; else None."""
    first = sentences(item.text)[0] if item.text else ""
    parts = _SEPARATOR.split(first, maxsplit=1)
    if len(parts) != 2 or len(parts[0].split()) > 8 or find_dates(parts[0]):
        return None
    name, found = parts[0].strip(), find_dates(parts[1])
    if len(found) != 1 or not (is_event_like(name) or any(link.text == name
                                                           for link in item.links)):
        return None
    return Block("item", 0, first, item.line, item.links), name, found[0]


def _said_online(text: str) -> str | None:
    """"virtual" when a slot of an entry is just "online" ("Rust Week — online, 3 June")."""
    slots = (slot.strip() for slot in re.split(r"[—–|,:()]|\s-\s", text))
    return "virtual" if any(_ONLINE_SLOT.fullmatch(slot) for slot in slots) else None


def _event(post: Post, year: int | None, heading: Block, section: list[Block], name: str,
           mention: DateMention) -> FoundEvent | Missing:
    event = event_name(name) or EventName(name, name.split()[0], None)
    span = resolve(mention, event.year or year, post.date)
    if span is None:
        return Missing(heading.line, f"lineup entry {name!r} has a date without a year",
                       heading.text)
    texts = [heading.text] + [b.text for b in section if b.kind != "heading"]
    place = _place(heading.text.replace(mention.text, " "), texts[1:])
    online = next((o for o in map(online_in, texts) if o), None) or _said_online(heading.text)
    if online == "virtual":
        place = None
    if place is None and online is None:
        return Missing(heading.line, f"lineup entry {name!r} does not say where", heading.text)
    links: list[Link] = list(heading.links) + [link for b in section for link in b.links]
    url = heading.links[0].url if heading.links else event_url(event, links)
    confidence = 0.8 if span[2] == "day" else 0.6
    return FoundEvent(name, span[0], span[1], span[2],
                      place.city if place else None, place.subdivision if place else None,
                      place.country if place else None, online is not None,
                      online == "hybrid" and place is not None,
                      url, confidence + (0.1 if place and place.cued else 0), heading.line)


def _place(heading: str, texts: list[str]) -> PlaceMention | None:
    """A city in the heading, else the first cued one in the section, else the only one
    its first paragraph names."""
    found = cities_in(heading)
    if found:
        return found[0]
    for text in texts:
        cued = [place for place in cities_in(text) if place.cued]
        if cued:
            return cued[0]
    opening = {(p.city, p.country): p for p in cities_in(texts[0])} if texts else {}
    return next(iter(opening.values())) if len(opening) == 1 else None


def _title_year(title: str) -> int | None:
    years = re.findall(r"\b(?:19|20)\d\d\b", title)
    return int(years[0]) if years else None
