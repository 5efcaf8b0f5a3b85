"""INTEROP.md's ICS rules (1–11), one test each, on published files parsed back."""

import dataclasses
import datetime as dt
import random
import re

import icalendar

from calendar_agg.config import PublishSettings, ScheduleSettings
from calendar_agg.publish import publish

TODAY = dt.date(2025, 6, 5)
T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
FEEDS = ["all", "virtual", "africa", "asia", "europe", "north-america", "oceania",
         "south-america", "archive"]


def calendar(settings, name="all"):
    return icalendar.Calendar.from_ical((settings.output.dir / "ics" / f"{name}.ics").read_bytes())


def vevents(settings, name="all"):
    return {str(e["UID"]): e for e in calendar(settings, name).walk("VEVENT")}


def all_ics(settings):
    return sorted(settings.output.dir.rglob("*.ics"))


def test_rule_01_crlf_folding_at_75_octets_never_inside_utf8_no_bom(settings, make_event):
    long_title = "Rust 🦀 東京 Meetup — ünïcödé " * 8
    publish([make_event("wide", dt.date(2025, 6, 12), ("Asia",), title=long_title,
                        city="Tokyo", country="JP")], settings, TODAY)
    files = all_ics(settings)
    assert len(files) == 10  # 8 feeds, archive, one event
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(b"BEGIN:VCALENDAR\r\n"), path  # no BOM, no leading blank
        assert raw.endswith(b"END:VCALENDAR\r\n")
        assert b"\n" not in raw.replace(b"\r\n", b""), path  # no bare LF
        assert b"\r" not in raw.replace(b"\r\n", b""), path  # no bare CR
        for line in raw.split(b"\r\n"):
            assert len(line) <= 75, (path, line)
            line.decode("utf-8")  # a fold inside a UTF-8 sequence would not decode
    raw = (settings.output.dir / "ics" / "asia.ics").read_bytes()
    assert raw.count(b"\r\n ") >= 4  # the long title really was folded
    [event] = calendar(settings, "asia").walk("VEVENT")
    assert str(event["SUMMARY"]) == " ".join(long_title.split())


def test_rule_02_calendar_has_version_prodid_method_names_and_description(settings,
                                                                          sample_events):
    publish(sample_events, settings, TODAY)
    for name in FEEDS:
        cal = calendar(settings, name)
        assert cal["VERSION"] == "2.0" and cal["PRODID"].startswith("-//calendar-agg//")
        assert cal["METHOD"] == "PUBLISH"
        assert cal["X-WR-CALNAME"] == cal["NAME"] and cal["X-WR-CALNAME"]
        assert cal["X-WR-CALDESC"] == cal["DESCRIPTION"] and cal["DESCRIPTION"]
    assert calendar(settings, "europe")["NAME"] == "Rust events — Europe"
    assert calendar(settings, "north-america")["NAME"] == "Rust events — North America"
    assert calendar(settings, "all")["NAME"] == "Rust events — all regions"


def test_rule_03_refresh_hints_match_the_schedule(settings, sample_events):
    def hints():
        raw = (settings.output.dir / "ics" / "europe.ics").read_bytes()
        return re.findall(rb"^(REFRESH-INTERVAL;VALUE=DURATION:\S+|X-PUBLISHED-TTL:\S+)\r$",
                          raw, re.M)

    publish(sample_events, settings, TODAY)
    assert hints() == [b"REFRESH-INTERVAL;VALUE=DURATION:PT6H", b"X-PUBLISHED-TTL:PT6H"]
    every_30m = dataclasses.replace(settings, schedule=ScheduleSettings(interval="30m"))
    publish(sample_events, every_30m, TODAY)
    assert hints() == [b"REFRESH-INTERVAL;VALUE=DURATION:PT30M", b"X-PUBLISHED-TTL:PT30M"]
    explicit = dataclasses.replace(every_30m, publish=PublishSettings(refresh="P1D"))
    publish(sample_events, explicit, TODAY)
    assert hints() == [b"REFRESH-INTERVAL;VALUE=DURATION:P1D", b"X-PUBLISHED-TTL:P1D"]
    for path in all_ics(settings):  # every calendar carries them, the per-event ones too
        assert b"\r\nX-PUBLISHED-TTL:P1D\r\n" in path.read_bytes(), path


def test_rule_04_every_vevent_has_uid_dtstamp_dtstart_summary_url(settings, sample_events,
                                                                  make_event):
    no_link = make_event("nolink", dt.date(2025, 6, 13), ("Europe",), url=None, group_url=None)
    publish([*sample_events, no_link], settings, TODAY)
    events = vevents(settings, "archive")
    assert sorted(events) == sorted(e.uid for e in [*sample_events, no_link])
    for uid, event in events.items():
        for name in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"):
            assert name in event, (uid, name)
        assert event["DTSTAMP"].dt.utcoffset() == dt.timedelta(0)
    raw = (settings.output.dir / "ics" / "archive.ics").read_bytes()
    assert len(re.findall(rb"^DTSTAMP:\d{8}T\d{6}Z\r$", raw, re.M)) == len(events)
    # an event without any link points at its place on the page
    assert str(events["nolink"]["URL"]) == "https://example.org/cal/#nolink"


