"""parse_lines: the contract shared by the markdown and HTML parsers, and section cutting."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from calendar_agg.models import Issue, RawEvent
from calendar_agg.normalize.merge import resolve
from calendar_agg.parsers.twir import NO_SECTION, parse_lines
from calendar_agg.parsers.twir.current import (
    _read_undated,
    _split_at_tokens,
    _undated,
    split_fields,
)
from calendar_agg.parsers.twir.fields import RAW_EVENT_ORDER
from calendar_agg.parsers.twir.links import _mended_target, _target, find_links
from calendar_agg.parsers.twir.section import read_section, region_of

ISSUE = "2025-06-04-this-week-in-rust"
DATE = dt.date(2025, 6, 4)


def numbered(*lines: str, first: int = 40) -> list[tuple[int, str]]:
    return list(enumerate(lines, start=first))


def test_contract_current_form() -> None:
    lines = numbered(
        "## Upcoming Events",
        "Rusty Events between 2025-06-04 - 2025-07-02 🦀",
        "### Virtual",
        "* 2025-06-04 | Virtual (Indianapolis, IN, US) | "
        "[Indy Rust](https://www.meetup.com/indyrs)",
        "    * [**Indy.rs - with Social Distancing**]"
        "(https://www.meetup.com/indyrs/events/302031665)",
        "### Europe",
        "* 2025-06-05 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)",
        "    * [**Rust and Tell**](https://www.meetup.com/rust-berlin/events/1)",
        "## Jobs",
        "* 2025-06-06 | Paris, FR | [Not an event](https://example.org)",
    )
    result = parse_lines(
        lines, source="twir", issue=ISSUE, issue_date=DATE, issue_url="https://x.org/602/"
    )
    assert result.issues == (
        Issue(ISSUE, DATE, (DATE, dt.date(2025, 7, 2)), "https://x.org/602/"),
    )
    assert result.events == (
        RawEvent(
            issue=ISSUE,
            line=43,
            start=DATE,
            city="Indianapolis",
            subdivision="IN",
            country="US",
            virtual=True,
            region="Virtual",
            group="Indy Rust",
            group_url="https://www.meetup.com/indyrs",
            title="Indy.rs - with Social Distancing",
            url="https://www.meetup.com/indyrs/events/302031665",
            source="twir",
        ),
        RawEvent(
            issue=ISSUE,
            line=46,
            start=dt.date(2025, 6, 5),
            city="Berlin",
            country="DE",
            region="Europe",
            group="Rust Berlin",
            group_url="https://www.meetup.com/rust-berlin",
            title="Rust and Tell",
            url="https://www.meetup.com/rust-berlin/events/1",
            source="twir",
        ),
    )
    assert result.problems == () and result.notices == ()


def test_no_section_gives_a_notice() -> None:
    result = parse_lines(numbered("# News", "* a"), source="s", issue=ISSUE, issue_date=DATE)
    assert result.events == () and result.problems == ()
    assert result.notices == (f"{ISSUE}: {NO_SECTION}",)
    assert result.issues == (Issue(ISSUE, DATE),)


def test_unreadable_lines_become_problems_and_the_rest_is_read() -> None:
    lines = numbered(
        "## Upcoming Events",
        "* 2025-02-30 | Berlin, DE | [Rust Berlin](https://example.org/1)",
        "### Europe",
        "* [A talk somewhere](https://example.org/2)",
        "* 2025-06-07 | Paris, FR | [Rust Paris](https://example.org/3)",
        first=1,
    )
    result = parse_lines(lines, source="s", issue=ISSUE, issue_date=DATE)
    assert [e.line for e in result.events] == [5]
    found = [(p.line, p.document, p.source) for p in result.problems]
    assert found == [(2, ISSUE, "s"), (4, ISSUE, "s")]
    assert "date" in result.problems[0].message and result.problems[0].text.startswith("2025-02-30")


def test_paragraph_continuation_like_html_loose_lists() -> None:
    lines = numbered(
        "# Upcoming Events",
        "* [5/22. Boulder, CO](",
        "    http://www.degoesconsulting.com/lambdaconf-2015/). Lambda conf.",
        first=1,
    )
    result = parse_lines(lines, source="s", issue="x", issue_date=dt.date(2015, 5, 18))
    (event,) = result.events
    assert event.url == "http://www.degoesconsulting.com/lambdaconf-2015/"
    assert (event.city, event.subdivision, event.country) == ("Boulder", "CO", "US")


@pytest.mark.parametrize(
    ("title", "region"),
    [
        ("Online", "Virtual"),
        ("Virtual:", "Virtual"),
        ("**Asia Pacific**", "Asia"),
        ("Asia-Pacific:", "Asia"),
        ("Asia", "Asia"),
        ("Oceania:", "Oceania"),
        ("Africa", "Africa"),
        ("Europe", "Europe"),
        ("North America", "North America"),
        ("South America", "South America"),
        ("Latin America", "South America"),
        ("Middle East", "Asia"),
        ("US & Canada", "North America"),
        ("Australia / New Zealand", "Oceania"),
        ("Europe & Africa", None),  # two regions: each event's country tells
        ("Rust Jobs", None),
        ("Quote of the Week", None),
    ],
)
def test_region_headings(title: str, region: str | None) -> None:
    assert region_of(title.strip("*")) == region


def test_section_ends_at_other_headings_and_boilerplate() -> None:
    section = read_section(
        numbered(
            "# Upcoming Events",
            "* [Feb 9. Seattle Meetup](https://a.org)",
            "# Oceania",
            "* [Feb 10. Sydney](https://b.org)",
            "If you are running a Rust event please add it to the [calendar] to get",
            "* [Feb 11. Not listed](https://c.org)",
            first=1,
        )
    )
    assert [(e.line, e.region) for e in section.entries] == [(2, None), (4, "Oceania")]


@pytest.mark.parametrize("line", ["**Jobs**", "__Rust Jobs__", "**Quote of the Week:**"])
def test_section_ends_at_the_next_section_written_as_a_bold_line(line: str) -> None:
    section = read_section(numbered(
        "## Upcoming Events", "### Europe", "* 2026-09-10 | Zurich, CH | [Rust](https://a.org)",
        "", line, "", "* [Senior Rust Engineer at Acme](https://b.org/jobs/1)", first=1))
    assert [e.line for e in section.entries] == [3]


def test_bold_event_title_naming_jobs_does_not_end_the_section() -> None:
    section = read_section(numbered(
        "## Upcoming Events", "**Rust Jobs Fair**", "* [Feb 10. Sydney](https://b.org)", first=1))
    assert [e.line for e in section.entries] == [2, 3]


# -- headings inside the section -----------------------------------------------------------
CLOSING = "If you are running a Rust event please add it to the [calendar](https://x.org)."


def events_of(*lines: str, date: dt.date = DATE) -> list[RawEvent]:
    result = parse_lines(numbered(*lines), source="s", issue=ISSUE, issue_date=date)
    return list(result.events)


def current_event(*entry: str) -> RawEvent:
    """The one event of a current-form section holding ``entry`` (its lines) under Europe."""
    lines = numbered("## Upcoming Events", "### Europe", *entry)
    [event] = parse_lines(lines, source="twir", issue=ISSUE, issue_date=DATE).events
    return event


def test_a_no_break_or_thin_space_reads_as_a_space() -> None:
    """A page's ``&nbsp;`` (typography tools put one between a heading's or a title's last
    two words) and other spaces are spaces: of a region heading, a place, a title."""
    found = events_of(
        "## Upcoming\u00a0Events",
        "### North\u00a0America",
        "* 2022-04-05 | Denver,\u00a0CO,\u202fUS | [Rust\u00a0Denver](https://x.org/denver)",
        "    * [**Audio from Rust - with live\u00a0stream**](https://x.org/1)",
        "### Virtual",
        "* 2022-04-06 |\u2009Virtual (Berlin,\u00a0DE) | [Rust Berlin](https://x.org/berlin)",
        CLOSING,
    )
    assert [(e.region, e.city, e.subdivision, e.country, e.virtual, e.group, e.title)
            for e in found] == [
        ("North America", "Denver", "CO", "US", True, "Rust Denver",
         "Audio from Rust - with live stream"),
        ("Virtual", "Berlin", None, "DE", True, "Rust Berlin", None),
    ]


def test_non_region_heading_before_the_closing_line_is_part_of_the_section() -> None:
    found = events_of(
        "# Upcoming Events",
        "### Europe",
        "* [Jun  6. Wroclaw, PL - Rust Wroclaw Meetup](https://x.org/1).",
        "# Conferences",  # even at the level of the section's heading
        "* [Jun 28-29. Firenze, IT - RustLab](https://www.rustlab.it/).",
        CLOSING,
        "# Rust Jobs",
        "* [Jun 30. Paris, FR - Not an event](https://x.org/2).",
        date=dt.date(2019, 6, 5),
    )
    assert [(e.city, e.region) for e in found] == [("Wroclaw", "Europe"), ("Firenze", None)]
    assert found[1].end == dt.date(2019, 6, 29)


def test_a_closing_line_with_a_no_break_space_is_found_ahead_as_when_read() -> None:
    """The look-ahead for the closing line reads spaces as the lines themselves are read:
    a heading that names no region before it stays part of the section."""
    found = events_of(
        "# Upcoming Events",
        "### Europe",
        "* [Jun  6. Wroclaw, PL - Rust Wroclaw Meetup](https://x.org/1).",
        "# Conferences",
        "* [Jun 28-29. Firenze, IT - RustLab](https://www.rustlab.it/).",
        CLOSING.replace("If you", "If\u00a0you"),
        date=dt.date(2019, 6, 5),
    )
    assert [(e.city, e.region) for e in found] == [("Wroclaw", "Europe"), ("Firenze", None)]


def test_deeper_non_region_heading_continues_a_section_without_closing_line() -> None:
    found = events_of(
        "## Upcoming Events",
        "### Europe",
        "* 2025-06-05 | Berlin, DE | [Rust Berlin](https://x.org/berlin)",
        "### Conferences",
        "* 2025-06-10 | Lyon, FR | [RustConf FR](https://x.org/conf)",
        "## Jobs",
        "* 2025-06-11 | Paris, FR | [Not an event](https://x.org/paris)",
    )
    assert [(e.city, e.region) for e in found] == [("Berlin", "Europe"), ("Lyon", None)]


@pytest.mark.parametrize("heading", ["### Jobs", "### Rust Jobs", "#### Quote of the Week",
                                     "### Call for Participation"])
def test_deeper_heading_of_the_next_section_ends_it(heading: str) -> None:
    found = events_of(
        "## Upcoming Events",
        "### Europe",
        "* 2025-06-05 | Berlin, DE | [Rust Berlin](https://x.org/berlin)",
        heading,
        "* 2025-06-11 | Paris, FR | [Not an event](https://x.org/paris)",
    )
    assert [e.city for e in found] == ["Berlin"]


def test_heading_at_the_section_level_without_closing_line_ends_it() -> None:
    found = events_of(
        "# Upcoming Events",
        "* [6/8. Seattle](https://x.org/seattle)",
        "# Quote of the Week",
        "* [6/9. Paris](https://x.org/paris)",
        date=dt.date(2015, 6, 8),
    )
    assert [e.city for e in found] == ["Seattle"]


# -- 2016-2020 "[DATE. City, CC - Group - Title](url)" ---------------------------------------
@pytest.mark.parametrize(
    ("line", "group", "title"),
    [
        ("* [Mar 27. Chicago, US - Chicago Rust Meetup - Futures in Rust](https://x.org)",
         "Chicago Rust Meetup", "Futures in Rust"),
        ("* [Apr 11. Arlington, US - Rust DC — Mid-month Rustful](https://x.org)",
         "Rust DC", "Mid-month Rustful"),
        ("* [Mar 29. Noida, IN - Fearless Concurrency in Rust - Knoldus Meetup](https://x.org)",
         "Knoldus Meetup", "Fearless Concurrency in Rust"),
        ("* [5/11. Rust LA Monthly Meetup - Hack Night](https://x.org)",
         "Rust LA Monthly Meetup", "Hack Night"),
        ("* [Apr 26. Berlin, DE - Oxidize Berlin Conference](https://x.org)",
         None, "Oxidize Berlin Conference"),
        ("* [June 8, 2021, Seattle, WA, US - Monthly meetup - Seattle Rust Meetup](https://x.org)",
         "Seattle Rust Meetup", "Monthly meetup"),
    ],
)  # fmt: skip
def test_dash_lines_separate_group_and_title(line: str, group: str | None, title: str) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2019, 3, 19))
    assert (event.group, event.title) == (group, title)


@pytest.mark.parametrize(
    ("line", "group", "title"),
    [
        ("* [Mar  6. Berlin, DE - 19:00 - Rust Hack and Learn](https://x.org)",
         None, "Rust Hack and Learn"),
        ("* [Mar  7. Paris, FR - Rust Paris - 7pm - Lightning talks](https://x.org)",
         "Rust Paris", "Lightning talks"),
        ("* [Mar  8. Munich, DE - Rust Munich - Meetup #12 - 18:30 CET](https://x.org)",
         "Rust Munich", "Meetup #12"),
        ("* [Mar  9. Zurich, CH - 6:30-9pm - Rust Zurich - Embedded](https://x.org)",
         "Rust Zurich", "Embedded"),
        # a number that is no time stays in the title
        ("* [Mar 10. Oslo, NO - Rust Oslo - 1:1 mentoring](https://x.org)",
         "Rust Oslo", "1:1 mentoring"),
    ],
)  # fmt: skip
def test_dash_segment_that_is_only_a_time_is_neither_group_nor_title(
    line: str, group: str | None, title: str
) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2019, 3, 5))
    assert (event.group, event.title) == (group, title)
    assert event.starts_at is None  # no zone is written: the day alone is kept


def test_free_text_title_keeps_its_closing_parenthesis() -> None:
    (event,) = events_of("# Upcoming Events", "* 6/14. Rust Hack Night (Portland, OR).",
                         date=dt.date(2015, 6, 1))  # fmt: skip
    assert (event.title, event.city) == ("Rust Hack Night (Portland, OR)", "Portland")


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("* [October 13, 2021 - betterCode Rust](https://x.org)", "betterCode Rust"),
        ("* [October 13, 2021 — betterCode Rust](https://x.org)", "betterCode Rust"),
        ("* [Oct 13. rust-lang meetup](https://x.org)", "rust-lang meetup"),
        ("* 10/13. npm and Rust at the office.", "npm and Rust at the office"),
    ],
)  # fmt: skip
def test_a_title_starting_in_lower_case_keeps_its_first_words(line: str, title: str) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2021, 10, 6))
    assert event.title == title


@pytest.mark.parametrize(
    ("line", "city", "subdivision", "country", "hybrid", "title"),
    [
        ("* [Oct 17. Virtual (Vancouver, BC, CA) - Rust Study](https://x.org)",
         "Vancouver", "BC", "CA", False, "Rust Study"),
        ("* [Oct 17. Virtual and In-person (Vancouver, BC, CA) - Rust Study](https://x.org)",
         "Vancouver", "BC", "CA", True, "Rust Study"),
        # a dash glued to one side after a code still separates
        ("* [Oct 17. Durham, NC -Welcome to Rust](https://x.org)",
         "Durham", "NC", "US", False, "Welcome to Rust"),
        ("* [Oct 17. Cambridge, UK- Rust Meetup](https://x.org)",
         "Cambridge", None, "GB", False, "Rust Meetup"),
        # a city's name of more than three words is the city's, not an event's
        ("* [Oct 17. San Carlos del Zulia, VE - Rust Meetup](https://x.org)",
         "San Carlos del Zulia", None, "VE", False, "Rust Meetup"),
        ("* [Oct 17. San Nicolás de los Arroyos, AR - Rust Meetup](https://x.org)",
         "San Nicolás de los Arroyos", None, "AR", False, "Rust Meetup"),
        # "Day" in a town's name is no event's day
        ("* [Oct 17. Pandit Deen Dayal Upadhyaya Nagar, IN - Rust Meetup](https://x.org)",
         "Pandit Deen Dayal Upadhyaya Nagar", None, "IN", False, "Rust Meetup"),
    ],
)  # fmt: skip
def test_dash_line_places_written_as_later_issues_write_them(
    line: str, city: str, subdivision: str | None, country: str, hybrid: bool, title: str
) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2020, 10, 6))
    assert (event.city, event.subdivision, event.country) == (city, subdivision, country)
    assert (event.virtual, event.hybrid) == ("Virtual" in line, hybrid)
    assert event.title == title


def test_current_line_with_an_em_dash_in_its_place_reads_the_place() -> None:
    event = current_event(
        "* 2024-07-17 | Hybrid — Virtual and In-person (Vancouver, BC, CA) | [Vancouver Rust]"
        "(https://x.org/g)", "    * [**Rust Study/Hack/Hang-out**](https://x.org/e/1)")
    assert (event.city, event.subdivision, event.country) == ("Vancouver", "BC", "CA")
    assert (event.virtual, event.hybrid) == (True, True)


def test_dash_line_with_a_place_beside_a_marker_reads_it_as_the_place() -> None:
    (event,) = events_of(
        "# Upcoming Events",
        "* [June 13, 2021, Berlin, DE + Online - Rust Hack and Learn - Berline.rs](https://x.org)",
        date=dt.date(2021, 6, 2))  # fmt: skip
    assert (event.city, event.country, event.virtual, event.hybrid) == ("Berlin", "DE", True, True)
    assert (event.group, event.title) == ("Berline.rs", "Rust Hack and Learn")


@pytest.mark.parametrize(
    ("line", "title", "city", "country"),
    [
        # Chiapas is a state (and an old name of Chiapa de Corzo): no city
        ("* [5/13. Hack Chiapas, Autonomous University of Chiapas, Mexico](http://x.org/)",
         "Hack Chiapas", None, "MX"),
        ("* [Jan  7. Dive into Rust @ Guna, MP India](https://x.org/)",
         "Dive into Rust", "Guna", "IN"),
        ("* [6/15. Köln/Cologne, DE](https://x.org/)", None, "Köln/Cologne", "DE"),  # a place
    ],
)  # fmt: skip
def test_dash_line_whose_one_segment_holds_title_and_place(
    line: str, title: str | None, city: str, country: str
) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2016, 5, 2))
    assert (event.title, event.city, event.country) == (title, city, country)


@pytest.mark.parametrize(
    ("line", "city", "country"),
    [
        # issue 221: the group names its town, which is too small to be read anywhere in a title
        ("* [Feb 18. Rust Dev in Mountain View - Open Table / Icebreaker: what projects are you"
         " working on](https://www.meetup.com/Rust-Dev-in-Mountain-View/events/glnfcpyxdbxb/).",
         "Mountain View", "US"),
        # ... or only its Meetup address does
        ("* 2/21. [Rust Dev](https://www.meetup.com/rust-dev-in-mountain-view/events/2/)",
         "Mountain View", "US"),
        ("* 2/20. [Rust Lugano Meetup](http://x.org/2)", "Lugano", "CH"),
        ("* [Feb 19. Utah Rust (Lehi) - Monthly meetup](https://x.org/1)", "Lehi", "US"),
        ("* 2/22. [Tyler Mandry on async](https://x.org/3)", None, None),  # a person
    ],
)  # fmt: skip
def test_a_smaller_town_is_read_where_a_title_names_its_town(
    line: str, city: str | None, country: str | None
) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2018, 2, 13))
    assert (event.city, event.country) == (city, country)


def test_dash_line_with_its_link_only_on_the_title_reads_the_place_apart() -> None:
    line = "* Mar 27. Chicago, US - [Chicago Rust Meetup](https://x.org/1)"
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2019, 3, 19))
    assert (event.city, event.country, event.title, event.url) == (
        "Chicago", "US", "Chicago Rust Meetup", "https://x.org/1")


@pytest.mark.parametrize(
    ("line", "city", "country"),
    [
        ("* [5/27. Columbus Rust Society](http://www.meetup.com/columbus-rs/)", "Columbus", "US"),
        ("* [5/26. Rust DC - Inaugural Meetup](http://x.org)", "Washington", "US"),
        ("* [5/11. Rust LA Monthly Meetup - Hack Night](http://x.org)", "Los Angeles", "US"),
        ("* [6/14. Hyderabad](https://x.org)", "Hyderabad", "IN"),
        ("* [4/15. Frankfurt/Main Rust Lint Workshop](http://x.org)", "Frankfurt am Main", "DE"),
        ("* 5/30. RustBerlin Hack and Learn.", "Berlin", "DE"),
        ("* [5/12. Rust Boulder/Denver Monthly Meeting](http://x.org)", "Boulder", "US"),
        ("* [5/16. Rust Reading Group](http://x.org)", None, None),
        # the city as the title spells it (the store's is its canonical: ``test_...canonical``);
        # an abbreviation or the country's name gives the city's own
        ("* [1/18. Rust Cologne: Ruby meets Rust](http://x.org)", "Cologne", "DE"),
        ("* [6/24. Rust Workshop Bangalore - Rain of Rust](http://x.org)", "Bangalore", "IN"),
        ("* [6/24. Rust Camp Rajkot, Gujarat](http://x.org)", "Rajkot", "IN"),
        ("* [5/10. Rust NYC: Systems Programming](http://x.org)", "New York", "US"),
        ("* [9/30. Rust Mexico #8: Taller Introductorio](http://x.org)", "Mexico City", "MX"),
        # also where a province has the name: Zurich the canton, Milano the città metropolitana
        ("* [Jun 27. Rust Zurich - June Meetup](http://x.org)", "Zurich", "CH"),
        ("* [Nov 16. Rust Milano - Live coding](http://x.org)", "Milano", "IT"),
        # a town named with its state or country, as a place field writes it
        ("* [6/27. RainOfRust Camp Patan, Gujarat](http://x.org)", "Patan", "IN"),  # not NP's
        ("* [6/27. Rust Workshop Salem, Oregon](http://x.org)", "Salem", "US"),
        ("* [6/27. Rust Meetup, Salem, Oregon](http://x.org)", "Salem", "US"),
        ("* [6/27. Workshop in Salem, Oregon Rust Meetup](http://x.org)", "Salem", "US"),
        ("* [6/27. Hack Night, Texas](http://x.org)", None, "US"),  # no town "Night"
        ("* [6/27. Intro to Rust, Part 2](http://x.org)", None, None),
        # the text names no city, the name of the Meetup group or Eventbrite event does
        ("* [7/20. Lessons learned integrating Rust with Ruby](https://www.meetup.com/RustDC/"
         "events/241110467/).", "Washington", "US"),
        ("* [5/20. Intro](https://www.eventbrite.com/e/mozilla-rust-seattle-meetup-tickets-15031)",
         "Seattle", "US"),
        ("* [5/20. Intro](https://www.meetup.com/de-DE/rust-berlin/events/1/)", "Berlin", "DE"),
        ("* [5/20. Intro](https://www.meetup.com/ruststhlm/events/1/)", "Stockholm", "SE"),
        ("* [5/20. Rust Sthlm - Intro](http://x.org)", "Stockholm", "SE"),  # its short name
        ("* [5/20. Intro](https://example.org/rust-berlin/events/1/)", None, None),  # elsewhere
        ("* [5/20. Intro](http://[www.meetup.com/rust-berlin)", None, None),  # no address
        ("* [5/20. Intro - Online](https://www.meetup.com/rust-berlin/events/1/)", None, None),
        # an online event is not where its organiser's group is
        ("* [September 9. Rust East Coast Virtual Talks + Q&A](https://www.meetup.com/Rust-NYC/"
         "events/272982073/)", None, None),
        ("* [September 9. East Coast, US - Rust East Coast Virtual Talks + Q&A](https://"
         "www.meetup.com/Rust-NYC/events/272982073/)", None, "US"),
        # the link names the country, the title after it the city
        ("* [5/27. Lithuania](http://x.org). Functional Vilnius #4: Rust & Monoids.",
         "Vilnius", "LT"),
    ],
)  # fmt: skip
def test_group_only_lines_get_the_city_they_name(line: str, city: str, country: str) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2016, 5, 9))
    assert (event.city, event.country) == (city, country)


@pytest.mark.parametrize(
    ("title", "written", "canonical"),
    [("Rust Cologne: Ruby meets Rust", "Cologne", "Köln"),
     ("Rust Zurich - June Meetup", "Zurich", "Zürich"),
     ("Rust Workshop Bangalore", "Bangalore", "Bengaluru"),
     ("Embedded Rust Workshop Frankfurt", "Frankfurt", "Frankfurt am Main")],
)  # fmt: skip
def test_a_city_a_title_spells_its_own_way_is_stored_canonical(
    title: str, written: str, canonical: str
) -> None:
    """``parse`` gives the city as the issue writes it; the store, the one spelling of it."""
    (event,) = events_of("# Upcoming Events", f"* [1/18. {title}](http://x.org)",
                         date=dt.date(2017, 1, 10))
    assert (event.city, resolve(event).city) == (written, canonical)


# -- found by the audit of every sample event ------------------------------------------------
def current(place: str, title: str, url: str = "https://x.org/e/1") -> tuple[str, str]:
    """A 2022- entry: ``DATE | PLACE | [Group](url)`` and its title sub-item."""
    return (f"* 2025-06-12 | {place} | [Rust Group](https://x.org/g)",
            f"    * [**{title}**]({url})")  # fmt: skip


@pytest.mark.parametrize(
    "title",
    [
        "Rust Munich 2024 / 1 - hybrid",
        "Rust (Hybrid) Hack & Learn September 2022",
        "(Hybrid - in person & online) August 2023 Rust Melbourne Meetup",
        "Hybrid event with Rust Dortmund!",
        "Rust last 6 months review (also available on Zoom)",  # issue 351, Seoul
        "Talks, also streamed on YouTube",
        "Wrapping a USB API - with live stream",  # issue 436, Denver
        "Talk night, live-streamed",
    ],
)
def test_title_saying_hybrid_makes_an_in_person_listing_hybrid_and_virtual(title: str) -> None:
    (event,) = events_of("# Upcoming Events", "### Europe", *current("Munich, DE", title))
    assert (event.city, event.virtual, event.hybrid) == ("Munich", True, True)


@pytest.mark.parametrize(
    ("item", "online", "hybrid", "title"),
    [
        ("[**Rust and Tell**](https://e.example/1) - hybrid", True, True, "Rust and Tell"),
        ("Hybrid: [**Rust and Tell**](https://e.example/1)", True, True, "Rust and Tell"),
        ("[**Rust and Tell**](https://e.example/1) (Online)", True, False,
         "Rust and Tell (Online)"),
        ("[**Rust and Tell**](https://e.example/1) | [**Stream**](https://e.example/2) "
         "(in German)", False, False, "Rust and Tell"),
        ("~~[**Rust and Tell**](https://e.example/1)~~", False, False, "Rust and Tell"),
        # another link's words are its own (issue 498's Kuala Lumpur workshop)
        ("[**Rust and Tell**](https://e.example/1) | [Event group chat](https://t.me/x)",
         False, False, "Rust and Tell"),
    ],
)
def test_the_title_items_words_beside_its_links_say_how_to_attend(
    item: str, online: bool, hybrid: bool, title: str
) -> None:
    """What the title's item says outside its link counts as the title's own words do; a
    strikethrough (python-markdown shows its marks) is no part of the title."""
    event = current_event("* 2025-06-12 | Berlin, DE | [Rust Berlin](https://g.example/)",
                          f"    * {item}")
    assert (event.city, event.virtual, event.hybrid, event.title, event.url) == (
        "Berlin", online, hybrid, title, "https://e.example/1")


@pytest.mark.parametrize(
    ("line", "city", "country", "hybrid", "title"),
    [
        # a colon after the place instead of a dash
        ("[Feb 15. Cambridge, UK: Rust Meetup](https://e.example/1).", "Cambridge", "GB",
         False, "Rust Meetup"),
        ("[Feb 15. Rust Cologne: Ruby meets Rust](https://e.example/1).", "Cologne", "DE",
         False, "Rust Cologne: Ruby meets Rust"),  # a group's name before it: no place
        # how to attend, after the link
        ("[Feb 15. Cambridge, UK - Rust Meetup](https://e.example/1) (hybrid).", "Cambridge",
         "GB", True, "Rust Meetup"),
        ("[Feb 15. Berlin, DE - Hack and Learn](https://e.example/1) - also online.", "Berlin",
         "DE", True, "Hack and Learn"),
    ],
)
def test_dash_form_slips(line: str, city: str, country: str, hybrid: bool, title: str) -> None:
    (event,) = events_of("# Upcoming Events", f"* {line}", date=dt.date(2019, 2, 12))
    assert (event.city, event.country, event.virtual, event.hybrid, event.title, event.url) == (
        city, country, hybrid, hybrid, title, "https://e.example/1")


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        ("RustFi Hackathon 30 Sept - 2 Oct", "2025-09-30", "2025-10-02"),  # issue 461
        ("RustLab Conference 2022 (Oct 2-4)", "2025-10-02", "2025-10-04"),
        ("Hack days 30 Dec - 2 Jan", "2025-12-30", "2026-01-02"),  # into the next year
        ("RustLab 2022, October 2nd to 4th", "2025-10-02", "2025-10-04"),
        # no span of days that starts on the entry's date: no end
        ("RustLab Conference 2022 (Oct 3-4)", "2025-10-02", None),
        ("Meetup #5, 2-4 people per table", "2025-10-02", None),
        ("Workshop Oct 2, conference Oct 9", "2025-10-02", None),
    ],
)
def test_a_title_writing_the_days_of_the_event_gives_its_end(
    title: str, start: str, end: str | None
) -> None:
    """The current form gives one date per entry: a conference's title often says its days."""
    (event,) = events_of("# Upcoming Events", "### Europe",
                         f"* {start} | Florence, IT | [RustLab](https://rustlab.it/)",
                         f"    * [**{title}**](https://rustlab.it/schedule/)",
                         date=dt.date(2025, 9, 24))
    assert (event.start.isoformat(), event.end and event.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    ("line", "virtual"),
    [
        # 2016-18: the release team's meeting, listed with a link to its proposal
        ("[Nov 16. Rust release triage](https://internals.rust-lang.org/t/3544).", True),
        ("[Nov 19. Rust India Community Monthly Call](https://reps.mozilla.org/e/1/).", True),
        ("[Nov 19. Rust Docs Team Meeting](https://x.org/e/1).", True),
        # a place makes it an evening out; a call for papers is no call
        ("[Nov 19. Berlin, DE - Bug triage night](https://x.org/e/1).", False),
        ("[Nov 19. Community call for speakers](https://x.org/e/1).", False),
    ],
)
def test_a_meeting_of_the_project_listed_without_a_place_is_online(
    line: str, virtual: bool
) -> None:
    (event,) = events_of("# Upcoming Events", f"* {line}", date=dt.date(2017, 11, 14))
    assert event.virtual is virtual


