"""Calendars assembled from each event's VEVENT serialized once are byte for byte what
icalendar writes for the whole calendar built from scratch; each VEVENT, which publishing
writes as text, is byte for byte what icalendar writes for it (the oracle ``vevent``)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Timezone, TimezoneStandard, vDuration
from icalendar import Event as VEvent
from icalendar.parser import Contentline

from calendar_agg.models import REGIONS, Event
from calendar_agg.publish import ics, vevent_text

T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
REFRESH = dt.timedelta(hours=6)
BASE = "https://cal.example.org/"


def vevent(event: Event, base_url: str) -> VEvent:
    """The event's VEVENT built with icalendar, property by property (how publishing made
    it before it wrote the text itself): what ``ics.vevent_part`` must write."""
    component = VEvent()
    component.add("uid", event.uid)
    stamp = event.last_modified or event.first_seen or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    component.add("dtstamp", stamp.astimezone(dt.UTC))
    _add_times(component, event)
    component.add("summary", ics.display_title(event))
    component.add("url", ics.event_link(event) or f"{base_url}#{event.uid}")
    component.add("location", ics.place_line(event))
    component.add("description", ics.description_text(event))
    categories = list(event.regions) + ics._kinds(event)
    if categories:  # an old listing with no known place has no region
        component.add("categories", categories)
    component.add("status", event.status)
    component.add("sequence", event.sequence)
    component.add("transp", "TRANSPARENT")
    if event.first_seen:
        component.add("created", event.first_seen.astimezone(dt.UTC))
    if event.last_modified:
        component.add("last-modified", event.last_modified.astimezone(dt.UTC))
    return component


def _add_times(component: VEvent, event: Event) -> None:
    if event.precision != "day":  # known to the month or year: all-day on its first day
        component.add("dtstart", event.start)
        component.add("dtend", event.start + dt.timedelta(days=1))
        return
    if event.starts_at is None:
        component.add("dtstart", event.start)
        component.add("dtend", (event.end or event.start) + dt.timedelta(days=1))
        return
    zone = ics._zone(event.timezone)
    component.add("dtstart", ics._wall_time(event.starts_at, zone))
    if event.ends_at is not None and event.ends_at > event.starts_at:
        component.add("dtend", ics._wall_time(event.ends_at, zone))


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
            calendar.add_component(vevent(event, BASE))
            count += 1
    if count == 0:
        calendar.add_component(utc_timezone())
    zones = sorted(calendar.get_missing_tzids())
    calendar.subcomponents[:0] = [Timezone.from_tzid(zone) for zone in zones]
    return calendar.to_ical()


def utc_timezone() -> Timezone:
    """The VTIMEZONE publishing put into an empty calendar when icalendar wrote it."""
    timezone = Timezone()
    timezone.add("tzid", "UTC")
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(0))
    standard.add("tzoffsetto", dt.timedelta(0))
    standard.add("tzname", "UTC")
    timezone.add_component(standard)
    return timezone


def head(name: str, description: str, refresh: dt.timedelta) -> bytes:
    """The calendar's own lines as icalendar writes them (how publishing made them before
    it wrote the text itself): what ``ics.calendar_head`` must write."""
    calendar = Calendar()
    calendar.add("prodid", ics.PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("description", description)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    return calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")


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


def icalendar_line(line: str) -> bytes:
    return Contentline(line).to_ical() + b"\r\n"


@settings(max_examples=200, deadline=None)
@given(line=ascii_text.map(lambda t: t.replace("\n", "")))
def test_ascii_lines_fold_as_icalendar_folds_them(line):
    assert vevent_text.content_line("X", line) == icalendar_line("X" + line)


@settings(max_examples=300, deadline=None)
@given(line=st.text(alphabet="ab^\\,é東😀\u0301", max_size=400))
def test_other_lines_fold_as_icalendar_folds_them(line):
    """By UTF-8 octets, never splitting a character, an escape carried over."""
    assert vevent_text.content_line("X", line) == icalendar_line("X" + line)


def test_lines_at_the_fold_limit():
    for length in range(70, 80):
        for end in ("a", "\\", "^", "é", "😀"):
            line = "a" * (length - 1) + end
            assert vevent_text.content_line("", line) == icalendar_line(line)


@settings(max_examples=60, deadline=None)
@given(title=ascii_text, city=ascii_text)
def test_escapes_at_fold_boundaries_assemble_to_the_same_bytes(title, city):
    chosen = [event("x", dt.date(2025, 6, 12), title=title, city=city)]
    assert assembled(chosen) == from_scratch(chosen, "n")


ZONES = ["UTC", "Etc/UTC", "Europe/Berlin", "Europe/Dublin", "America/New_York",
         "America/Argentina/Buenos_Aires", "Asia/Kolkata", "Australia/Lord_Howe",
         "Africa/Abidjan", "Mars/Base", "", None]  # Abidjan: icalendar's TZID for it is UTC


def repeated(name: str) -> list[dt.datetime]:
    """Instants in 2024-2026 whose wall time in zone ``name`` comes twice (the hour, or for
    Lord Howe the half hour, repeated when clocks go back), a quarter hour apart."""
    zone, found = ZoneInfo(name), []
    day = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    while day.year < 2027:
        following = day + dt.timedelta(days=1)
        if day.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            quarters = (day + dt.timedelta(minutes=15 * n) for n in range(96))
            found += [t for t in quarters if _ambiguous(t.astimezone(zone))]
        day = following
    return found


def _ambiguous(local: dt.datetime) -> bool:
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


REPEATED = {name: repeated(name) for name in ZONES[2:8]}  # Berlin ... Lord_Howe
assert all(REPEATED[name] for name in ("Europe/Berlin", "Europe/Dublin", "America/New_York",
                                       "Australia/Lord_Howe"))

# pieces that text is made of: escapes and their quirks, non-ASCII of 2, 3 and 4 octets,
# combining marks, and runs long enough to cross fold boundaries
PIECES = ["\\", "\\N", "\\n", "\\,", ",", ";", ":", "^", '"', "\r", "\n", "\r\n", " ",
          "é", "ß", "東京", "😀", "👩\u200d💻", "e\u0301", "\u0301", "\t", "\x7f"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6),
                           st.text(alphabet="abc ", min_size=1, max_size=40)),
                 max_size=16).map("".join)
maybe_texts = st.one_of(st.none(), texts)
urls = st.one_of(st.none(), texts, st.sampled_from(
    ["https://ok.example/e?id=1,2;x", "http://ok.example/ü", "javascript:alert(1)",
     "ftp://files.example/x", "mailto:a@b.example", "data:text/html,x", "//no.scheme/"]))
uids = st.one_of(st.uuids().map(lambda u: u.hex),
                 texts.map(lambda t: t.replace("\r", "").replace("\n", "")))
moments = st.one_of(st.none(), st.datetimes(
    dt.datetime(2010, 1, 1), dt.datetime(2032, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))])))


@st.composite
def instants(draw, zone: str | None) -> dt.datetime:
    """Any instant, or one whose wall time in ``zone`` is in the hour it repeats."""
    anywhen = st.datetimes(dt.datetime(2010, 1, 1), dt.datetime(2032, 1, 1),
                           timezones=st.just(dt.UTC))
    if REPEATED.get(zone) and draw(st.booleans()):
        return draw(st.sampled_from(REPEATED[zone])) + dt.timedelta(
            seconds=draw(st.integers(0, 899)))
    return draw(anywhen)


@st.composite
def any_events(draw) -> Event:
    """Events with any of what publishing writes: timed or all-day, in any zone, known to
    the day, month or year, and text that needs escaping and folding."""
    start = draw(st.dates(dt.date(2014, 1, 1), dt.date(2030, 12, 31)))
    times: dict = {}
    if draw(st.booleans()):
        zone = draw(st.sampled_from(ZONES))
        starts_at = draw(instants(zone))
        ends_at = draw(st.one_of(st.none(), st.timedeltas(
            dt.timedelta(hours=-3), dt.timedelta(days=3)).map(lambda d: starts_at + d)))
        start = starts_at.date()
        times = dict(starts_at=starts_at, ends_at=ends_at, timezone=zone)
    regions = draw(st.lists(st.one_of(st.sampled_from(REGIONS), texts), max_size=3))
    return Event(
        uid=draw(uids), start=start,
        end=draw(st.sampled_from([None, start, start + dt.timedelta(days=3)])),
        city=draw(maybe_texts), subdivision=draw(maybe_texts), country=draw(maybe_texts),
        virtual=draw(st.booleans()), hybrid=draw(st.booleans()), regions=tuple(regions),
        group=draw(maybe_texts), group_url=draw(urls), title=draw(maybe_texts),
        url=draw(urls), extra_urls=tuple(draw(st.lists(urls.filter(bool), max_size=2))),
        status=draw(st.sampled_from(["CONFIRMED", "CANCELLED"])),
        sequence=draw(st.integers(0, 2**31 - 1)), first_seen=draw(moments), last_seen=T0,
        last_modified=draw(moments), issues=tuple(draw(st.lists(texts, max_size=2))),
        precision=draw(st.sampled_from(["day", "day", "month", "year"])), **times)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=any_events())
def test_each_vevent_is_what_icalendar_writes(chosen):
    calendar = Calendar()
    calendar.add_component(vevent(chosen, BASE))
    tzids, data = ics.vevent_part(chosen, BASE)
    assert data == calendar.subcomponents[0].to_ical()
    assert tzids == " ".join(sorted(calendar.get_missing_tzids()))


def test_a_sequence_out_of_range_is_refused_as_icalendar_refuses_it():
    for sequence in (2**31, -2**31 - 1):
        chosen = event("x", dt.date(2025, 6, 12), sequence=sequence)
        with pytest.raises(ValueError):
            vevent(chosen, BASE)
        with pytest.raises(ValueError):
            ics.vevent_part(chosen, BASE)
    for sequence in (2**31 - 1, -2**31):
        chosen = event("x", dt.date(2025, 6, 12), sequence=sequence)
        assert ics.vevent_part(chosen, BASE)[1] == vevent(chosen, BASE).to_ical()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=st.lists(any_events(), max_size=5), name=texts,
       include_imprecise=st.booleans())
def test_any_calendars_assemble_to_the_same_bytes(chosen, name, include_imprecise):
    assert assembled(chosen, name, include_imprecise) == \
        from_scratch(chosen, name, include_imprecise)


def test_an_empty_calendar_holds_the_utc_timezone_icalendar_writes():
    assert ics._UTC_TIMEZONE == utc_timezone().to_ical()


durations = st.one_of(st.timedeltas(dt.timedelta(days=-3), dt.timedelta(days=400)),
                      st.sampled_from([dt.timedelta(0), dt.timedelta(hours=6),
                                       dt.timedelta(hours=1, seconds=5),
                                       dt.timedelta(days=1, minutes=30),
                                       dt.timedelta(seconds=-1), dt.timedelta(weeks=2)]))


@settings(max_examples=300, deadline=None)
@given(name=texts.map(ics.clean_text), description=texts.map(ics.clean_text),
       refresh=durations)
def test_each_calendar_head_is_what_icalendar_writes(name, description, refresh):
    """Names and descriptions as calendars get them (one clean line), any duration."""
    assert ics.calendar_head(name, description, refresh) == head(name, description, refresh)


def test_a_byte_order_mark_is_dropped_as_icalendar_drops_it():
    """Found by the property above: icalendar drops a value's leading U+FEFF."""
    description = ics.clean_text("\ufeff")
    assert ics.calendar_head("", description, dt.timedelta(0)) == head("", description,
                                                                      dt.timedelta(0))
    assert ics.clean_text("a\ufeffb") == "ab"