def test_rule_04_uid_comes_from_the_event_not_from_list_position(settings, sample_events):
    publish(sample_events, settings, TODAY)
    before = {p: p.read_bytes() for p in all_ics(settings)}
    shuffled = sample_events[:]
    random.Random(5).shuffle(shuffled)
    assert publish(shuffled, settings, TODAY).written == []
    assert {p: p.read_bytes() for p in all_ics(settings)} == before
    assert set(vevents(settings)) == {e.uid for e in sample_events if e.uid != "old"}


def test_rule_05_all_day_events_with_exclusive_dtend_never_shifted(settings, sample_events):
    publish(sample_events, settings, TODAY)
    raw = (settings.output.dir / "ics" / "all.ics").read_bytes()
    assert re.findall(rb"^DTSTART[;:].*$", raw, re.M) == [
        b"DTSTART;VALUE=DATE:%s\r" % d for d in
        (b"20250612", b"20250612", b"20250614", b"20250618", b"20250619", b"20250620",
         b"20250625")]
    events = vevents(settings)
    assert events["online"]["DTSTART"].dt == dt.date(2025, 6, 20)
    assert events["online"]["DTEND"].dt == dt.date(2025, 6, 23)  # last day 22nd, exclusive
    assert events["berlin"]["DTEND"].dt == dt.date(2025, 6, 13)
    assert b"DTEND;VALUE=DATE:20250623\r\n" in raw


def test_rule_06_no_floating_times(settings, sample_events):
    publish(sample_events, settings, TODAY)
    checked = 0
    for path in all_ics(settings):
        in_timezone = False  # a VTIMEZONE's own DTSTART is local time by definition
        for line in path.read_bytes().replace(b"\r\n ", b"").split(b"\r\n"):
            in_timezone = {b"BEGIN:VTIMEZONE": True, b"END:VTIMEZONE": False}.get(
                line, in_timezone)
            name, _, value = line.partition(b":")
            if re.fullmatch(rb"\d{8}T\d{6}Z?", value) and not in_timezone:
                assert value.endswith(b"Z") or b"TZID=" in name, (path, line)
                checked += 1
    assert checked > 20  # DTSTAMP, CREATED, LAST-MODIFIED of every event


def test_rule_07_sequence_and_last_modified_come_from_the_store(settings, sample_events):
    publish(sample_events, settings, TODAY)
    events = vevents(settings)
    srug = events["seattle"]
    assert srug["SEQUENCE"] == 2
    assert srug["LAST-MODIFIED"].dt == dt.datetime(2025, 6, 6, tzinfo=dt.UTC)
    assert srug["CREATED"].dt == dt.datetime(2025, 6, 5, tzinfo=dt.UTC)
    assert events["berlin"]["SEQUENCE"] == 0
    assert events["berlin"]["LAST-MODIFIED"].dt == T0


def test_rule_07_a_real_change_bumps_sequence_end_to_end(settings, clock):
    from pathlib import Path

    from calendar_agg.config import adhoc_source
    from calendar_agg.pipeline import run_once

    samples = sorted((Path(__file__).parent.parent / "samples" / "pipeline").glob("*.md"))
    run_once(settings, sources=[adhoc_source(str(samples[0]))], clock=clock)
    [before] = calendar(settings, "north-america").walk("VEVENT")
    run_once(settings, sources=[adhoc_source(str(samples[1]))], clock=clock)
    [after] = calendar(settings, "north-america").walk("VEVENT")
    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert after["DTSTAMP"].dt == after["LAST-MODIFIED"].dt


def test_rule_08_byte_identical_when_nothing_changed_dtstamp_is_last_change(
        settings, sample_events):
    publish(sample_events, settings, TODAY)
    before = {p: p.read_bytes() for p in settings.output.dir.rglob("*") if p.is_file()}
    seen_again = [dataclasses.replace(e, last_seen=e.last_seen + dt.timedelta(days=3))
                  for e in sample_events]  # seen in a later run: not a change
    report = publish(seen_again, settings, TODAY)
    assert report.written == [] and report.unchanged == len(before)
    assert {p: p.read_bytes() for p in settings.output.dir.rglob("*") if p.is_file()} == before
    for uid, event in vevents(settings).items():
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt, uid