def test_a_dash_line_saying_hybrid_in_the_part_read_as_its_group_is_hybrid() -> None:
    """``[Aug 18, City, CC - A - B]`` is read as title A and group B, as the 2020-21 lines
    without a year write it; the 2019 lines of this shape put the title last."""
    (event,) = events_of(
        "# Upcoming Events",
        "* [Aug 18, Seoul, KR - Rust Seoul - Monthly meetup (also available on Zoom)]"
        "(https://x.org/e/1)",
        date=dt.date(2019, 8, 10),
    )
    assert (event.city, event.country, event.virtual, event.hybrid) == ("Seoul", "KR", True, True)


@pytest.mark.parametrize(
    "title",
    [
        "Virtual Filesystem with Rust",
        "Remote debugging of embedded Rust",
        "Let's make a Discord bot!",
        "Writing virtual machines in Rust",
        "Also: pizza and streams of consciousness",
        "Also: virtual machines in Rust",
        "Streaming parsers in Rust",
    ],
)
def test_online_words_used_as_technical_terms_in_a_title_are_not_online(title: str) -> None:
    (event,) = events_of("# Upcoming Events", "### Europe", *current("Milano, IT", title))
    assert (event.virtual, event.hybrid) == (False, False)
    line = f"* [Sep 25. Milano, IT - Rust Language Milano - {title}](https://x.org/e/2)."
    (legacy,) = events_of("# Upcoming Events", line, date=dt.date(2019, 9, 17))
    assert legacy.virtual is False


