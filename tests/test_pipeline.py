"""End to end: a folder of issues in, calendars and feeds out."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import icalendar
import pytest

from calendar_agg.config import adhoc_source
from calendar_agg.pipeline import run_once
from calendar_agg.store import Store

SAMPLES = Path(__file__).resolve().parent / "samples" / "pipeline"
FIRST, SECOND = sorted(SAMPLES.glob("*.md"))


def uids_and_titles(path: Path) -> dict[str, str]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_folder_to_feeds(settings, clock):
    report = run_once(settings, sources=[adhoc_source(str(SAMPLES))], clock=clock)
    assert not report.failed and report.problems == []
    assert report.events_found == 8
    assert report.new == 5
    out = settings.output.dir
    assert sorted(uids_and_titles(out / "ics" / "europe.ics").values()) == [
        "Monthly Rust Meetup", "Risc V in embedded"]
    assert sorted(uids_and_titles(out / "ics" / "virtual.ics").values()) == [
        "June SRUG Meetup: Rust in Production", "Rust Hack and Learn"]
    north_america = uids_and_titles(out / "ics" / "north-america.ics")
    assert list(north_america.values()) == ["June SRUG Meetup: Rust in Production"]
    assert set(north_america) <= set(uids_and_titles(out / "ics" / "virtual.ics"))
    assert list(uids_and_titles(out / "ics" / "asia.ics").values()) == [
        "In person Rust June 2025"]
    assert len(uids_and_titles(out / "ics" / "all.ics")) == 5
    feed = feedparser.parse((out / "atom" / "all.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 5
    assert feed.entries[0].published_parsed[:3] == (2025, 6, 11)  # newest announcement first
    data = json.loads((out / "events.json").read_text())
    assert {e["country"] for e in data["events"]} == {"DE", "US", "IL", "GB"}


def test_rerun_is_byte_identical_and_changes_no_row(settings, clock):
    run_once(settings, sources=[adhoc_source(str(SAMPLES))], clock=clock)
    before = snapshot(settings.output.dir)
    store = Store.open(settings.store.path)
    rows_before = store.events()
    store.close()
    later = lambda: clock() + dt.timedelta(hours=6)  # noqa: E731
    report = run_once(settings, sources=[adhoc_source(str(SAMPLES))], clock=later)
    assert (report.new, report.updated, report.written) == (0, 0, [])
    assert snapshot(settings.output.dir) == before
    store = Store.open(settings.store.path)
    assert store.events() == rows_before
    store.close()


def test_a_run_keeps_no_memo_of_links_for_the_next(settings, clock):
    """A daemon runs for months: the canonical forms of the links a run read are not held
    after it (the next run that groups reads them back with the listings)."""
    from calendar_agg.normalize import identity

    run_once(settings, sources=[adhoc_source(str(FIRST))], clock=clock)
    assert identity._CANONICAL == {}
    run_once(settings, sources=[adhoc_source(str(SECOND))], clock=clock)
    assert identity._CANONICAL == {}
    grouped_again = uids_and_titles(settings.output.dir / "ics" / "all.ics")
    assert "June SRUG Meetup: Rust in Production" in grouped_again.values()


def test_a_link_urllib_cannot_split_is_stored_and_published(settings, clock, tmp_path):
    """``http://[host`` is no address ("Invalid IPv6 URL"): grouping reads such a link as
    text, the events are stored, and the feeds link to what can be opened."""
    issue = tmp_path / "2025-06-04-this-week-in-rust-602.md"
    issue.write_text(
        "Title: This Week in Rust 602\nNumber: 602\nDate: 2025-06-04\n\n"
        "## Upcoming Events\n\n### Europe\n"
        "* 2025-06-12 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)\n"
        "    * [**Hack and Learn**](http://[oops/events/1)\n"
        "* 2025-06-13 | Berlin, DE | [Rust Berlin](http://[oops/)\n"
        "    * [**Rust and Tell**](https://www.meetup.com/rust-berlin/events/2/)\n"
        "\n## Jobs\n", encoding="utf-8")
    report = run_once(settings, sources=[adhoc_source(str(issue))], clock=clock)
    assert (report.events_found, report.new) == (2, 2)
    archive = icalendar.Calendar.from_ical(
        (settings.output.dir / "ics" / "archive.ics").read_bytes())
    assert sorted(str(e["URL"]) for e in archive.walk("VEVENT")) == [
        "https://www.meetup.com/rust-berlin/", "https://www.meetup.com/rust-berlin/events/2/"]


def test_issue_by_issue_tracks_the_change(settings, clock):
    run_once(settings, sources=[adhoc_source(str(FIRST))], clock=clock)
    report = run_once(settings, sources=[adhoc_source(str(SECOND))], clock=clock)
    assert (report.new, report.updated) == (1, 1)
    calendar = icalendar.Calendar.from_ical(
        (settings.output.dir / "ics" / "north-america.ics").read_bytes())
    [srug] = calendar.walk("VEVENT")
    assert str(srug["SUMMARY"]) == "June SRUG Meetup: Rust in Production"
    assert srug["SEQUENCE"] == 1
    assert srug["LAST-MODIFIED"].dt == dt.datetime(2025, 6, 11, tzinfo=dt.UTC)


def test_failed_source_keeps_everything_and_the_others_run(settings, clock, tmp_path):
    run_once(settings, sources=[adhoc_source(str(SAMPLES))], clock=clock)
    before = snapshot(settings.output.dir)
    report = run_once(settings, clock=clock, sources=[
        adhoc_source("http://127.0.0.1:9/atom.xml"), adhoc_source(str(FIRST))])
    assert report.failed
    assert report.sources[0].error == "cannot connect: connection refused"
    assert report.sources[1].events == 5
    assert snapshot(settings.output.dir) == before


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "calendar_agg", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_cli_parse_jsonl_is_pure_and_complete(tmp_path):
    done = cli("parse", str(SAMPLES), "--format", "jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 8
    assert list(rows[0]) == ["issue", "line", "start", "end", "city", "subdivision", "country",
                             "virtual", "hybrid", "region", "group", "group_url", "title",
                             "url", "extra_urls", "name", "precision", "confidence",
                             "starts_at", "ends_at", "timezone", "status"]
    srug = next(r for r in rows if r["subdivision"] == "WA" and r["hybrid"])
    assert srug == {
        "issue": "2025-06-04-this-week-in-rust-602", "line": 15, "start": "2025-06-19",
        "end": None, "city": "Redmond", "subdivision": "WA", "country": "US", "virtual": True,
        "hybrid": True, "region": "North America", "group": "Seattle Rust User Group",
        "group_url": "https://www.meetup.com/join-srug", "title": "June SRUG Meetup",
        "url": "https://www.meetup.com/seattle-rust-user-group/events/305658476",
        "extra_urls": [], "name": "June SRUG Meetup", "precision": "day", "confidence": None,
        "starts_at": None, "ends_at": None, "timezone": None, "status": None}


def test_cli_parse_workers_change_nothing_printed(tmp_path):
    """``--workers``: processes that parse; the output is the same with one or several."""
    folder = tmp_path / "issues"
    folder.mkdir()
    for path in sorted(MARKDOWN.glob("*.md")):
        (folder / path.name).write_bytes(path.read_bytes())
    alone = cli("parse", str(folder), "--format", "jsonl", "--workers", "1", cwd=tmp_path)
    several = cli("parse", str(folder), "--format", "jsonl", "--workers", "3", cwd=tmp_path)
    assert alone.returncode == several.returncode == 0, several.stderr
    assert alone.stdout and (alone.stdout, alone.stderr) == (several.stdout, several.stderr)
    wrong = cli("parse", str(folder), "--workers", "0", cwd=tmp_path)
    assert wrong.returncode != 0
    assert "--workers: must be a whole number of 1 or more" in wrong.stderr


def test_cli_run_without_network_fails_in_one_line_and_keeps_output(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[output]\ndir = "out"\n[store]\npath = "var/db.sqlite3"\n'
                      '[[sources]]\nname = "twir"\nurl = "http://127.0.0.1:9/atom.xml"\n')
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.ics").write_text("published before")
    done = cli("run", "--config", str(config), "-q", cwd=tmp_path)
    assert done.returncode == 1
    assert "twir" in done.stderr and "connection refused" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert (tmp_path / "out" / "keep.ics").read_text() == "published before"


def test_cli_config_error_exit_code(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[outptu]\ndir = "x"\n')
    done = cli("run", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 2
    assert "outptu: unknown key (did you mean output?)" in done.stderr


def test_cli_run_says_which_documents_gave_nothing(tmp_path):
    # a page with no events section is skipped with a notice: the run said "0 events" only
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "about.html").write_text("<html><body><h1>About</h1><p>Hi.</p></body></html>")
    (folder / "2025-06-04-this-week-in-rust.md").write_bytes(
        (SAMPLES / "2025-06-04-this-week-in-rust.md").read_bytes())
    done = cli("run", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"notice: {folder}: about.html: no upcoming-events section" in done.stdout.splitlines()
    as_json = cli("run", str(folder), "--json", cwd=tmp_path)
    assert json.loads(as_json.stdout)["notices"] == [
        f"{folder}: about.html: no upcoming-events section"]


def test_cli_run_from_inside_its_folder_does_not_read_its_own_output(tmp_path):
    (tmp_path / "2025-06-04-this-week-in-rust.md").write_bytes(
        (SAMPLES / "2025-06-04-this-week-in-rust.md").read_bytes())
    first = cli("run", ".", cwd=tmp_path)
    assert first.returncode == 0 and (tmp_path / "output" / "ics" / "all.ics").exists()
    again = cli("run", ".", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == "source .: 1 documents, 5 events"
    assert "notice" not in again.stdout


def test_cli_unknown_near_city_stops_the_run_before_it_stores_anything(tmp_path):
    # found only when the run published, the bad city let it store every event first
    config = tmp_path / "c.toml"
    config.write_text(f'[store]\npath = "var/db.sqlite3"\n[[sources]]\nname = "a"\n'
                      f'path = "{SAMPLES}"\n[[feeds]]\nname = "n"\ntitle = "n"\n'
                      f'near = {{ city = "Xqzzyville", radius_km = 50 }}\n')
    done = cli("run", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 2
    assert "feeds[0].near.city: 'Xqzzyville' is not a city the offline gazetteer" in done.stderr
    assert not (tmp_path / "var").exists() and not (tmp_path / "output").exists()


@pytest.mark.parametrize("command", ["run", "parse"])
def test_cli_unknown_input_format_is_a_usage_error(tmp_path, command):
    done = cli(command, "--input-format", "klingon", str(SAMPLES), cwd=tmp_path)
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert "--input-format: unknown format 'klingon'; known: feed, html" in done.stderr
    assert not (tmp_path / "output").exists()


MARKDOWN = Path(__file__).resolve().parent / "samples" / "markdown"


def derived_rows(path: Path) -> tuple:
    store = Store.open(path)
    try:
        return tuple(tuple(store._db.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2, 3"))
                     for table, columns in (("events", "uid, start, data"), ("sightings", "*"),
                                            ("history", "*")))
    finally:
        store.close()


def test_one_late_issue_gives_what_a_full_rebuild_gives(settings, clock, tmp_path):
    """An older issue arrives after the rest: the run keeps the events whose inputs did not
    change and the listings resolved before, and a full rebuild of every event from the same
    store, every listing resolved again, changes no row."""
    folder = tmp_path / "issues"
    folder.mkdir()
    issues = sorted(MARKDOWN.glob("20*.md"))
    late = next(p for p in issues if p.name.startswith("2015-12-28"))
    for path in issues:
        if path != late:
            (folder / path.name).write_bytes(path.read_bytes())
    source = [adhoc_source(str(folder))]
    run_once(settings, sources=source, clock=clock)
    (folder / late.name).write_bytes(late.read_bytes())
    report = run_once(settings, sources=source, clock=clock)
    assert report.new > 0
    incremental = derived_rows(settings.store.path)
    store = Store.open(settings.store.path)
    with store.transaction():
        store.set_run_value("derived_from", "another program")  # derive every event again
        store.set_run_value("resolved_from", "another program")  # resolve every listing again
    store.close()
    (folder / late.name).write_bytes(late.read_bytes() + b"\n")  # parsed again
    run_once(settings, sources=source, clock=clock)
    assert derived_rows(settings.store.path) == incremental


def test_folder_file_gone_while_the_run_reads_it_fails_the_source_and_keeps_all(
        settings, clock, tmp_path):
    """A folder's files are read one at a time as they are parsed; one that can no longer
    be read then fails the whole source, and nothing of it is kept half-way."""
    folder = tmp_path / "issues"
    folder.mkdir()
    first, second = (folder / FIRST.name, folder / SECOND.name)
    first.write_bytes(FIRST.read_bytes())
    second.write_bytes(SECOND.read_bytes())
    run_once(settings, sources=[adhoc_source(str(folder))], clock=clock)
    before = snapshot(settings.output.dir)
    store = Store.open(settings.store.path)
    events_before, listings_before = store.events(), store.listings()
    store.close()
    first.write_text(FIRST.read_text().replace("Rust Hack and Learn", "Renamed"))

    def remove_the_next_file(source: str, done: int, total: int) -> None:
        if done == 1:
            second.unlink()

    report = run_once(settings, sources=[adhoc_source(str(folder))], clock=clock,
                      progress=remove_the_next_file)
    [source] = report.sources
    assert source.error is not None and SECOND.name in source.error
    store = Store.open(settings.store.path)
    assert (store.events(), store.listings()) == (events_before, listings_before)
    store.close()
    assert snapshot(settings.output.dir) == before


def test_a_source_that_fails_half_way_keeps_its_events_while_another_is_derived(
        settings, clock, tmp_path):
    """The listings a source stored before it failed are rolled back, and the events derived
    for another source's new issue in the same run read the listings as they were: none of
    the failed source's new listings."""
    folder, other = tmp_path / "issues", tmp_path / "other"
    folder.mkdir()
    other.mkdir()
    first, second = (folder / FIRST.name, folder / SECOND.name)
    first.write_bytes(FIRST.read_bytes())
    second.write_bytes(SECOND.read_bytes())
    sources = [adhoc_source(str(folder)), adhoc_source(str(other))]
    run_once(settings, sources=sources, clock=clock)
    store = Store.open(settings.store.path)
    titles_before = {e.uid: e.title for e in store.events()}
    store.close()
    assert not any(title and "Renamed" in title for title in titles_before.values())
    first.write_text(FIRST.read_text().replace("Rust Hack and Learn", "Renamed"))
    late = sorted(MARKDOWN.glob("20*.md"))[0]
    (other / late.name).write_bytes(late.read_bytes())  # parsed: the events are derived

    def remove_the_next_file(source: str, done: int, total: int) -> None:
        if source == sources[0].name and done == 1:
            second.unlink()

    report = run_once(settings, sources=sources, clock=clock, progress=remove_the_next_file)
    assert report.sources[0].error and not report.sources[1].error
    store = Store.open(settings.store.path)
    titles = {e.uid: e.title for e in store.events()}
    store.close()
    assert {uid: titles[uid] for uid in titles_before} == titles_before
    assert len(titles) > len(titles_before)


