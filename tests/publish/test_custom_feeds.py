"""Custom feeds from ``[[feeds]]``: their own ICS and Atom, listed on the page."""

import dataclasses
import datetime as dt

import feedparser
import icalendar
import lxml.html
import pytest

from calendar_agg.config import FeedSettings, NearSettings, settings_from_dict
from calendar_agg.errors import ConfigError
from calendar_agg.publish import publish

TODAY = dt.date(2025, 6, 5)


def with_feeds(settings, *feeds):
    parsed = settings_from_dict({"feeds": list(feeds)})
    return dataclasses.replace(settings, feeds=parsed.feeds)


def uids(settings, name):
    raw = (settings.output.dir / "ics" / f"{name}.ics").read_bytes()
    return sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(raw).walk("VEVENT"))


def test_country_feed_has_its_ics_and_atom(settings, sample_events):
    custom = with_feeds(settings, {"name": "germany", "title": "Rust events in Germany",
                                   "description": "Meetups in Germany.", "countries": ["de"]})
    publish(sample_events, custom, TODAY)
    assert uids(settings, "germany") == ["berlin", "munich", "potsdam"]
    calendar = icalendar.Calendar.from_ical(
        (settings.output.dir / "ics" / "germany.ics").read_bytes())
    assert calendar["X-WR-CALNAME"] == calendar["NAME"] == "Rust events in Germany"
    assert calendar["X-WR-CALDESC"] == "Meetups in Germany."
    assert calendar["METHOD"] == "PUBLISH"
    atom = feedparser.parse((settings.output.dir / "atom" / "germany.xml").read_bytes())
    assert not atom.bozo and atom.feed.title == "Rust events in Germany"
    assert sorted(e.id for e in atom.entries) == [
        "urn:uuid:berlin", "urn:uuid:munich", "urn:uuid:old", "urn:uuid:potsdam"]


def test_near_filter_takes_events_within_the_radius(settings, sample_events):
    custom = with_feeds(settings, {"name": "near-berlin", "title": "Near Berlin",
                                   "near": {"city": "Berlin", "radius_km": 300}})
    publish(sample_events, custom, TODAY)
    # Potsdam is 27 km away, Munich 504 km, Paris 878 km
    assert uids(settings, "near-berlin") == ["berlin", "potsdam"]
    wider = with_feeds(settings, {"name": "near-berlin", "title": "Near Berlin",
                                  "near": {"city": "Berlin", "radius_km": 600,
                                           "country": "DE"}})
    publish(sample_events, wider, TODAY)
    assert uids(settings, "near-berlin") == ["berlin", "munich", "potsdam"]


def test_conditions_combine(settings, sample_events):
    custom = with_feeds(
        settings,
        {"name": "online", "title": "Online", "virtual": True},
        {"name": "in-person-europe", "title": "In person", "virtual": False,
         "regions": ["Europe"], "cities": ["MUNICH", "Paris"]})
    publish(sample_events, custom, TODAY)
    assert uids(settings, "online") == ["online", "seattle"]
    assert uids(settings, "in-person-europe") == ["munich", "paris"]


def test_unknown_near_city_is_a_config_error_naming_the_feed(settings, sample_events):
    # the config's check finds it (test_config); settings made in code meet this one
    nowhere = FeedSettings("nowhere", "Nowhere", near=NearSettings("Xqzzyville", 50.0))
    custom = dataclasses.replace(settings, feeds=[nowhere])
    with pytest.raises(ConfigError) as caught:
        publish(sample_events, custom, TODAY)
    assert "feeds 'nowhere': near.city: 'Xqzzyville'" in str(caught.value)
    assert not settings.output.dir.exists()  # nothing half-published


def test_custom_feeds_are_listed_on_the_page(settings, sample_events):
    custom = with_feeds(settings, {"name": "germany", "title": "Rust events in Germany",
                                   "countries": ["DE"]})
    publish(sample_events, custom, TODAY)
    page = lxml.html.fromstring((settings.output.dir / "index.html").read_bytes())
    [item] = page.xpath('//li[@id="feed-germany"]')
    assert item.findtext("h3") == "Rust events in Germany"
    hrefs = [a.get("href") for a in item.iter("a")]
    assert hrefs == ["webcal://example.org/cal/ics/germany.ics",
                     "https://example.org/cal/ics/germany.ics",
                     "https://example.org/cal/atom/germany.xml"]
    assert item.xpath("preceding::h3[1]")[0].text == "Custom feeds"


def test_custom_feed_is_guarded_against_collapse(settings, make_event):
    custom = with_feeds(settings, {"name": "germany", "title": "DE", "countries": ["DE"]})
    many = [make_event(f"m{i}", dt.date(2025, 6, 10 + i), ("Europe",)) for i in range(10)]
    publish(many, custom, TODAY)
    report = publish(many[:2], custom, TODAY)
    assert "germany.ics: would drop from 10 to 2 upcoming events; kept the published version" \
        in report.refused
    assert len(uids(settings, "germany")) == 10


@pytest.mark.parametrize("written", ["Cologne", "köln", "KOELN"])
def test_a_city_feed_takes_any_spelling_of_its_city(settings, make_event, written):
    # the store keeps the canonical Köln; a feed, a query or `events --city` may say Cologne
    events = [make_event("koeln", TODAY, ("Europe",), city="Köln"),
              make_event("berlin", TODAY, ("Europe",))]
    custom = with_feeds(settings, {"name": "cologne", "title": "Rust in Cologne",
                                   "cities": [written]})
    publish(events, custom, TODAY)
    assert uids(custom, "cologne") == ["koeln"]