@pytest.mark.parametrize(
    "url",
    [
        "https://t.me/joinchat/EkKINhHCgZ9llzvPidOssA",
        "https://discordapp.com/channels/442252698964721669/443773747350994945",
        "irc://irc.mozilla.org/rust-community",
        "https://zoom.us/webinar/register/WN_1",
    ],
)
def test_event_linking_to_a_chat_room_or_call_is_online(url: str) -> None:
    line = f"* [Feb 28. Rust Events Team Meeting]({url})."
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2018, 2, 13))
    assert event.virtual is True
    (meetup,) = events_of(
        "# Upcoming Events", "* [Feb 28. Berlin, DE - Rust Berlin](https://t.me/rustberlin).",
        date=dt.date(2018, 2, 13),
    )
    assert meetup.virtual is False  # a group chat link does not move a city's meetup online


def test_city_named_in_a_title_is_not_placed_in_a_country_its_state_contradicts() -> None:
    # Pātan in Nepal is bigger than Patan in Gujarat, India.
    line = "* [Jun 27. RainOfRust Camp Patan, Gujarat](https://reps.mozilla.org/e/x/)."
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2017, 6, 20))
    assert (event.city, event.country) != ("Pātan", "NP")
    line = "* [Jun 24. RainOfRust Camp Ahmedabad, Gujarat](https://reps.mozilla.org/e/y/)."
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2017, 6, 20))
    assert (event.city, event.country) == ("Ahmedabad", "IN")


