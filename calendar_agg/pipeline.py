"""One run: fetch every source, parse, normalize, store, publish -> RunReport.

One bad source never stops the rest: its error goes into the report, and the
events it contributed before stay as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import logging
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from calendar_agg.config import Settings, SourceSettings
from calendar_agg.derivation import derive, own_output_parts
from calendar_agg.errors import SourceError
from calendar_agg.fingerprints import (
    Parse,
    Parsed,
    code_version,
    files_intact,
    files_state,
    parse_documents,
    publish_fingerprint,
)
from calendar_agg.models import (
    Document,
    Issue,
    Problem,
    RawEvent,
    RunReport,
    SourceReport,
)
from calendar_agg.parsers import detect_format, parse_document
from calendar_agg.sources import HttpState, fetch
from calendar_agg.sources.backoff import next_attempt
from calendar_agg.store import Store
from calendar_agg.workers import Call, Workers

if TYPE_CHECKING:
    from pathlib import Path

    from calendar_agg.normalize.listings import FreshListings, ResolvedListing

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Progress = Callable[[str, int, int], None]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def run_once(settings: Settings, *, sources: Sequence[SourceSettings] | None = None,
             clock: Clock = utc_now, session=None,
             progress: Progress | None = None, accept_drop: bool = False) -> RunReport:
    """Fetch, parse, store and publish once; the store changes in one transaction.

    Configured URL sources that keep failing are left alone for a while
    (``sources.backoff``); ad-hoc ``sources`` are always fetched. ``progress`` is
    called as (source name, documents parsed, documents in total). ``accept_drop``:
    publish even the calendars the collapse guard would keep.
    """
    with fewer_collections():
        return _run_once(settings, sources, clock, session, progress, accept_drop)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector far less often during a run (or a ``parse`` of many
    documents, ``parse_only``). A run makes hundreds of thousands of small objects that live
    until it ends (listings, events) and next to no reference cycles; at the default
    thresholds the collector walks everything alive, gazetteer tables included, hundreds of
    times: measured, 0.46 s of a 2.7 s backfill of the sample and 2.5 s of a 16-fold one
    (0.03 s and 0.67 s with these thresholds, and a lower peak memory)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _run_once(settings: Settings, sources: Sequence[SourceSettings] | None, clock: Clock,
              session, progress: Progress | None, accept_drop: bool = False) -> RunReport:
    now = clock()
    report = RunReport(started=now)
    store = Store.open(settings.store.path)
    try:
        keeper = ListingKeeper(store, now)
        seen: set[tuple[str, str]] = set()  # (source, issue) of this run's listings
        parsed_any = False
        with store.transaction(), Workers(settings.parse.workers) as workers:
            for source in sources if sources is not None else settings.sources:
                polite = sources is None and source.url is not None
                for document in _run_source(source, store, session, now, report, keeper,
                                            workers, polite=polite, progress=progress,
                                            output=settings.output.dir):
                    report.events_found += document.events
                    parsed_any = parsed_any or not document.replayed
                    seen.update((source.name, issue) for issue in document.listed)
                    for issue in document.result.issues:
                        store.record_issue(source.name, issue, document.format)
            derive(store, report, _priorities([*settings.sources, *(sources or ())]),
                   seen, parsed_any, keeper.resolved, settings)
        if all(source.error for source in report.sources):
            log.info("no source could be read; published files left as they were")
            return report
        _publish(store, settings, now, report, accept_drop)
        for reason in report.refused:
            log.error("collapse guard: %s", reason)
        for drop in report.accepted:
            log.warning("collapse guard off (--accept-drop): published %s", drop)
    finally:
        store.close()
    return report


def _run_source(source: SourceSettings, store: Store, session, now: dt.datetime,
                report: RunReport, keeper: ListingKeeper, workers: Workers | None = None, *,
                polite: bool = False, progress: Progress | None = None,
                output: Path | None = None) -> list[Parsed]:
    """The source's documents parsed (or replayed when unchanged, ``fingerprints``), the
    listings of each kept by ``keeper`` as soon as it is parsed; a folder's files in the
    run's ``output`` folder are not its documents."""
    source_report = SourceReport(source.name)
    report.sources.append(source_report)
    state = store.source_state(source.name) or {}
    if polite and _backing_off(source_report, state, now):
        return []
    http_state = HttpState(state.get("etag"), state.get("last_modified"))
    followed = _followed(store, source.name)
    try:
        fetched = fetch(source, session, http_state, followed,
                        skip=(output,) if output is not None else ())
    except SourceError as exc:
        return _failed(source_report, exc, store, now)
    first_problem = len(report.problems)  # a folder's are known once it has been read
    if fetched.not_modified:
        source_report.skipped = True
        store.record_source(source.name, now, keep_validators=True)
        _note_health(source_report, store.source_state(source.name))
        return []
    try:
        with store.savepoint():  # a folder read as it is parsed can fail half-way: keep none
            results = _parse_documents(source.name, fetched.documents, store, now, progress,
                                       keeper, workers)
    except SourceError as exc:
        keeper.forget(source.name)  # what it stored is rolled back
        return _failed(source_report, exc, store, now)
    report.problems[first_problem:first_problem] = fetched.problems
    for found in results:
        source_report.documents += 1
        source_report.events += found.events
        report.problems.extend(found.result.problems)
        report.notices.extend(f"{source.name}: {in_document(found.name, n)}"
                              for n in found.result.notices)
    validators = fetched.http_state or HttpState()
    store.record_source(source.name, now, events=source_report.events,
                        etag=validators.etag, last_modified=validators.last_modified)
    if fetched.followed:  # stored: later runs need not read these issues again
        store.set_run_value(_FOLLOWED + source.name,
                            json.dumps(sorted(followed.union(fetched.followed))))
    _note_health(source_report, store.source_state(source.name))
    return results


