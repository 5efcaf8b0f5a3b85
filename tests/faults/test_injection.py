"""Hostile text through the real path (markdown issue and ICS calendar -> parser -> store ->
publish): it never creates or alters an ICS property, never breaks the Atom XML or the
page, never becomes a clickable javascript:/data: link and never reaches a file name."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import feedparser
import icalendar
import lxml.etree
import lxml.html
import pytest

from calendar_agg.config import SourceSettings
from calendar_agg.pipeline import run_once
from calendar_agg.store import Store

from ..conftest import FIXED_NOW

HOSTILE_ISSUE = """Title: This Week in Rust 998
Number: 998
Date: 2025-06-04
Category: This Week in Rust

## Upcoming Events

Rusty Events between 2025-06-04 - 2025-07-02 🦀

### Europe
* 2025-06-10 | Berlin, DE | [Rust <script>alert(1)</script> & Co ]]>](https://example.org/g1)
    * [**Meetup <script>alert("x")</script> ]]> &amp; & \x07bell\x1b[31m**](javascript:alert(1))
* 2025-06-11 | Köln, DE | [Group; with, commas: and \\ backslash](data:text/html,<script>x</script>)
    * [**BEGIN:VEVENT title; x, y: z \\ END:VEVENT**](https://example.org/e/2)
* 2025-06-12 | Paris, FR | [<img src=x onerror=alert(1)>](JAVASCRIPT:alert(2))
    * [**"><svg onload=alert(3)> ' \\" \\u0000**](  javascript:alert(4))
"""

HOSTILE_CALENDAR = r"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//hostile//test//EN
X-WR-CALNAME:Hostile </script> calendar
BEGIN:VEVENT
UID:../../evil/<script>
DTSTAMP:20250601T000000Z
DTSTART:20250613T180000Z
DTEND:20250613T200000Z
SUMMARY:Line one\nBEGIN:VEVENT\nSUMMARY:injected\r\nEND:VEVENT
LOCATION:Café\; Bar\, Berlin\, Germany
URL:javascript:alert(1)
DESCRIPTION:see data:text/html\,<script>alert(1)</script>
END:VEVENT
BEGIN:VEVENT
UID:h2@hostile
DTSTAMP:20250601T000000Z
DTSTART:20250614T180000Z
DTEND:20250614T200000Z
SUMMARY:Tab	back\\slash: colon\; semi\, comma <script>alert(1)</script> ]]> & \n\nX-EVIL:1
LOCATION:Online
URL:data:text/html;base64,PHNjcmlwdD4=
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")

# Every property a published VEVENT may carry; anything else was injected.
VEVENT_PROPERTIES = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL", "LOCATION",
                     "DESCRIPTION", "CATEGORIES", "STATUS", "SEQUENCE", "LAST-MODIFIED",
                     "CREATED", "TRANSP", "CLASS", "ORGANIZER", "X-MICROSOFT-CDO-ALLDAYEVENT"}
SAFE_FILE = re.compile(r"^(index\.html|events\.json|ics/[a-z0-9-]+\.ics|atom/[a-z0-9-]+\.xml|"
                       r"events/[A-Za-z0-9._@-]+\.ics)$")
LINK = re.compile(r"^https?://", re.IGNORECASE)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The hostile issue and calendar run once through the pipeline: (output dir, store uids)."""
    from calendar_agg.config import OutputSettings, Settings, StoreSettings

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "issue.md").write_text(HOSTILE_ISSUE, encoding="utf-8")
    (folder / "hostile.ics").write_text(HOSTILE_CALENDAR, encoding="utf-8", newline="")
    settings = Settings(
        output=OutputSettings(dir=folder / "output", base_url="https://example.org/cal/"),
        store=StoreSettings(path=folder / "var" / "store.sqlite3"))
    settings = dataclasses.replace(settings, sources=(
        SourceSettings(name="twir", path=folder / "issue.md"),
        SourceSettings(name="calendar", path=folder / "hostile.ics")))
    report = run_once(settings, clock=lambda: FIXED_NOW)
    assert [s.error for s in report.sources] == [None, None]
    assert [s.events for s in report.sources] == [3, 2]
    store = Store.open(settings.store.path)
    try:
        events = store.events()
    finally:
        store.close()
    assert len(events) == 5
    return settings.output.dir, events


