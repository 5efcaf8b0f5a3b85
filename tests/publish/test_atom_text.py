"""Atom feeds, which publishing writes as text, are byte for byte what feedgen wrote through
lxml (the oracle ``with_feedgen``: how publishing made them before), for any events."""

import datetime as dt

import pytest
from feedgen.feed import FeedGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from calendar_agg import __version__
from calendar_agg.models import REGIONS, Event
from calendar_agg.publish import atom

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://cal.example.org/"
T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def with_feedgen(events, *, name, title, description, base_url, max_entries, calendar_url):
    """The feed built with feedgen and put right with lxml, as publishing built it."""
    chosen = sorted(events, key=lambda e: (e.first_seen or atom.EPOCH, e.uid), reverse=True)
    chosen = chosen[:max_entries]
    generator = FeedGenerator()
    generator.id(f"{base_url}atom/{name}.xml")
    generator.title(title)
    generator.subtitle(description)
    generator.author({"name": "calendar-agg"})
    generator.generator("calendar-agg", version=__version__)
    generator.link(href=f"{base_url}atom/{name}.xml", rel="self", type="application/atom+xml")
    generator.link(href=f"{base_url}index.html", rel="alternate", type="text/html")
    generator.updated(max((updated(e) for e in chosen), default=atom.EPOCH))
    links = {}
    for event in reversed(chosen):  # feedgen prepends: add oldest first
        entry = generator.add_entry()
        entry.id(atom.entry_id(event))
        entry.title(atom.entry_title(event))
        entry.published(event.first_seen or atom.EPOCH)
        entry.updated(updated(event))
        wanted = [{"href": atom.event_link(event) or f"{base_url}index.html",
                   "rel": "alternate"}]
        if calendar_url(event):
            wanted.append({"href": calendar_url(event), "rel": "enclosure",
                           "type": "text/calendar"})
        for link in wanted:
            entry.link(**link)
        entry.content(atom.content_html(event), type="html")
        links[atom.entry_id(event)] = wanted
    root = etree.fromstring(generator.atom_str(pretty=True))
    for entry in root.iterfind(f"{ATOM}entry"):  # feedgen 1.0 drops rel and type of these
        wanted = links.get(entry.findtext(f"{ATOM}id") or "", [])
        for element, link in zip(entry.iterfind(f"{ATOM}link"), wanted, strict=False):
            element.attrib.update(link)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def updated(event):
    return event.last_modified or event.first_seen or atom.EPOCH


# pieces text is made of: what XML escapes (in text and in attributes), what HTML escapes
# in the content, what clean_text drops, and characters of 2, 3 and 4 octets
PIECES = ["&", "<", ">", '"', "'", "\t", "\n", "\r", "\r\n", " ", "\x7f", "\x85", "é", "東京",
          "😀", "&amp;", "]]>", "javascript:x", "https://ok.example/a?b=1&c=2"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=6)),
    max_size=10).map("".join)
maybe_texts = st.one_of(st.none(), texts)
urls = st.one_of(st.none(), texts, st.sampled_from(
    ["https://ok.example/e?id=1&x=<2>", "http://ok.example/ü\"q", "javascript:alert(1)"]))
zones = [dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)),
         dt.timezone(dt.timedelta(hours=-8))]
moments = st.one_of(st.none(), st.datetimes(
    dt.datetime(2010, 1, 1), dt.datetime(2032, 1, 1), timezones=st.sampled_from(zones)))


