"""apscheduler wiring: ``[schedule]`` -> a trigger, and a scheduler that runs one job.

The job runs once at start, then on the trigger; never two at once
(``max_instances=1``); runs missed while the machine slept or a run overran are
coalesced into one (``coalesce=True``, no grace limit).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from calendar_agg.config import DEFAULT_INTERVAL, parse_interval

if TYPE_CHECKING:
    from calendar_agg.config import ScheduleSettings

JOB_ID = "run"
# crontab numbers days of the week from Sunday = 0 (or 7); apscheduler 3 from Monday = 0.
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NUMBER = re.compile(r"(?<![/\d])[0-7](?!\d)")


def cron_trigger(expression: str, jitter: int | None = None) -> CronTrigger:
    """A trigger for a standard 5-field crontab expression, in the local time zone.

    Raises ValueError for an expression apscheduler cannot read.
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r} has {len(fields)} fields; a crontab expression has 5 "
                         f"(minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    weekday = _DAY_NUMBER.sub(lambda m: _CRON_DAYS[int(m.group())], weekday)
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
                       jitter=jitter or None)


def trigger_for(schedule: ScheduleSettings) -> BaseTrigger:
    jitter = schedule.jitter or None
    if schedule.cron:
        return cron_trigger(schedule.cron, jitter)
    every = parse_interval(schedule.interval) if schedule.interval else DEFAULT_INTERVAL
    return IntervalTrigger(seconds=every.total_seconds(), jitter=jitter)


def build_scheduler(job: Callable[[], object], schedule: ScheduleSettings,
                    on_overlap: Callable[[], None] | None = None) -> BackgroundScheduler:
    """A background scheduler (not started) running ``job`` at start, then on the schedule.

    ``on_overlap`` is called when a run comes due while the previous one still runs
    (that run is skipped: the next one covers it).
    """
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    scheduler.add_job(job, trigger_for(schedule), id=JOB_ID, name="calendar-agg run",
                      next_run_time=dt.datetime.now(dt.UTC))
    if on_overlap is not None:
        scheduler.add_listener(lambda event: on_overlap(), EVENT_JOB_MAX_INSTANCES)
    return scheduler
