"""Event names in titles and prose: "EuroRust 2023", "Rust Leads Summit 2024", "Oxidize".

A name is a run of capitalised words (with years and a few joining words) that holds an
event word ("Conference", "Summit", "Meetup", "All Hands", a "...Conf", "...Fest" or
"...Con" word, "Rust Global", "Rust Nation") or the name of a known Rust conference series.
Words that only frame a title ("Recap:", "Announcing", "Inaugural", "Event") are dropped.
Release numbers, surveys and editions ("Rust 2018", "Rust 1.70") are not events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Recurring Rust conferences whose names hold no event word.
_SERIES = (r"EuroRust|Oxidize|RustNL|RustLab|Rustikon|RustWeek|RustLatam|Rust\s+Latam|"
           r"Rust\s+Belt\s+Rust|RustBridge|Rust\s?Forge|RustMX|RustAsia|FOSDEM|"
           r"Rust\s+Week|Rust\s+Fest|Rust\s+Conf|Rust\s+Nation|Rust\s+Global|Rust\s+Asia")
_EVENT_WORD = re.compile(
    rf"\b(?:{_SERIES})\b"
    r"|\b(?:Conference|Conf|Summit|Meet-?up|Workshops?|Hackathon|Hackfest|Hack\s?Week|"
    r"Unconference|Unconf|All[- ]Hands|Gathering|Symposium|Sprint|Expo|Retreat|Convention|"
    r"Congress|Colloquium|Devroom|Festival|Bootcamp|Camp)s?\b"
    r"|\b[A-Z][a-z]+(?:[Cc]onf|[Ff]est|Con|Camp|Summit|Days)\b"
    r"|\b[A-Z][a-z]+(?:[A-Z][a-z]+)+(?:Conf|Fest)\b"  # RustChinaConf, RustLatamFest
    r"|\bRust\s?(?:Days?|Global|Nation|Forum|Week)\b")
_NOT_EVENTS = re.compile(r"\b(?:Manifest|Manifests|Infest|Falcon|Silicon|Bacon|Beacon|Icon"
                         r"|Lexicon|Recon|Unicon|Conference\s+Talks?)\b")
_TOKEN = re.compile(r"[\w'’.&+-]+|[^\w\s]")
_YEAR = re.compile(r"(?:19|20)\d\d")
_JOINERS = {"of", "and", "&", "for", "de", "la", "the"}
# Capitalised words that end a name: months and weekdays ("RustConf on September 14").
_BREAKS = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February"
                     r"|March|April|June|July|August|September|October|November|December"
                     r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)")
# Words that frame a title or describe the event rather than name it.
_FRAMING = {
    "recap", "announcing", "announcement", "introducing", "inaugural", "first", "annual",
    "upcoming", "join", "joining", "welcome", "welcoming", "hello", "report", "reports",
    "reflections", "reflecting", "highlights", "notes", "thoughts", "looking", "back",
    "see", "my", "our", "the", "a", "an", "review", "retrospective", "coming", "next",
    "last", "this", "host", "hosts", "hosting", "to", "at", "in", "event", "events",
    "trip", "experience", "impressions", "summary", "wrap", "wrap-up", "day", "days",
    "official", "presenting", "save", "date", "live", "from", "we're", "we", "are",
    "going", "heading", "attending", "attended", "visiting", "visit", "about", "why",
    "how", "what", "new", "tickets", "cfp", "call", "speakers", "schedule", "program",
    "programme", "announced", "is", "was", "will", "be", "rust-lang", "blog", "post",
}
_LOWER_EVENT_WORDS = {"conference", "summit", "meetup", "workshop", "hackathon", "unconference"}
_EVENT_ADJECTIVES = {"virtual", "online", "hybrid", "annual", "international", "community"}
# "Rust.Tokyo 2023 was held on ...": a capitalised name with its year, as the subject of
# a sentence that says the event is held.
_SUBJECT = re.compile(
    r"^(?P<name>(?:[A-Z][\w.'’&+-]*\s+){1,4}(?:19|20)\d\d),?\s+(?:(?:was|is|will\s+be)\s+held"
    r"|took\s+place|takes\s+place|will\s+take\s+place|happened|happens|will\s+happen)\b")
# Sentence openers that are no name ("This 2023 ...", "In 2019 ..."), and the editions.
_NOT_A_SUBJECT = re.compile(r"(?:In|On|At|By|Since|During|Until|Our|Their|Its|The|This|That|It|"
                            r"We|They|Rust\s+(?:19|20)\d\d)$")
_QUOTED = re.compile(r"[“\"«‘']([A-Z][^”\"»’']{1,60})[”\"»’']")


@dataclass(frozen=True)
class EventName:
    text: str  # "EuroRust 2023"
    key: str  # the words that make it an event: "EuroRust", "Summit", "Rust Global"
    year: int | None  # the year written in the name

    @property
    def core(self) -> str:
        """The name without its year: "EuroRust", "Rust Leads Summit"."""
        return " ".join(_YEAR.sub("", self.text).split())


def is_event_like(text: str) -> bool:
    """Whether ``text`` holds an event word or series name, or ends in one in lower case."""
    words = text.split()
    return _event_word(text) is not None or bool(words) and words[-1] in _LOWER_EVENT_WORDS


def _event_word(text: str) -> re.Match[str] | None:
    for match in _EVENT_WORD.finditer(text):
        if not _NOT_EVENTS.fullmatch(match.group(0)) and not _NOT_EVENTS.match(text,
                                                                               match.start()):
            return match
    return None


def event_name(text: str) -> EventName | None:
    """The first event name in a title or sentence; a quoted event name wins."""
    for quoted in _QUOTED.finditer(text):
        inner = quoted.group(1).strip()
        if len(inner.split()) <= 6 and (is_event_like(inner) or is_event_like(text)):
            return _name(inner.split(), inner)
    for run in _runs(text):
        words = _trim(run)
        candidate = " ".join(words)
        if words and is_event_like(candidate):
            return _name(words, candidate)
    return None


def subject_name(sentence: str) -> EventName | None:
    """The name a sentence opens with when it says that this, with its year, is held:
    "Rust.Tokyo 2023 was held on November 25 in Tokyo" names "Rust.Tokyo 2023" though no
    event word is in it."""
    match = _SUBJECT.match(sentence)
    if match is None or _BREAKS.fullmatch(match.group("name").split()[0]):
        return None
    words = _trim(match.group("name").split())
    if len(words) < 2 or _NOT_A_SUBJECT.match(words[0]) or _NOT_A_SUBJECT.match(" ".join(words)):
        return None
    text = " ".join(words)
    return EventName(text, _YEAR.sub("", text).strip(), int(words[-1]))


def group_name(title: str) -> str | None:
    """The Rust group a title names, framing words aside: "Introducing Rust São Paulo" ->
    "Rust São Paulo"; a title with more than the name names none."""
    runs = [_trim(run) for run in _runs(title)]
    runs = [run for run in runs if run]
    if (len(runs) != 1 or not 2 <= len(runs[0]) <= 4 or "Rust" not in runs[0]
            or any(char.isdigit() for word in runs[0] for char in word)):
        return None
    name = " ".join(runs[0])
    return None if is_event_like(name) else name


def _name(words: list[str], text: str) -> EventName:
    described = len(words) > 2 and words[-1] in _LOWER_EVENT_WORDS and words[-2].islower()
    if len(words) > 1 and words[-1] in _LOWER_EVENT_WORDS and not described:
        words = words[:-1]  # "... 2024 workshop"
    text = " ".join(words)
    match = _event_word(text)
    key = text if described else match.group(0) if match else words[0]
    years = [int(y) for y in _YEAR.findall(text)]
    return EventName(text, key, years[0] if years else None)


def _runs(text: str) -> list[list[str]]:
    """Runs of capitalised words, years and joining words between them ("in" only before
    "Rust": "Scientific Computing in Rust"); a lower-case event word right after a run,
    or after one lower-case word after it, ends it ("... 2024 workshop", "Rust compiler
    workshop")."""
    runs: list[list[str]] = [[]]
    tokens = _TOKEN.findall(text)
    for index, token in enumerate(tokens):
        word = token.strip(".")
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if word == "in" and following == "Rust" and runs[-1]:
            runs[-1].append(word)
        elif word in _EVENT_ADJECTIVES and following in _LOWER_EVENT_WORDS and runs[-1]:
            continue  # "... 2024 virtual workshop"
        elif word.isalpha() and word.islower() and following in _LOWER_EVENT_WORDS and runs[-1]:
            runs[-1].append(word)  # "Rust compiler workshop"
        elif word in _LOWER_EVENT_WORDS and runs[-1]:
            runs[-1].append(word)
            runs.append([])
        elif _BREAKS.fullmatch(word):
            runs.append([])
        elif word and (word[0].isupper() or _YEAR.fullmatch(word) or word[0].isdigit()
                       and runs[-1]) or word.lower() in _JOINERS and runs[-1]:
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _trim(words: list[str]) -> list[str]:
    """Framing words dropped from both ends; joining words never end a name. A last word
    that makes the name an event stays ("Embedded Rust Days", not "Embedded Rust")."""
    start, stop = 0, len(words)
    while start < stop and (words[start].lower() in _FRAMING | _JOINERS):
        start += 1
    while stop > start and (words[stop - 1].lower() in _FRAMING | _JOINERS):
        if words[stop - 1][0].isupper() and _ends_in_event_word(words[start:stop]):
            break
        stop -= 1
    return words[start:stop]


def _ends_in_event_word(words: list[str]) -> bool:
    """Whether the last of ``words`` is part of the event word the run holds."""
    match = _event_word(" ".join(words))
    return match is not None and match.end() == len(" ".join(words))


def mentions(name: EventName, text: str) -> int:
    """2 when ``text`` names the event in full (year aside), 1 by its key word, else 0."""
    folded = " ".join(text.lower().split())
    if name.core and name.core.lower() in folded:
        return 2
    return 1 if re.search(rf"\b{re.escape(name.key.lower())}\b", folded) else 0