_FOLLOWED = "followed:"  # run value: the issue URLs a source's index page led to, as read


def _followed(store: Store, source: str) -> frozenset[str]:
    """The issue URLs a source's index page led earlier runs to (``fetch_url``)."""
    return frozenset(json.loads(store.run_value(_FOLLOWED + source) or "[]"))


def _failed(source_report: SourceReport, exc: SourceError, store: Store,
            now: dt.datetime) -> list[Parsed]:
    """Note a source that could not be read this run; what it gave before stays."""
    source_report.error = exc.reason
    asked = now + dt.timedelta(seconds=exc.retry_after) if exc.retry_after else None
    store.record_source(source_report.name, now, error=exc.reason, retry_after=asked)
    _note_health(source_report, store.source_state(source_report.name))
    log.error("%s", exc)
    return []


def _parse_documents(source: str, documents: Collection[Document], store: Store,
                     now: dt.datetime, progress: Progress | None,
                     keeper: ListingKeeper, workers: Workers | None) -> list[Parsed]:
    def done(number: int) -> None:
        if progress is not None:
            progress(source, number, len(documents))

    def keep(parsed: Parsed) -> None:
        keeper.keep(source, parsed.result.events,
                    {(source, i.name): (i, parsed.format) for i in parsed.result.issues},
                    parsed.encoded)

    return parse_documents(documents, source, store, functools.partial(parse_fetched, now=now),
                           done, keep, workers)


def parse_fetched(document: Document, now: dt.datetime) -> Parse:
    """A document fetched by the run at ``now``, parsed; a newsletter's events encoded as the
    store keeps them, their resolutions too (``Parsed.encoded``): all the work on a listing
    that needs no store, done where the document is parsed (in a worker, ``workers``)."""
    from calendar_agg.normalize.calendars import CALENDAR_FORMATS
    from calendar_agg.normalize.listings import encode_listing

    document = read_as(fetched_now(document, now))
    result = parse_document(document)
    if document.format in CALENDAR_FORMATS:
        return document.format, result, ()
    return document.format, result, tuple(map(encode_listing, result.events))


