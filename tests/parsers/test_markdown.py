"""The markdown parser: samples of every era beside their expected JSON, the corpus, fuzzing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from calendar_agg.models import Document, ParseResult
from calendar_agg.parsers import get_parser, sniff
from calendar_agg.parsers.markdown import (
    MarkdownParser,
    _InlinedLines,
    _section_start,
    inline_references,
    read_header,
)
from calendar_agg.parsers.twir import NO_SECTION

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "samples" / "markdown"
CORPUS = REPO.parent / "shared" / "corpus" / "twir-sample"
# Set to rewrite the expected ``*.json`` beside the samples; review the diff like code.
REGENERATE = os.environ.get("CALENDAR_AGG_REGENERATE") == "1"
PARSER = MarkdownParser()


def as_json(result: ParseResult) -> dict[str, Any]:
    """Everything a sample's expectation records, JSON-shaped (dates as ISO strings)."""
    found = {
        "issues": [dataclasses.asdict(issue) for issue in result.issues],
        "events": [dataclasses.asdict(event) for event in result.events],
        "problems": [{"line": p.line, "message": p.message} for p in result.problems],
    }
    return json.loads(json.dumps(found, default=str))


def parse(name: str, text: str, source: str = "sample") -> ParseResult:
    return PARSER.parse(Document(source, name, text))


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.md")), ids=lambda p: p.stem)
def test_sample_events(sample: Path) -> None:
    found = as_json(parse(sample.name, sample.read_text(encoding="utf-8")))
    expected_path = sample.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert found == json.loads(expected_path.read_text(encoding="utf-8"))


def test_registry_names_the_markdown_parser() -> None:
    assert isinstance(get_parser("markdown"), MarkdownParser)


@pytest.mark.parametrize(
    ("text", "name", "score"),
    [
        ("Title: x\n\n## Upcoming Events\n\n* 2025-06-04 | Berlin, DE | [g](u)\n", "a.md", 90),
        ("# Upcoming Rust Events\n", "a.txt", 90),
        ("Some *markdown* with a [link](https://x.org)\n", "a.txt", 40),
        ("plain words\n", "notes.md", 40),
        ("<html><body>## Upcoming Events</body></html>", "a.html", 0),
        ("BEGIN:VCALENDAR\nEND:VCALENDAR\n", "a.ics", 0),
        ("plain words\n", "notes.txt", 0),
    ],
)
def test_detect(text: str, name: str, score: int) -> None:
    assert PARSER.detect(Document("s", name, text)) == score


def test_no_section_is_a_notice_not_a_problem() -> None:
    result = parse("2016-01-01-this-week-in-rust.md", "Date: 2016-01-01\n\n# News\n\n* a\n")
    assert result.events == () and result.problems == ()
    assert len(result.notices) == 1 and NO_SECTION in result.notices[0]
    assert result.issues[0].date == dt.date(2016, 1, 1)


@pytest.mark.parametrize(
    ("text", "name", "date"),
    [
        ("Title: x\nDate: 2015-03-02 10:00\n\nbody", "x.md", dt.date(2015, 3, 2)),
        ("---\ntitle: x\ndate: 2024-02-07\n---\nbody", "x.md", dt.date(2024, 2, 7)),
        ('+++\ntitle = "x"\ndate = "2023-11-29"\n+++\nbody', "x.md", dt.date(2023, 11, 29)),
        ("no header\n", "2020-12-9-this-week-in-rust.md", dt.date(2020, 12, 9)),
        ("no header\n", "issues/2019-03-19-twir.md", dt.date(2019, 3, 19)),
        ("no header\n", "twir.md", None),
    ],
)
def test_issue_date_sources(text: str, name: str, date: dt.date | None) -> None:
    assert parse(name, text).issues[0].date == date


def test_header_reading_stops_at_the_body() -> None:
    assert read_header(["Title: A", "Date: 2020-01-01", "", "Note: not a header"]) == {
        "title": "A",
        "date": "2020-01-01",
    }


def test_brackets_that_are_no_reference_leave_the_next_one_inlined() -> None:
    lines = ["* [Mar 15] [Boston Meetup][bos]", "", "[bos]: https://example.org/bos"]
    assert inline_references(lines)[0] == (1, "* [Mar 15] [Boston Meetup](https://example.org/bos)")


REFERENCE_LINES = st.lists(
    st.lists(st.sampled_from(["[a]", "[b]", " ", "[", "]", ":", "(u)", "x", "]: https://x.org",
                              "[a]: https://a.org", "[ b ]: /b", "*"]), max_size=8).map("".join),
    max_size=6,
)


@given(REFERENCE_LINES)
@example(["* [Mar 15] [b]", "[a][b]", "[ b ]: /b"])
def test_lines_without_definition_or_reference_are_handed_on_as_they_are(lines: list) -> None:
    """Only a line with ``]:``, ``][`` or ``] [`` is looked at for definitions and references."""
    inlined = _InlinedLines(lines)
    assert list(inlined) == [(number, inlined._inlined(line))
                             for number, line in enumerate(lines, 1)]


