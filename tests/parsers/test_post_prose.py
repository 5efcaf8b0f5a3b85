"""The prose readers of the post parser: dates, places, names, front matter, markup."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_agg.parsers.prose.dates import find_dates, resolve
from calendar_agg.parsers.prose.frontmatter import post_date, read_front_matter
from calendar_agg.parsers.prose.markup import Link, blocks, sentences
from calendar_agg.parsers.prose.names import event_name
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
             "A Reading Group for Tokio users", "Thanks to Mary and George"])
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
