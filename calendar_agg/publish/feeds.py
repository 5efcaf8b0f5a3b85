"""Which events go into which feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from calendar_agg.models import REGIONS, Event, region_slug


@dataclass(frozen=True)
class Feed:
    name: str  # file name stem: ics/<name>.ics, atom/<name>.xml
    title: str
    description: str
    includes: Callable[[Event], bool]


def standard_feeds() -> list[Feed]:
    """``all`` and one feed per region; a hybrid event is in Virtual and its continent."""
    feeds = [Feed("all", "Rust events — all regions",
                  "Every upcoming Rust community event, online and in person.",
                  lambda event: True)]
    for region in REGIONS:
        feeds.append(Feed(
            region_slug(region), f"Rust events — {region}",
            f"Upcoming Rust community events: {region}.",
            lambda event, region=region: region in event.regions))
    return feeds


def in_window(event: Event, today: dt.date, past_days: int) -> bool:
    """Is the event's last day within ``past_days`` before today, or later?"""
    return (event.end or event.start) >= today - dt.timedelta(days=past_days)