def _backing_off(source_report: SourceReport, state: dict, now: dt.datetime) -> bool:
    """Leave a failing source alone until its retry time; nothing is recorded meanwhile."""
    retry_at = next_attempt(state)
    if retry_at is None or retry_at <= now:
        return False
    _note_health(source_report, state)
    source_report.next_attempt = retry_at
    source_report.error = (f"{state['last_error']} (left alone after {state['failures']} "
                           f"failures; next attempt after {retry_at.isoformat()})")
    log.warning("source %r: %s", source_report.name, source_report.error)
    return True


def _note_health(source_report: SourceReport, state: dict | None) -> None:
    if state:
        source_report.failures = state["failures"]
        last = state["last_success"]
        source_report.last_success = dt.datetime.fromisoformat(last) if last else None


def _publish(store: Store, settings: Settings, now: dt.datetime, report: RunReport,
             accept_drop: bool = False) -> None:
    """Write output/, unless the last run wrote it from the same events, settings, code and
    day and its files are untouched (then it would write the same bytes) and nothing the
    collapse guard kept is to be replaced now (``accept_drop``)."""
    fingerprint = publish_fingerprint(store.events_digest(), settings, now.date())
    last = json.loads(store.run_value("published") or "{}")
    if (last.get("fingerprint") == fingerprint and files_intact(last["files"])
            and not (accept_drop and last["refused"])):
        report.refused = last["refused"]
        return
    from calendar_agg.publish import publish
    from calendar_agg.publish.atom import Entries
    from calendar_agg.publish.ics import VEventParts

    same_code = store.run_value("vevents_from") == code_version()
    parts = VEventParts(stored=store.vevents() if same_code else None)
    entries = Entries(store.atom_entries() if same_code else {})
    published = publish(store.stored_events(), settings, now.date(), sources=store.sources(),
                        parts=parts, entries=entries, guard=not accept_drop)
    report.written, report.refused = published.written, published.refused
    report.accepted = published.accepted
    with store.transaction():
        own_output_parts(store)
        store.keep_vevent_parts(parts.used)
        store.keep_atom_entries(entries.used)
        store.set_run_value("published", json.dumps({
            "fingerprint": fingerprint, "files": files_state(published.files),
            "refused": published.refused}))


class ListingKeeper:
    """Stores a run's listings issue by issue, as each document is parsed, so that a
    backfill never holds the whole archive as parsed. The first time in a run an issue is
    kept, its listings replace what was stored for it; documents after that add to them
    (an issue's listings are replaced as a whole, from every document that lists it)."""

    def __init__(self, store: Store, now: dt.datetime) -> None:
        self._store, self._now = store, now
        self._kept: set[tuple[str, str]] = set()
        # made on the first keep: a run that parses nothing imports nothing of normalize
        self._fresh: FreshListings | None = None

    @property
    def resolved(self) -> dict[tuple, ResolvedListing]:
        """The newsletter listings kept, resolved, by ``Store.listing_rows`` key (deriving
        takes them out as it reads them: ``listings.StoredListings``)."""
        return self._fresh.resolved if self._fresh is not None else {}

    def forget(self, source: str) -> None:
        """Forget what was kept of ``source`` in this run (its savepoint was rolled back)."""
        self._kept = {kept for kept in self._kept if kept[0] != source}
        if self._fresh is not None:
            resolved = self._fresh.resolved
            for key in [key for key in resolved if key[0] == source]:
                del resolved[key]

    def keep(self, source: str, events: Sequence[RawEvent],
             issues: dict[tuple[str, str], tuple[Issue, str | None]],
             encoded: Sequence[tuple[str, str]] = ()) -> None:
        """Keep one document's ``events``; ``issues``: (source, issue name) -> (the issue, the
        format it was read with); ``encoded``: the events as the store keeps them, when the
        parse encoded them (``Parsed.encoded``)."""
        from calendar_agg.normalize.calendars import CALENDAR_FORMATS, versions_to_store
        from calendar_agg.normalize.listings import FreshListings

        if self._fresh is None:
            self._fresh = FreshListings(self._store, code_version())
        by_issue: dict[str, list[RawEvent]] = {}
        codes: dict[str, list[tuple[str, str]]] = {}
        for number, event in enumerate(events):
            by_issue.setdefault(event.issue, []).append(event)
            if encoded:
                codes.setdefault(event.issue, []).append(encoded[number])
        for name, listed in sorted(by_issue.items()):
            issue, format = issues.get((source, name), (None, None))
            if issue is not None and issue.date is not None and format in CALENDAR_FORMATS:
                versions = versions_to_store(self._store.occurrences(source, name), issue,
                                             listed)
                self._store.record_occurrences(source, name, issue.date, versions, self._now)
            else:
                day = issue.date if issue else None
                kept = self._fresh.resolve(source, day, listed, codes.get(name))
                self._store.record_listings(source, name, day, listed, self._now,
                                            replace=(source, name) not in self._kept,
                                            encoded=kept)
            self._kept.add((source, name))