def test_folder_file_that_is_no_document_is_a_problem_in_its_place(settings, clock, tmp_path):
    folder = tmp_path / "issues"
    folder.mkdir()
    (folder / FIRST.name).write_bytes(FIRST.read_bytes())
    (folder / "2025-06-05-broken.md").write_bytes(b"\x00\x01binary")
    (folder / SECOND.name).write_bytes(SECOND.read_bytes())
    report = run_once(settings, sources=[adhoc_source(str(folder))], clock=clock)
    [source] = report.sources
    assert (source.error, source.documents, source.events) == (None, 2, 8)
    assert [(p.document, p.message) for p in report.problems] == [
        ("2025-06-05-broken.md", "binary data, not a text document")]


def test_an_issue_edited_in_place_bumps_sequence_and_records_the_correction(settings, clock,
                                                                            tmp_path):
    # an editor fixes a title and calls a meetup off in an issue already read and published
    folder = tmp_path / "issues"
    folder.mkdir()
    issue = folder / FIRST.name
    issue.write_text(FIRST.read_text())
    source = [adhoc_source(str(folder))]
    run_once(settings, sources=source, clock=clock)
    store = Store.open(settings.store.path)
    before = {e.title: e for e in store.events()}
    store.close()

    issue.write_text(FIRST.read_text().replace("Monthly Rust Meetup", "Monthly Rust Talks")
                     .replace("[**In person Rust June 2025**]", "[**CANCELLED In person Rust"
                                                                " June 2025**]"))
    later = lambda: clock() + dt.timedelta(hours=6)  # noqa: E731
    report = run_once(settings, sources=source, clock=later)
    assert (report.new, report.updated, report.cancelled) == (0, 2, 1)
    store = Store.open(settings.store.path)
    after = {e.uid: e for e in store.events()}
    renamed = after[before["Monthly Rust Meetup"].uid]
    cancelled = after[before["In person Rust June 2025"].uid]
    assert renamed.title == "Monthly Rust Talks" and cancelled.status == "CANCELLED"
    for old, new in ((before["Monthly Rust Meetup"], renamed),
                     (before["In person Rust June 2025"], cancelled)):
        assert new.sequence == old.sequence + 1 and new.last_modified > old.last_modified
        *_, correction = store.history(new.uid)
        assert correction.change == "corrected" and correction.issue == old.issues[0]
    assert store.history(renamed.uid)[-1].details["title"] == ["Monthly Rust Meetup",
                                                               "Monthly Rust Talks"]
    untouched = after[before["Rust Hack and Learn"].uid]
    assert untouched == before["Rust Hack and Learn"]
    store.close()
    published = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(
        (settings.output.dir / "ics" / "all.ics").read_bytes()).walk("VEVENT")}
    assert published[cancelled.uid]["STATUS"] == "CANCELLED"
    assert published[cancelled.uid]["SEQUENCE"] == cancelled.sequence

    # fixed back, and a later issue lists the meetup again: SEQUENCE never goes back, and
    # the corrections stay in the history although no listing tells them
    issue.write_text(FIRST.read_text())
    run_once(settings, sources=source, clock=lambda: clock() + dt.timedelta(hours=12))
    (folder / SECOND.name).write_text(SECOND.read_text())
    run_once(settings, sources=source, clock=lambda: clock() + dt.timedelta(days=7))
    store = Store.open(settings.store.path)
    final = store.event(renamed.uid)
    assert final.title == "Monthly Rust Meetup" and final.sequence == renamed.sequence + 1
    assert [c.change for c in store.history(renamed.uid)].count("corrected") == 2
    store.close()


