"""The headline event of an announcement or recap post: what, when, where.

The event is named in the title ("EuroRust 2023: ...", "Recap: Rust Leads Summit 2024"),
else in the summary or the opening paragraph ("Rust.Tokyo 2023 was held on ..."), else by
a title naming a Rust group whose opening dates its first meetup. Its date is the
best-scored date mention: one in a sentence that names the event or says that something
is held, hosted or gathered, near the top of the post, and not a deadline ("submit to the
CFP by June 25") or a meeting; past the opening paragraph only sentences that name the
event count. Its place is a city named in that sentence, the title, or a sentence that
names the event. Without a date the event is kept only when its name carries a year
("Rustfest 2018 Paris": year precision); without a place (or "online") it is not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calendar_agg.parsers.prose.dates import DateMention, find_dates, resolve, year_only
from calendar_agg.parsers.prose.found import (
    FoundEvent,
    Missing,
    Post,
    Sentence,
    event_url,
    post_sentences,
)
from calendar_agg.parsers.prose.names import (
    EventName,
    event_name,
    group_name,
    mentions,
    subject_name,
)
from calendar_agg.parsers.prose.places import PlaceMention, cities_in, online_in

_CUE = re.compile(
    r"\b(?:held|hold(?:s|ing)?|take[sn]?\s+place|took\s+place|taking\s+place|happen\w*|"
    r"host(?:s|ed|ing)?|will\s+be|join\s+us|c[oa]me\s+to|coming\s+to|gather\w*|summit|"
    r"conference|event|co-located|attend\w*|see\s+you|kick(?:s|ed)?\s+off|\w+-day|"
    r"days?\s+of|venue|tickets|registration|returns?|is\s+back|edition|when:|dates?:)(?!\w)",
    re.IGNORECASE)
_DEADLINE = re.compile(
    r"\b(?:by|until|till|before|deadline|due|clos(?:e|es|ed|ing)|ends?|ending|submit\w*|"
    r"submissions?|proposals?|CFP|call\s+for\s+\w+|early[- ]bird|released?|releases|"
    r"published|posted|updated|survey|vote|voting|nominations?|apply|applications?|since|"
    r"meetings?|after|open(?:s|ed)?\s+(?:on|until|from))\b[^.;]{0,40}$", re.IGNORECASE)
# What a sentence must say for an event named only in the opening (not the title) to count.
_HELD = re.compile(r"\b(?:(?:will\s+be|was|is|are|were)\s+held|take[sn]?\s+place|took\s+place|"
                   r"taking\s+place|gathered|c[oa]me\s+to|happen(?:s|ed)|will\s+happen|"
                   r"(?:will\s+)?host(?:s|ed|ing)?\s+"
                   r"(?:the|its|our|a|an)\b)", re.IGNORECASE)
# Titles of posts that announce no event even when their opening names one.
NOT_ANNOUNCING = re.compile(r"\b(?:release[sd]?|survey|results|update|changelog|RFC|roadmap|"
                             r"minutes|security|advisory|CVE|edition|goals|grants?|report|annual|"
                             r"newsletter|digest|retrospective|review)\b|\d+\.\d+", re.IGNORECASE)
# "Our first meetup is on ...": the gathering a post launching a group dates.
_LAUNCH = re.compile(r"\b(?:our|the)\s+(?:very\s+)?(?:first|inaugural|kick-?off)\s+"
                     r"(?P<noun>meetup|meet-up|workshop|hackathon|conference)\s+"
                     r"(?:is|will\s+be|takes\s+place|will\s+take\s+place)\s+on\b",
                     re.IGNORECASE)
MIN_DATE_SCORE = 3


@dataclass(frozen=True)
class _Dated:
    mention: DateMention
    sentence: Sentence
    score: int


def headline_event(post: Post) -> FoundEvent | Missing | None:
    """The one event the post is about, why it cannot be placed, or None (none named)."""
    pool = post_sentences(post)
    name = _headline_name(pool)
    if name is None:
        return None
    dated = _best_date(pool, name)
    span = None
    if dated is not None:
        span = resolve(dated.mention, name.year or _title_year(post.title), post.date)
    if span is None and name.year is not None:
        span = year_only(name.year)
    if span is None:
        return Missing(post.title_line, f"the post names {name.text!r} but does not say when",
                       post.title)
    anchor = dated.sentence if dated else pool[0]
    place = _place(pool, anchor, name, dated.mention.start if dated else 0)
    online = _online(pool, anchor, name)
    if online == "virtual":  # said to be online (not hybrid): a city named is not where it is
        place = None
    if place is None and online is None:
        return Missing(anchor.line, f"the post names {name.text!r} but does not say where",
                       anchor.text)
    links = [link for sentence in pool for link in sentence.links]
    return FoundEvent(
        name=name.text, start=span[0], end=span[1], precision=span[2],
        city=place.city if place else None, subdivision=place.subdivision if place else None,
        country=place.country if place else None, virtual=online is not None,
        hybrid=online == "hybrid" and place is not None,
        url=event_url(name, links), confidence=_confidence(dated, span[2], place, name),
        line=anchor.line)


def _headline_name(pool: list[Sentence]) -> EventName | None:
    """The name in the title; else one in the summary or lead that comes with a date."""
    name = event_name(pool[0].text)
    if name is not None or NOT_ANNOUNCING.search(pool[0].text):
        return name
    for sentence in pool:
        if sentence.part not in ("description", "lead"):
            continue
        candidate = event_name(sentence.text) or subject_name(sentence.text)
        if (candidate and find_dates(sentence.text) and _HELD.search(sentence.text)
                and (online_in(sentence.text)
                     or any(place.cued for place in cities_in(sentence.text)))):
            return candidate
    return _launch_name(pool)


def _launch_name(pool: list[Sentence]) -> EventName | None:
    """A group's first gathering: a title naming a Rust group ("Introducing Rust São
    Paulo") and an opening that dates it ("Our first meetup is on Sept. 12") name
    "Rust São Paulo meetup"."""
    group = group_name(pool[0].text)
    if group is None:
        return None
    for sentence in pool:
        launch = _LAUNCH.search(sentence.text)
        if (sentence.part in ("description", "lead", "body") and launch
                and any(m.precision == "day" for m in find_dates(sentence.text))):
            noun = launch.group("noun").lower()
            return EventName(f"{group} {noun}", noun, None)
    return None


def _title_year(title: str) -> int | None:
    years = re.findall(r"\b(?:19|20)\d\d\b", title)
    return int(years[0]) if years else None


def _best_date(pool: list[Sentence], name: EventName) -> _Dated | None:
    """The best-scored date; a post's only day-precise date may score lower, if not a
    deadline."""
    scored = [_Dated(mention, sentence, _score(mention, sentence, name))
              for sentence in pool if _may_date(sentence, name)
              for mention in find_dates(sentence.text)]
    best = max(scored, key=lambda d: d.score, default=None)  # the first of equals
    if best is not None and best.score >= MIN_DATE_SCORE:
        return best
    days = [d for d in scored if d.mention.precision == "day" and not d.mention.relative]
    if len(days) == 1 and days[0].score >= 1:
        return days[0]
    return None


def _may_date(sentence: Sentence, name: EventName) -> bool:
    """Past the opening, a date is the event's only in a sentence that names it: "the
    budget is discussed at the next Council meeting on May 28" dates the meeting."""
    return sentence.part != "body" or mentions(name, sentence.text) > 0