@st.composite
def events(draw) -> Event:
    start = draw(st.dates(dt.date(2014, 1, 1), dt.date(2030, 12, 31)))
    times = {}
    if draw(st.booleans()):
        starts_at = dt.datetime.combine(start, dt.time(18), tzinfo=dt.UTC)
        times = dict(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2),
                     timezone=draw(st.sampled_from(["Europe/Berlin", "UTC", None, "Mars/X"])))
    return Event(
        uid=draw(st.one_of(st.uuids().map(str), texts.filter(lambda t: "\r" not in t))),
        start=start, end=draw(st.sampled_from([None, start, start + dt.timedelta(days=2)])),
        city=draw(maybe_texts), subdivision=draw(maybe_texts), country=draw(maybe_texts),
        virtual=draw(st.booleans()), hybrid=draw(st.booleans()),
        regions=tuple(draw(st.lists(st.sampled_from(REGIONS), max_size=2))),
        group=draw(maybe_texts), group_url=draw(urls), title=draw(maybe_texts),
        url=draw(urls), extra_urls=tuple(draw(st.lists(urls.filter(bool), max_size=2))),
        status=draw(st.sampled_from(["CONFIRMED", "CANCELLED"])),
        first_seen=draw(moments), last_seen=T0, last_modified=draw(moments),
        issues=tuple(draw(st.lists(texts, max_size=2))),
        precision=draw(st.sampled_from(["day", "day", "month", "year"])), **times)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=st.lists(events(), max_size=6, unique_by=lambda e: e.uid),
       title=texts.filter(bool), description=texts,
       base=st.sampled_from([BASE, "https://e.example/a&b\"c/"]),
       max_entries=st.integers(0, 7), enclosed=st.booleans())
def test_any_feed_is_what_feedgen_wrote(chosen, title, description, base, max_entries,
                                        enclosed):
    """Of events with distinct uids, as the store holds them (the oracle gave every entry
    of a uid the links of one of them)."""
    def calendar_url(event):
        return f"{base}events/{event.uid}.ics" if enclosed and event.start.day % 2 else None

    arguments = dict(name="all", title=title, description=description, base_url=base,
                     max_entries=max_entries, calendar_url=calendar_url)
    assert atom.feed_bytes(chosen, **arguments) == with_feedgen(chosen, **arguments)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=st.lists(events(), max_size=12), size=st.integers(0, 5))
def test_newest_keeps_what_feed_bytes_chooses(chosen, size):
    """Also for a uid given twice with the same first sighting (the first one counts)."""
    chosen = chosen + chosen[:3]
    newest = atom.Newest(size)
    for event in chosen:
        newest.add(event)
    by_sort = sorted(chosen, key=lambda e: (e.first_seen or atom.EPOCH, e.uid), reverse=True)
    assert [id(e) for e in newest.events()] == [id(e) for e in by_sort[:size]]


def online(uid: str = "x", **fields) -> Event:
    return Event(uid=uid, start=dt.date(2025, 6, 1), end=None, city=None, subdivision=None,
                 country=None, virtual=True, hybrid=False, regions=("Virtual",), group=None,
                 group_url=None, title="t", url=None, first_seen=T0, **fields)


def test_what_lxml_refuses_is_refused():
    """Control characters and a lone surrogate never make a feed (lxml refused them too)."""
    for bad in ("\x00", "\x08", "\x0b", "\x1f", "\ufffe", "\ud800"):
        for title, uid in ((f"t{bad}", "x"), ("t", f"x{bad}")):
            arguments = dict(name="all", title=title, description="d", base_url=BASE,
                             max_entries=5, calendar_url=lambda e: None)
            with pytest.raises(ValueError):
                with_feedgen([online(uid)], **arguments)
            with pytest.raises(ValueError):
                atom.feed_bytes([online(uid)], **arguments)


def test_a_feed_without_title_or_a_time_without_zone_is_refused_as_feedgen_refused_it():
    naive = online(last_modified=dt.datetime(2025, 6, 1))
    for arguments in (dict(title="", chosen=[]), dict(title="t", chosen=[naive])):
        chosen = arguments.pop("chosen")
        arguments |= dict(name="all", description="d", base_url=BASE, max_entries=5,
                          calendar_url=lambda e: None)
        with pytest.raises(ValueError):
            with_feedgen(chosen, **arguments)
        with pytest.raises(ValueError):
            atom.feed_bytes(chosen, **arguments)