def _priorities(sources: Sequence[SourceSettings]) -> dict[str, int]:
    """The configured ``priority`` of each source that sets one."""
    return {s.name: s.priority for s in sources if s.priority is not None}


def read_as(document: Document) -> Document:
    """The document with the format it is read as: the forced one, else the detected one
    (None when nothing recognises it)."""
    return document if document.format else replace(document, format=detect_format(document))


def fetched_now(document: Document, now: dt.datetime) -> Document:
    """The document stamped with the run's clock: calendars expand recurrences around it."""
    return document if document.fetched_at else replace(document, fetched_at=now)


# One document parsed as written: (events, or what ``render`` made of each; problems; notices)
ParsedAsWritten = tuple[list[Any], tuple[Problem, ...], list[str]]


def parse_only(documents: Iterable[Document], clock: Clock = utc_now,
               workers: int = 1) -> tuple[list[RawEvent], list[Problem], list[str]]:
    """Parse without store or output: events with countries and regions resolved, and the
    problems and notices, of all ``documents`` (``parse_each``, gathered)."""
    events: list[RawEvent] = []
    problems: list[Problem] = []
    notices: list[str] = []
    for found, found_problems, found_notices in parse_each(documents, clock, workers):
        events.extend(found)
        problems.extend(found_problems)
        notices.extend(found_notices)
    return events, problems, notices


def parse_each(documents: Iterable[Document], clock: Clock = utc_now, workers: int = 1,
               render: Callable[[RawEvent], Any] | None = None) -> Iterator[ParsedAsWritten]:
    """Parse without store or output, document by document in the documents' order, each
    given as soon as it is parsed: (its events, problems, notices).

    The city stays as the document wrote it (whitespace cleaned): what a reader of the
    issue sees. The store and the feeds use its canonical spelling instead. ``workers``:
    processes that parse (``workers.Workers``). ``render``: each event is given as
    ``render(event)`` instead (``jsonl.event_line``); it runs where the document is parsed,
    maybe in a worker, so it must be a module-level function."""
    now = clock()
    with fewer_collections(), Workers(workers) as pool:
        pending: deque[Call[ParsedAsWritten]] = deque()
        for document in documents:
            pending.append(pool.submit(parse_as_written, document, now, render))
            while len(pending) > pool.ahead:
                yield pool.result(pending.popleft())
        pool.flush()
        while pending:
            yield pool.result(pending.popleft())


def parse_as_written(document: Document, now: dt.datetime,
                     render: Callable[[RawEvent], Any] | None = None) -> ParsedAsWritten:
    """``parse_each`` of one document: (events or their renderings, problems, notices)."""
    from calendar_agg.normalize.merge import resolve

    result = parse_document(fetched_now(document, now))
    events = [resolve(e, canonical_city=False) for e in result.events]
    return ([render(e) for e in events] if render is not None else events, result.problems,
            [in_document(document.name, n) for n in result.notices])


def in_document(name: str, notice: str) -> str:
    """A parser's notice, where it was found: ``name`` first, unless the notice already
    begins with it (an issue named after its file)."""
    return notice if notice.startswith(f"{name}: ") else f"{name}: {notice}"
