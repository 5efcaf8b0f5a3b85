"""Runs skip the work whose inputs did not change, and report what a full run reports."""

import shutil
from pathlib import Path

import pytest

from calendar_agg import pipeline
from calendar_agg.config import adhoc_source
from calendar_agg.pipeline import run_once

SAMPLES = Path(__file__).resolve().parent / "samples" / "pipeline"
BROKEN_LINE = "* 2025-13-45 | Nowhere | [Broken](https://example.org/broken)\n"


@pytest.fixture
def issues(tmp_path: Path) -> Path:
    folder = tmp_path / "issues"
    shutil.copytree(SAMPLES, folder)
    first = sorted(folder.glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("### Virtual", "### Virtual\n\n" + BROKEN_LINE, 1),
                     encoding="utf-8")
    return folder


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the documents parsed, run after run."""
    names: list[str] = []
    parse = pipeline.parse_document

    def counting(document):
        names.append(document.name)
        return parse(document)

    monkeypatch.setattr(pipeline, "parse_document", counting)
    return names


def summary(report) -> tuple:
    return (report.events_found, sorted(map(str, report.problems)), sorted(report.notices),
            [(s.documents, s.events) for s in report.sources])


def test_unchanged_documents_are_not_parsed_and_report_the_same(settings, clock, issues,
                                                                parsed):
    first = run_once(settings, sources=[adhoc_source(str(issues))], clock=clock)
    assert len(parsed) == 2 and first.problems
    again = run_once(settings, sources=[adhoc_source(str(issues))], clock=clock)
    assert len(parsed) == 2  # nothing parsed the second time
    assert summary(again) == summary(first)
    assert (again.new, again.updated, again.written) == (0, 0, [])


def test_a_changed_document_alone_is_parsed_again(settings, clock, issues, parsed):
    run_once(settings, sources=[adhoc_source(str(issues))], clock=clock)
    newest = sorted(issues.glob("*.md"))[-1]
    newest.write_text(newest.read_text(encoding="utf-8").replace(
        "Risc V in embedded", "RISC-V in embedded Rust"), encoding="utf-8")
    report = run_once(settings, sources=[adhoc_source(str(issues))], clock=clock)
    assert parsed[2:] == [newest.name]
    assert report.written
    assert b"RISC-V in embedded Rust" in (settings.output.dir / "ics" / "europe.ics").read_bytes()


def test_a_deleted_output_file_is_written_again(settings, clock, issues):
    run_once(settings, sources=[adhoc_source(str(issues))], clock=clock)
    europe = settings.output.dir / "ics" / "europe.ics"
    before = europe.read_bytes()
    europe.unlink()
    report = run_once(settings, sources=[adhoc_source(str(issues))], clock=clock)
    assert report.written == [str(europe)] and europe.read_bytes() == before


def test_a_new_day_publishes_again(settings, clock, issues):
    import datetime as dt

    run_once(settings, sources=[adhoc_source(str(issues))], clock=clock)
    archive = settings.output.dir / "ics" / "archive.ics"
    archive.write_bytes(b"stale")  # same size and time would go unnoticed; a new day not
    later = lambda: clock() + dt.timedelta(days=1)  # noqa: E731
    run_once(settings, sources=[adhoc_source(str(issues))], clock=later)
    assert archive.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_changed_copy_of_an_issue_keeps_the_listings_of_the_other(settings, clock, tmp_path,
                                                                   parsed):
    """Two documents of one issue (a page and its markdown): when one changes, both are read
    again, as an issue's listings are replaced from every document that lists it."""
    folder = tmp_path / "copies"
    folder.mkdir()
    newest = sorted(SAMPLES.glob("*.md"))[-1]
    text = newest.read_text(encoding="utf-8")
    head, rest = text.split("### Virtual")
    virtual, rest = rest.split("### Europe")
    europe = rest.split("### North America")[0]
    (folder / "a.md").write_text(f"{head}### Virtual{virtual}", encoding="utf-8")
    padding = "\n" * 20  # listings are kept by issue and line: the copies' lines differ
    (folder / "b.md").write_text(f"{head}{padding}### Europe{europe}", encoding="utf-8")
    first = run_once(settings, sources=[adhoc_source(str(folder))], clock=clock)
    (folder / "b.md").write_text((folder / "b.md").read_text(encoding="utf-8").replace(
        "Risc V in embedded", "RISC-V in embedded Rust"), encoding="utf-8")
    again = run_once(settings, sources=[adhoc_source(str(folder))], clock=clock)
    assert sorted(parsed[2:]) == ["a.md", "b.md"]
    assert again.events_found == first.events_found
    calendar = (settings.output.dir / "ics" / "all.ics").read_bytes()
    assert b"RISC-V in embedded Rust" in calendar and b"June SRUG Meetup" in calendar
