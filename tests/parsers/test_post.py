"""The post parser: samples beside their expected JSON, detection next to the TWiR parsers,
the conference seeds, fuzzing, and post events through store, ICS and the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_agg.cli import main
from calendar_agg.config import PublishSettings, adhoc_source
from calendar_agg.models import Document, ParseResult
from calendar_agg.parsers import detect_format, get_parser
from calendar_agg.parsers.post import NO_EVENT, PostParser
from calendar_agg.pipeline import run_once

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "samples" / "post"
CORPUS = REPO.parent / "shared" / "corpus" / "twir-sample"
SEEDS = REPO.parent / "shared" / "seeds"
# Set to rewrite the expected ``*.json`` beside the samples; review the diff like code.
REGENERATE = os.environ.get("CALENDAR_AGG_REGENERATE") == "1"
PARSER = PostParser()


# What a post event's expectation records (fields other formats add stay out of it).
EVENT_FIELDS = ("line", "start", "end", "city", "subdivision", "country", "virtual", "hybrid",
                "title", "url", "precision", "confidence")


def as_json(result: ParseResult) -> dict[str, Any]:
    found = {
        "issues": [dataclasses.asdict(issue) for issue in result.issues],
        "events": [{name: getattr(event, name) for name in EVENT_FIELDS}
                   for event in result.events],
        "problems": [{"line": p.line, "message": p.message} for p in result.problems],
        "notices": list(result.notices),
    }
    return json.loads(json.dumps(found, default=str))


def parse(name: str, text: str) -> ParseResult:
    return PARSER.parse(Document("sample", name, text))


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.md")), ids=lambda p: p.stem)
def test_sample_events(sample: Path) -> None:
    found = as_json(parse(sample.name, sample.read_text(encoding="utf-8")))
    expected_path = sample.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert found == json.loads(expected_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.md")), ids=lambda p: p.stem)
def test_every_sample_is_detected_as_a_post(sample: Path) -> None:
    document = Document("s", sample.name, sample.read_text(encoding="utf-8"))
    assert detect_format(document) == "post"


def test_registry_names_the_post_parser() -> None:
    assert isinstance(get_parser("post"), PostParser)


@pytest.mark.parametrize(
    ("text", "name", "score"),
    [
        ("---\ntitle: RustConf 2024\n---\nHello\n", "a.md", 60),
        ('+++\ntitle = "RustConf 2024"\n+++\nHello\n', "a.txt", 60),
        ("---\ntitle: This Week in Rust 500\n---\nHello\n", "a.md", 0),
        ("---\ntitle: x\n---\n## Upcoming Events\n\n* 2024-01-01 | Berlin, DE | [g](u)\n",
         "a.md", 0),
        ("---\ntitle: x\n---\nRusty Events between 2024-01-01 - 2024-02-01\n", "a.md", 0),
        ("---\ntitle: x\n---\n", "2024-01-03-this-week-in-rust.md", 0),
        ("Title: RustConf\nDate: 2024-01-01\n\nHello\n", "a.md", 60),  # Pelican's metadata
        ("Title: This Week in Rust 500\nNumber: 500\n\nHello\n", "a.md", 0),
        ("Title: These Weeks in Rust 127\nNumber: 127\n\nHello\n", "a.md", 0),
        ("Note: RustConf is near.\nSee you there.\n", "a.md", 0),  # no metadata: a sentence
        ("Title: RustConf\nsee you there\n\nHello\n", "a.md", 0),
        ("---\ntitle: never closed\n", "a.md", 0),
        ("# Just markdown\n", "a.md", 0),
    ],
)
def test_detect(text: str, name: str, score: int) -> None:
    assert PARSER.detect(Document("s", name, text)) == score


def test_twir_issue_with_front_matter_goes_to_markdown() -> None:
    text = ("---\ntitle: Issue 600\ndate: 2025-05-21\n---\n\n## Upcoming Events\n\n"
            "Rusty Events between 2025-05-21 - 2025-06-18\n")
    assert detect_format(Document("s", "2025-05-21-issue.md", text)) == "markdown"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
def test_no_corpus_issue_is_detected_as_a_post() -> None:
    paths = sorted(CORPUS.iterdir())
    assert paths
    for path in paths:
        document = Document("corpus", path.name, path.read_text(encoding="utf-8"))
        assert PARSER.detect(document) == 0, path.name
        assert detect_format(document) != "post", path.name


SEED_EVENTS = {
    "000": ("EuroRust 2023", "2023-10-12", "2023-10-13", "day", "Brussels", "BE", None),
    "001": ("Rustfest 2018 Paris", "2018-01-01", "2018-12-31", "year", "Paris", "FR",
            "https://paris.rustfest.eu/"),
    "003": ("Rust Leads Summit 2024", "2024-03-01", "2024-03-31", "month", "London", "GB",
            None),
    "004": ("Rust Global", "2023-09-06", None, "day", "Seattle", "US",
            "https://events.linuxfoundation.org/rust-global/"),
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
@pytest.mark.parametrize("number", sorted(SEED_EVENTS))
def test_seed_posts_give_their_event(number: str) -> None:
    path = next(SEEDS.glob(f"{number}_*.txt"))
    document = Document("seeds", path.name, path.read_text(encoding="utf-8"))
    assert detect_format(document) == "post"
    (event,) = PARSER.parse(document).events
    found = (event.title, event.start.isoformat(), event.end and event.end.isoformat(),
             event.precision, event.city, event.country, event.url)
    assert found == SEED_EVENTS[number]
    assert event.virtual is False and 0 < (event.confidence or 0) <= 1


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
def test_seed_twir_issue_is_not_a_post() -> None:
    path = next(SEEDS.glob("002_*.txt"))
    assert detect_format(Document("seeds", path.name, path.read_text("utf-8"))) == "markdown"


def test_a_post_that_announces_nothing_says_so() -> None:
    result = parse("2023-06-01-release.md", "---\ntitle: Announcing Rust 1.70.0\n---\n"
                   "Rust 1.70.0 was released on June 1, 2023.\n")
    assert result.events == () and result.problems == ()
    assert result.notices == (NO_EVENT,)


def test_an_event_without_a_place_is_a_problem_not_an_event() -> None:
    result = parse("p.md", "---\ntitle: Announcing RustConf 2024\n---\n"
                   "RustConf 2024 will take place on September 10-13, 2024.\n")
    assert result.events == ()
    (problem,) = result.problems
    assert "does not say where" in problem.message and problem.line == 4


def test_the_post_date_resolves_a_date_without_a_year() -> None:
    text = "---\ntitle: Oxidize\ndate: 2020-01-05\n---\nOxidize is held in Berlin on 16–19 July.\n"
    (event,) = parse("p.md", text).events
    assert (event.start, event.end) == (dt.date(2020, 7, 16), dt.date(2020, 7, 19))


def test_pelican_metadata_is_the_post_front_matter_not_its_first_lines() -> None:
    """``Title:``/``Date:`` lines before the first blank line (Pelican) give the title and
    the post's date, which dates no event itself and gives a year-less date its year."""
    text = ("Title: RustConf 2025 announced\nDate: 2025-03-01\nAuthor: The team\n\n"
            "We announce [RustConf 2025](https://rustconf.com/): September 2-4 in Seattle, WA.\n")
    result = parse("p.md", text)
    (event,) = result.events
    assert (event.title, event.start, event.end, event.city, event.line) == (
        "RustConf 2025", dt.date(2025, 9, 2), dt.date(2025, 9, 4), "Seattle", 5)
    assert result.issues[0].date == dt.date(2025, 3, 1)


