"""The long-running process: scheduled runs under the run lock, and serving output/.

``run_service`` is what ``calendar-agg daemon`` and ``calendar-agg serve`` run. The
first SIGTERM or SIGINT stops the server, lets the current run finish and
returns 0; a second one ends the process at once (the store's transaction and the
atomic file writes keep state consistent even then).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import TYPE_CHECKING

from calendar_agg.config import Settings
from calendar_agg.errors import CalendarAggError, ConfigError, RunLockedError
from calendar_agg.health import recorded_run
from calendar_agg.lock import lock_path, run_lock
from calendar_agg.models import RunReport
from calendar_agg.pipeline import Clock, run_once, utc_now

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)

LOCK_WAIT = 60.0  # a scheduled run waits this long for a manual `run` before skipping
EXIT_FORCED = 130


class _Stop(SystemExit):
    """Raised in the main thread by the first signal; waitress's loop ends on SystemExit."""


class Service:
    """Runs the pipeline when the scheduler says so; never two runs at once."""

    def __init__(self, settings: Settings, *, clock: Clock = utc_now, session=None) -> None:
        from calendar_agg.sources.http import new_session

        self.settings = settings
        self.clock = clock
        self.session = session or new_session()
        self.stop = threading.Event()
        self.runs = 0
        self.scheduler: BackgroundScheduler | None = None

    def run_cycle(self) -> RunReport | None:
        """One scheduled run: lock, run, record, summary. Errors are logged, never raised."""
        if self.stop.is_set():
            return None
        try:
            with run_lock(lock_path(self.settings.store.path), LOCK_WAIT, self.stop):
                return self._locked_run()
        except RunLockedError as exc:
            log.warning("run skipped: %s", exc)
        except CalendarAggError as exc:
            log.error("run failed: %s", exc)
        except Exception:  # a bug must not end the daemon; the traceback goes to the log
            log.exception("run failed with an internal error")
        return None

    def _locked_run(self) -> RunReport:
        self.runs += 1
        log.info("run %d started", self.runs)
        started = time.monotonic()
        report = recorded_run(self.settings.store.path, self.clock, lambda: run_once(
            self.settings, clock=self.clock, session=self.session))
        seconds = time.monotonic() - started
        log.info("run %d finished in %.1f s: %s", self.runs, seconds, summary(report))
        return report

    def overlapped(self) -> None:
        log.info("a run came due while run %d was still going: skipped, the next one "
                 "covers it", self.runs)


def summary(report: RunReport) -> str:
    """The per-run line an operator reads: sources, events, changes, problems, files."""
    failed = sum(1 for s in report.sources if s.error)
    unchanged = sum(1 for s in report.sources if s.skipped)
    text = (f"{len(report.sources)} sources ({unchanged} unchanged, {failed} failed), "
            f"events found {report.events_found}, new {report.new}, "
            f"updated {report.updated}, problems {len(report.problems)}, "
            f"files written {len(report.written)}")
    if report.refused:
        text += f", not replaced {len(report.refused)}"
    failing = [f"{s.name} ({s.failures} in a row)" for s in report.sources if s.error]
    if failing:
        text += f"; failing: {', '.join(failing)}"
    return text


def run_service(settings: Settings, *, scheduled: bool, serving: bool, host: str, port: int,
                clock: Clock = utc_now) -> int:
    """Serve and/or run on the schedule until SIGTERM or SIGINT; returns the exit code."""
    if not log.isEnabledFor(logging.DEBUG):  # their INFO lines repeat ours
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        logging.getLogger("waitress").setLevel(logging.WARNING)
    service = Service(settings, clock=clock)
    server = _bind(settings, host, port, clock) if serving else None
    try:
        _install_signal_handlers(service)
        if scheduled:
            _start_schedule(service)
        if server is not None:
            from calendar_agg.serve import address

            bound_host, bound_port = address(server)
            log.info("serving %s on http://%s:%d/", settings.output.dir, bound_host, bound_port)
            server.run()  # returns when a signal raises _Stop inside its loop
        else:
            while not service.stop.wait(3600):
                pass
    except _Stop:
        pass
    finally:
        service.stop.set()
        if service.scheduler is not None and service.scheduler.running:
            service.scheduler.shutdown(wait=True)  # lets the current run finish
    log.info("stopped")
    return 0


def _bind(settings: Settings, host: str, port: int, clock: Clock):
    from calendar_agg.serve import FeedServer, create_server

    try:
        return create_server(FeedServer(settings, clock), host, port)
    except OSError as exc:
        raise ConfigError(str(settings.config_path or "<defaults>"),
                          [f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}"]
                          ) from None


def _start_schedule(service: Service) -> None:
    from calendar_agg.schedule import build_scheduler

    schedule = service.settings.schedule
    every = f"cron {schedule.cron!r}" if schedule.cron else f"every {schedule.interval or '6h'}"
    log.info("daemon started (pid %d): runs now, then %s%s", os.getpid(), every,
             f" with up to {schedule.jitter} s jitter" if schedule.jitter else "")
    service.scheduler = build_scheduler(service.run_cycle, schedule, service.overlapped)
    service.scheduler.start()


def _install_signal_handlers(service: Service) -> None:
    def on_signal(number: int, frame) -> None:
        name = signal.Signals(number).name
        if service.stop.is_set():
            log.warning("%s again: stopping at once", name)
            os._exit(EXIT_FORCED)
        service.stop.set()
        log.info("%s received: finishing the current run, then stopping", name)
        raise _Stop(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
