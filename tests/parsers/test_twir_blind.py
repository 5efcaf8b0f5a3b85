"""The blind TWiR samples: synthetic issues of every era written, with their annotations,
before their writers read the parser (tests/samples/twir-blind/: ``eras/``, the forms of
each era; ``slips/``, editors' slips and drifts of format; ``prose/``, the free forms of
2014-2016; ``transitions/``, issues of 2018-2022 at the changes of form; ``places/``,
places of every kind in 2016-2019; ``recent/``, full issues of 2023-2026; ``structure/``,
the headings, paragraphs and comments around the entries; ``dates/``, dates at their edges;
``odd/``, the odd lines of 2015-2018; ``remote/``, the remote era's ways of saying how to
attend; ``current/``, odd entries of the current form; ``dash/``, irregular entries of the
dash forms of 2018-2021; ``realistic/``, issues between sample dates written as their
neighbours are; each NOTES.md says how).

Each annotated entry must give an event on its line, no other line may give one, and the
fields issue 3 measures must be as annotated (and ``cancelled`` where it is annotated), but
for the differences listed in ``ACCEPTED`` with the reason the product reads them
otherwise. Titles are not compared: where a line
names a group and a title without saying which is which, the annotators chose differently
from the parser (and from each other), which the ``group`` field keeps apart.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import markdown
import pytest

from calendar_agg.models import Document, RawEvent
from calendar_agg.normalize.merge import resolve
from calendar_agg.parsers.html import HtmlParser
from calendar_agg.parsers.markdown import MarkdownParser

BLIND = Path(__file__).resolve().parents[1] / "samples" / "twir-blind"
FIELDS = ("start", "end", "city", "country", "virtual", "hybrid", "url")
# rounds whose annotations follow another convention for some fields: those compared
ROUND_FIELDS = {
    # its writer named no city or country a group's name gives ("Rust Paris"), which the
    # parser reads as a person does; and marked the project's own meetings in person
    "dates": ("start", "end", "hybrid", "url"),
}

# Reasons the parser reads several annotated values otherwise
NO_SCHEME = ("a link written without its scheme (www.meetup.com/...) is given https://: a "
             "calendar needs an absolute link")
BAY_AREA = "the Rust Bay Area group meets in San Francisco (gazetteer.CITY_ALIASES: bay area)"
STATE_AS_TOWN = "Utah, US: a state where the town would be is the state, no city"
TWO_CITIES = ("Rust Boulder/Denver: the title's first city, but for one it names again (the "
              "writers chose Denver, where it mostly meets)")
A_TITLE_CITY = ("a city a title names gives the entry's city where its line writes none (the "
                "writer read no city)")

# (round/issue date, line, field) -> why the parser's reading differs from the annotation
ACCEPTED: dict[tuple[str, int, str], str] = {
    ("eras/2014-12-22", 62, "url"): NO_SCHEME,
    ("prose/2015-02-23", 140, "url"): NO_SCHEME,
    ("odd/2015-02-16", 153, "url"): NO_SCHEME,
    ("realistic/2015-02-23", 144, "url"): NO_SCHEME,
    ("slips/2016-04-18", 79, "city"): BAY_AREA,
    ("prose/2015-02-23", 132, "city"): BAY_AREA,
    ("prose/2015-07-20", 88, "city"): BAY_AREA,  # the Bay Area Rust Hack Day
    ("odd/2017-08-15", 107, "city"): BAY_AREA,
    ("realistic/2016-02-22", 99, "city"): BAY_AREA,
    ("realistic/2016-02-22", 99, "country"): BAY_AREA,
    ("places/2018-11-13", 122, "city"): STATE_AS_TOWN,
    ("realistic/2018-10-09", 130, "city"): STATE_AS_TOWN,
    ("odd/2016-02-22", 104, "city"): TWO_CITIES,  # "this time in Denver" after the link
    ("realistic/2016-02-22", 104, "city"): TWO_CITIES,
    ("realistic/2016-05-23", 132, "city"): TWO_CITIES,
    ("dash/2018-04-24", 101, "city"): A_TITLE_CITY,  # Rust London User Group
    ("dash/2018-04-24", 104, "city"): A_TITLE_CITY,  # Rust Dev in Mountain View
    ("dash/2018-04-24", 113, "city"): A_TITLE_CITY,
    ("realistic/2026-07-22", 272, "city"): A_TITLE_CITY,  # Poland, PL; "Rust Poland x Kraków"
    ("realistic/2015-10-05", 99, "city"): "PDXRust: PDX is Portland (gazetteer.CITY_ALIASES)",
    ("realistic/2015-10-05", 99, "country"): "PDXRust: Portland, US",
    ("realistic/2017-03-14", 139, "country"): "South Florida Rust: Florida is a US state",
    ("prose/2015-01-19", 146, "city"): "a city a title abbreviates is named in full "
                                       "(Rust NYC: New York)",
    ("prose/2015-02-23", 131, "city"): "a city a title abbreviates is named in full",
    ("places/2017-08-22", 112, "city"): "Rust Genève: a city's alternate name is read in "
                                        "free text only for cities of 250,000 or more "
                                        "(text_cities._TEXT_ALTERNATE_MIN; Geneva: 200,000)",
    ("places/2019-11-26", 108, "virtual"): "a hybrid event is virtual too (the writer marked "
                                           "it in person only)",
    ("odd/2015-02-16", 157, "city"): "Rust München / Munich: the first of a city's two names "
                                     "as written (the writer chose the English one)",
    ("odd/2015-12-14", 101, "city"): "Rapperswil, named after a comma in a title: a town under "
                                     "50,000 people is read in free text only with its state "
                                     "or country",
    ("odd/2018-01-16", 106, "city"): "Rust Rhein-Main meets in Frankfurt am Main "
                                     "(gazetteer.CITY_ALIASES)",
    ("dash/2020-11-25", 125, "virtual"): "an online chat listed again under Africa with only "
                                         "its city: read from its own line, as issue 3 asks "
                                         "(the writer took its listing under Online)",
    ("recent/2023-05-17", 191, "virtual"): "an entry under '### Virtual' is virtual: issue 3 "
                                           "sets virtual from the region heading too",
}


def _row(raw: RawEvent) -> dict:
    event = resolve(raw, canonical_city=False)  # as ``calendar-agg parse`` prints it
    return {"start": event.start.isoformat(),
            "end": event.end.isoformat() if event.end else None,
            "city": event.city, "country": event.country, "virtual": event.virtual,
            "hybrid": event.hybrid, "url": event.url, "cancelled": event.status == "CANCELLED"}


def _issues() -> list[Path]:
    return sorted(BLIND.glob("*/*-this-week-in-rust.md"))


def _name(issue: Path) -> str:
    """``eras/2014-12-22``: the round and the issue's date."""
    return f"{issue.parent.name}/{issue.name[:10]}"


