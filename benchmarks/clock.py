"""Run the calendar-agg command line as if it were a given time (for benchmarks/pipeline.py).

    python benchmarks/clock.py 2026-08-12T12:00:00+00:00 run --config FILE -q

The benchmark runs on the day its newest issue appeared, so that what is upcoming (the
window of the feeds, the per-event calendars) is what it was that day, not what the
machine's clock makes of an archive that may have ended months ago.
"""

from __future__ import annotations

import datetime as dt
import sys

from calendar_agg import pipeline
from calendar_agg.cli import command

if __name__ == "__main__":
    moment = dt.datetime.fromisoformat(sys.argv[1])
    pipeline.run_once.__kwdefaults__["clock"] = lambda: moment
    command(sys.argv[2:])