def _score(mention: DateMention, sentence: Sentence, name: EventName) -> int:
    text = sentence.text
    named = mentions(name, text)
    score = (0, 2, 3)[named] + (2 if _CUE.search(text) else 0)
    score += 1 if sentence.part in ("title", "description", "lead") else 0
    score += 1 if mention.precision == "day" else 0
    score -= 1 if mention.relative else 0
    if _DEADLINE.search(text, 0, mention.start):
        score -= 6
    if name.year and mention.year:
        score += 1 if name.year in (mention.first[0], mention.last[0]) else -3
    return score


def _place(pool: list[Sentence], anchor: Sentence, name: EventName,
           offset: int) -> PlaceMention | None:
    """A city: in the date's sentence (the nearest to the date) or the title, cued or not;
    else a cued one in a sentence naming the event, in the summary or the opening."""
    for sentence in (anchor, pool[0]):
        found = cities_in(sentence.text)
        cued = [place for place in found if place.cued]
        if cued or found:
            return min(cued or found, key=lambda place: abs(place.offset - offset))
    for sentence in pool:
        if sentence.part in ("description", "lead") or mentions(name, sentence.text) == 2:
            cued = [place for place in cities_in(sentence.text) if place.cued]
            if cued:
                return cued[0]
    return None


def _online(pool: list[Sentence], anchor: Sentence, name: EventName) -> str | None:
    found = [online_in(s.text) for s in pool
             if s is anchor or s.part in ("title", "description", "lead")
             or mentions(name, s.text) == 2]
    return "hybrid" if "hybrid" in found else "virtual" if "virtual" in found else None


def _confidence(dated: _Dated | None, precision: str, place: PlaceMention | None,
                name: EventName) -> float:
    score = 0.45 + {"day": 0.25, "month": 0.1, "year": -0.1}[precision]
    if dated is not None:
        score += 0.15 if mentions(name, dated.sentence.text) == 2 else 0.05
    if place is not None and place.cued:
        score += 0.1
    return round(min(max(score, 0.05), 0.99), 2)
