"""The prose readers of the post parser: dates, places, names, front matter, markup."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_agg.models import Document
from calendar_agg.parsers.post import PostParser
from calendar_agg.parsers.prose.dates import find_dates, resolve
from calendar_agg.parsers.prose.frontmatter import post_date, read_front_matter
from calendar_agg.parsers.prose.markup import Link, blocks, sentences
from calendar_agg.parsers.prose.names import event_name, group_name, subject_name
from calendar_agg.parsers.prose.places import cities_in, online_in

D = dt.date


# --- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "written", "first", "last"),
    [
        ("held in Brussels from October 12th to 13th, 2023, was", "October 12th to 13th, 2023",
         (2023, 10, 12), (2023, 10, 13)),
        ("on September 6, 2023 – a gathering", "September 6, 2023", (2023, 9, 6), (2023, 9, 6)),
        ("It is on 12–13 October.", "12–13 October", (None, 10, 12), (None, 10, 13)),
        ("Dec 15-16, 2018", "Dec 15-16, 2018", (2018, 12, 15), (2018, 12, 16)),
        ("### April 26-29, 2019: Oxidize", "April 26-29, 2019", (2019, 4, 26), (2019, 4, 29)),
        ("Sept 30 – Oct 2, 2023 in Paris", "Sept 30 – Oct 2, 2023", (2023, 9, 30),
         (2023, 10, 2)),
        ("30 September – 2 October 2023", "30 September – 2 October 2023", (2023, 9, 30),
         (2023, 10, 2)),
        ("on the 12th and 13th of October", "12th and 13th of October", (None, 10, 12),
         (None, 10, 13)),
        ("from March 26 through March 30", "March 26 through March 30", (None, 3, 26),
         (None, 3, 30)),
        ("November 19th, 20th and 21st", "November 19th, 20th and 21st", (None, 11, 19),
         (None, 11, 21)),
        ("Thursday 12th and Friday 13th October 2023", "12th and Friday 13th October 2023",
         (2023, 10, 12), (2023, 10, 13)),
        ("December 30 - January 2, 2024", "December 30 - January 2, 2024", (2023, 12, 30),
         (2024, 1, 2)),
        ("2023-10-12 to 2023-10-13", "2023-10-12 to 2023-10-13", (2023, 10, 12),
         (2023, 10, 13)),
        ("This March, thirty-one people", "This March", (None, 3, None), (None, 3, None)),
        ("coming this June in Paris", "this June", (None, 6, None), (None, 6, None)),
        ("in March 2024", "March 2024", (2024, 3, None), (2024, 3, None)),
        ("at 10:30 on May 3", "May 3", (None, 5, 3), (None, 5, 3)),
        ("on May 3 to 1 pm", "May 3", (None, 5, 3), (None, 5, 3)),
        ("Oct. 12", "Oct. 12", (None, 10, 12), (None, 10, 12)),
    ],
)
def test_find_dates(text: str, written: str, first: tuple, last: tuple) -> None:
    (mention,) = find_dates(text)
    assert (mention.text, mention.first, mention.last) == (written, first, last)


@pytest.mark.parametrize(
    "text",
    ["over 100K developers", "a 1.5 day event", "Rust 1.70 is out", "you may march on",
     "February 30, 2023", "in 2019", "version 2.12 May"],
)
def test_find_dates_ignores_what_is_no_date(text: str) -> None:
    assert [m for m in find_dates(text) if m.first[2] is not None or m.qualifier] == []


@pytest.mark.parametrize(
    ("text", "year", "reference", "expected"),
    [
        ("This March", 2024, None, (D(2024, 3, 1), D(2024, 3, 31), "month")),
        ("This March", None, D(2024, 5, 2), (D(2024, 3, 1), D(2024, 3, 31), "month")),
        # said in November, "this March" is the coming one; a year the name gives decides
        ("this March", None, D(2026, 11, 1), (D(2027, 3, 1), D(2027, 3, 31), "month")),
        ("this March", 2027, D(2026, 4, 1), (D(2027, 3, 1), D(2027, 3, 31), "month")),
        ("this June", None, D(2024, 5, 2), (D(2024, 6, 1), D(2024, 6, 30), "month")),
        ("next March", None, D(2024, 5, 2), (D(2025, 3, 1), D(2025, 3, 31), "month")),
        ("last June", None, D(2024, 5, 2), (D(2023, 6, 1), D(2023, 6, 30), "month")),
        ("12–13 October", 2023, D(2024, 1, 1), (D(2023, 10, 12), D(2023, 10, 13), "day")),
        ("12–13 October", None, D(2023, 6, 14), (D(2023, 10, 12), D(2023, 10, 13), "day")),
        ("12–13 October", None, D(2023, 11, 30), (D(2023, 10, 12), D(2023, 10, 13), "day")),
        ("16–19 July", None, D(2020, 1, 5), (D(2020, 7, 16), D(2020, 7, 19), "day")),
        ("Dec 30 - Jan 2", None, D(2023, 11, 1), (D(2023, 12, 30), D(2024, 1, 2), "day")),
        ("February 2024", None, None, (D(2024, 2, 1), D(2024, 2, 29), "month")),
        ("last weekend", None, D(2017, 10, 2), (D(2017, 9, 30), D(2017, 10, 1), "day")),
        ("12–13 October", None, None, None),
        ("last weekend", 2017, None, None),
        ("Last week", None, D(2023, 11, 20), (D(2023, 11, 1), D(2023, 11, 30), "month")),
        ("this past week", None, D(2021, 6, 17), (D(2021, 6, 1), D(2021, 6, 30), "month")),
        ("next month", None, D(2024, 12, 10), (D(2025, 1, 1), D(2025, 1, 31), "month")),
        ("last month", None, D(2024, 1, 2), (D(2023, 12, 1), D(2023, 12, 31), "month")),
        ("last week", None, D(2024, 3, 4), None),  # Feb 26 – Mar 3: which month?
        ("next month", 2024, None, None),
    ],
)
def test_resolve(text: str, year: int | None, reference: dt.date | None, expected) -> None:
    (mention,) = find_dates(text)
    assert resolve(mention, year, reference) == expected


# --- places --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "city", "country", "cued"),
    [
        ("EuroRust 2023, held in Brussels from October 12th", "Brussels", "BE", True),
        ("co-located with WasmCon in the Seattle area.", "Seattle", "US", True),
        ("came to the Google London office for a two-day summit", "London", "GB", True),
        ("Rustfest 2018 Paris", "Paris", "FR", False),
        ("takes place in Delft, the Netherlands", "Delft", "NL", True),
        ("RustLab is held in Florence, Italy", "Florence", "IT", True),
        ("Rust Belt Rust in Dayton, Ohio", "Dayton", "US", True),
        ("Rust Belt Rust in Pittsburgh, PA", "Pittsburgh", "US", True),
    ],
)
def test_cities_in(text: str, city: str, country: str, cued: bool) -> None:
    found = cities_in(text)
    assert [(p.city, p.country, p.cued) for p in found][:1] == [(city, country, cued)]


@pytest.mark.parametrize(
    "text", ["Rust Leads Summit 2024", "Fostering Connections and Ideas in the Rust Community",
             "A Reading Group for Tokio users", "Thanks to Mary and George",
             "at the Nubank office on Avenida Faria Lima", "our office on Paris Street",
             "the venue at Via Roma 12"])
def test_no_city_in(text: str) -> None:
    assert cities_in(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The conference will be held online", "virtual"),
        ("RustFest Global is an online conference", "virtual"),
        ("This year RustConf is fully online", "virtual"),
        ("a hybrid event in Berlin", "hybrid"),
        ("join us in person or online", "hybrid"),
        ("In a digital age where most collaboration occurs online", None),
        ("the talks will be streamed online", None),
        ("slides will be online afterwards", None),
    ],
)
def test_online_in(text: str, kind: str | None) -> None:
    assert online_in(text) == kind


# --- names ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        ("EuroRust 2023: Fostering Connections and Ideas in the Rust Community",
         "EuroRust 2023", 2023),
        ("Rustfest 2018 Paris", "Rustfest 2018 Paris", 2018),
        ("Recap: Rust Leads Summit 2024", "Rust Leads Summit 2024", 2024),
        ("Rust Foundation to Host Inaugural “Rust Global” Event at WasmCon 2023",
         "Rust Global", None),
        ("Announcing RustConf 2024", "RustConf 2024", 2024),
        ("Save the date: Rust Paris Summit", "Rust Paris Summit", None),
        ("My trip to the Rust All Hands", "Rust All Hands", None),
        ("RustConf on September 14", "RustConf", None),
        ("Embedded Rust Days at the Espressif office", "Embedded Rust Days", None),
        ("Tickets for Rust Days", "Rust Days", None),
        ("The second Rust compiler workshop", "Rust compiler workshop", None),
        ("Join the Rust embedded hackathon", "Rust embedded hackathon", None),
        ("Recap of RustChinaConf 2023 (Shanghai, June 17–18)", "RustChinaConf 2023", 2023),
    ],
)
def test_event_name(title: str, name: str, year: int | None) -> None:
    found = event_name(title)
    assert found is not None and (found.text, found.year) == (name, year)


@pytest.mark.parametrize(
    "title",
    ["Announcing Rust 1.70.0", "2023 State of Rust Survey Results", "Leadership Council update",
     "This Week in Rust 500", "Rust 2018 is here", "Cargo Manifest changes",
     "Rust conferences in 2019"],
)
def test_no_event_name(title: str) -> None:
    assert event_name(title) is None


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Rust.Tokyo 2023 was held on November 25 in Tokyo.", "Rust.Tokyo 2023"),
        ("Rust Lille 2022 took place at Euratechnologies in Lille.", "Rust Lille 2022"),
        ("Oxidize Global 2021, happened online on May 5.", "Oxidize Global 2021"),
        ("Rust 2018 was released on December 6.", None),
        ("Rust 2024 will take place in the compiler.", None),
        ("The 2023 meetup was held in Oslo.", None),
        ("In 2019 the conference took place in Rome.", None),
        ("Rust.Tokyo was held on November 25 in Tokyo.", None),  # no year: too weak
    ],
)
def test_subject_name(sentence: str, name: str | None) -> None:
    found = subject_name(sentence)
    assert (found.text if found else None) == name


@pytest.mark.parametrize(
    ("title", "group"),
    [
        ("Introducing Rust São Paulo", "Rust São Paulo"),
        ("Welcome to Rust Lisbon!", "Rust Lisbon"),
        ("Announcing Rust 1.80", None),
        ("Why we love Rust at Acme", None),
        ("Rust Nation UK", None),  # an event, not a group
        ("Introducing Tokio Console", None),
    ],
)
def test_group_name(title: str, group: str | None) -> None:
    assert group_name(title) == group


# --- front matter and the post date ----------------------------------------------------------

def test_yaml_front_matter_with_quoted_multiline_value() -> None:
    text = ('---\ntitle: \'EuroRust: "2023"\'\ndescription: "one \\n\n  two\\_three"\n'
            "tags:\n  - a\n  - b\npublishedAt: '2018-05-30'\n---\nbody\n")
    front = read_front_matter(text)
    assert front.kind == "yaml" and front.body_start == 9
    assert front.title == 'EuroRust: "2023"'
    assert front.fields["description"] == "one \n two three"
    assert post_date(front, "x.md") == D(2018, 5, 30)


def test_toml_front_matter_with_a_table() -> None:
    front = read_front_matter('+++\ntitle = "RustFest"\ndate = 2020-10-01\n[extra]\nx = 1\n+++\n')
    assert front.kind == "toml" and front.title == "RustFest"
    assert post_date(front, "x.md") == D(2020, 10, 1)


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("---\ndate: 2023-06-14T12:30:00Z\n---\n", "x.md", D(2023, 6, 14)),
        ("---\npath: /blog/2018/12/20/recap/\n---\n", "x.md", D(2018, 12, 20)),
        ("---\nurl: https://ex.org/2019/02/03/a.html\n---\n", "x.md", D(2019, 2, 3)),
        ("---\ntitle: x\n---\n", "2023-06-14-slug.md", D(2023, 6, 14)),
        ("---\ntitle: x\n---\n", "000_de89ca4aac5d4e2f.txt", None),
        ("---\ndate: 2023-02-30\n---\n", "x.md", None),
    ],
)
def test_post_date(text: str, name: str, expected: dt.date | None) -> None:
    assert post_date(read_front_matter(text), name) == expected


def test_no_front_matter() -> None:
    assert read_front_matter("# Title\n---\n").kind is None
    assert read_front_matter("---\ntitle: never closed\n").kind is None


# --- markup --------------------------------------------------------------------------------

def test_blocks_keep_links_and_drop_markup() -> None:
    lines = [
        ("Intro with [Rust Global](https://ex.org/rg/) and <a href=\"https://w.org\">WasmCon</a>"
         "&nbsp;**now**.[^1]"),
        "",
        "![alt text Paris](/img.jpg \"Mozilla Paris Office\")",
        "### April 26-29, 2019: [Oxidize][ox] ###",
        "* item one",
        "```",
        "code in Berlin",
        "```",
        "[ox]: https://oxidizeconf.com/",
    ]
    found = blocks(lines, first_line=5)
    assert [(b.kind, b.level, b.text, b.line) for b in found] == [
        ("paragraph", 0, "Intro with Rust Global and WasmCon now.", 5),
        ("heading", 3, "April 26-29, 2019: Oxidize", 8),
        ("item", 0, "item one", 9),
    ]
    assert found[0].links == (Link("Rust Global", "https://ex.org/rg/"),
                              Link("WasmCon", "https://w.org"))
    assert found[1].links == (Link("Oxidize", "https://oxidizeconf.com/"),)


def test_sentences() -> None:
    text = "It was held on Oct. 12 in St. Louis. Then we left! Why? Because."
    assert sentences(text) == ["It was held on Oct. 12 in St. Louis.", "Then we left!", "Why?",
                               "Because."]


# --- whole posts: the headline and lineup patterns --------------------------------------------

def _events(text: str, name: str = "2024-02-01-post.md") -> list[tuple]:
    result = PostParser().parse(Document("t", name, text))
    return [(e.title, e.start.isoformat(), e.end and e.end.isoformat(), e.precision, e.city,
             e.virtual) for e in result.events]


def test_a_later_sentence_that_does_not_name_the_event_does_not_date_it() -> None:
    text = ("---\ntitle: Towards a Rust Summit in Asia\n---\n\nWe would love to hold a summit "
            "next year, somewhere in Asia, and have started to talk to possible hosts.\n\n"
            "Venues in Tokyo and Singapore are on the list; the organizers' meeting on "
            "March 4 will discuss them.\n")
    assert _events(text) == []


def test_a_name_with_its_year_that_opens_a_held_sentence() -> None:
    text = ("---\ntitle: Thanks for coming!\n---\n\nRust Lille 2022 took place on "
            "June 3rd in Lille, with ninety people and eleven talks over the day.\n")
    assert _events(text) == [("Rust Lille 2022", "2022-06-03", None, "day", "Lille", False)]


def test_a_lead_sentence_that_says_the_event_happened() -> None:
    text = ("---\ntitle: Until next year\ndate: 2018-10-25\n---\n\nRust Belt Rust happened "
            "on Oct. 19–20 in Ann Arbor, Michigan, and it was our best edition so far.\n")
    assert _events(text) == [("Rust Belt Rust", "2018-10-19", "2018-10-20", "day", "Ann Arbor",
                              False)]


def test_the_first_meetup_of_a_group_a_title_introduces() -> None:
    text = ("---\ntitle: Welcome to Rust Lisbon\ndate: 2024-01-08\n---\n\nHello, Lisbon! "
            "We are a new group for everyone who writes Rust or wants to.\n\n"
            "Our first meetup is on January 25 at 18:30, hosted by a local startup.\n")
    assert _events(text) == [("Rust Lisbon meetup", "2024-01-25", None, "day", "Lisbon", False)]


def test_a_group_without_a_dated_first_meetup_gives_nothing() -> None:
    text = ("---\ntitle: Welcome to Rust Lisbon\ndate: 2024-01-08\n---\n\nWe meet monthly; "
            "our first meetup is on the website soon.\n")
    assert _events(text) == []


def test_last_week_in_a_recap_dates_it_to_the_month() -> None:
    text = ("---\ntitle: Thank you for RustBridge Oslo\ndate: 2022-09-19\n---\n\nLast week, "
            "thirty newcomers gathered in Oslo for RustBridge Oslo and wrote their first "
            "lines of Rust.\n")
    assert _events(text) == [("RustBridge Oslo", "2022-09-01", "2022-09-30", "month", "Oslo",
                              False)]


LIST_LINEUP = """---
title: Conferences we are going to
date: 2023-01-10
---