def test_emphasis_star_stuck_to_the_end_of_a_link_target_is_dropped() -> None:
    line = ("* 2022-04-05 | Austin, TX, US | "
            "[WebAssembly and WasmEdge](https://www.meetup.com/wasmedge*)")  # fmt: skip
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2022, 3, 30))
    assert event.group_url == "https://www.meetup.com/wasmedge"


@pytest.mark.parametrize("target", ['https://x.org/e/5 "Talk E"', "https://x.org/e/5 'Talk E'"])
def test_link_title_after_the_target_is_no_part_of_the_visible_text(target: str) -> None:
    event = current_event("* 2026-09-14 | Berlin, DE | [Rust Berlin](https://x.org/g)",
                          f"    * [**Talk E**]({target})")  # fmt: skip
    assert (event.title, event.url) == ("Talk E", "https://x.org/e/5")


def test_city_name_big_cities_of_several_countries_share_is_kept_as_written() -> None:
    # Cambridge: England's and Massachusetts' (and Ontario's) are about as big
    (alone,) = events_of("# Upcoming Events",
                         "* [Nov 16. Cambridge Rust Meetup #5](https://x.org/e/5).",
                         date=dt.date(2017, 11, 14))  # fmt: skip
    assert (alone.city, alone.country) == ("Cambridge", None)
    (placed,) = events_of("# Upcoming Events", *current("England, GB", "Cambridge Rust Meetup"))
    assert (placed.city, placed.country) == ("Cambridge", "GB")
    (elsewhere,) = events_of("# Upcoming Events", *current("Poland, PL", "Cambridge Rust Meetup"))
    assert (elsewhere.city, elsewhere.country) == (None, "PL")
    (two,) = events_of("# Upcoming Events",
                       "* [Nov 16. Rust Cambridge and Paris](https://x.org/e/6).",
                       date=dt.date(2017, 11, 14))  # fmt: skip
    assert two.city is None  # two cities: neither is taken
    (one_country,) = events_of("# Upcoming Events",
                               "* [Nov 16. Springfield Rust Meetup](https://x.org/e/7).",
                               date=dt.date(2017, 11, 14))  # fmt: skip
    assert (one_country.city, one_country.country) == ("Springfield", "US")


