"""Dedup is idempotent and does not depend on the order in which issues arrive."""

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_agg.derivation import derive_events
from calendar_agg.models import Event, Issue, RawEvent, RunReport
from calendar_agg.normalize import nearby
from calendar_agg.normalize.identity import canonical_url
from calendar_agg.pipeline import ListingKeeper
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
# Listed by the newsletter only: a meetup whose link is, or has as a mirror, Rust Berlin's
# group page, which is a page link (rule 2) only until a Rust Berlin listing names it as
# its organiser's link.
NEWSLETTER_MEETUPS = MEETUPS + [
    ("Rust Lyon", None, "Lyon", "FR",
     ("https://lyon.example/meetups/june", "https://www.meetup.com/rust-berlin/")),
]
MIRRORS = {"https://lyon.example/meetups/june": ("https://meetup.com/rust-berlin",)}

# One listing: which meetup, date offset in days, link variant, title variant, online or not.
listing_choice = st.tuples(st.integers(0, len(NEWSLETTER_MEETUPS) - 1),
                           st.sampled_from([10, 14, 17]), st.integers(0, 1), st.integers(0, 1),
                           st.booleans())
archive = st.lists(st.lists(listing_choice, max_size=4), min_size=1, max_size=5)


def issues_of(choices: list[list[tuple]], windowed: bool = True
              ) -> list[tuple[Issue, list[RawEvent]]]:
    """``windowed``: each issue says which dates it lists (else its listings tell)."""
    found = []
    for week, listed in enumerate(choices):
        day = FIRST_ISSUE + dt.timedelta(weeks=week)
        issue = Issue(f"issue-{week}", day,
                      (day, day + dt.timedelta(days=28)) if windowed else None)
        events = [_event(issue.name, line, day, *choice) for line, choice in enumerate(listed)]
        found.append((issue, events))
    return found


def _event(issue: str, line: int, day: dt.date, meetup: int, offset: int, link: int,
           title: int, online: bool) -> RawEvent:
    group, group_url, city, country, links = NEWSLETTER_MEETUPS[meetup]
    return RawEvent(issue=issue, line=line + 1, start=day + dt.timedelta(days=offset),
                    extra_urls=MIRRORS.get(links[link], ()),
                    city=city, country=country, virtual=online,
                    region="Virtual" if online else None, group=group, group_url=group_url,
                    title=("Monthly meetup", "Monthly meetup: talks")[title], url=links[link],
                    source="twir")


# A calendar source lists some of the same meetups with their times: which meetup, date
# offset, link variant. Its priority decides whether it or the newsletter gives the fields.
calendar_choice = st.tuples(st.integers(0, len(MEETUPS) - 1), st.sampled_from([10, 14, 17]),
                            st.integers(0, 1))
calendar = st.lists(calendar_choice, max_size=4, unique=True)
calendar_priority = st.sampled_from([None, 5, 30])


def calendar_fetch(choices: list[tuple], day: dt.date) -> tuple[Issue, list[RawEvent]]:
    """One fetch of the calendar on ``day``: every occurrence from one line (a series)."""
    issue = Issue("ical", day, (day - dt.timedelta(days=31), day + dt.timedelta(days=365)))
    events = []
    for meetup, offset, link in choices:
        group, group_url, city, country, links = MEETUPS[meetup]
        start = FIRST_ISSUE + dt.timedelta(days=offset)
        starts_at = dt.datetime.combine(start, dt.time(19), ZoneInfo("Europe/Berlin"))
        events.append(RawEvent(
            issue="ical", line=1, start=start, city=city, country=country, group=group,
            group_url=group_url, title=f"{group} (calendar)", url=links[link], source="cal",
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3),
            timezone="Europe/Berlin", source_uid=f"{meetup}-{offset}-{link}@cal"))
    return issue, events


def backfill(path: Path, runs: list[list[tuple[Issue, list[RawEvent]]]],
             priority: int | None = None, reuse: bool = False, near: bool = False) -> tuple:
    """Run each list of issues as one run; returns every derived row of the store and the
    problems of the last derivation. ``reuse``: events whose inputs did not change are kept
    as stored (as in a real run); ``near``: a run that only adds derives only the events
    near what it added (``normalize.nearby``), as in a real run."""
    store = Store.open(path)
    problems: list = []
    try:
        for issues in runs:
            with store.transaction():
                found = {}
                for issue, listed in issues:
                    source, format = (("cal", "ics") if listed and listed[0].source == "cal"
                                      else ("twir", "markdown"))
                    store.record_issue(source, issue, format)
                    found[(source, issue.name)] = (issue, format)
                events = [event for _, listed in issues for event in listed]
                keeper = ListingKeeper(store, NOW)
                for source in sorted({event.source for event in events}):
                    keeper.keep(source, [e for e in events if e.source == source], found)
                problems = derive_events(store, RunReport(started=NOW),
                                         {"cal": priority} if priority is not None else None,
                                         reuse=reuse or near,
                                         inputs="this code" if near else "")
        db = store._db
        return (*(tuple(db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))  # noqa: S608
                  for table in ("events", "sightings", "history")), problems)
    finally:
        store.close()


def same_derivation(at_once: tuple, stepwise: tuple) -> bool:
    """Whether runs that published along the way (``stepwise``) stored what one run
    (``at_once``) derived, but for what publishing keeps ahead (``event_rows.ahead_of``): a
    SEQUENCE never lower, and LAST-MODIFIED and history corrections where a state it published
    changed with no listing counting it."""
    sequences = {row[0]: from_json(Event, row[2]).sequence for row in at_once[0]}
    return (_derived_part(at_once) == _derived_part(stepwise)
            and all(from_json(Event, row[2]).sequence >= sequences[row[0]]
                    for row in stepwise[0]))


