"""The pipe-separated forms, 2021 onward.

Current form (2022-)::

    * 2025-06-04 | Virtual (Indianapolis, IN, US) | [Indy Rust](https://www.meetup.com/indyrs)
        * [**Indy.rs - with Social Distancing**](https://www.meetup.com/indyrs/events/302031665)

The group link is ``group_url``; the first sub-item's link is the event's ``url`` (the
group link when there is no sub-item); mirrors and other links go to ``extra_urls``.

Bracketed form (2021-22)::

    * [February 16, 2022 | Vancouver, BC, CA | **Title** | Group](url)
"""

from __future__ import annotations

import functools
import re

from calendar_agg.parsers.twir.fields import Fields, event_links, note_how_to_attend
from calendar_agg.parsers.twir.links import Link, bare_url, clean_text, strip_links
from calendar_agg.parsers.twir.place import Place, city_from_text, read_place, unknown_code

_BOLD_TITLE = re.compile(r"\*\*(.+?)\*\*")
# Bold runs and links are skipped whole: a "|" inside them does not separate fields.
_FIELD_TOKEN = re.compile(r"\*\*.*?\*\*|\[(?:[^\[\]]|\[[^\[\]]*\])*\]\([^()]*\)|\|")


def split_fields(text: str) -> list[str]:
    """``text`` split at ``|`` outside links and outside ``**bold**``."""
    bar = text.find("|")
    if bar < 0:
        return [text.strip()]
    if text.find("|", bar + 1) < 0 and "[" not in text[:bar] and "**" not in text[:bar]:
        return [text[:bar].strip(), text[bar + 1 :].strip()]  # one bar, outside any link
    return _split_at_tokens(text)


def _split_at_tokens(text: str) -> list[str]:
    """``split_fields`` the long way: every link and bold run skipped whole."""
    fields, last = [], 0
    for token in _FIELD_TOKEN.finditer(text):
        if token.group() == "|":
            fields.append(text[last : token.start()].strip())
            last = token.end()
    fields.append(text[last:].strip())
    return fields


def read_current(head: str, length: int, subs: tuple[str, ...]) -> Fields:
    """An entry ``DATE | PLACE | [Group](url)`` with its sub-items, its dates (``length``
    characters) left out, and a dash after them (a range left unfinished, ``2024-08-15 - |``)
    or a stray stop (``2024-08-15. |``). The Fields are shared (do not mutate)."""
    return _undated(head[length:].strip().lstrip("*_ -–—.,:;").lstrip("|").strip(), subs)


@functools.lru_cache(maxsize=8192)
def _undated(rest: str, subs: tuple[str, ...]) -> Fields:
    """Everything after the date; cached apart from the dates, which are written differently
    when the same listing is shown in another year (do not mutate)."""
    plain = _PLAIN_REST.fullmatch(rest) if "calendar" not in rest else None
    title = _PLAIN_TITLE.fullmatch(subs[0]) if plain and len(subs) == 1 else None
    if plain is not None and (not subs or (title is not None and "calendar" not in title[2])):
        return _plain_fields(plain, title)  # most entries since 2022
    return _read_undated(rest, subs)


# An entry as most are written: "Berlin, DE | [Rust Berlin](https://...)", with at most one
# sub-item "[**Title**](https://...)": no link but the group's, no bold, one bar, web links
# that need no mending (``links._target``) and are no shared calendar (``event_links``).
# Read directly; ``_read_undated`` reads the rest.
_WEB_TARGET = r"\((https?://[^()\s<>*]+)\)"
_PLAIN_REST = re.compile(rf"([^|\[\]*\n]*[^|\[\]*\s])\s*\|\s*\[([^\[\]|*\n]+)\]{_WEB_TARGET}")
_PLAIN_TITLE = re.compile(rf"\[(\*\*[^\[\]*\n]+\*\*)\]{_WEB_TARGET}")


def _plain_fields(rest: re.Match[str], title: re.Match[str] | None) -> Fields:
    """What ``_read_undated`` gives for an entry that ``_PLAIN_REST`` and ``_PLAIN_TITLE``
    match."""
    place, note = _place_field(rest[1])
    fields = Fields(place=place, notes=note, group=rest[2], group_url=rest[3], url=rest[3])
    if title is not None:
        fields.title, fields.url = title[1], title[2]
    if place.country and not place.city and not place.virtual:  # "Poland, PL" + "... Kraków"
        fields.place = city_from_text(place, fields.title or "")
    return fields


def _read_undated(rest: str, subs: tuple[str, ...]) -> Fields:
    """``_undated`` for any entry."""
    parts = [part for part in split_fields(rest) if part] or [""]  # "DATE | | Berlin, DE |"
    place_text, group_part = parts[0], " | ".join(parts[1:])
    cut = place_text.find("[")
    if cut >= 0 and (not group_part or place_text[:cut].strip(" -–—")):
        # "Virtual (Linz, AT) [Rust Linz](...)", "Linz, AT - [Rust Linz](...) | [Mirror](...)"
        place_text, group_part = place_text[:cut].rstrip(" -–—"), " | ".join(
            part for part in (place_text[cut:], group_part) if part)
    elif "](" in place_text:  # "2022-03-03 | [Scylla](...)": no place
        place_text, group_part = "", " | ".join(parts)
    place, note = _place_field(place_text)
    fields = Fields(place=place, notes=note)
    _read_groups(fields, group_part, titled_below=bool(subs))
    _read_subs(fields, subs)
    if fields.title is None and _BOLD_TITLE.fullmatch(fields.group or ""):
        # "DATE | PLACE | [**Title**](url)": the event's own link, no group's
        fields.title, fields.group, fields.group_url = fields.group, None, None
    place = fields.place
    if place.country and not place.city and not place.virtual:  # "Poland, PL" + "... Kraków"
        fields.place = city_from_text(fields.place, fields.title or "")
    return fields