def test_a_date_without_any_year_is_not_guessed() -> None:
    result = parse("p.md", "---\ntitle: Oxidize\n---\nOxidize is held in Berlin on 16–19 July.\n")
    assert result.events == () and "does not say when" in result.problems[0].message


def test_a_lineup_of_program_days_is_one_event() -> None:
    text = ("---\ntitle: RustConf 2019\n---\nRustConf 2019 is held in Portland on August 22-23, "
            "2019.\n\n## August 22, 2019: Training day\n\nTraining.\n\n"
            "## August 23, 2019: Talks day\n\nTalks in Portland.\n")
    (event,) = parse("p.md", text).events
    assert event.title == "RustConf 2019" and event.end == dt.date(2019, 8, 23)


def test_links_that_cannot_be_split_are_no_event_link() -> None:
    """``http://[host`` ("Invalid IPv6 URL") is read past: the event is found all the same."""
    text = ("---\ntitle: RustConf 2025\n---\nWe announce [RustConf 2025](http://[oops/) "
            "in Seattle, WA on September 2-4, 2025. See [tickets](http://[bad).\n")
    (event,) = parse("p.md", text).events
    assert (event.title, event.start, event.city, event.url) == (
        "RustConf 2025", dt.date(2025, 9, 2), "Seattle", None)