def test_reference_links_are_inlined_and_definitions_blanked() -> None:
    lines = [
        "* [3/9 Seattle][seattle].",
        "* [Feb 10. Rust NY] [ny]. And [calendar].",
        "",
        "[seattle]: https://example.org/seattle",
        "[NY]: www.meetup.com/RustNY/",
        "[**Not a definition**]: 6:30pm - somewhere",
    ]
    assert inline_references(lines) == [
        (1, "* [3/9 Seattle](https://example.org/seattle)."),
        (2, "* [Feb 10. Rust NY](www.meetup.com/RustNY/). And [calendar]."),
        (3, ""),
        (4, ""),
        (5, ""),
        (6, "[**Not a definition**]: 6:30pm - somewhere"),
    ]
    lazy = _InlinedLines(lines, first=1)  # what the parser hands on: lines made when asked
    made = inline_references(lines, first=1)
    assert len(lazy) == len(made) and list(lazy) == made
    assert [lazy[i] for i in range(-len(made), len(made))] == made + made
    assert lazy[1:3] == made[1:3]
    with pytest.raises(IndexError):
        lazy[len(made)]


# -- the real archive ----------------------------------------------------------------------
def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared TWiR corpus not present")
def test_corpus_every_section_yields_events_and_few_problems() -> None:
    files = corpus_files()
    assert files
    events = problems = 0
    for path in files:
        result = parse(path.name, path.read_text(encoding="utf-8"), source="twir")
        assert result.events, f"{path.name}: no events"
        assert all(event.start for event in result.events)
        assert len(result.problems) <= 3, [str(p) for p in result.problems]
        events += len(result.events)
        problems += len(result.problems)
    assert problems <= max(5, events // 500)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared TWiR corpus not present")
def test_corpus_events_fall_near_their_issue_date() -> None:
    for path in corpus_files():
        result = parse(path.name, path.read_text(encoding="utf-8"))
        issue_date = result.issues[0].date
        assert issue_date is not None
        for event in result.events:
            assert -75 <= (event.start - issue_date).days <= 550, (path.name, event)
            assert event.end is None or event.start < event.end <= event.start + dt.timedelta(40)


# -- never raises ----------------------------------------------------------------------------
def section_lines() -> list[str]:
    """Real section lines to mutate (a fixed handful when the corpus is absent)."""
    fixed = [
        "## Upcoming Events",
        "### Virtual",
        "* 2025-06-04 | Virtual (Indianapolis, IN, US) | [Indy Rust](https://www.meetup.com/x)",
        "    * [**Indy.rs - with Social Distancing**](https://www.meetup.com/x/events/302)",
        "* [Jun 10. Wroclaw, PL - Remote - Rust Wroclaw Meetup #20](https://www.meetup.com/x)",
        "* [February 16, 2022 | Vancouver, BC, CA | **Title** | Group](https://example.org)",
        "* [5/22. Boulder, CO](",
        "http://www.degoesconsulting.com/lambdaconf-2015/). Lambda conf.",
        "[January 17 - Beijing Meetup][beijing]. Presentations",
        "* 2024-01-27-28 | Calgary, AB, CA | [Rust Calgary](https://www.eventbrite.ca/o/x)",
        "Rusty Events between 11/10-11/24 🦀",
    ]
    picked = [path for path in corpus_files() if path.name[:4] in ("2015", "2019", "2021", "2025")]
    for path in picked[::3]:
        fixed.extend(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.lstrip().startswith(("* ", "[", "#", "- "))
        )
    return fixed


MUTATION = st.tuples(
    st.sampled_from(section_lines()),
    st.integers(0, 120),
    st.integers(0, 8),
    st.text(alphabet=st.sampled_from(list("[]()|*#-/., 0123456789\n\tDecJunVirtual(")), max_size=6),
)


def mutate(line: str, at: int, cut: int, insert: str) -> str:
    at = min(at, len(line))
    return line[:at] + insert + line[at + cut :]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MUTATION, max_size=12), st.sampled_from(["2025-06-04", "2015-12-28", ""]))
def test_parse_never_raises_on_mutated_sections(mutations: list, date: str) -> None:
    body = "\n".join(mutate(*m) for m in mutations)
    text = f"Date: {date}\n\n## Upcoming Events\n\n{body}\n"
    result = parse("fuzz.md", text)
    assert isinstance(result, ParseResult)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(parse("fuzz.md", text), ParseResult)
    assert isinstance(parse("fuzz.md", "# Upcoming Events\n" + text), ParseResult)


