"""One run: fetch every source, parse, normalize, store, publish -> RunReport.

One bad source never stops the rest: its error goes into the report, and the
events it contributed before stay as they were.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from calendar_agg.config import Settings, SourceSettings
from calendar_agg.errors import SourceError
from calendar_agg.models import Document, ParseResult, Problem, RawEvent, RunReport, SourceReport
from calendar_agg.normalize.merge import combine, listings_by_identity
from calendar_agg.parsers import parse_document
from calendar_agg.sources import HttpState, fetch
from calendar_agg.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def run_once(settings: Settings, *, sources: Sequence[SourceSettings] | None = None,
             clock: Clock = utc_now, session=None) -> RunReport:
    """Fetch, parse, store and publish once; the store changes in one transaction."""
    now = clock()
    report = RunReport(started=now)
    store = Store.open(settings.store.path)
    try:
        events: list[RawEvent] = []
        issue_dates: dict[str, dt.date | None] = {}
        with store.transaction():
            for source in sources if sources is not None else settings.sources:
                found = _run_source(source, store, session, now, report)
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

        published = publish(store.events(), settings, now.date())
        report.written = published.written
        report.refused = published.refused
        for reason in published.refused:
            log.error("collapse guard: %s", reason)
    finally:
        store.close()
    return report


def _run_source(source: SourceSettings, store: Store, session, now: dt.datetime,
                report: RunReport) -> list[ParseResult]:
    source_report = SourceReport(source.name)
    report.sources.append(source_report)
    state = store.source_state(source.name) or {}
    http_state = HttpState(state.get("etag"), state.get("last_modified"))
    try:
        fetched = fetch(source, session, http_state)
    except SourceError as exc:
        source_report.error = exc.reason
        store.record_source(source.name, now, error=exc.reason)
        log.error("%s", exc)
        return []
    report.problems.extend(fetched.problems)
    if fetched.not_modified:
        source_report.skipped = True
        store.record_source(source.name, now, keep_validators=True)
        return []
    results = []
    for document in fetched.documents:
        result = parse_document(document)
        results.append(result)
        source_report.documents += 1
        source_report.events += len(result.events)
        report.problems.extend(result.problems)
        report.notices.extend(f"{source.name}: {document.name}: {n}" for n in result.notices)
    validators = fetched.http_state or HttpState()
    store.record_source(source.name, now, events=source_report.events,
                        etag=validators.etag, last_modified=validators.last_modified)
    return results


def _merge(store: Store, events: list[RawEvent], issue_dates: dict[str, dt.date | None],
           now: dt.datetime, report: RunReport) -> None:
    for key, listings in listings_by_identity(events, issue_dates).items():
        combined, regions = combine(listings)
        outcome = store.merge(key, listings, combined, regions, now)
        if outcome == "new":
            report.new += 1
        elif outcome == "updated":
            report.updated += 1


def parse_only(documents: Sequence[Document]) -> tuple[list[RawEvent], list[Problem],
                                                        list[str]]:
    """Parse without store or output: events with places and regions resolved."""
    from calendar_agg.normalize.merge import resolve

    events, problems, notices = [], [], []
    for document in documents:
        result = parse_document(document)
        events.extend(resolve(e) for e in result.events)
        problems.extend(result.problems)
        notices.extend(f"{document.name}: {n}" for n in result.notices)
    return events, problems, notices