@pytest.mark.parametrize("issue", _issues(), ids=_name)
def test_blind_issue_gives_its_annotated_events(issue: Path) -> None:
    result = MarkdownParser().parse(
        Document("blind", issue.name, issue.read_text(encoding="utf-8")))
    parsed = {event.line: _row(event) for event in result.events}
    expected_path = issue.with_name(issue.name.removesuffix(".md") + ".expected.jsonl")
    expected = [json.loads(line) for line in expected_path.read_text("utf-8").splitlines()
                if line.strip()]
    assert sorted(parsed) == [entry["line"] for entry in expected]
    differences = [
        (entry["line"], field, entry[field], parsed[entry["line"]][field])
        for entry in expected
        for field in (*ROUND_FIELDS.get(issue.parent.name, FIELDS), "cancelled") if field in entry
        and parsed[entry["line"]][field] != entry[field]
        and (_name(issue), entry["line"], field) not in ACCEPTED
    ]
    assert differences == []


@pytest.mark.parametrize("issue", _issues(), ids=_name)
def test_blind_issue_page_gives_the_events_its_markdown_gives(issue: Path) -> None:
    """Rendered as the site renders it (python-markdown), the issue gives the same events
    (named by the page's title and counted in the page's lines, which differ)."""
    text = issue.read_text(encoding="utf-8")
    body = text.partition("\n\n")[2]  # after the Title:/Number:/Date: lines
    page = ("<html><head><title>This Week in Rust</title></head><body><article>\n"
            f"{markdown.markdown(body, extensions=['extra', 'toc'])}\n</article></body></html>")
    from_page = HtmlParser().parse(Document("blind", issue.stem + ".html", page))
    from_markdown = MarkdownParser().parse(Document("blind", issue.name, text))
    unlike = PAGE_ACCEPTED.get(_name(issue), ())
    assert _comparable(from_page.events, unlike) == _comparable(from_markdown.events, unlike)


# round/issue date -> fields the page may give otherwise, and why
PAGE_ACCEPTED = {
    "prose/2015-02-23": ("extra_urls",),  # "Talks on [hyper]." after the entry's link: a
    # shortcut reference link, which python-markdown makes a link; the markdown parser reads
    # full references only ("[text][label]"), the only kind the real issues' entries use
}


def _comparable(events: tuple[RawEvent, ...], unlike: tuple[str, ...] = ()) -> list[RawEvent]:
    blank = dict.fromkeys(unlike, ())
    return [dataclasses.replace(event, issue="", line=0, **blank) for event in events]


def test_the_blind_samples_are_there_and_every_accepted_difference_names_one_of_them(
) -> None:
    issues = _issues()
    assert len(issues) == 134
    names = {_name(issue) for issue in issues}
    assert {name for name, _, _ in ACCEPTED} | set(PAGE_ACCEPTED) <= names
