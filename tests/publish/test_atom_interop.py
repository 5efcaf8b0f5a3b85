"""INTEROP.md's Atom rules (13–17), one test each, on published feeds parsed back."""

import dataclasses
import datetime as dt

import feedparser
import icalendar
import lxml.html
from lxml import etree

from calendar_agg.config import PublishSettings
from calendar_agg.publish import publish

TODAY = dt.date(2025, 6, 5)
T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/cal/"


def feed(settings, name="all"):
    parsed = feedparser.parse((settings.output.dir / "atom" / f"{name}.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def tree(settings, name="all"):
    return etree.fromstring((settings.output.dir / "atom" / f"{name}.xml").read_bytes())


def test_rule_13_feed_has_one_id_title_updated_author_and_self_link(settings, sample_events):
    publish(sample_events, settings, TODAY)
    for name in ("all", "europe", "virtual", "africa"):
        root = tree(settings, name)
        assert root.tag == f"{ATOM}feed"
        for child in ("id", "title", "updated", "author"):
            assert len(root.findall(f"{ATOM}{child}")) == 1, (name, child)
        assert root.findtext(f"{ATOM}author/{ATOM}name")
        [self_link] = [link for link in root.findall(f"{ATOM}link")
                       if link.get("rel") == "self"]
        assert self_link.get("href") == f"{BASE}atom/{name}.xml"
        assert self_link.get("type") == "application/atom+xml"
    parsed = feed(settings, "europe")
    assert parsed.feed.title == "Rust events — Europe"
    assert parsed.feed.id == f"{BASE}atom/europe.xml"


def test_rule_14_entry_has_id_title_updated_alternate_link_and_content(settings,
                                                                       sample_events):
    publish(sample_events, settings, TODAY)
    entries = tree(settings).findall(f"{ATOM}entry")
    assert len(entries) == len(sample_events)
    for entry in entries:
        for child in ("id", "title", "updated", "published", "content"):
            assert entry.findtext(f"{ATOM}{child}"), child
        rels = [link.get("rel") for link in entry.findall(f"{ATOM}link")]
        assert rels.count("alternate") == 1
        assert entry.find(f"{ATOM}content").get("type") == "html"


def test_rule_15_entry_ids_come_from_the_uid_never_change_and_are_unique(settings,
                                                                         sample_events):
    publish(sample_events, settings, TODAY)
    ids = [e.id for e in feed(settings).entries]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(f"urn:uuid:{e.uid}" for e in sample_events)
    moved = [dataclasses.replace(e, url="https://new.example/page", title="Renamed",
                                 sequence=e.sequence + 1,
                                 last_modified=T0 + dt.timedelta(days=9))
             for e in sample_events]
    publish(moved, settings, TODAY)
    assert sorted(e.id for e in feed(settings).entries) == sorted(ids)


def test_rule_16_updated_moves_only_on_a_real_change_feed_updated_is_newest_entry(
        settings, sample_events):
    publish(sample_events, settings, TODAY)
    parsed = feed(settings)
    by_id = {e.id: e for e in parsed.entries}
    assert by_id["urn:uuid:seattle"].updated == "2025-06-06T00:00:00+00:00"
    assert by_id["urn:uuid:berlin"].updated == "2025-06-01T00:00:00+00:00"
    assert parsed.feed.updated == "2025-06-06T00:00:00+00:00"  # newest entry's, not now
    assert feed(settings, "europe").feed.updated == "2025-06-04T00:00:00+00:00"  # Paris
    before = (settings.output.dir / "atom" / "all.xml").read_bytes()
    seen_again = [dataclasses.replace(e, last_seen=T0 + dt.timedelta(days=30))
                  for e in sample_events]
    publish(seen_again, settings, TODAY)
    assert (settings.output.dir / "atom" / "all.xml").read_bytes() == before
    changed = [dataclasses.replace(e, last_modified=T0 + dt.timedelta(days=8))
               if e.uid == "berlin" else e for e in sample_events]
    publish(changed, settings, TODAY)
    parsed = feed(settings)
    assert {e.id: e for e in parsed.entries}["urn:uuid:berlin"].updated.startswith("2025-06-09")
    assert parsed.feed.updated.startswith("2025-06-09")


def test_empty_feed_updated_is_fixed_not_now(settings):
    publish([], settings, TODAY)
    parsed = feed(settings, "oceania")
    assert parsed.entries == [] and parsed.feed.updated == "1970-01-01T00:00:00+00:00"


def test_rule_17_newest_announcements_first_published_is_first_seen(settings, sample_events):
    publish(sample_events, settings, TODAY)
    entries = feed(settings).entries
    first_seen = {e.uid: e.first_seen for e in sample_events}
    order = [e.id.removeprefix("urn:uuid:") for e in entries]
    assert [first_seen[uid] for uid in order] == sorted(first_seen.values(), reverse=True)
    assert order[:3] == ["seattle", "paris", "potsdam"]
    for entry in entries:
        uid = entry.id.removeprefix("urn:uuid:")
        assert entry.published == first_seen[uid].isoformat()


def test_rule_17_entry_links_the_event_page_and_its_own_calendar(settings, sample_events):
    publish(sample_events, settings, TODAY)
    entries = {e.id: e for e in feed(settings).entries}
    srug = entries["urn:uuid:seattle"]
    assert srug.link == "https://www.meetup.com/rust-berlin/events/seattle"
    [enclosure] = [link for link in srug.links if link.rel == "enclosure"]
    assert enclosure.type == "text/calendar"
    assert enclosure.href == f"{BASE}events/seattle.ics"
    own = settings.output.dir / "events" / "seattle.ics"
    [vevent] = icalendar.Calendar.from_ical(own.read_bytes()).walk("VEVENT")
    assert str(vevent["UID"]) == "seattle"
    old = entries["urn:uuid:old"]  # outside the window: no calendar file, no enclosure
    assert [link.rel for link in old.links] == ["alternate"]


def test_at_most_atom_entries(settings, make_event):
    events = [make_event(f"e{i:02}", dt.date(2025, 6, 10), ("Europe",),
                         first_seen=T0 + dt.timedelta(hours=i)) for i in range(12)]
    few = dataclasses.replace(settings, publish=PublishSettings(atom_entries=5))
    publish(events, few, TODAY)
    assert [e.id for e in feed(settings, "europe").entries] == [
        f"urn:uuid:e{i:02}" for i in (11, 10, 9, 8, 7)]
    publish(events, settings, TODAY)  # default: 100
    assert len(feed(settings, "europe").entries) == 12


def test_entry_title_is_date_place_title(settings, sample_events):
    publish(sample_events, settings, TODAY)
    titles = {e.id: e.title for e in feed(settings).entries}
    assert titles["urn:uuid:berlin"] == "2025-06-12 · Berlin, DE · Rust Hack and Learn"
    assert titles["urn:uuid:seattle"] == "2025-06-19 · Redmond, WA, US + Online · June SRUG Meetup"
    assert titles["urn:uuid:online"] == "2025-06-20 · Online · RustConf Online"


def test_entry_content_has_date_place_organiser_and_links(settings, sample_events):
    publish(sample_events, settings, TODAY)
    entry = {e.id: e for e in feed(settings).entries}["urn:uuid:online"]
    html = lxml.html.fromstring(entry.content[0].value)
    text = html.text_content()
    for part in ("When: 2025-06-20 – 2025-06-22", "Where: Online", "Organiser: Rust Online",
                 "Event: RustConf Online", "Announced in: 2025-06-04-this-week-in-rust.md"):
        assert part in text, part
    assert [a.get("href") for a in html.iter("a")] == [
        "https://www.meetup.com/rust-berlin", "https://www.meetup.com/rust-berlin/events/online",
        "https://mirror.example/rustconf"]
    cancelled = {e.id: e for e in feed(settings).entries}["urn:uuid:paris"]
    assert "Status: Cancelled" in lxml.html.fromstring(cancelled.content[0].value).text_content()


def test_entry_content_is_escaped(settings, make_event):
    evil = make_event("evil", dt.date(2025, 6, 12), ("Europe",),
                      title='<img src=x onerror=alert(1)> & "q"',
                      group="<script>alert(2)</script>", url="javascript:alert(3)",
                      group_url="https://ok.example/?a=1&b=<2>")
    publish([evil], settings, TODAY)
    [entry] = feed(settings, "europe").entries
    assert entry.title == '2025-06-12 · Berlin, DE · <img src=x onerror=alert(1)> & "q"'
    html = lxml.html.fromstring(f"<div>{entry.content[0].value}</div>")
    assert not list(html.iter("img", "script"))
    assert "javascript" not in entry.content[0].value
    assert '<img src=x onerror=alert(1)> & "q"' in html.text_content()


def test_event_known_to_the_month_says_so_in_title_and_content(settings, make_event):
    summit = make_event("summit", dt.date(2025, 6, 1), ("Europe",), end=dt.date(2025, 6, 30),
                        city="London", country="GB", title="Rust Leads Summit",
                        precision="month")
    publish([summit], settings, TODAY)
    (entry,) = feed(settings).entries
    assert entry.title == "2025-06 · London, GB · Rust Leads Summit"
    assert "When: 2025-06" in lxml.html.fromstring(entry.content[0].value).text_content()
    assert "2025-06-01" not in entry.content[0].value