ISSUE = """Title: This Week in Rust {number}
Number: {number}
Date: {date}

## Upcoming Events

Rusty Events between {date} - 2025-07-09 🦀

### Europe
* 2025-06-12 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)
    * [**Hack and Learn**](https://www.meetup.com/rust-berlin/events/hack/)
{hamburg}* 2025-06-30 | Köln, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)
    * [**Rust Cologne Meetup**](https://www.meetup.com/rustcologne/events/7/)
{end}"""
HAMBURG = """* {day} | Hamburg, DE | [Rust Hamburg](https://hamburg.rs/)
    * [**Rust Hamburg Meetup**](https://hamburg.rs/2025/06/meetup.html)
"""
CLOSING = """
If you are running a Rust event please add it to the [calendar] to get
it mentioned here.

## Jobs
"""


def _issue(folder: Path, number: int, date: str, hamburg: str | None, end: str = CLOSING
           ) -> None:
    text = ISSUE.format(number=number, date=date, end=end,
                        hamburg=HAMBURG.format(day=hamburg) if hamburg else "")
    (folder / f"{date}-this-week-in-rust.md").write_text(text)


def _statuses(settings) -> dict[str, str]:
    store = Store.open(settings.store.path)
    try:
        return {e.title: e.status for e in store.events()}
    finally:
        store.close()