def test_in_person_listing_naming_only_a_country_gets_the_city_its_title_names() -> None:
    (event,) = events_of("# Upcoming Events", *current("Poland, PL", "Rust Poland x Kraków #10"))
    assert (event.city, event.country) == ("Kraków", "PL")
    (online,) = events_of("# Upcoming Events",
                          *current("Virtual (Israel)", "Rust at Microsoft, Tel Aviv"))  # fmt: skip
    assert (online.city, online.country) == (None, "IL")
    (nothing,) = events_of("# Upcoming Events", *current("Malaysia, MY", "Rust Meetup May 2026"))
    assert (nothing.city, nothing.country) == (None, "MY")


def test_current_line_with_a_slashed_date_is_read_in_full() -> None:
    (event,) = events_of("# Upcoming Events",
                         "* 2025/06/12 | Berlin, DE | [Rust Berlin](https://x.org/g)",
                         "    * [**Hack and Learn**](https://x.org/e/3)")  # fmt: skip
    assert (event.start, event.city, event.url) == (dt.date(2025, 6, 12), "Berlin", "https://x.org/e/3")


@pytest.mark.parametrize("date", ["2025-06-12", "2025/06/12", "2025.06.12", "12.06.2025"])
@pytest.mark.parametrize(("place", "title_item"), [
    ("| Berlin, DE |", "* [**Hack and Learn**](https://x.org/e/3)"),  # the title not indented
    ("| Berlin, DE |", "* **[Hack and Learn](https://x.org/e/3)**"),  # ... and bold outside
    ("Berlin, DE", "    * [**Hack and Learn**](https://x.org/e/3)"),  # no bars
])  # fmt: skip
def test_year_first_date_of_any_spelling_is_the_current_form(
    date: str, place: str, title_item: str
) -> None:
    entry = f"* {date} {place} [Rust Berlin](https://x.org/g)"
    (event,) = events_of("# Upcoming Events", entry, title_item)
    assert (event.start, event.city, event.group, event.title, event.url) == (
        dt.date(2025, 6, 12), "Berlin", "Rust Berlin", "Hack and Learn", "https://x.org/e/3")


@pytest.mark.parametrize("target, url", [
    ("www.meetup.com/San-Diego-Rust/events/220153428/",
     "https://www.meetup.com/San-Diego-Rust/events/220153428/"),
    ("meetup.com/rust-berlin/", "https://meetup.com/rust-berlin/"),
    ("https://rust-lang.org/", "https://rust-lang.org/"),
    ("irc://irc.mozilla.org/rust-community", "irc://irc.mozilla.org/rust-community"),
    ("eurorust", "eurorust"),  # not an address: kept as written
    ("schedule.md", "schedule.md"),
    # a slash or the colon of the scheme left out
    ("https:/www.meetup.com/rust-berlin/", "https://www.meetup.com/rust-berlin/"),
    ("http//www.meetup.com/rust-berlin/", "http://www.meetup.com/rust-berlin/"),
])
def test_link_written_without_its_scheme_gets_https(target, url):
    (link,) = find_links(f"[Rust Meetup]({target})")
    assert link.url == url


@pytest.mark.parametrize(
    ("group_field", "title_item"),
    [
        ("Rust Oslo](https://x.org/g)", "    * [**Hack Night**](https://x.org/e/3)"),  # no "["
        ("[Rust Oslo](https://x.org/g)", "    * **Hack Night**](https://x.org/e/3)"),
        ("[Rust Oslo](https://x.org/g)", "    * **Hack Night** https://x.org/e/3"),  # no link
        ("[Rust Oslo](https://x.org/g)", "    * Hack Night: https://x.org/e/3."),
        ("[Rust Oslo(https://x.org/g)", "    * [**Hack Night**](https://x.org/e/3)"),  # no "]"
        ("[Rust Oslo (https://x.org/g)", "    * [**Hack Night**(https://x.org/e/3)"),
        ("[**Hack Night**](https://x.org/e/3)", ""),  # the title where the group goes
    ],
)  # fmt: skip
def test_links_written_without_a_bracket_or_as_bare_addresses_are_read(
    group_field: str, title_item: str
) -> None:
    event = current_event(f"* 2026-09-14 | Oslo, NO | {group_field}", *filter(None, [title_item]))
    group = ("Rust Oslo", "https://x.org/g") if title_item else (None, None)
    assert (event.group, event.group_url, event.title, event.url) == (
        *group, "Hack Night", "https://x.org/e/3")


@pytest.mark.parametrize(
    ("text", "label", "url"),
    [
        # its ")" left out: the full stop after it is no part of the address
        ("[6/15. Paris](http://x.org/Rust-Paris.", "6/15. Paris", "http://x.org/Rust-Paris"),
        ("[6/15. Paris](http://x.org/Rust-Paris/). Talks", "6/15. Paris", "http://x.org/Rust-Paris/"),
        ("| Rust Paris](https://x.org/paris, then", "Rust Paris", "https://x.org/paris"),
        # its "]" left out, with parentheses in its text or a star stuck to its address
        ("[5/10. (San Diego) Eat, Drink, Rust!(http://x.org/e/1).", "5/10. (San Diego) Eat, "
         "Drink, Rust!", "http://x.org/e/1"),
        ("[WasmEdge(https://x.org/wasmedge*)", "WasmEdge", "https://x.org/wasmedge"),
    ],
)  # fmt: skip
def test_a_link_missing_its_closing_parenthesis_or_bracket_is_read_as_meant(
    text: str, label: str, url: str
) -> None:
    (link,) = find_links(text)
    assert (link.text, link.url) == (label, url)


@pytest.mark.parametrize(
    ("entry", "title", "url", "extra"),
    [
        # a bold link beside the group, after a mirror: the title
        (["* 2025-06-05 | Oslo, NO | [Rust Oslo](https://x.org/g) | [Mirror](https://x.org/m)"
          " | [**Hack Night**](https://x.org/e)"], "Hack Night", "https://x.org/e",
         ("https://x.org/m",)),
        # ... unless a sub-item below gives the title: then it is one more link
        (["* 2025-06-05 | Oslo, NO | [Rust Oslo](https://x.org/g) | [Mirror](https://x.org/m)"
          " | [**Stream**](https://x.org/s)", "    * [**Hack Night**](https://x.org/e)"],
         "Hack Night", "https://x.org/e", ("https://x.org/m", "https://x.org/s")),
        # the title item's marker without its space: its line continued the entry
        (["* 2025-06-05 | Oslo, NO | [Rust Oslo](https://x.org/g)",
          "    *[Hack Night](https://x.org/e)"], "Hack Night", "https://x.org/e", ()),
        # two groups joined by "+": the second is no title
        (["* 2025-06-05 | Oslo, NO | [Rust Oslo](https://x.org/g) + [Oslo.rs](https://x.org/o)",
          "    * [**Hack Night**](https://x.org/e)"], "Hack Night", "https://x.org/e",
         ("https://x.org/o",)),
    ],
)  # fmt: skip
def test_the_title_link_beside_the_group(
    entry: list[str], title: str, url: str, extra: tuple[str, ...]
) -> None:
    event = current_event(*entry)
    assert (event.title, event.url, event.extra_urls) == (title, url, extra)


@pytest.mark.parametrize("text", ["Talk ](not a link)", "x ](y)", "[a](b) and c](d)"])
def test_a_closing_bracket_in_prose_is_no_link(text: str) -> None:
    assert [link.text for link in find_links(text)] == (["a"] if text.startswith("[") else [])


def test_events_are_built_with_raw_event_fields_in_order() -> None:
    """``fields.build`` passes RawEvent's leading fields by position."""
    names = tuple(field.name for field in dataclasses.fields(RawEvent))
    assert names[: len(RAW_EVENT_ORDER)] == RAW_EVENT_ORDER


@pytest.mark.parametrize(
    "date", ["06-12 & 06-13", "12-13 June", "Thursday, June 12 - 13", "Thu 12th & 13th June"]
)
def test_current_form_with_dates_the_sample_does_not_spell(date: str) -> None:
    """The current form stays the current form (place, group, title) whatever the dates'
    spelling."""
    event = current_event(
        f"* {date} | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)",
        "    * [**Rust and Tell**](https://www.meetup.com/rust-berlin/events/1)",
    )
    assert (event.start, event.end) == (dt.date(2025, 6, 12), dt.date(2025, 6, 13))
    assert (event.city, event.country, event.group, event.title) == (
        "Berlin", "DE", "Rust Berlin", "Rust and Tell")