Our team will be at these:

- [Rust Nation UK](https://example.org/rn) — London, 16–17 February 2023. Two days of talks.
- **EuroRust** - Brussels, 12-13 October 2023.
- **Rust Global**: online, 6 September 2023.
"""


def test_a_lineup_of_list_items() -> None:
    assert _events(LIST_LINEUP) == [
        ("Rust Nation UK", "2023-02-16", "2023-02-17", "day", "London", False),
        ("EuroRust", "2023-10-12", "2023-10-13", "day", "Brussels", False),
        ("Rust Global", "2023-09-06", None, "day", None, True),
    ]


def test_a_list_lineup_in_a_review_gives_nothing() -> None:
    assert _events(LIST_LINEUP.replace("Conferences we are going to", "Our 2023 in review")) == []


def test_list_items_of_one_event_are_no_lineup() -> None:
    text = ("---\ntitle: RustLab 2023 schedule\n---\n\nRustLab 2023 takes place in Florence "
            "on 19–21 November 2023.\n\n- Workshops: Florence, 19 November 2023\n"
            "- Conference: Florence, 20–21 November 2023\n")
    assert _events(text) == [("RustLab 2023", "2023-11-19", "2023-11-21", "day", "Florence",
                              False)]


def test_list_items_of_prose_are_no_lineup() -> None:
    text = ("---\ntitle: What we did this year\n---\n\n- We spoke at RustConf in Albuquerque "
            "on September 13, 2023.\n- We went to EuroRust in Brussels on October 12, 2023.\n")
    assert _events(text) == []