def _derived_part(rows: tuple) -> tuple:
    events, sightings, history, problems = rows
    # (the summary beside the JSON repeats LAST-MODIFIED)
    plain = tuple((uid, start, replace(from_json(Event, data), sequence=0, last_modified=None),
                   derived_from) for uid, start, data, derived_from, _summary in events)
    numbered: dict[str, int] = {}
    derived = []
    for uid, _, *entry in history:
        if entry[3] != "corrected":
            derived.append((uid, numbered.setdefault(uid, 0), *entry))
            numbered[uid] += 1
    return plain, sightings, tuple(derived), problems


@settings(max_examples=30, deadline=None)
@given(archive, st.randoms(use_true_random=False))
def test_arrival_order_does_not_matter(choices, random):
    issues = issues_of(choices)
    shuffled = issues[:]
    random.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        at_once = backfill(Path(folder) / "a.sqlite3", [issues])
        one_by_one = backfill(Path(folder) / "b.sqlite3", [[issue] for issue in shuffled])
    assert same_derivation(at_once, one_by_one)


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


@settings(max_examples=30, deadline=None)
@given(archive, calendar, calendar_priority, st.integers(0, 3), st.randoms(use_true_random=False))
def test_with_a_calendar_arrival_order_does_not_matter(choices, listed, priority, dropped,
                                                       random):
    """A calendar fetched before the issues arrive and again afterwards, with one occurrence
    gone: the same events however the issues arrive, every time kept."""
    issues = issues_of(choices)
    shuffled = issues[:]
    random.shuffle(shuffled)
    first = calendar_fetch(listed, FIRST_ISSUE)
    second = calendar_fetch([c for i, c in enumerate(listed) if i != dropped] or listed,
                            FIRST_ISSUE + dt.timedelta(days=1))
    with tempfile.TemporaryDirectory() as folder:
        at_once = backfill(Path(folder) / "a.sqlite3", [[first, *issues], [second]], priority)
        one_by_one = backfill(Path(folder) / "b.sqlite3",
                              [[first], *([i] for i in shuffled), [second]], priority)
        again = backfill(Path(folder) / "c.sqlite3",
                         [[first, *issues], [second], [second], [*issues]], priority)
    assert same_derivation(at_once, one_by_one) and same_derivation(at_once, again)
    events = [from_json(Event, row[2]) for row in at_once[0]]
    links = [(canonical_url(e.url), e.start) for e in events if e.url]
    assert len(links) == len(set(links))
    timed = {(canonical_url(url), FIRST_ISSUE + dt.timedelta(days=offset))
             for meetup, offset, link in listed if (url := MEETUPS[meetup][4][link])}
    for event in events:  # every meetup the calendar lists has its time, whoever won
        if (canonical_url(event.url), event.start) in timed:
            assert event.starts_at is not None and event.timezone == "Europe/Berlin"


@settings(max_examples=30, deadline=None)
@given(archive, calendar, calendar_priority, st.randoms(use_true_random=False))
def test_keeping_unchanged_events_is_a_full_rebuild(choices, listed, priority, random):
    """Issues arriving one by one, each run keeping the events whose inputs did not change
    (``changes.derivation_key``): the same rows as deriving everything at once."""
    issues = [calendar_fetch(listed, FIRST_ISSUE), *issues_of(choices)]
    shuffled = issues[:]
    random.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        at_once = backfill(Path(folder) / "a.sqlite3", [issues], priority)
        kept = backfill(Path(folder) / "b.sqlite3", [[i] for i in shuffled] + [issues[-1:]],
                        priority, reuse=True)
    assert same_derivation(at_once, kept)


@settings(max_examples=60, deadline=None)
@given(archive, st.booleans(), st.randoms(use_true_random=False))
def test_deriving_near_what_was_added_is_a_full_rebuild(choices, windowed, random):
    """Issues arriving one by one (late ones too), each run deriving only the events near
    the listings it added (``normalize.nearby``): the same rows and problems as deriving
    everything at once."""
    issues = issues_of(choices, windowed)
    shuffled = issues[:]
    random.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        at_once = backfill(Path(folder) / "a.sqlite3", [issues])
        with mock.patch.object(nearby, "derive_near", wraps=nearby.derive_near) as spied:
            near = backfill(Path(folder) / "b.sqlite3", [[i] for i in shuffled], near=True)
    assert same_derivation(at_once, near)
    assert spied.call_count == len(shuffled) - 1  # every run but the first


def test_an_organiser_link_named_later_parts_the_listings_it_had_joined():
    """Two Rust Lyon listings of one date, shown together with other titles, share Rust
    Berlin's group page as a link (rule 2) until a Rust Berlin listing arrives that names
    it as its organiser's link: then they are two events, whether Rust Berlin arrives in the
    same run or in a later one that derives only near what it added."""
    lyon = [(3, 10, 0, 0, False), (3, 10, 1, 1, False)]
    # Rust Berlin two weeks later, when the Lyon meetup is over: its issue cannot cancel it
    issues = issues_of([lyon, [], [(0, 10, 0, 0, False)]])
    for order in (issues, issues[::-1]):
        with tempfile.TemporaryDirectory() as folder:
            alone = backfill(Path(folder) / "a.sqlite3", [issues[:1]])
            at_once = backfill(Path(folder) / "b.sqlite3", [issues])
            near = backfill(Path(folder) / "c.sqlite3", [[i] for i in order], near=True)
        assert len(alone[0]) == 1 and len(at_once[0]) == 3
        assert same_derivation(at_once, near)
