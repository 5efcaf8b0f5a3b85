"""`calendar-agg events` (filters, JSONL) and `calendar-agg history` on a stored backfill."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent / "samples" / "pipeline"


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "calendar_agg", *args, "--config", "c.toml"],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browse")
    (folder / "c.toml").write_text('[output]\ndir = "out"\n[store]\npath = "var/s.sqlite3"\n')
    done = cli("run", str(SAMPLES), "-q", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder


def rows(folder, *filters):
    done = cli("events", "--format", "jsonl", *filters, cwd=folder)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_jsonl_has_the_parse_fields_and_the_stored_ones(folder):
    found = rows(folder)
    assert len(found) == 5
    srug = next(r for r in found if r["hybrid"])
    assert "issue" not in srug and "line" not in srug
    assert srug["regions"] == ["North America", "Virtual"]
    assert (srug["status"], srug["sequence"]) == ("CONFIRMED", 1)
    assert srug["first_seen"] == "2025-06-04T00:00:00+00:00"
    assert srug["last_seen"] == "2025-06-11T00:00:00+00:00"
    assert list(srug)[-6:] == ["uid", "regions", "status", "sequence", "first_seen",
                               "last_seen"]


@pytest.mark.parametrize(("filters", "count"), [
    (("--region", "virtual"), 2),
    (("--region", "north-america"), 1),
    (("--region", "Europe", "--region", "Asia"), 3),
    (("--country", "Germany"), 1),
    (("--country", "UK", "--region", "europe"), 2),
    (("--city", "redmond"), 1),
    (("--from", "2025-06-10"), 3),
    (("--from", "2025-06-09", "--to", "2025-06-12", "--region", "Europe"), 2),
    (("--from", "2025-06-20"), 0),
    (("--text", "SRUG"), 1),
    (("--text", "srug", "--country", "DE"), 0),
])
def test_filters_combine(folder, filters, count):
    assert len(rows(folder, *filters)) == count


def test_bad_filter_is_a_usage_error(folder):
    done = cli("events", "--country", "Atlantis", cwd=folder)
    assert done.returncode == 2 and "unknown country 'Atlantis'" in done.stderr


def test_history_shows_sightings_and_changes(folder):
    [srug] = rows(folder, "--text", "SRUG")
    done = cli("history", srug["uid"], cwd=folder)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "sequence 1" in text
    assert "2025-06-04-this-week-in-rust-602:15  2025-06-19 | Redmond, WA, US | hybrid" in text
    changes = text.split("changes:")[1].strip().splitlines()
    assert changes[0].split()[1] == "new"
    assert changes[1].split()[1] == "renamed" and "'June SRUG Meetup' ->" in changes[1]
    missing = cli("history", "no-such-uid", cwd=folder)
    assert missing.returncode == 2 and "no event with UID" in missing.stderr


def test_output_cut_short_by_its_reader_is_not_an_error(folder):
    # `calendar-agg events --format jsonl | head -1`: here the reader is gone before the
    # first line, so every write meets a closed pipe
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "calendar_agg", "events", "--format", "jsonl", "--config",
             "c.toml"], cwd=folder, stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert done.returncode == 0
    assert done.stderr == b""


@pytest.mark.parametrize(("start", "end", "precision", "shown"), [
    ("2025-06-05", None, "day", "2025-06-05"),
    ("2025-09-22", "2025-09-23", "day", "2025-09-22/23"),
    ("2025-09-30", "2025-10-02", "day", "2025-09-30/10-02"),
    ("2025-12-30", "2026-01-02", "day", "2025-12-30/2026-01-02"),
    ("2025-06-01", "2025-06-30", "month", "2025-06"),
    ("2025-01-01", None, "year", "2025"),
])
def test_tables_show_the_days_an_event_spans(start, end, precision, shown):
    import datetime as dt

    from calendar_agg.browse import when_text

    assert when_text(dt.date.fromisoformat(start), end and dt.date.fromisoformat(end),
                     precision) == shown


def test_parse_table_shows_a_conference_s_last_day(tmp_path):
    issue = tmp_path / "2025-09-10-this-week-in-rust.md"
    issue.write_text("Title: This Week in Rust 616\nNumber: 616\nDate: 2025-09-10\n\n"
                     "## Upcoming Events\n\n### Europe\n\n"
                     "* 2025-09-22 - 2025-09-23 | Köln, DE | [Rust Cologne](https://rust.cologne)\n"
                     "    * [**RustConf Cologne**](https://rust.cologne/2025)\n\n## Jobs\n")
    done = subprocess.run([sys.executable, "-m", "calendar_agg", "parse", str(issue)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:3] == ["2025-09-22/23", "Köln,", "DE"]
