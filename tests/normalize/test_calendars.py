"""What a calendar fetch stores: changed occurrences only, and deletions inside the window."""

import datetime as dt

from calendar_agg.models import Issue, RawEvent
from calendar_agg.normalize.calendars import DELETED, versions_to_store
from calendar_agg.normalize.changes import events_from_listings

D1, D2 = dt.date(2025, 6, 5), dt.date(2025, 6, 12)
NOW = dt.datetime(2025, 6, 12, tzinfo=dt.UTC)


def fetch(day: dt.date) -> Issue:
    return Issue("ical", day, (day - dt.timedelta(days=31), day + dt.timedelta(days=365)))


def occurrence(uid: str, start: dt.date, line: int = 3, **fields) -> RawEvent:
    base = dict(issue="ical", line=line, start=start, source="rust-berlin", source_uid=uid,
                title="Hack and Learn")
    return RawEvent(**(base | fields))


def test_only_new_or_changed_occurrences_are_stored():
    kept = occurrence("a#1", dt.date(2025, 6, 19))
    moved = occurrence("a#2", dt.date(2025, 6, 26))
    stored = [(D1, kept), (D1, moved)]
    again = [occurrence("a#1", kept.start, line=9),  # only its line in the file moved
             occurrence("a#2", dt.date(2025, 6, 27)), occurrence("a#3", dt.date(2025, 7, 3))]
    found = versions_to_store(stored, fetch(D2), again)
    assert found == {"a#1": None, "a#2": again[1], "a#3": again[2]}


def test_an_upcoming_occurrence_no_longer_listed_is_deleted_a_past_one_is_not():
    past, upcoming = occurrence("p", dt.date(2025, 6, 10)), occurrence("u", dt.date(2025, 6, 20))
    still = occurrence("s", dt.date(2025, 6, 21))
    found = versions_to_store([(D1, past), (D1, upcoming), (D1, still)], fetch(D2), [still])
    assert found["p"] is None and found["s"] is None
    assert found["u"].status == DELETED and found["u"].start == upcoming.start


def test_a_deleted_occurrence_is_deleted_once_and_can_come_back():
    upcoming = occurrence("u", dt.date(2025, 6, 20))
    other = occurrence("o", dt.date(2025, 6, 21))
    gone = versions_to_store([(D1, upcoming), (D1, other)], fetch(D2), [other])["u"]
    stored = [(D1, upcoming), (D1, other), (D2, gone)]
    later = dt.date(2025, 6, 14)
    assert versions_to_store(stored, fetch(later), [other])["u"] is None
    assert versions_to_store(stored, fetch(later), [other, upcoming])["u"] == upcoming


def test_an_empty_fetch_stores_and_deletes_nothing():
    assert versions_to_store([(D1, occurrence("u", dt.date(2025, 6, 20)))], fetch(D2), []) == {}


def test_a_second_fetch_the_same_day_replaces_that_days_version():
    first = occurrence("u", dt.date(2025, 6, 20))
    renamed = occurrence("u", first.start, title="Talks")
    stored = [(D1, first), (D2, renamed)]
    assert versions_to_store(stored, fetch(D2), [first]) == {"u": None}  # back as it was
    assert versions_to_store(stored, fetch(D2), [renamed]) == {"u": renamed}


def test_a_meetup_a_calendar_lists_twice_stays_while_one_entry_is_left():
    link = dict(url="https://www.meetup.com/rust-berlin/events/1/", city="Berlin", country="DE")
    twice = [occurrence("a", dt.date(2025, 6, 20), **link),
             occurrence("b", dt.date(2025, 6, 20), line=9, **link)]
    gone = versions_to_store([(D1, e) for e in twice], fetch(D2), twice[1:])["a"]
    rows = [(e, D1, NOW) for e in twice] + [(gone, D2, NOW)]
    formats = {("rust-berlin", "ical"): "ics"}
    [record], _ = events_from_listings(rows, [("rust-berlin", fetch(D2))], formats)
    assert record.event.status == "CONFIRMED"
    [record], _ = events_from_listings(rows[:1] + rows[2:], [("rust-berlin", fetch(D2))], formats)
    assert record.event.status == "CANCELLED"
    assert record.history[-1].details["reason"] == "deleted from the calendar"


def test_an_occurrence_a_fetch_found_earlier_the_same_day_and_gone_now_is_deleted_not_dropped():
    # the daemon fetches every few hours: what the morning's fetch found may be published
    upcoming, other = occurrence("u", dt.date(2025, 6, 20)), occurrence("o", dt.date(2025, 6, 21))
    stored = [(D2, upcoming), (D2, other)]
    gone = versions_to_store(stored, fetch(D2), [other])
    assert set(gone) == {"u", "o"} and gone["o"] is other
    assert gone["u"].status == DELETED and gone["u"].start == upcoming.start
    stored = [(D2, gone["u"]), (D2, other)]
    assert "u" not in versions_to_store(stored, fetch(D2), [other])  # a third fetch keeps it
    past = occurrence("p", dt.date(2025, 6, 10))  # found today although past: kept as found
    assert "p" not in versions_to_store([(D2, past), (D2, other)], fetch(D2), [other])
    formats = {("rust-berlin", "ical"): "ics"}
    [record], _ = events_from_listings([(gone["u"], D2, NOW)], [("rust-berlin", fetch(D2))],
                                       formats)
    assert record.event.status == "CANCELLED" and record.event.start == upcoming.start
