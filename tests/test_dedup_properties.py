"""Dedup is idempotent and does not depend on the order in which issues arrive."""

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_agg.models import Event, Issue, RawEvent, RunReport
from calendar_agg.normalize.identity import canonical_url
from calendar_agg.pipeline import _merge
from calendar_agg.store import Store, from_json

FIRST_ISSUE = dt.date(2025, 6, 4)
NOW = dt.datetime(2025, 9, 1, tzinfo=dt.UTC)
MEETUPS = [  # (group, group link, city, country, event links)
    ("Rust Berlin", "https://www.meetup.com/rust-berlin/", "Berlin", "DE",
     ("https://www.meetup.com/rust-berlin/events/1/",
      "https://www.meetup.com/de-DE/Rust-Berlin/events/2")),
    ("Rust Hamburg", None, "Hamburg", "DE", ("https://hamburg.rs/2025/06/talks.html", None)),
    ("Rust NYC", "https://www.meetup.com/rust-nyc/", "New York", "US",
     ("https://www.meetup.com/rust-nyc/events/9", "https://lu.ma/rust-nyc-9")),
]

# One listing: which meetup, date offset in days, link variant, title variant, online or not.
listing_choice = st.tuples(st.integers(0, len(MEETUPS) - 1), st.sampled_from([10, 14, 17]),
                           st.integers(0, 1), st.integers(0, 1), st.booleans())
archive = st.lists(st.lists(listing_choice, max_size=4), min_size=1, max_size=5)


def issues_of(choices: list[list[tuple]]) -> list[tuple[Issue, list[RawEvent]]]:
    found = []
    for week, listed in enumerate(choices):
        day = FIRST_ISSUE + dt.timedelta(weeks=week)
        issue = Issue(f"issue-{week}", day, (day, day + dt.timedelta(days=28)))
        events = [_event(issue.name, line, day, *choice) for line, choice in enumerate(listed)]
        found.append((issue, events))
    return found


def _event(issue: str, line: int, day: dt.date, meetup: int, offset: int, link: int,
           title: int, online: bool) -> RawEvent:
    group, group_url, city, country, links = MEETUPS[meetup]
    return RawEvent(issue=issue, line=line + 1, start=day + dt.timedelta(days=offset),
                    city=city, country=country, virtual=online,
                    region="Virtual" if online else None, group=group, group_url=group_url,
                    title=("Monthly meetup", "Monthly meetup: talks")[title], url=links[link],
                    source="twir")


def backfill(path: Path, runs: list[list[tuple[Issue, list[RawEvent]]]]) -> tuple:
    """Run each list of issues as one run; returns every derived row of the store."""
    store = Store.open(path)
    try:
        for issues in runs:
            with store.transaction():
                for issue, _ in issues:
                    store.record_issue("twir", issue)
                events = [event for _, listed in issues for event in listed]
                _merge(store, events, {i.name: i.date for i, _ in issues}, NOW,
                       RunReport(started=NOW))
        db = store._db
        return tuple(tuple(db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))  # noqa: S608
                     for table in ("events", "sightings", "history"))
    finally:
        store.close()


@settings(max_examples=30, deadline=None)
@given(archive, st.randoms(use_true_random=False))
def test_arrival_order_does_not_matter(choices, random):
    issues = issues_of(choices)
    shuffled = issues[:]
    random.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        at_once = backfill(Path(folder) / "a.sqlite3", [issues])
        one_by_one = backfill(Path(folder) / "b.sqlite3", [[issue] for issue in shuffled])
    assert at_once == one_by_one


@settings(max_examples=20, deadline=None)
@given(archive)
def test_backfill_twice_changes_nothing(choices):
    issues = issues_of(choices)
    with tempfile.TemporaryDirectory() as folder:
        once = backfill(Path(folder) / "a.sqlite3", [issues])
        twice = backfill(Path(folder) / "b.sqlite3", [issues, issues, issues[:1]])
    assert once == twice
    events = [from_json(Event, row[2]) for row in once[0]]
    links = [(canonical_url(e.url), e.start) for e in events if e.url]
    assert len(links) == len(set(links))  # no two events share a canonical URL and date
    assert all(e.regions == (e.regions[0], "Virtual") for e in events if e.hybrid)