@pytest.mark.parametrize(
    ("sub", "title", "extra"),
    [
        ("[**Rust and Tell**](https://e.example/1)", "Rust and Tell", ()),
        ("[**Rust and Tell**](https://e.example/1) (online)", "Rust and Tell (online)", ()),
        ("[**Rust and Tell**](https://e.example/1))", "Rust and Tell", ()),  # a ")" too many
        ("[**Rust and Tell**](https://e.example/1), [**Mirror**](https://m.example/1)",
         "Rust and Tell", ("https://m.example/1",)),
        ("[**Rust and Tell**](https://e.example/1) | [**Mirror**](https://m.example/1)",
         "Rust and Tell", ("https://m.example/1",)),
        ("[**Rust and Tell**](https://e.example/1) ([mirror](https://m.example/1))",
         "Rust and Tell", ("https://m.example/1",)),
        ("[**Rust and Tell**](https://e.example/1) (also online: [stream](https://m.example/1))",
         "Rust and Tell (also online)", ("https://m.example/1",)),
    ],
)
def test_title_sub_item_keeps_its_words_not_its_mirrors(sub: str, title: str, extra) -> None:
    event = current_event(
        "* 2025-06-12 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)",
        f"    * {sub}",
    )
    assert (event.title, event.url, event.extra_urls) == (title, "https://e.example/1", extra)


def test_pipe_form_with_title_and_group_in_one_link() -> None:
    """``DATE | PLACE | [**Title** | Group](url)``, a 2022 mix of the two pipe forms."""
    event = current_event(
        "* 2025-06-12 | Virtual (Dallas, TX, US) | "
        "[**Last Friday** | Dallas Rust](https://www.meetup.com/dallasrust/events/5/)",
    )
    assert (event.title, event.group, event.url, event.group_url) == (
        "Last Friday", "Dallas Rust", "https://www.meetup.com/dallasrust/events/5/", None)


@pytest.mark.parametrize("fields", ["**Rust and Tell** | Rust Berlin",
                                    "Rust Berlin | **Rust and Tell**"])
def test_bracketed_pipe_form_the_bold_part_is_the_title(fields: str) -> None:
    """``[DATE | PLACE | **Title** | Group](url)``, the 2021 form, the title bold wherever
    it stands."""
    (event,) = events_of(
        "# Upcoming Events", f"* [December 21, 2021 | Berlin, DE | {fields}](https://e.example/1)",
        date=dt.date(2021, 12, 15))
    assert (event.city, event.title, event.group, event.url) == (
        "Berlin", "Rust and Tell", "Rust Berlin", "https://e.example/1")


def test_entry_nested_under_the_one_before_is_still_an_entry() -> None:
    """A page nests an entry under the one before when python-markdown took the list for a
    loose one; a dated ``DATE | PLACE |`` item is never a title or a mirror."""
    lines = numbered(
        "## Upcoming Events",
        "### Europe",
        "* 2025-06-12 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)",
        "    * [**Rust and Tell**](https://www.meetup.com/rust-berlin/events/1)",
        "    * 2025-06-13 | Munich, DE | [Rust Munich](https://www.meetup.com/rust-munich)",
    )
    events = parse_lines(lines, source="twir", issue=ISSUE, issue_date=DATE).events
    assert [(e.start.day, e.city, e.title) for e in events] == [
        (12, "Berlin", "Rust and Tell"), (13, "Munich", None)]


@pytest.mark.parametrize(
    ("line", "city", "title", "url"),
    [
        ("* [Mar 15] [Boston Meetup](https://x.org/bos)", "Boston", "Boston Meetup",
         "https://x.org/bos"),  # the date alone in brackets
        ("* Seattle: [Rust meetup](https://x.org/sea) on March 9th.", "Seattle", "Rust meetup",
         "https://x.org/sea"),  # the city before the link
    ],
)  # fmt: skip
def test_free_lines_of_2015(line: str, city: str, title: str, url: str) -> None:
    (event,) = events_of("# Upcoming Events", line, date=dt.date(2015, 3, 2))
    assert (event.city, event.title, event.url) == (city, title, url)


@pytest.mark.parametrize(
    ("place", "problem"),
    [
        ("Atlantis, XX", "unknown country or state 'XX' in 'Atlantis, XX'"),
        ("Berlin, DE", None),
        ("Seattle, WA", None),  # a state
        ("Pristina, XK", None),  # Kosovo, as the gazetteer codes it
        ("TBD", None),
    ],
)
def test_unknown_code_at_the_end_of_a_place_is_a_problem(place: str, problem: str | None) -> None:
    lines = numbered(
        "## Upcoming Events",
        "### Europe",
        f"* 2025-06-12 | {place} | [Rust G](https://www.meetup.com/rust-g)",
    )
    result = parse_lines(lines, source="twir", issue=ISSUE, issue_date=DATE)
    assert len(result.events) == 1  # the event is kept all the same
    assert [p.message for p in result.problems] == ([problem] if problem else [])


@pytest.mark.parametrize(
    "head",
    [
        "2025-06-12 |Berlin, DE|[Rust Berlin](https://g.example/)",  # no spaces by the bars
        "2025-06-12 | | Berlin, DE | [Rust Berlin](https://g.example/)",  # an empty field
        "2025-06-12 (Thu) | Berlin, DE | [Rust Berlin](https://g.example/)",  # a weekday
        "2025-06-12 18:30 CEST | Berlin, DE | [Rust Berlin](https://g.example/)",  # a time
        "2025-06-12 @ 18:30 | Berlin, DE | [Rust Berlin](https://g.example/)",  # "at" a time
        "2025-06-12 at 6:30pm | Berlin, DE | [Rust Berlin](https://g.example/)",
        # other times: glued, a range, an hour alone, after a comma, dash or weekday
        "2025-06-12T18:30 | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 18:30-21:00 | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 6pm | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12, 18:30 | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 - 18:30 | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 (Thu) 6:30 PM PDT | Berlin, DE | [Rust Berlin](https://g.example/)",
        "12.06.2025 | Berlin, DE | [Rust Berlin](https://g.example/)",  # day first, dotted
        "June 12 6pm | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 Berlin, DE | [Rust Berlin](https://g.example/)",  # the first bar left out
        "**2025-06-12** | Berlin, DE | [Rust Berlin](https://g.example/)",  # a bold date
        # a range left unfinished, a dash instead of the first bar
        "2025-06-12 - | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 – | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 - Berlin, DE | [Rust Berlin](https://g.example/)",
        # a stray stop after the date or the place
        "2025-06-12. | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12, | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12: | Berlin, DE | [Rust Berlin](https://g.example/)",
        "2025-06-12 | Berlin, DE. | [Rust Berlin](https://g.example/)",
        "2025-06-12 | Berlin, DE, | [Rust Berlin](https://g.example/)",
    ],
)
def test_current_form_with_slips_around_its_bars(head: str) -> None:
    lines = numbered(
        "## Upcoming Events",
        "### Europe",
        f"* {head}",
        "    * [**Rust and Tell**](https://e.example/1)",
    )
    result = parse_lines(lines, source="twir", issue=ISSUE, issue_date=DATE)
    [event] = result.events
    assert (event.start, event.city, event.country, event.group, event.title, event.url) == (
        dt.date(2025, 6, 12), "Berlin", "DE", "Rust Berlin", "Rust and Tell", "https://e.example/1")
    assert result.problems == ()


def test_place_before_a_left_out_bar_is_read_as_the_place() -> None:
    event = current_event(
        "* 2025-06-12 Hybrid (Berlin, DE) | [Rust Berlin](https://g.example/) | "
        "[**Rust and Tell**](https://e.example/1)",
    )
    assert (event.city, event.country, event.hybrid, event.group, event.title, event.url) == (
        "Berlin", "DE", True, "Rust Berlin", "Rust and Tell", "https://e.example/1")
    event = current_event("* 2025-06-12 Oslo, NO | [Rust Oslo](https://g.example/)")
    assert (event.city, event.country, event.group) == ("Oslo", "NO", "Rust Oslo")
    # a place that starts like a weekday is no weekday
    event = current_event("* 2025-06-12 Monterrey, MX | [Rust MTY](https://g.example/)")
    assert (event.city, event.country, event.group) == ("Monterrey", "MX", "Rust MTY")


def test_marks_escaped_with_a_backslash_are_shown_as_written() -> None:
    event = current_event(
        "* 2025-06-12 | Berlin, DE | [Rust\\_Berlin](https://g.example/)",
        "    * [**Hack \\*and\\* Learn \\#3**](https://e.example/1)",
    )
    assert (event.group, event.title) == ("Rust_Berlin", "Hack *and* Learn #3")


def test_title_beside_the_group_on_the_entry_line() -> None:
    event = current_event(
        "* 2025-06-12 | Berlin, DE | [Rust Berlin](https://g.example/) | "
        "[**Rust and Tell**](https://e.example/1)",
    )
    assert (event.group, event.title, event.url, event.extra_urls) == (
        "Rust Berlin", "Rust and Tell", "https://e.example/1", ())


FIELD_TEXT = st.lists(
    st.sampled_from(["Berlin, DE", " ", "|", " | ", "[", "]", "(", ")", "](", "**", "x", "[G](u)",
                     "[a | b](u)", "**T | U**", "https://x.org/a"]),
    max_size=10,
).map("".join)


@given(FIELD_TEXT)
def test_fields_split_at_one_plain_bar_as_at_every_bar(text: str) -> None:
    """``split_fields`` splits a text with one bar outside links directly."""
    assert split_fields(text) == _split_at_tokens(text)


