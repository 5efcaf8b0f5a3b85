import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_agg.models import RawEvent
from calendar_agg.normalize.identity import (
    UID_NAMESPACE,
    canonical_url,
    identity_key,
    is_event_specific,
    organiser_key,
    organiser_keys,
    place_key,
    uid_for,
)


@pytest.mark.parametrize("url, canonical", [
    ("http://www.meetup.com/Rust-Berlin/events/123/", "https://meetup.com/rust-berlin/events/123"),
    ("https://www.meetup.com/de-DE/Rust-Berlin/events/123",
     "https://meetup.com/rust-berlin/events/123"),
    ("HTTPS://Berline.RS/2022/08/02/hack.html", "https://berline.rs/2022/08/02/hack.html"),
    ("https://x.org/e?utm_source=twir&id=7&fbclid=abc", "https://x.org/e?id=7"),
    ("https://www.meetup.com/Rust-Meetup-Hamburg/events/226298117/?a=ea1_grp&rv=ea1&_af=event"
     "&_af_eid=226298117&https=off", "https://meetup.com/rust-meetup-hamburg/events/226298117"),
    ("www.meetup.com/San-Diego-Rust/events/220153428/",
     "https://meetup.com/san-diego-rust/events/220153428"),
    (None, None),
    ("", None),
    # scheme, host case, www, default port, fragment, trailing slashes
    ("HTTP://WWW.Example.ORG:80/Path/To/", "https://example.org/Path/To"),
    ("https://example.org:443/a#details", "https://example.org/a"),
    ("https://example.org:8443/a//b/", "https://example.org:8443/a/b"),
    # tracking queries go, the others stay, sorted
    ("https://lu.ma/abc?utm_medium=email&gclid=1&mc_cid=2&b=2&a=1", "https://lu.ma/abc?a=1&b=2"),
    ("https://example.org/event?eventId=7&ref=twir", "https://example.org/event?eventId=7"),
    ("https://www.meetup.com/rust-berlin/events/1/?eventId=7&recId=3&eventOrigin=home",
     "https://meetup.com/rust-berlin/events/1"),
    # Meetup: locale segments, mobile host, case; other sites keep their path's case
    ("https://www.meetup.com/fr-FR/Rust-Paris/events/42/",
     "https://meetup.com/rust-paris/events/42"),
    ("https://meetup.com/de/rust-berlin/", "https://meetup.com/rust-berlin"),
    ("https://m.meetup.com/Rust-Berlin/events/1", "https://meetup.com/rust-berlin/events/1"),
    ("https://example.org/de-DE/Talks", "https://example.org/de-DE/Talks"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_event_specific_urls():
    assert is_event_specific("https://www.meetup.com/rust-berlin/events/300820301")
    assert is_event_specific("https://www.eventbrite.com/e/rust-meetup-tickets-1")
    assert not is_event_specific("https://www.meetup.com/rust-berlin")


def listing(**fields):
    base = dict(issue="i.md", line=1, start=dt.date(2025, 6, 5))
    return RawEvent(**(base | fields))


def test_identity_is_url_plus_date_and_ignores_title_and_region():
    a = listing(url="https://www.meetup.com/rust-berlin/events/1/", title="A", region="Virtual")
    b = listing(url="https://meetup.com/de-DE/Rust-Berlin/events/1", title="B", region="Europe",
                line=40, issue="other.md")
    assert identity_key(a) == identity_key(b)
    assert identity_key(a) != identity_key(listing(url=a.url, start=dt.date(2025, 6, 6)))


def test_fallback_identity_without_event_url():
    a = listing(group="Rust Berlin", city="Berlin")
    b = listing(group="rust  berlin", city="berlin", title="different")
    assert identity_key(a) == identity_key(b)
    assert identity_key(a).startswith("org|")


def test_uid_is_stable():
    assert uid_for("url|https://x.org|2025-06-05") == uid_for("url|https://x.org|2025-06-05")
    assert uid_for("a") != uid_for("b")
    # pinned: a UID that changes between versions duplicates events in every client
    assert uid_for("url|https://x.org|2025-06-05") == "790210c7-f351-50f4-8dfe-05eb0c4770d6"


def test_fallback_identity_uses_the_canonical_city():
    a = listing(group="Rust Nürnberg", city="Nürnberg", country="DE")
    b = listing(group="Rust Nürnberg", city="Nurnberg", country="DE")
    assert identity_key(a) == identity_key(b)
    assert place_key(listing(virtual=True)) == "virtual"
    assert place_key(listing()) == ""


def test_organiser_is_the_meetup_group_whatever_link_is_given():
    by_group_page = listing(group_url="https://www.meetup.com/Rust-Berlin/events/")
    by_event = listing(url="https://www.meetup.com/de-DE/rust-berlin/events/300")
    assert organiser_key(by_group_page) == organiser_key(by_event) == (
        "https://meetup.com/rust-berlin")
    named = listing(group="Rust  Berlin", group_url="https://berline.rs/")
    assert organiser_keys(named) == {"https://berline.rs", "rust berlin"}
    assert organiser_keys(listing()) == set()


@given(st.text())
def test_uid_is_the_name_based_uuid_of_the_key(key):
    """UIDs published for years stay what ``uuid.uuid5`` gave them, for any key."""
    assert uid_for(key) == str(uuid.uuid5(uuid.UUID(UID_NAMESPACE), key))
