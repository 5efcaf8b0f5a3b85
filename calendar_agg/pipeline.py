"""One run: fetch every source, parse, normalize, store, publish -> RunReport.

One bad source never stops the rest: its error goes into the report, and the
events it contributed before stay as they were.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from calendar_agg.config import Settings, SourceSettings
from calendar_agg.errors import SourceError
from calendar_agg.models import Document, ParseResult, Problem, RawEvent, RunReport, SourceReport
from calendar_agg.normalize.changes import events_from_listings
from calendar_agg.parsers import parse_document
from calendar_agg.sources import HttpState, fetch
from calendar_agg.sources.backoff import next_attempt
from calendar_agg.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Progress = Callable[[str, int, int], None]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def run_once(settings: Settings, *, sources: Sequence[SourceSettings] | None = None,
             clock: Clock = utc_now, session=None,
             progress: Progress | None = None) -> RunReport:
    """Fetch, parse, store and publish once; the store changes in one transaction.

    Configured URL sources that keep failing are left alone for a while
    (``sources.backoff``); ad-hoc ``sources`` are always fetched. ``progress`` is
    called as (source name, documents parsed, documents in total).
    """
    now = clock()
    report = RunReport(started=now)
    store = Store.open(settings.store.path)
    try:
        events: list[RawEvent] = []
        issue_dates: dict[str, dt.date | None] = {}
        with store.transaction():
            for source in sources if sources is not None else settings.sources:
                polite = sources is None and source.url is not None
                found = _run_source(source, store, session, now, report,
                                    polite=polite, progress=progress)
                for result in found:
                    events.extend(result.events)
                    for issue in result.issues:
                        issue_dates[issue.name] = issue.date
                        store.record_issue(source.name, issue)
            report.events_found = len(events)
            _merge(store, events, issue_dates, now, report)
        if all(source.error for source in report.sources):
            log.info("no source could be read; published files left as they were")
            return report
        from calendar_agg.publish import publish

        published = publish(store.events(), settings, now.date(), sources=store.sources())
        report.written = published.written
        report.refused = published.refused
        for reason in published.refused:
            log.error("collapse guard: %s", reason)
    finally:
        store.close()
    return report


def _run_source(source: SourceSettings, store: Store, session, now: dt.datetime,
                report: RunReport, *, polite: bool = False,
                progress: Progress | None = None) -> list[ParseResult]:
    source_report = SourceReport(source.name)
    report.sources.append(source_report)
    state = store.source_state(source.name) or {}
    if polite and _backing_off(source_report, state, now):
        return []
    http_state = HttpState(state.get("etag"), state.get("last_modified"))
    try:
        fetched = fetch(source, session, http_state)
    except SourceError as exc:
        source_report.error = exc.reason
        asked = now + dt.timedelta(seconds=exc.retry_after) if exc.retry_after else None
        store.record_source(source.name, now, error=exc.reason, retry_after=asked)
        _note_health(source_report, store.source_state(source.name))
        log.error("%s", exc)
        return []
    report.problems.extend(fetched.problems)
    if fetched.not_modified:
        source_report.skipped = True
        store.record_source(source.name, now, keep_validators=True)
        _note_health(source_report, store.source_state(source.name))
        return []
    results = []
    for done, document in enumerate(fetched.documents, 1):
        result = parse_document(fetched_now(document, now))
        results.append(result)
        if progress is not None:
            progress(source.name, done, len(fetched.documents))
        source_report.documents += 1
        source_report.events += len(result.events)
        report.problems.extend(result.problems)
        report.notices.extend(f"{source.name}: {document.name}: {n}" for n in result.notices)
    validators = fetched.http_state or HttpState()
    store.record_source(source.name, now, events=source_report.events,
                        etag=validators.etag, last_modified=validators.last_modified)
    _note_health(source_report, store.source_state(source.name))
    return results


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


def _merge(store: Store, events: list[RawEvent], issue_dates: dict[str, dt.date | None],
           now: dt.datetime, report: RunReport) -> None:
    """Keep this run's listings, then derive every event again from all stored listings:
    the result cannot depend on the order in which issues arrived."""
    by_issue: dict[tuple[str, str], list[RawEvent]] = {}
    for event in events:
        by_issue.setdefault((event.source, event.issue), []).append(event)
    for (source, issue), listed in sorted(by_issue.items()):
        store.record_listings(source, issue, issue_dates.get(issue), listed, now)
    records, problems = events_from_listings(store.listings(), store.issues())
    stats = store.save_events(records)
    report.new, report.updated, report.cancelled = stats.new, stats.updated, stats.cancelled
    if stats.removed:
        log.info("%d events regrouped into others (an older issue arrived late)", stats.removed)
    report.problems.extend(p for p in problems if (p.source, p.document) in by_issue)


def fetched_now(document: Document, now: dt.datetime) -> Document:
    """The document stamped with the run's clock: calendars expand recurrences around it."""
    return document if document.fetched_at else replace(document, fetched_at=now)


def parse_only(documents: Sequence[Document], clock: Clock = utc_now) -> tuple[
        list[RawEvent], list[Problem], list[str]]:
    """Parse without store or output: events with countries and regions resolved.

    The city stays as the document wrote it (whitespace cleaned): what a reader of the
    issue sees. The store and the feeds use its canonical spelling instead.
    """
    from calendar_agg.normalize.merge import resolve

    events, problems, notices = [], [], []
    now = clock()
    for document in documents:
        result = parse_document(fetched_now(document, now))
        events.extend(_as_written_city(resolve(e), e) for e in result.events)
        problems.extend(result.problems)
        notices.extend(f"{document.name}: {n}" for n in result.notices)
    return events, problems, notices


def _as_written_city(resolved: RawEvent, raw: RawEvent) -> RawEvent:
    city = " ".join(raw.city.split()) if raw.city else raw.city
    return resolved if city == resolved.city else replace(resolved, city=city)
