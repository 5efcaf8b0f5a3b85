"""The subscribe page, output/index.html: feeds to subscribe to and the upcoming events.

Self-contained (no external scripts, fonts or CDNs); every piece of event text
is escaped. It shows when the data last changed, never the time of the run.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from calendar_agg.models import REGIONS, Event
from calendar_agg.publish.feeds import Feed
from calendar_agg.publish.text import date_text, display_title, event_link, place_line

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.4}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;text-align:left;
vertical-align:top}tr:nth-child(even){background:#f4f4f4}code{word-break:break-all}
@media (max-width:40rem){td:nth-child(2){display:none}}
"""


def page_html(feeds: list[Feed], upcoming: list[Event], base_url: str,
              changed: dt.datetime | None) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Rust community events — calendars and feeds</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Rust community events</h1>",
        f"<p>Data last changed: {escape(changed.isoformat() if changed else 'never')}</p>",
        _feed_table(feeds, base_url),
        _how_to_subscribe(),
        "<h2>Upcoming events</h2>",
        _events_by_region(upcoming),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _feed_table(feeds: list[Feed], base_url: str) -> str:
    rows = []
    for feed in feeds:
        https = f"{base_url}ics/{feed.name}.ics"
        webcal = "webcal://" + https.split("://", 1)[1]
        atom = f"{base_url}atom/{feed.name}.xml"
        rows.append(
            f"<tr><td>{escape(feed.title)}</td>"
            f'<td><a href="{escape(https)}">ICS</a> · <a href="{escape(webcal)}">webcal</a>'
            f' · <a href="{escape(atom)}">Atom</a></td>'
            f"<td><code>{escape(https)}</code></td></tr>")
    return ("<h2>Calendars and feeds</h2><table><tr><th>Feed</th><th>Subscribe</th>"
            "<th>Calendar URL</th></tr>" + "".join(rows) + "</table>")


def _how_to_subscribe() -> str:
    return (
        "<h2>How to subscribe</h2><ul>"
        "<li><b>Google Calendar</b>: Other calendars → + → From URL, paste the calendar URL.</li>"
        "<li><b>Apple Calendar</b>: File → New Calendar Subscription, paste the URL "
        "(or click the webcal link).</li>"
        "<li><b>Outlook</b>: Add calendar → Subscribe from web, paste the URL.</li>"
        "<li><b>Thunderbird</b>: New Calendar → On the Network, paste the URL.</li>"
        "<li><b>Feed readers</b>: use the Atom link for newly announced events.</li></ul>"
    )


def _events_by_region(upcoming: list[Event]) -> str:
    sections = []
    for region in REGIONS:
        events = [e for e in upcoming if region in e.regions]
        if not events:
            continue
        rows = "".join(_event_row(e) for e in sorted(events, key=lambda e: (e.start, e.uid)))
        sections.append(f'<h3 id="{escape(region.lower().replace(" ", "-"))}">'
                        f"{escape(region)}</h3><table>{rows}</table>")
    return "\n".join(sections) or "<p>No upcoming events.</p>"


def _event_row(event: Event) -> str:
    link = event_link(event)
    title = escape(display_title(event))
    if link:
        title = f'<a href="{escape(link, quote=True)}">{title}</a>'
    status = " <b>(cancelled)</b>" if event.status == "CANCELLED" else ""
    return (f'<tr id="{escape(event.uid)}"><td>{escape(date_text(event))}</td>'
            f"<td>{escape(place_line(event))}</td><td>{title}{status}</td></tr>")
