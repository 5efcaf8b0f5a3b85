"""Calendars assembled from each event's VEVENT serialized once are byte for byte what
icalendar writes for the whole calendar built from scratch."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, vDuration

from calendar_agg.models import Event
from calendar_agg.publish import ics

T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
REFRESH = dt.timedelta(hours=6)
BASE = "https://cal.example.org/"


def from_scratch(events: list[Event], name: str, include_imprecise: bool = True) -> bytes:
    """The whole calendar as one icalendar tree, serialized at once (the plain way)."""
    name = ics.clean_text(name)
    calendar = Calendar()
    for key, value in [("prodid", ics.PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("x-wr-calname", name), ("name", name),
                       ("x-wr-caldesc", "d"), ("description", "d")]:
        calendar.add(key, value)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    count = 0
    for event in sorted(events, key=lambda e: (e.start, e.uid)):
        if ics.in_ics(event, include_imprecise):
            calendar.add_component(ics.vevent(event, BASE))
            count += 1
    if count == 0:
        calendar.add_component(ics._utc_timezone())
    zones = sorted(calendar.get_missing_tzids())
    calendar.subcomponents[:0] = [ics.Timezone.from_tzid(zone) for zone in zones]
    return calendar.to_ical()


def event(uid: str, start: dt.date, **fields) -> Event:
    base = dict(uid=uid, start=start, end=None, city="Berlin", subdivision=None, country="DE",
                virtual=False, hybrid=False, regions=("Europe",), group="Rust Berlin",
                group_url="https://www.meetup.com/rust-berlin", title="Rust Hack and Learn",
                url=f"https://www.meetup.com/rust-berlin/events/{uid}", first_seen=T0,
                last_seen=T0, last_modified=T0, issues=("2025-06-04-this-week-in-rust-602",))
    return Event(**(base | fields))


def timed(uid: str, zone: str, hour: int) -> Event:
    starts = dt.datetime(2025, 6, 12, hour, tzinfo=dt.UTC)
    return event(uid, starts.date(), starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                 timezone=zone)


MIXED = [
    event("a", dt.date(2025, 6, 12)),
    event("b", dt.date(2025, 6, 12), end=dt.date(2025, 6, 14), title="Long " * 40,
          extra_urls=("https://mirror.example/x",)),
    event("c", dt.date(2025, 6, 1), status="CANCELLED", sequence=2, virtual=True,
          regions=("Virtual",)),
    event("d", dt.date(2025, 3, 1), precision="month", title="EuroRust 2025"),
    timed("e", "Europe/Berlin", 17),
    timed("f", "America/New_York", 23),
    timed("g", "UTC", 9),
    timed("h", "Europe/Berlin", 18),
]


def assembled(events: list[Event], name: str = "n", include_imprecise: bool = True,
              parts: ics.VEventParts | None = None) -> bytes:
    return ics.calendar_bytes(events, name=name, description="d", refresh=REFRESH,
                              base_url=BASE, include_imprecise=include_imprecise, parts=parts)


def test_assembled_calendars_equal_the_whole_tree_serialized():
    for chosen in (MIXED, MIXED[:1], MIXED[4:5], []):
        assert assembled(chosen) == from_scratch(chosen, "n")
    assert assembled(MIXED, include_imprecise=False) == from_scratch(MIXED, "n", False)
    assert assembled(MIXED[3:4], include_imprecise=False) == from_scratch([], "n")


def test_parts_are_reused_across_files_and_runs():
    parts = ics.VEventParts()
    assembled(MIXED, parts=parts)
    assert len(parts.used) == len(MIXED)
    later = ics.VEventParts(parts.used)  # as the store hands them to the next run
    assert assembled(MIXED[::-1], name="other", parts=later) == from_scratch(MIXED, "other")
    assert later.used == parts.used
    changed = [*MIXED[1:], event("a", dt.date(2025, 6, 12), title="Renamed")]
    assert assembled(changed, parts=later) == from_scratch(changed, "n")
    assert len(later.used) == len(MIXED) + 1  # one new part, the old one still known


text = st.text(max_size=100)


@st.composite
def events(draw):
    start = draw(st.dates(dt.date(2014, 1, 1), dt.date(2030, 12, 31)))
    return event(draw(st.uuids()).hex, start, title=draw(text), group=draw(text),
                 city=draw(text), end=draw(st.sampled_from([None, start + dt.timedelta(3)])),
                 extra_urls=tuple(draw(st.lists(text, max_size=2))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=st.lists(events(), max_size=4), name=text)
def test_any_events_assemble_to_the_same_bytes(chosen, name):
    assert assembled(chosen, name=name) == from_scratch(chosen, name)


ascii_text = st.text(alphabet="ab^\\,;:\n ", min_size=60, max_size=400)


@settings(max_examples=200, deadline=None)
@given(line=ascii_text.map(lambda t: t.replace("\n", "")))
def test_ascii_lines_fold_as_icalendar_folds_them(line):
    from icalendar.parser import Contentline

    assert ics._folded(Contentline(line)) == Contentline(line).to_ical() + b"\r\n"


@settings(max_examples=60, deadline=None)
@given(title=ascii_text, city=ascii_text)
def test_escapes_at_fold_boundaries_assemble_to_the_same_bytes(title, city):
    chosen = [event("x", dt.date(2025, 6, 12), title=title, city=city)]
    assert assembled(chosen) == from_scratch(chosen, "n")
