"""The subscribe page, output/index.html: feeds to subscribe to and the upcoming events.

Self-contained (inline CSS and script, a Content-Security-Policy that forbids
anything else); every piece of event and source text is escaped. It shows when
the data last *changed* and the source health, never the time of the run, so an
unchanged run leaves it byte-identical (INTEROP.md rule 19).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import cast

from calendar_agg.models import REGIONS, Event, region_slug
from calendar_agg.normalize.countries import country_name
from calendar_agg.publish.feeds import Feed
from calendar_agg.publish.page_assets import SCRIPT, STYLE
from calendar_agg.publish.text import (
    clean_text,
    date_text,
    display_title,
    event_link,
    place_line,
    safe_url,
)

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

CLIENT_STEPS = (
    ("Google Calendar",
     "On a computer: Settings → Add calendar → <b>From URL</b>, paste the https calendar URL, "
     "Add calendar. Google refreshes subscriptions about once a day; the webcal link does not "
     "work there."),
    ("Apple Calendar",
     "Mac: click the webcal link, or File → New Calendar Subscription… and paste the URL. "
     "iPhone and iPad: tap the webcal link, or Settings → Apps → Calendar → Calendar Accounts → "
     "Add Account → Other → Add Subscribed Calendar."),
    ("Outlook",
     "Outlook on the web or the new Outlook: Add calendar → <b>Subscribe from web</b>, paste "
     "the URL, name it, Import. Classic Outlook: Add Calendar → From Internet."),
    ("Thunderbird",
     "File → New → Calendar… → <b>On the Network</b>, paste the URL, Find Calendars, "
     "Subscribe."),
    ("Feed readers",
     "Add the Atom link of a feed: it announces newly listed events, newest first."),
)

Sources = Sequence[Mapping[str, object]]


def page_html(feeds: Sequence[Feed], upcoming: Sequence[Event], *, base_url: str,
              changed: dt.datetime | None, sources: Sources = (),
              event_calendar: Callable[[Event], str | None] = lambda e: None) -> str:
    """The whole page; ``event_calendar`` gives the URL of an event's own .ics, if any."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<title>Rust community events — calendars and feeds</title>",
        f"<style>{STYLE}</style></head><body>",
        "<header><h1>Rust community events</h1>",
        "<p>Calendars and feeds of the Rust community events announced in "
        "<i>This Week in Rust</i>. " + _changed_line(changed) + "</p>",
        '<nav><a href="#feeds">Calendars</a> · <a href="#how">How to subscribe</a> · '
        '<a href="#events">Upcoming events</a></nav></header>',
        _feed_section(feeds, base_url),
        _how_to_subscribe(),
        _events_section(upcoming, event_calendar),
        _health_section(sources),
        f'<footer><p class="muted">Every event ever seen: <a href="'
        f'{escape(base_url + "ics/archive.ics")}">archive.ics</a>. For other tools: '
        f'<a href="{escape(base_url + "events.json")}">events.json</a>.</p></footer>',
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _changed_line(changed: dt.datetime | None) -> str:
    if changed is None:
        return "No events yet."
    stamp = changed.astimezone(dt.UTC)
    return (f'Data last changed: <time datetime="{stamp.isoformat()}">'
            f"{stamp:%Y-%m-%d %H:%M} UTC</time>.")


def webcal_url(https_url: str) -> str:
    """The ``webcal://`` form of a calendar URL: opens the calendar app directly."""
    return "webcal://" + https_url.split("://", 1)[1]


def _feed_section(feeds: Sequence[Feed], base_url: str) -> str:
    standard = [_feed_item(f, base_url) for f in feeds if not f.custom]
    custom = [_feed_item(f, base_url) for f in feeds if f.custom]
    parts = ['<section id="feeds"><h2>Subscribe</h2>',
             "<p>Each calendar holds the upcoming events (and the last few weeks); "
             "its Atom feed tells about newly announced ones. A hybrid event is in its "
             "continent's calendar and in Virtual.</p>",
             '<ul class="feeds">', *standard, "</ul>"]
    if custom:
        parts += ["<h3>Custom feeds</h3>", '<ul class="feeds">', *custom, "</ul>"]
    return "\n".join(parts + ["</section>"])


def _feed_item(feed: Feed, base_url: str) -> str:
    https = f"{base_url}ics/{feed.name}.ics"
    atom = f"{base_url}atom/{feed.name}.xml"
    title = escape(clean_text(feed.title))
    return (
        f'<li class="feed" id="feed-{escape(feed.name)}"><h3>{title}</h3>'
        f"<p>{escape(clean_text(feed.description))}</p>"
        f'<div class="copy"><input readonly value="{escape(https)}" '
        f'aria-label="Calendar URL: {title}">'
        f'<button type="button" data-copy="{escape(https)}">Copy</button></div>'
        f'<p><a href="{escape(webcal_url(https))}">Subscribe (webcal://)</a> · '
        f'<a href="{escape(https)}">Calendar (https://)</a> · '
        f'<a href="{escape(atom)}" type="application/atom+xml">Atom feed</a></p></li>')


def _how_to_subscribe() -> str:
    steps = "".join(f"<dt>{client}</dt><dd>{text}</dd>" for client, text in CLIENT_STEPS)
    return ('<section id="how"><h2>How to subscribe</h2>'
            "<p>Copy a calendar URL above, then:</p>"
            f'<dl class="clients">{steps}</dl></section>')


