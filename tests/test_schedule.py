"""[schedule] -> apscheduler triggers; bad cron expressions are config errors."""

import datetime as dt

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from calendar_agg.config import ScheduleSettings, settings_from_dict
from calendar_agg.errors import ConfigError
from calendar_agg.schedule import cron_trigger, trigger_for


def test_interval_with_jitter():
    trigger = trigger_for(ScheduleSettings(interval="1h30m", jitter=60))
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval == dt.timedelta(minutes=90) and trigger.jitter == 60


def test_default_is_every_six_hours():
    assert trigger_for(ScheduleSettings()).interval == dt.timedelta(hours=6)


def test_cron_weekdays_count_from_sunday_as_in_crontab():
    trigger = cron_trigger("15 */6 * * 0,1-5", jitter=30)
    assert isinstance(trigger, CronTrigger) and trigger.jitter == 30
    fields = {f.name: str(f) for f in trigger.fields}
    assert fields["day_of_week"] == "sun,mon-fri"
    assert (fields["minute"], fields["hour"]) == ("15", "*/6")
    monday = dt.datetime(2025, 6, 2, 0, 0, tzinfo=dt.UTC)
    sunday_only = cron_trigger("0 9 * * 7")
    assert sunday_only.get_next_fire_time(None, monday.astimezone(sunday_only.timezone)
                                          ).weekday() == 6


@pytest.mark.parametrize(("cron", "message"), [
    ("61 * * * *", "higher than the maximum"),
    ("* * *", "has 3 fields"),
])
def test_bad_cron_is_a_config_error(cron, message):
    with pytest.raises(ConfigError, match=message) as caught:
        settings_from_dict({"schedule": {"cron": cron}})
    assert caught.value.problems[0].startswith("schedule.cron:")