# What sniff.events_heading must tell: the first line that a multi-line, case-insensitive
# search finds (for the markdown sniffer, "#" headings; for the parser, also bold lines).
_HASH_TITLE = re.compile(r"^\s{0,3}#{1,6}.*upcoming\s+(?:rust\s+)?events", re.I | re.M)
_TITLE = re.compile(r"upcoming\s+(?:rust\s+)?events", re.I)
_HEADING_LIKE = re.compile(r"\s{0,3}(?:#|\*\*|__)")
HEADING_TEXT = st.lists(
    st.sampled_from(
        ["\n", " ", "  ", "\t", "\r", "#", "##", "**", "__", "*", "upcoming", "UPCOMİNG",
         "Upcomıng", "events", "EVENTſ", "rust", " ", "x", "Upcoming Events", "\u2028",
         "upcoming\nevents", "\n# Upcoming Rust Events"]
    ),
    max_size=14,
).map("".join)


def _plain_section_start(text: str) -> int:
    for match in _TITLE.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if _HEADING_LIKE.match(text, start):
            return text.count("\n", 0, start)
    return 0


@settings(max_examples=500, deadline=None)
@given(HEADING_TEXT)
def test_events_heading_is_found_as_a_multiline_search_finds_it(text: str) -> None:
    found = sniff.events_heading(text, sniff.HASH_HEADING) is not None
    assert found == bool(_HASH_TITLE.search(text))
    assert _section_start(text) == _plain_section_start(text)


WRAPPED_AND_PROSE = """Title: This Week in Rust 62
Date: 2014-12-22

## Upcoming Events

Things are quiet over the holidays, but [the Berlin hack night][berlin] on 2014-12-30 is still on.
After that, [the London meetup][london] returns on 2015-01-06.

The [Rust Paris meetup](https://x.org/paris) on 2015-01-12 will be about futures, with
[the slides](https://x.org/slides) from 2014-12-01 as a start.

* [1/8 Rust Tokyo][tokyo].
* There will be a [Rust tutorial at the Open Source Developers'
  Gathering][osdg] in Auckland on 1/13 and 1/14.

[berlin]: https://x.org/berlin
[london]: https://x.org/london
[tokyo]: https://x.org/tokyo
[osdg]: https://x.org/osdg

# Quote of the Week
"""


def test_a_wrapped_reference_link_and_each_sentence_of_a_paragraph_naming_an_event() -> None:
    """A reference link whose text wraps onto the next line is inlined as a page shows it;
    a paragraph's next line that starts a sentence with its own link and date is another
    event, but not a line that goes on with the sentence before it."""
    result = parse("2014-12-22-this-week-in-rust.md", WRAPPED_AND_PROSE)
    assert [(e.line, e.start, e.end, e.city, e.url) for e in result.events] == [
        (6, dt.date(2014, 12, 30), None, "Berlin", "https://x.org/berlin"),
        (7, dt.date(2015, 1, 6), None, "London", "https://x.org/london"),
        (9, dt.date(2015, 1, 12), None, "Paris", "https://x.org/paris"),
        (12, dt.date(2015, 1, 8), None, "Tokyo", "https://x.org/tokyo"),
        (13, dt.date(2015, 1, 13), dt.date(2015, 1, 14), "Auckland", "https://x.org/osdg"),
    ]
    assert result.events[-1].title == "Rust tutorial at the Open Source Developers' Gathering"
    assert not result.problems


def _issue_of(text: str):
    [issue] = PARSER.parse(Document("twir", "2025-06-11-this-week-in-rust.md", text)).issues
    return issue


WINDOWED = """Date: 2025-06-11

## Upcoming Events

Rusty Events between 2025-06-11 - 2025-07-09 🦀

### Europe
* 2025-06-12 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)
    * [**Hack and Learn**](https://www.meetup.com/rust-berlin/events/hack/)
{line}
{end}"""


@pytest.mark.parametrize(("line", "end", "partial"), [
    ("", "If you are running a Rust event please add it to the calendar.\n\n## Jobs", False),
    ("", "", True),  # cut off: a windowed list always ends with its closing lines
    ("* 2025-06-32 | Hamburg, DE | [Rust Hamburg](https://hamburg.rs/)", "## Jobs", True),
    # a doubt about a line that still gave its event loses nothing
    ("* 2025-06-20 | Atlantis, XX | [Rust Atlantis](https://example.org/)", "## Jobs", False),
])
def test_an_issue_whose_list_was_not_read_in_full_is_partial(line, end, partial):
    assert _issue_of(WINDOWED.format(line=line, end=end)).partial is partial


def test_an_old_issue_ending_with_its_events_is_read_in_full():
    # 2014-15 issues end with Upcoming Events and their link definitions
    text = ("Date: 2014-12-15\n\n## Upcoming Events\n\n* [12/18 Bay Area Rust: Crypto][bay].\n\n"
            "[bay]: http://www.meetup.com/Rust-Bay-Area/events/210632582/\n")
    assert _issue_of(text).partial is False