@pytest.mark.parametrize("second", ["bad date", "cut off"])
def test_an_issue_not_read_in_full_cancels_nothing(settings, clock, tmp_path, second):
    folder = tmp_path / "issues"
    folder.mkdir()
    _issue(folder, 601, "2025-06-04", "2025-06-26")
    source = [adhoc_source(str(folder))]
    run_once(settings, sources=source, clock=clock)
    if second == "bad date":  # the Hamburg line reported, not read as "no longer listed"
        _issue(folder, 602, "2025-06-11", "2025-06-32")
    else:  # the file ends within the list: the lines after the cut are unknown
        text = ISSUE.format(number=602, date="2025-06-11", hamburg="", end="")
        (folder / "2025-06-11-this-week-in-rust.md").write_text(text.split("* 2025-06-30")[0])
    report = run_once(settings, sources=source, clock=lambda: clock() + dt.timedelta(days=7))
    assert report.cancelled == 0
    assert set(_statuses(settings).values()) == {"CONFIRMED"}
    assert len(report.problems) == (second == "bad date")

    _issue(folder, 603, "2025-06-18", None)  # a whole issue without it does cancel it
    report = run_once(settings, sources=source, clock=lambda: clock() + dt.timedelta(days=14))
    assert _statuses(settings)["Rust Hamburg Meetup"] == "CANCELLED"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_folder_file_that_cannot_be_read_is_a_problem_and_the_others_are_read(
        settings, clock, tmp_path):
    folder = tmp_path / "issues"
    folder.mkdir()
    (folder / FIRST.name).write_bytes(FIRST.read_bytes())
    locked = folder / SECOND.name
    locked.write_bytes(SECOND.read_bytes())
    locked.chmod(0)
    report = run_once(settings, sources=[adhoc_source(str(folder))], clock=clock)
    [source] = report.sources
    assert source.error is None and source.events == 5
    [problem] = report.problems
    assert problem.document == SECOND.name and "cannot read: Permission denied" in problem.message
