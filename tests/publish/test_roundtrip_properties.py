"""Any event text publishes into ICS and Atom that real parsers read back intact."""

import datetime as dt
import json

import feedparser
import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_agg.models import Event
from calendar_agg.publish import events_json
from calendar_agg.publish.atom import entry_title, feed_bytes
from calendar_agg.publish.ics import calendar_bytes
from calendar_agg.publish.text import clean_text, event_link, place_line, safe_url

T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
text = st.text(max_size=80)
urls = st.one_of(st.none(), text, st.sampled_from(
    ["javascript:alert(1)", "data:text/html,x", "https://x.org/a?b=1&c=<2>"]))


@st.composite
def events(draw):
    start = draw(st.dates(dt.date(2014, 1, 1), dt.date(2030, 12, 31)))
    return Event(
        uid=draw(st.uuids()).hex, start=start,
        end=draw(st.one_of(st.none(), st.just(start + dt.timedelta(days=2)))),
        city=draw(text), subdivision=draw(st.one_of(st.none(), text)),
        country=draw(st.one_of(st.none(), st.sampled_from(["DE", "US"]))),
        virtual=draw(st.booleans()), hybrid=False, regions=("Europe",),
        group=draw(text), group_url=draw(urls), title=draw(text), url=draw(urls),
        extra_urls=tuple(draw(st.lists(urls.filter(bool), max_size=2))), first_seen=T0,
        last_seen=T0, last_modified=T0, issues=(draw(text),))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events())
def test_ics_round_trips(event):
    raw = calendar_bytes([event], name="n", description="d", refresh=dt.timedelta(hours=6),
                         base_url="https://e.org/")
    calendar = icalendar.Calendar.from_ical(raw)
    [component] = calendar.walk("VEVENT")
    assert str(component["UID"]) == event.uid
    assert component["DTSTART"].dt == event.start
    expected = clean_text(event.title) or clean_text(event.group) or "Rust event"
    assert str(component["SUMMARY"]) == expected
    assert not str(component["URL"]).lower().startswith(("javascript:", "data:"))
    # the same values come back, one property each: nothing injected, nothing split
    assert str(component["URL"]) == (event_link(event) or f"https://e.org/#{event.uid}")
    assert str(component["LOCATION"]) == place_line(event)
    assert component["DTEND"].dt == (event.end or event.start) + dt.timedelta(days=1)
    assert str(component["STATUS"]) == event.status
    for line in str(component.get("DESCRIPTION", "")).splitlines():  # its "Link: " lines too
        assert not line.lower().startswith(("link: javascript:", "link: data:"))
    assert raw.count(b"\r\nBEGIN:VEVENT\r\n") == 1 and b"\n" not in raw.replace(b"\r\n", b"")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events())
def test_atom_parses_without_error(event):
    raw = feed_bytes([event], name="all", title="t", description="d",
                     base_url="https://e.org/", max_entries=10, calendar_url=lambda e: None)
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.id == f"urn:uuid:{event.uid}"
    assert entry.title == entry_title(event)  # as written (a blank subdivision: "0,  · ")
    assert entry.link == (event_link(event) or "https://e.org/index.html")
    assert "href=\"javascript" not in entry.content[0].value.lower()


@settings(max_examples=100, deadline=None)
@given(event=events())
def test_events_json_links_are_only_http(event):
    [row] = json.loads(events_json([event]))["events"]
    for url in (row["url"], row["group_url"], *row["extra_urls"]):
        assert url is None or url.lower().startswith(("http://", "https://"))
    assert row["url"] == safe_url(event.url) and row["group_url"] == safe_url(event.group_url)
