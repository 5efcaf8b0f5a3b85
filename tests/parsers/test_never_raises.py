"""No parser raises, whatever it is given: every registered parser forced on arbitrary text
and on the other formats' samples cut and spliced, the shared line parser on arbitrary
lines, and the readers of dates, places and cities on arbitrary text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_agg.models import Document, ParseResult
from calendar_agg.normalize import places
from calendar_agg.parsers import PARSERS, get_parser, parse_document
from calendar_agg.parsers.twir import parse_lines
from calendar_agg.parsers.twir.dates import find_dates, read_dates
from calendar_agg.parsers.twir.place import is_place, read_place

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_TEXTS = [
    path.read_text(encoding="utf-8")
    for folder in ("markdown", "html", "feed")
    for path in sorted((SAMPLES / folder).glob("*"))
    if path.suffix in (".md", ".html", ".xml")
]
# Pieces of every era's event lines, headings and markup, to build section-like text from.
FRAGMENTS = [
    "## Upcoming Events", "# Upcoming Events", "**Upcoming Events**", "### Virtual",
    "### Asia-Pacific:", "__Latin America__", "### Conferences", "## Jobs", "# Oceania",
    "Rusty Events between 2025-06-04 - 2025-07-02", "If you are running a Rust event",
    "* ", "    * ", "- ", "1. ", "[", "]", "(", ")", "](https://x.org/e)", "][ref]",
    "[ref]: https://x.org/r", "**", "|", " | ", " - ", ", ", "; ", " / ", " + Virtual",
    "2025-06-04", "2024-01-27-28", "05-19 & 05-20", "Oct 26 & 27", "May 30/31", "Nov 26+28",
    "10/27 and 10/28", "May 15 - June 7", "Jun  7.", "Feb. 9.", "4/20.", "June 8, 2021,",
    "Feburary 30", "2032-05-04", "12/31", "1/1", "0/0", "99/99",
    "Virtual (Berlin, DE)", "Hybrid (Seattle, WA, US)", "Virtual and In-Person (Lyon, FR)",
    "Redmond, WA, US; New York, NY, US", "Boulder, CO", "Johannesburg, SA", "UK", "TBD",
    "Rust DC", "RustBerlin", "PDXRust", "Columbus Rust Society", "Frankfurt/Main", "LA",
    "<li>", "</li>", "<ul>", "</ul>", "<h3>", "</h3>", '<a href="https://x.org">', "</a>",
    "&amp;", "\n", "\n\n", "\t", "\u00a0", "\ufeff",
    # links that urllib cannot split ("Invalid IPv6 URL"), as a page, a feed or a post has them
    "](http://[x/events/1)", '<a href="http://[x/2025/06/04/y/">', "http://[x",
    "~~", "~~2025-06-04~~ ", "<del>", "</del>",
    '<link href="http://[x/blog/2025/06/04/this-week-in-rust-602/"/>',
]  # fmt: skip
SECTION_TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60
).map("".join)
ISSUE_DATES = st.one_of(
    st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.sampled_from(
        [dt.date.min, dt.date.max, dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2015, 12, 28)]
    )
)  # fmt: skip


def spliced(text: str, at: int, cut: int, insert: str) -> str:
    at = at % (len(text) + 1)
    return text[:at] + insert + text[at + cut :]


def check(result: ParseResult, name: str) -> None:
    """Every parse result is well formed, whatever the input."""
    assert isinstance(result, ParseResult)
    for event in result.events:
        assert isinstance(event.start, dt.date)
        assert event.end is None or event.end > event.start
        assert event.line >= 1
    for problem in result.problems:
        assert problem.document == name or problem.document.startswith(name)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PARSERS)), st.one_of(st.text(), SECTION_TEXT))
def test_every_parser_forced_on_arbitrary_text(name: str, text: str) -> None:
    check(get_parser(name).parse(Document("fuzz", "fuzz.txt", text, format=name)), "fuzz.txt")
    check(parse_document(Document("fuzz", "fuzz.txt", text)), "fuzz.txt")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(PARSERS)),
    st.sampled_from(SAMPLE_TEXTS),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40), SECTION_TEXT), max_size=6),
)
def test_every_parser_on_cut_and_spliced_samples_of_every_format(
    name: str, text: str, edits: list[tuple[int, int, str]]
) -> None:
    for at, cut, insert in edits:
        text = spliced(text, at, cut, insert)
    check(get_parser(name).parse(Document("fuzz", "sample", text, format=name)), "sample")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(1, 10**6), st.one_of(st.text(), SECTION_TEXT)), max_size=30),
    ISSUE_DATES,
)
def test_line_parser_on_arbitrary_lines(
    lines: list[tuple[int, str]], issue_date: dt.date | None
) -> None:
    lines = [(number, text) for number, text in lines if "\n" not in text and "\r" not in text]
    result = parse_lines(
        [(0, "## Upcoming Events"), *lines], source="fuzz", issue="fuzz", issue_date=issue_date
    )
    check(result, "fuzz")
    assert {event.line for event in result.events} <= {number for number, _ in lines}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), SECTION_TEXT), ISSUE_DATES)
def test_line_readers_on_arbitrary_text(text: str, issue_date: dt.date | None) -> None:
    try:
        read_dates(text, issue_date)
    except (ValueError, OverflowError):
        pass  # a written but impossible date: the documented way it says so
    find_dates(text, issue_date)
    assert isinstance(read_place(text).found, bool)
    assert isinstance(is_place(text), bool)
    found = places.city_in_text(text)
    assert found is None or (found[0] and len(found[1]) == 2)
    shared = places.shared_city_name_in_text(text)
    assert shared is None or (found is None and shared[0] and len(shared[1]) >= 1)