FRAGMENTS = st.sampled_from([
    "---\n", "+++\n", "title: ", "date: 2023-06-14\n", "RustConf 2024", " will be held in ",
    "Berlin", " on ", "October 12th to 13th, 2023", "12–13 October", "This March", "### ",
    "April 26-29, 2019: Oxidize\n", "[link](https://example.org/)", "<a href='x'>y</a>",
    "\n\n", "online", " ", ":", "\"", "'", "* ", "```\n", "[^1]", "Dec 15-16", "31 February",
    "\ufeff", "\\", "=", "[x]: http://y\n", "Rust Global", "Seattle, WA", "\t",
    "[RustConf](http://[x/)", "[x]: http://[y\n",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS | st.text(max_size=20), max_size=40).map("".join),
       st.sampled_from(["a.md", "2023-06-14-x.md", ""]))
def test_parser_never_raises(text: str, name: str) -> None:
    document = Document("fuzz", name, text)
    PARSER.detect(document)
    result = PARSER.parse(document)
    for event in result.events:
        assert event.end is None or event.end >= event.start
        assert event.precision in ("day", "month", "year")
        assert event.city or event.virtual


# --- through the pipeline, ICS and the CLI ---------------------------------------------------

PLANNED = """---
title: "Save the date: Rust Paris Summit"
date: 2025-05-20
---

The Rust Paris Summit is coming this October in Paris! Tickets soon.
"""
DATED = """---
title: "Announcing RustNL 2025"
date: 2025-05-01
---

RustNL 2025 will take place on June 12 and 13, 2025 in Delft, the Netherlands.
"""


def _run(folder: Path, settings_, clock, include_imprecise: bool):
    (folder / "2025-05-20-paris.md").write_text(PLANNED, "utf-8")
    (folder / "2025-05-01-rustnl.md").write_text(DATED, "utf-8")
    chosen = dataclasses.replace(
        settings_, publish=PublishSettings(include_imprecise=include_imprecise))
    report = run_once(chosen, sources=[adhoc_source(str(folder))], clock=clock)
    assert not report.failed and report.events_found == 2
    return icalendar.Calendar.from_ical(
        (chosen.output.dir / "ics" / "all.ics").read_bytes()).walk("VEVENT")


def test_month_precision_event_is_all_day_on_its_first_day(tmp_path, settings, clock):
    folder = tmp_path / "posts"
    folder.mkdir()
    events = {str(e["SUMMARY"]): e for e in _run(folder, settings, clock, True)}
    paris = events["Rust Paris Summit"]
    assert paris.decoded("DTSTART") == dt.date(2025, 10, 1)
    assert paris.decoded("DTEND") == dt.date(2025, 10, 2)
    assert "Date known to the month: October 2025" in str(paris["DESCRIPTION"])
    rustnl = events["RustNL 2025"]
    assert rustnl.decoded("DTEND") == dt.date(2025, 6, 14)
    assert "Date known to" not in str(rustnl["DESCRIPTION"])


def test_imprecise_events_can_be_left_out_of_ics(tmp_path, settings, clock):
    folder = tmp_path / "posts"
    folder.mkdir()
    summaries = [str(e["SUMMARY"]) for e in _run(folder, settings, clock, False)]
    assert summaries == ["RustNL 2025"]
    data = json.loads((settings.output.dir / "events.json").read_text("utf-8"))
    assert {e["title"] for e in data["events"]} == {"RustNL 2025", "Rust Paris Summit"}


def test_cli_parse_prints_post_events_as_jsonl(tmp_path, capsys):
    path = tmp_path / "2025-05-20-paris.md"
    path.write_text(PLANNED, "utf-8")
    assert main(["parse", str(path), "--format", "jsonl"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    row = json.loads(line)
    assert row["name"] == row["title"] == "Rust Paris Summit"
    assert (row["start"], row["end"], row["precision"]) == ("2025-10-01", "2025-10-31", "month")
    assert (row["city"], row["country"], row["region"]) == ("Paris", "FR", "Europe")
    assert 0 < row["confidence"] < 1