def _events_section(upcoming: Sequence[Event],
                    event_calendar: Callable[[Event], str | None]) -> str:
    ordered = sorted(upcoming, key=lambda e: (e.start, e.uid))
    sections: list[str] = []
    anchored: set[str] = set()
    for region in REGIONS:
        events = [e for e in ordered if region in e.regions]
        if events:
            sections.append(_region_section(region, events, event_calendar, anchored))
    unplaced = [e for e in ordered if not e.regions]
    if unplaced:
        sections.append(_region_section("Unknown place", unplaced, event_calendar, anchored))
    if not sections:
        return '<section id="events"><h2>Upcoming events</h2><p>No upcoming events.</p></section>'
    return "\n".join([
        '<section id="events"><h2>Upcoming events</h2>',
        _filter_form(ordered),
        *sections,
        '<p id="no-match" hidden>No upcoming event matches these filters.</p></section>'])


def _filter_form(events: Sequence[Event]) -> str:
    regions = [r for r in REGIONS if any(r in e.regions for e in events)]
    region_options = "".join(f'<option value="{escape(r)}">{escape(r)}</option>'
                             for r in regions)
    codes = sorted({e.country for e in events if e.country})
    country_options = "".join(
        f'<option value="{escape(code)}">{escape(country_name(code))} ({escape(code)})</option>'
        for code in codes)
    return (
        '<form id="filters" role="search" hidden>'
        '<label>Region <select id="filter-region"><option value="">All regions</option>'
        f"{region_options}</select></label>"
        '<label>Country <select id="filter-country"><option value="">All countries</option>'
        f"{country_options}</select></label>"
        '<label>Search <input type="search" id="filter-text" '
        'placeholder="city, group or title"></label>'
        '<output id="shown" aria-live="polite"></output></form>')


def _region_section(region: str, events: Sequence[Event],
                    event_calendar: Callable[[Event], str | None], anchored: set[str]) -> str:
    days: dict[dt.date, list[str]] = {}
    for event in events:
        days.setdefault(event.start, []).append(_event_item(event, event_calendar, anchored))
    blocks = [f'<div class="day"><h4><time datetime="{day.isoformat()}">{day.isoformat()}'
              f"</time> {WEEKDAYS[day.weekday()]}</h4>"
              f'<ul class="events">{"".join(items)}</ul></div>'
              for day, items in days.items()]
    return (f'<section class="region" id="region-{escape(region_slug(region))}" '
            f'data-region="{escape(region)}"><h3>{escape(region)}</h3>'
            + "".join(blocks) + "</section>")


def _event_item(event: Event, event_calendar: Callable[[Event], str | None],
                anchored: set[str]) -> str:
    """One event; the first listing of a UID carries it as its anchor (ICS URLs point here)."""
    anchor = "" if event.uid in anchored else f' id="{escape(event.uid)}"'
    anchored.add(event.uid)
    title = _link(event_link(event), display_title(event))
    where = escape(place_line(event))
    bits = [f'<span class="title">{title}</span>']
    if event.status == "CANCELLED":
        bits.insert(0, '<span class="badge">cancelled</span>')
    if event.end and event.end != event.start:
        bits.append(f'<span class="muted">{escape(date_text(event))}</span>')
    line2 = [f'<span class="where">{where}</span>']
    if event.group:
        line2.append(_link(event.group_url, clean_text(event.group)))
    calendar = event_calendar(event)
    if calendar:
        line2.append(f'<a href="{escape(calendar)}" type="text/calendar">add to calendar</a>')
    searchable = " ".join([display_title(event), clean_text(event.group), place_line(event),
                           country_name(event.country) if event.country else ""]).lower()
    status = " cancelled" if event.status == "CANCELLED" else ""
    return (f'<li class="event{status}"{anchor} data-uid="{escape(event.uid)}" '
            f'data-country="{escape(event.country or "")}" data-text="{escape(searchable)}">'
            f'{" ".join(bits)}<br>{" · ".join(line2)}</li>')


def _link(url: str | None, text: str) -> str:
    safe = safe_url(url)
    if not safe:
        return escape(clean_text(text))
    return f'<a href="{escape(safe)}">{escape(clean_text(text))}</a>'


_HEALTH = re.compile(rb'<section id="health">.*?</section>', re.S)


def without_health(page: bytes) -> bytes:
    """The page minus its source-health section: what decides whether it is rewritten."""
    return _HEALTH.sub(b"", page)


def _health_section(sources: Sources) -> str:
    """Source health as of this publication: no run times (they change on every run)."""
    if not sources:
        return ""
    rows = []
    for source in sorted(sources, key=lambda s: str(s.get("name", ""))):
        error = source.get("last_error")
        if error:
            since = source.get("last_success") or "never"
            state = (f"<b>failing</b>: {escape(clean_text(str(error)))} "
                     f"(last read fine: {escape(str(since)[:10])})")
        else:
            state = "ok"
        events = cast("int | None", source.get("events_last"))
        rows.append(f"<tr><td>{escape(clean_text(str(source.get('name', ''))))}</td>"
                    f"<td>{state}</td><td>{'' if events is None else int(events)}</td></tr>")
    return ('<section id="health"><h2>Sources</h2><table><tr><th>Source</th><th>State</th>'
            "<th>Events at last read</th></tr>" + "".join(rows) + "</table></section>")