def test_rule_09_text_is_escaped_and_cr_lf_never_start_a_property(settings, make_event):
    evil = make_event("evil", dt.date(2025, 6, 12), ("Europe",),
                      title="a\\b, c; d\r\nBEGIN:VEVENT\r\nUID:injected\nSUMMARY:x",
                      group="Group;\rUID:also-injected", city="Berlin,\nMitte")
    publish([evil], settings, TODAY)
    raw = (settings.output.dir / "ics" / "europe.ics").read_bytes()
    unfolded = raw.replace(b"\r\n ", b"")
    assert b"SUMMARY:a\\\\b\\, c\\; d BEGIN:VEVENT UID:injected SUMMARY:x\r\n" in unfolded
    assert b"LOCATION:Berlin\\, Mitte\\, DE\r\n" in unfolded
    lines = unfolded.split(b"\r\n")
    assert [line for line in lines if line.startswith(b"UID:")] == [b"UID:evil"]
    assert lines.count(b"BEGIN:VEVENT") == 1
    [event] = calendar(settings, "europe").walk("VEVENT")
    assert str(event["SUMMARY"]) == "a\\b, c; d BEGIN:VEVENT UID:injected SUMMARY:x"
    description = str(event["DESCRIPTION"])
    assert description.splitlines()[2] == "Where: Berlin, Mitte, DE"  # \n between lines
    assert b"\\nWhen: 2025-06-12\\n" in unfolded


def test_rule_10_cancelled_event_stays_with_status_and_sequence(settings, sample_events):
    publish(sample_events, settings, TODAY)
    for name in ("all", "europe"):
        paris = vevents(settings, name)["paris"]
        assert paris["STATUS"] == "CANCELLED" and paris["SEQUENCE"] == 1
        assert str(paris["DESCRIPTION"]).startswith("CANCELLED\n")
    assert vevents(settings)["berlin"]["STATUS"] == "CONFIRMED"


def test_rule_11_window_from_past_days_and_never_an_empty_calendar(settings, make_event):
    events = [make_event("in", TODAY - dt.timedelta(days=30), ("Europe",)),
              make_event("out", TODAY - dt.timedelta(days=31), ("Europe",)),
              make_event("long", TODAY - dt.timedelta(days=40), ("Europe",),
                         end=TODAY - dt.timedelta(days=29))]
    publish(events, settings, TODAY)
    assert sorted(vevents(settings, "europe")) == ["in", "long"]
    assert sorted(vevents(settings, "archive")) == ["in", "long", "out"]
    assert sorted(p.stem for p in (settings.output.dir / "events").glob("*.ics")) == [
        "in", "long"]
    narrow = dataclasses.replace(settings, publish=PublishSettings(past_days=5))
    publish(events, narrow, TODAY)
    europe = calendar(settings, "europe")
    assert europe.walk("VEVENT") == [] and len(europe.walk("VTIMEZONE")) == 1
    for name in ("africa", "oceania"):  # nothing ever there, still valid
        assert len(calendar(settings, name).walk("VTIMEZONE")) == 1


def test_location_is_city_subdivision_country_or_online(settings, sample_events):
    publish(sample_events, settings, TODAY)
    events = vevents(settings)
    assert events["munich"]["LOCATION"] == "Munich, BY, DE"
    assert events["seattle"]["LOCATION"] == "Redmond, WA, US + Online"
    assert events["online"]["LOCATION"] == "Online"


def test_description_has_title_organiser_all_links_and_issue(settings, sample_events):
    publish(sample_events, settings, TODAY)
    description = str(vevents(settings)["online"]["DESCRIPTION"]).splitlines()
    assert description == [
        "RustConf Online", "When: 2025-06-20 – 2025-06-22", "Where: Online",
        "Organiser: Rust Online", "Link: https://www.meetup.com/rust-berlin/events/online",
        "Link: https://www.meetup.com/rust-berlin", "Link: https://mirror.example/rustconf",
        "Announced in: 2025-06-04-this-week-in-rust.md"]


def test_categories_name_region_and_virtual_or_hybrid(settings, sample_events):
    publish(sample_events, settings, TODAY)
    events = vevents(settings)

    def categories(uid):
        return [str(c) for c in events[uid]["CATEGORIES"].cats]

    assert categories("berlin") == ["Europe"]
    assert categories("seattle") == ["North America", "Virtual", "hybrid"]
    assert categories("online") == ["Virtual", "virtual"]


def test_each_event_in_the_window_has_its_own_calendar(settings, sample_events):
    publish(sample_events, settings, TODAY)
    folder = settings.output.dir / "events"
    assert sorted(p.stem for p in folder.glob("*.ics")) == sorted(
        e.uid for e in sample_events if e.uid != "old")
    own = icalendar.Calendar.from_ical((folder / "seattle.ics").read_bytes())
    [event] = own.walk("VEVENT")
    assert own["METHOD"] == "PUBLISH" and own["NAME"] == "June SRUG Meetup"
    assert event.to_ical() == vevents(settings)["seattle"].to_ical()
