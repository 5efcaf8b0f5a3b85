"""Source health and the record of the last run: for `status`, `/healthz` and run summaries.

The last run is kept as a small JSON file beside the store
(``var/calendar-agg.last-run.json``), never in output/: it changes every run and
output/ must stay byte-identical when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from calendar_agg.config import Settings
from calendar_agg.models import RunReport
from calendar_agg.sources.backoff import next_attempt

log = logging.getLogger(__name__)

SOURCE_FIELDS = ("name", "configured", "last_attempt", "last_success", "last_error",
                 "failures", "events_last", "next_attempt")


def run_record_path(store_path: Path) -> Path:
    return store_path.with_suffix(".last-run.json")


def run_record(report: RunReport, finished: dt.datetime, seconds: float) -> dict:
    """What /healthz and ``status --json`` show of a run."""
    return {
        "started": report.started.isoformat(),
        "finished": finished.isoformat(),
        "seconds": round(seconds, 3),
        "ok": not report.failed,
        "sources": [{"name": s.name, "documents": s.documents, "events": s.events,
                     "unchanged": s.skipped, "error": s.error, "failures": s.failures}
                    for s in report.sources],
        "events_found": report.events_found, "new": report.new, "updated": report.updated,
        "problems": len(report.problems), "files_written": len(report.written),
        "refused": list(report.refused),
    }


def recorded_run(store_path: Path, clock: Callable[[], dt.datetime],
                 run: Callable[[], RunReport]) -> RunReport:
    """``run()``, its record kept beside the store however it ends (``run_record``, or
    ``failed_run_record`` when it raises)."""
    started, started_at = time.monotonic(), clock()
    try:
        report = run()
    except Exception as exc:
        keep_run_record(store_path, failed_run_record(started_at, clock(),
                                                      time.monotonic() - started, exc))
        raise
    keep_run_record(store_path, run_record(report, clock(), time.monotonic() - started))
    return report


def failed_run_record(started: dt.datetime, finished: dt.datetime, seconds: float,
                      error: BaseException) -> dict:
    """What /healthz and ``status`` show of a run that stopped with an error (a store or
    output it could not write): not ok, and why."""
    return {"started": started.isoformat(), "finished": finished.isoformat(),
            "seconds": round(seconds, 3), "ok": False, "error": str(error) or repr(error)}


def keep_run_record(store_path: Path, record: dict) -> None:
    """Write the run record beside the store; a failure to is logged, not raised."""
    try:
        write_run_record(run_record_path(store_path), record)
    except OSError as exc:
        log.error("cannot write the run record: %s", exc)


def write_run_record(path: Path, record: dict) -> None:
    """Atomically replace the run record; an OSError is left to the caller."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1)
            handle.write("\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_run_record(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def failing_sources(rows: list[dict]) -> list[str]:
    """The configured sources whose last attempt failed. A source no longer configured (a
    renamed one, or an ad-hoc ``run URL``) is listed but no longer counts: nothing will
    run it again to clear its failure."""
    return [row["name"] for row in rows if row["failures"] and row["configured"]]


def last_run_error(record: dict | None) -> str | None:
    """Why the last run stopped, when it stopped with an error."""
    return record.get("error") if record and record.get("ok") is False else None


def source_health(settings: Settings, stored: list[dict]) -> list[dict]:
    """One row per source: the configured ones first (even if never run), then the others."""
    by_name = {row["name"]: row for row in stored}
    configured = [s.name for s in settings.sources]
    names = configured + sorted(n for n in by_name if n not in configured)
    rows = []
    for name in names:
        state = by_name.get(name, {})
        retry_at = next_attempt(state)
        rows.append({
            "name": name,
            "configured": name in configured,
            "last_attempt": state.get("last_attempt"),
            "last_success": state.get("last_success"),
            "last_error": state.get("last_error"),
            "failures": state.get("failures", 0),
            "events_last": state.get("events_last"),
            "next_attempt": retry_at.isoformat() if retry_at else None,
        })
    return rows


def read_source_health(settings: Settings) -> list[dict]:
    """Source health from the store; a store that does not exist yet has none."""
    from calendar_agg.store import Store

    if not settings.store.path.exists():
        return source_health(settings, [])
    store = Store.open(settings.store.path)
    try:
        return source_health(settings, store.sources())
    finally:
        store.close()