@given(st.lists(st.sampled_from(["<", ">", "*", "https://", "http://", "www.", "a.org", "/p",
                                 "x", "https:/"]), min_size=1, max_size=8).map("".join))
def test_link_targets_kept_as_written_are_those_mending_leaves_alone(url: str) -> None:
    """``_target`` keeps a ``https://`` target that needs no mending as it is."""
    assert _target(url) == _mended_target(url)


# Entries mostly as most are written, some not quite
PLACES = st.sampled_from(["Berlin, DE", "Virtual (Indianapolis, IN, US)", "Poland, PL", "Hybrid",
                          "Kraków", "Seattle, WA, US ", "[G](https://x.org)", "**Berlin**", ""])
GROUP_LINKS = st.one_of(
    st.just("[Rust Berlin](https://www.meetup.com/rust-berlin)"),
    st.sampled_from(["[ G ](http://x.org)", "[G](x.org)", "[G](https://x.org/a(b))",
                     "[G](https://www.google.com/calendar/embed?src=x)", "[G] (https://x.org)",
                     "[G*](https://x.org)", "[G](https://x.org*)", "Rust Berlin"]),
)
RESTS = st.builds(
    lambda place, bar, link, tail: place + bar + link + tail,
    PLACES, st.sampled_from([" | ", "|", "  |  ", " || "]), GROUP_LINKS,
    st.one_of(st.just(""), st.sampled_from([" ", " | [**T**](https://e.org)", "*", ")"])),
)
SUBS = st.one_of(
    st.sampled_from(["[**Rust and Tell**](https://www.meetup.com/rust-berlin/events/1)",
                     "[**T (x)**](https://e.org)", "[** Spaced **](https://e.org)"]),
    st.sampled_from(["[T](https://e.org)", "**Bold** in Kraków", "[**T**](e.org)",
                     "[**C**](https://calendar.google.com/calendar/embed?src=x)",
                     "[**T**](https://e.org), x",
                     "[**T**](https://e.org) | [**Mirror**](https://m.org)"]),
)


@settings(max_examples=300)
@given(RESTS, st.lists(SUBS, max_size=2).map(tuple))
@example("Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)",
         ("[**C**](https://calendar.google.com/calendar/embed?src=x)",))
@example("Berlin, DE | [Rust Berlin](https://www.google.com/calendar/embed?src=x)", ())
def test_entries_read_directly_read_as_the_long_way_reads_them(rest: str, subs: tuple) -> None:
    """``_undated`` reads the common entry directly (``_PLAIN_REST``), as ``_read_undated``."""
    rest = rest.strip().lstrip("*_ ").lstrip("|").strip()
    assert _undated.__wrapped__(rest, subs) == _read_undated(rest, subs)


@pytest.mark.parametrize(
    ("entry", "title"),
    [
        (("* 2024-02-21 | Lille, FR | [Rust Lille](https://x.org/g)",
          "    * [**What's new in Rust 2024?**](https://x.org/e/1)"), "What's new in Rust 2024?"),
        (("* 2024-02-21 | Lille, FR | [Rust Lille](https://x.org/g)",
          "    * [**Rust Lille #6 : Du RSS !**](https://x.org/e/1)."), "Rust Lille #6 : Du RSS !"),
        (("* [Feb 21. Lille, FR - Back in person!](https://x.org/e/1).",), "Back in person!"),
    ],
)  # fmt: skip
def test_a_title_keeps_the_question_or_exclamation_mark_it_ends_with(
    entry: tuple[str, ...], title: str
) -> None:
    # other punctuation after a title (a sentence's full stop, a separator) is no part of it
    (event,) = events_of("## Upcoming Events", "### Europe", *entry,
                         date=dt.date(2024, 2, 14))  # fmt: skip
    assert event.title == title


def test_struck_through_entries_are_cancelled_and_a_struck_date_is_where_it_moved_from() -> None:
    found = events_of(
        "## Upcoming Events", "### Europe",
        "* ~~2024-03-08 | Berlin, DE | [Rust Berlin](https://x.org/g)~~",
        "    * [**Rust and Tell**](https://x.org/e/2)",
        "* ~~2024-03-09~~ 2024-03-10 | Zurich, CH | [Rust Zurich](https://x.org/z)",
        "    * [**Talk**](https://x.org/e/3)",
        "* 2024-03-11 | ~~Munich~~, DE | [Rust Munich](https://x.org/m)",
        "    * ~~[**Meetup**](https://x.org/e/4)~~",
        "* ~~[Mar 12. Lille, FR - Back in person](https://x.org/e/5)~~.",
        "* [~~Mar 13. Paris, FR - Rust Paris~~](https://x.org/e/6)",
        "* ~~Mar 14~~ Mar 15. [Lyon, FR - Rust Lyon](https://x.org/e/7)",
        date=dt.date(2024, 3, 1))  # fmt: skip
    assert [(e.start, e.city, e.title, e.url, e.status) for e in found] == [
        (dt.date(2024, 3, 8), "Berlin", "Rust and Tell", "https://x.org/e/2", "CANCELLED"),
        (dt.date(2024, 3, 10), "Zurich", "Talk", "https://x.org/e/3", None),
        (dt.date(2024, 3, 11), "Munich", "Meetup", "https://x.org/e/4", None),
        (dt.date(2024, 3, 12), "Lille", "Back in person", "https://x.org/e/5", "CANCELLED"),
        (dt.date(2024, 3, 13), "Paris", "Rust Paris", "https://x.org/e/6", "CANCELLED"),
        (dt.date(2024, 3, 15), "Lyon", "Rust Lyon", "https://x.org/e/7", None),
    ]


@pytest.mark.parametrize(
    "entry",
    [
        ("* [Mar 12. Berlin, DE - Rust Hack and Learn - CANCELLED](https://x.org/e/1)",),
        ("* [Mar 12. Berlin, DE - CANCELLED: Rust Hack and Learn](https://x.org/e/1)",),
        ("* [Mar 12. Berlin, DE - Rust Hack and Learn (cancelled due to COVID-19)]"
         "(https://x.org/e/1)",),
        # as the sample's 2020-03-10 issue has it
        ("* [Mar 12. Berlin, DE - Rust Hack and Learn](https://x.org/e/1) [Postponed].",),
        ("* [Mar 12. Berlin, DE - Rust Hack and Learn](https://x.org/e/1) - **Cancelled**",),
        ("* [Mar 12. Berlin, DE - Rust Hack and Learn](https://x.org/e/1) - canceled due to "
         "COVID-19.",),
        ("* [Mar 12. Berlin, DE - Rust Hack and Learn](https://x.org/e/1), postponed.",),
        ("* CANCELLED [Mar 12. Berlin, DE - Rust Hack and Learn](https://x.org/e/1)",),
        ("* 2020-03-12 | Berlin, DE | [Rust Berlin](https://x.org/g)",
         "    * [**CANCELLED - Rust Hack and Learn**](https://x.org/e/1)"),
        ("* 2020-03-12 | Berlin, DE | [Rust Berlin](https://x.org/g)",
         "    * [**Rust Hack and Learn (Cancelled)**](https://x.org/e/1)"),
        ("* 2020-03-12 | Berlin, DE | [Rust Berlin](https://x.org/g) - POSTPONED",
         "    * [**Rust Hack and Learn**](https://x.org/e/1)"),
        ("* 2020-03-12 | Berlin, DE | [Rust Berlin](https://x.org/g)",
         "    * **Cancelled:** [**Rust Hack and Learn**](https://x.org/e/1)"),
    ],
)  # fmt: skip
def test_a_word_that_calls_the_event_off_cancels_it_and_is_no_part_of_its_title(
    entry: tuple[str, ...]
) -> None:
    (event,) = events_of("## Upcoming Events", "### Europe", *entry,
                         date=dt.date(2020, 3, 10))  # fmt: skip
    assert (event.start, event.city, event.title, event.url, event.status) == (
        dt.date(2020, 3, 12), "Berlin", "Rust Hack and Learn", "https://x.org/e/1",
        "CANCELLED")  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "title", "url"),
    [
        ("* [Mar 12. Berlin, DE - Cancelled futures](https://x.org/e/1)",
         "Cancelled futures", "https://x.org/e/1"),
        ("* [Mar 12. Berlin, DE - Cancellation in async Rust](https://x.org/e/1)",
         "Cancellation in async Rust", "https://x.org/e/1"),
        ("* [Mar 12. Berlin, DE - Futures, cancelled and resumed](https://x.org/e/1)",
         "Futures, cancelled and resumed", "https://x.org/e/1"),
        ("* [Mar 12. Berlin, DE - Hack and Learn](https://x.org/meetup-cancelled)",
         "Hack and Learn", "https://x.org/meetup-cancelled"),
        ("* [Mar 12. Berlin, DE - Hack and Learn](https://x.org/a_cancelled-b)",
         "Hack and Learn", "https://x.org/a_cancelled-b"),
        ("* [Mar 12. Berlin, DE - Hack and Learn](https://x.org/e/1) (not cancelled: online)",
         "Hack and Learn", "https://x.org/e/1"),
    ],
)  # fmt: skip
def test_cancellation_as_a_word_of_a_title_or_a_link_cancels_nothing(
    entry: str, title: str, url: str
) -> None:
    (event,) = events_of("## Upcoming Events", "### Europe", entry,
                         date=dt.date(2020, 3, 10))  # fmt: skip
    assert (event.title, event.url, event.status) == (title, url, None)