@functools.lru_cache(maxsize=4096)
def _place_field(text: str) -> tuple[Place, tuple[str, ...]]:
    """The place of a place field and what could not be read in it (kept per text: a
    group's place is written the same way week after week)."""
    place = read_place(text)
    if text.strip(" |") and not place.found:
        return place, (f"unreadable place {text.strip()!r}",)
    if code := unknown_code(text, place):
        return place, (f"unknown country or state {code!r} in {text.strip()!r}",)
    return place, ()


def _read_groups(fields: Fields, text: str, titled_below: bool = False) -> None:
    links = event_links(text)
    if links:
        both = _TITLE_THEN_GROUP.match(links[0].text)
        if both is not None:  # "[**Title** | Group](url)": the bracketed form's fields
            fields.title, fields.group, fields.url = both["title"], both["group"], links[0].url
        else:
            fields.group = links[0].text
            fields.group_url = links[0].url
        beside = _title_beside(text, links, titled_below) if fields.title is None else None
        if beside is not None:
            fields.title, fields.url = links[beside].text, links[beside].url
            links = [*links[:beside], *links[beside + 1 :]]
        fields.links += tuple(link.url for link in links[1:])
    else:
        fields.group = clean_text(text) or None


def _title_beside(text: str, links: list[Link], titled_below: bool) -> int | None:
    """The index of the title's link among the links after the group's: a bold one next to
    it ("[Group](url) | [**Title**](url2)"; after a mirror too, unless a sub-item below
    gives the title), or one whose list marker lacks its space, so that its line continued
    the entry ("[Group](url) *[Title](url2)"; not "[Group](url) + [Other group](url2)")."""
    for number, link in enumerate(links[1:], 1):
        between = text[links[number - 1].end : link.start]
        if between.strip() == "*" or (
                link.text.startswith("**") and (number == 1 or not titled_below)):
            return number
    return None


_TITLE_THEN_GROUP = re.compile(r"\s*\*\*(?P<title>.+?)\*\*\s*\|\s*(?P<group>[^|]+?)\s*$")


def _read_subs(fields: Fields, subs: tuple[str, ...]) -> None:
    """Title and url from the first sub-item; every other sub-item link is extra."""
    for sub in subs:
        links = event_links(sub)
        if fields.title is None:
            fields.title, url = _sub_title(sub, links)
            # "[**Title**](url) - hybrid"; not what a mirror's link says ("[Group chat](url)")
            note_how_to_attend(fields, strip_links(sub, keep_text=False))
            if url is not None:
                fields.url = url
                links = links[1:]
        fields.links += tuple(link.url for link in links)
    if fields.url is None:
        fields.url = fields.group_url


def _sub_title(sub: str, links: list[Link]) -> tuple[str | None, str | None]:
    """``[**Title**](url) | [**Mirror**](url2)`` -> ("Title", url)."""
    if links and links[0].start <= 3:
        first = links[0]
        after = sub[first.end : links[1].start if len(links) > 1 else len(sub)]
        tail = after if after.lstrip()[:1] not in ("|", "-", "[", "") else ""
        if tail.count("(") > tail.count(")"):  # the next link inside parentheses:
            opened = tail.rfind("(")  # "([mirror](url2))" is no part of the title, words are
            words = tail[opened + 1 :].strip(" ,;:&/")  # "(also online: [stream](url2))"
            tail = f"{tail[:opened]}({words})" if words else tail[:opened]
        if not tail.strip(" ).,;:&/"):  # "[**Title**](url))", "[**Title**](url), [Mirror](..)"
            tail = ""
        return first.text + tail.rstrip(" ,;:&/"), first.url
    bare = bare_url(sub) if not links else None  # "**Title** https://...": written out
    if bare is not None:
        sub = sub[: bare.start()] + sub[bare.end() :]
    url = links[0].url if links else (bare.group() if bare else None)
    bold = _BOLD_TITLE.search(sub)
    if bold is not None:
        return bold.group(1), url
    text = strip_links(sub).strip(" -–—|:")
    return (text or None), url


def read_bracketed_pipes(inner: str, length: int, link: Link, after: str) -> Fields:
    """``[June 8, 2022 | City, CC | **Title** | Group](url)``: ``inner`` is the link text,
    its dates (``length`` characters) left out."""
    parts = split_fields(inner[length:].strip().lstrip("|"))
    if parts and parts[0].startswith(("**", "__")):  # "[Jan 8, 2022 | **Title** | Group]":
        parts.insert(0, "")  # the bold title, and no place
    place_text = parts[0] if parts else ""
    title, group = _title_and_group(parts[1:])
    fields = Fields(place=read_place(place_text))
    fields.title, fields.group, fields.url = title, group, link.url
    fields.links += tuple(other.url for other in event_links(after))
    return fields


def _title_and_group(parts: list[str]) -> tuple[str | None, str | None]:
    if not parts:
        return None, None
    if len(parts) == 1:
        bold = _BOLD_TITLE.search(parts[0])
        if bold is None:
            return parts[0], None
        group = parts[0][bold.end() :].strip(" -–—|")
        return bold.group(1), group or None
    if len(parts) == 2 and parts[1].startswith("**") and not parts[0].startswith("**"):
        return parts[1], parts[0]  # "Rust Berlin | **Rust and Tell**": the bold one is the title
    return " | ".join(parts[:-1]), parts[-1]