def unfolded_lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def test_no_ics_property_is_created_or_altered(published):
    out, _ = published
    for path in sorted((out / "ics").glob("*.ics")) + sorted((out / "events").glob("*.ics")):
        raw = path.read_bytes()
        calendar = icalendar.Calendar.from_ical(raw)
        vevents = calendar.walk("VEVENT")
        lines = unfolded_lines(raw)
        assert sum(line == "BEGIN:VEVENT" for line in lines) == len(vevents), path
        for component in vevents:
            assert set(component.keys()) <= VEVENT_PROPERTIES, (path, set(component.keys()))
            assert "injected" != str(component.get("SUMMARY"))
            url = component.get("URL")
            assert url is None or LINK.match(str(url)), (path, url)
        for line in lines:
            assert re.match(r"^[A-Z-]+[;:]", line) or line == "", (path, line)
    all_ics = icalendar.Calendar.from_ical((out / "ics" / "all.ics").read_bytes())
    summaries = sorted(str(c["SUMMARY"]) for c in all_ics.walk("VEVENT"))
    assert len(summaries) == 5
    # the calendar's escaped newlines became spaces inside the one SUMMARY (its "\\r" is no
    # ICS escape and stays as written)
    assert "Line one BEGIN:VEVENT SUMMARY:injected\\r END:VEVENT" in summaries
    locations = {str(c.get("LOCATION")) for c in all_ics.walk("VEVENT")}
    assert all("\n" not in s and "\r" not in s for s in summaries + sorted(locations))
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", s) for s in summaries)


def test_atom_stays_well_formed_xml_with_only_web_links(published):
    out, _ = published
    for path in sorted((out / "atom").glob("*.xml")):
        raw = path.read_bytes()
        lxml.etree.fromstring(raw, lxml.etree.XMLParser(recover=False))  # strict XML
        feed = feedparser.parse(raw)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        for entry in feed.entries:
            for link in entry.links:
                assert LINK.match(link.href), (path, link.href)
            content = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
            assert not content.xpath("//script"), path
            for element in content.iter():
                for name in ("href", "src"):
                    value = element.get(name)
                    assert value is None or LINK.match(value.strip()), (path, value)
                assert not [a for a in element.attrib if a.lower().startswith("on")], path
    atom = feedparser.parse((out / "atom" / "all.xml").read_bytes())
    titles = " | ".join(entry.title for entry in atom.entries)
    assert "<script>alert(1)</script>" in titles  # kept as text, not dropped or run


def test_page_has_no_live_script_or_link_from_the_data(published):
    out, _ = published
    raw = (out / "index.html").read_text(encoding="utf-8")
    page = lxml.html.fromstring(raw)
    scripts = page.xpath("//script")
    assert len(scripts) == 1 and "alert(" not in scripts[0].text_content()
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        assert not [a for a in element.attrib if a.lower().startswith("on")], element.tag
        for name in ("href", "src", "action", "formaction"):
            value = (element.get(name) or "").strip()
            assert not value or LINK.match(value) or value.startswith(("#", "webcal://")), value
    assert not page.xpath("//img|//svg|//iframe|//object")
    text = page.text_content()
    assert "<script>alert(1)</script>" in text  # shown as text
    json.loads((out / "events.json").read_text(encoding="utf-8"))


def test_event_text_never_reaches_a_file_name(published):
    out, events = published
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert [f for f in files if not SAFE_FILE.match(f)] == []
    uids = {e.uid for e in events}
    assert {f[len("events/"):-len(".ics")] for f in files if f.startswith("events/")} <= uids
    assert not (out.parent / "evil").exists() and not Path(out, "..", "evil").exists()