def test_the_closing_paragraph_written_before_the_entries_ends_nothing() -> None:
    """"If you are running a Rust event..." ends the section after its entries; written
    first, it ends nothing, and none of its lines (a link to the team among them) is an
    entry."""
    found = events_of(
        "## Upcoming Events",
        "Rusty Events between 2023-05-03 - 2023-05-31 🦀",
        "",
        "If you are running a Rust event please add it to the [calendar] to get",
        "it mentioned here. Please remember to add a link to the event too.",
        "Email the [Rust Community Team](mailto:community-team@rust-lang.org) for access.",
        "",
        "### Europe",
        "* 2023-05-04 | Zurich, CH | [Rust Zurich](https://x.org/zurich)",
        "    * [**Rust in Production**](https://x.org/zurich/1)",
        "",
        "If you are running a Rust event please add it to the [calendar] to get",
        "",
        "* 2023-05-09 | Amsterdam, NL | [Rust Amsterdam](https://x.org/ams)",
        date=dt.date(2023, 5, 3))  # fmt: skip
    assert [(e.start, e.city, e.url) for e in found] == [
        (dt.date(2023, 5, 4), "Zurich", "https://x.org/zurich/1")]


def test_a_bracketed_pipe_entry_may_name_no_place() -> None:
    found = events_of(
        "## Upcoming Events", "### Virtual",
        "* [January 8, 2022 | **Rust GameDev Monthly Meetup** | Rust GameDev]"
        "(https://discord.gg/x)",
        "* [January 20-21, 2022 | **Oxidize Winter Summit 2022**](https://x.org/oxidize)",
        "* [January 22, 2022 | Berlin, DE | **Rust and Tell** | Rust Berlin](https://x.org/b)",
        date=dt.date(2021, 12, 29))  # fmt: skip
    assert [(e.start, e.end, e.city, e.title, e.group, e.virtual) for e in found] == [
        (dt.date(2022, 1, 8), None, None, "Rust GameDev Monthly Meetup", "Rust GameDev", True),
        (dt.date(2022, 1, 20), dt.date(2022, 1, 21), None, "Oxidize Winter Summit 2022", None,
         True),
        (dt.date(2022, 1, 22), None, "Berlin", "Rust and Tell", "Rust Berlin", True),
    ]  # fmt: skip


def test_an_event_name_then_its_town_and_state_in_an_older_line() -> None:
    """``Rust Belt Rust Conference, Pittsburgh, PA``: the town with its state (PA, not
    Panama), the name before them the title."""
    found = events_of(
        "## Upcoming Events",
        "* **[10/27 - 10/28: Rust Belt Rust Conference, Pittsburgh, PA]"
        "(http://www.rust-belt-rust.com/).**",
        "* [10/29. Rust Workshop, Panama City, PA](https://x.org/2).",
        date=dt.date(2016, 10, 18))  # fmt: skip
    assert [(e.city, e.subdivision, e.country, e.title) for e in found] == [
        ("Pittsburgh", "PA", "US", "Rust Belt Rust Conference"),
        ("Panama City", None, "PA", "Rust Workshop"),
    ]


@pytest.mark.parametrize(
    "words", ["(on site and online via Zoom)", "(online and on-site)", "(in person and virtually)"])
def test_a_title_that_says_on_site_and_online_makes_the_event_hybrid(words: str) -> None:
    (event,) = events_of("## Upcoming Events",
                         f"* [Dec  3. Lille, France - Rust Lille - Meetup #9 {words}]"
                         "(https://x.org/1)", date=dt.date(2019, 11, 26))  # fmt: skip
    assert (event.city, event.virtual, event.hybrid) == ("Lille", True, True)


@pytest.mark.parametrize(
    "entry",
    [
        "* [Dec 17. Rust Bay Area: Rust and the Web, at Mozilla SF](https://x.org/1). Also "
        "[live on Air Mozilla](https://air.mozilla.org/a/).",
        "* [Feb 25. Rust Bay Area: Rust in Production](https://x.org/1). At Mozilla SF; "
        "[livestream](https://air.mozilla.org/b/).",
        "* [Oct 13. Rust Bay Area: preview talks](https://x.org/1) — at Mozilla SF, and "
        "[streamed on Air Mozilla](https://air.mozilla.org/c/).",
        "* **[Aug 18 - Aug 19. RustConf 2017 - Portland, OR](https://x.org/1).** Sold out, but "
        "the keynotes will be [live-streamed](https://youtube.com/x).",
        "* **[Feb  3 - Feb  4. FOSDEM 2018 - Rust devroom, Brussels, Belgium](https://x.org/1).**"
        " Talks will be streamed and recorded.",
        "* [May 15. Rust 1.0 release party, Bay Area](https://x.org/1) at Mozilla SF. Can't "
        "make it? Watch live on [Air Mozilla](https://air.mozilla.org/d/).",
    ],
)  # fmt: skip
def test_a_stream_said_beside_an_older_entry_makes_it_hybrid(entry: str) -> None:
    """Words after the entry's link, its other links' texts among them, say the meetup is
    streamed too."""
    (event,) = events_of("## Upcoming Events", entry, date=dt.date(2015, 12, 14))
    assert (event.virtual, event.hybrid, event.url) == (True, True, "https://x.org/1")


def test_a_notice_that_a_meetup_is_off_is_no_event() -> None:
    """An older line that says a meetup is cancelled or postponed is a notice, no listing;
    a listing's link followed by such a sentence stays the listing."""
    found = events_of(
        "## Upcoming Events",
        "* Dec 3. Karlsruhe, DE - Rust Hack & Learn is cancelled this month.",
        "* The Columbus Rust Society meeting on Nov 14 is cancelled; see the [Columbus Rust "
        "Society page](https://www.meetup.com/columbus-rs/) for October.",
        "* The Bay Area meetup planned for Nov 17 has been postponed to December; watch",
        "  [the group page](https://x.org/sf) for the new date.",
        "* [Nov 21. Berlin, DE - Why futures are cancelled](https://x.org/c).",
        "* [Nov 22. Berlin, DE - Rust Hack and Learn](https://x.org/d). The December one is "
        "cancelled.",
        date=dt.date(2018, 11, 13))  # fmt: skip
    assert [(e.start, e.title, e.status) for e in found] == [
        (dt.date(2018, 11, 21), "Why futures are cancelled", None),
        (dt.date(2018, 11, 22), "Rust Hack and Learn", None),
    ]


@pytest.mark.parametrize(
    ("entry", "virtual", "hybrid"),
    [
        ("[Apr 28. Columbus, OH, US - Columbus Rust Society - Monthly Meeting, now on Twitch]"
         "(https://www.twitch.tv/x)", True, False),
        ("[May 21. Lehi, UT, US - Utah Rust - Lightning Talks (Twitch stream only)]"
         "(https://x.org/1)", True, False),
        ("[Aug 27. Linz, AT - Rust Linz - Rust Meetup Linz (livestream)](https://x.org/1)",
         True, False),  # in a title, as often the meeting itself
        ("[May 28. Moscow, RU - Rust Moscow - Online Meetup via YouTube livestream]"
         "(https://x.org/1)", True, False),
        ("[May 26. London, GB - Rust London User Group - LDN Talks (streamed on YouTube)]"
         "(https://x.org/1)", True, False),
        ("[June 9, Atlanta, GA, US - Grab a beer (outdoors, also on Discord) - Rust Atlanta]"
         "(https://x.org/1)", True, True),
        ("[May 24, Auckland, NZ - Rust AKL at the Fuel office (also via Jitsi) - Rust AKL]"
         "(https://x.org/1)", True, True),
        ("[November 4, 2021, San Francisco, CA, US - Rust Bay Area: live at the venue and "
         "streamed on YouTube - Rust Bay Area](https://x.org/1)", True, True),
        ("[January 20, 2022 | Paris, FR | **Rust Paris meetup #50 - hybride (sur place + en "
         "ligne)** | Rust Paris](https://x.org/1)", True, True),
        ("[November 8, 2021, Lyon, FR - Virtual DOMs with Yew - Rust Lyon](https://x.org/1)",
         False, False),
        ("[November 8, 2021, Lyon, FR - Building a Discord bot in Rust - Rust Lyon]"
         "(https://x.org/1)", False, False),
    ],
)  # fmt: skip
def test_how_a_remote_era_title_says_it_is_attended(
    entry: str, virtual: bool, hybrid: bool
) -> None:
    (event,) = events_of("## Upcoming Events", "### Europe", f"* {entry}",
                         date=dt.date(2020, 4, 14))  # fmt: skip
    assert (event.virtual, event.hybrid) == (virtual, hybrid)
