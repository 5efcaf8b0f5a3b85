"""Rule 20 (collapse guard, atomic writes) and output/events.json."""

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from calendar_agg.errors import PublishError
from calendar_agg.publish import guard, publish
from calendar_agg.publish.files import Writes
from calendar_agg.publish.guard import upcoming_in_file

TODAY = dt.date(2025, 6, 5)
README = Path(__file__).resolve().parents[2] / "README.md"


def issue(number: int, count: int, today: dt.date) -> str:
    """An issue listing ``count`` Berlin meetups on the days after ``today``."""
    window = f"{today.isoformat()} - {(today + dt.timedelta(days=40)).isoformat()}"
    lines = [f"Title: This Week in Rust {number}", f"Number: {number}",
             f"Date: {today.isoformat()}", "", "## Upcoming Events", "",
             f"Rusty Events between {window} 🦀", "", "### Europe"]
    for day in range(count):
        date = (today + dt.timedelta(days=day + 1)).isoformat()
        lines += [f"* {date} | Berlin, DE | [Rust Berlin {day}]"
                  f"(https://www.meetup.com/rust-berlin-{day})",
                  f"    * [**Meetup {day}**](https://www.meetup.com/rust-berlin-{day}/events/{day})"]
    return "\n".join(lines + ["", "## Jobs", ""]) + "\n"


def run(tmp_path: Path, source: Path, store: str, *flags: str) -> subprocess.CompletedProcess:
    config = tmp_path / "c.toml"
    config.write_text(f'[output]\ndir = "out"\nbase_url = "https://example.org/"\n'
                      f'[store]\npath = "{store}"\n')
    return subprocess.run([sys.executable, "-m", "calendar_agg", "run", str(source),
                           "--config", str(config), *flags], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_rule_20_collapse_guard_keeps_the_feed_reports_why_and_exits_non_zero(tmp_path):
    today = dt.datetime.now(dt.UTC).date()  # the CLI runs on the real clock
    (tmp_path / "a.md").write_text(issue(600, 12, today), encoding="utf-8")
    (tmp_path / "b.md").write_text(issue(601, 2, today), encoding="utf-8")
    first = run(tmp_path, tmp_path / "a.md", "var/one.sqlite3")
    assert first.returncode == 0, first.stderr
    kept = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert upcoming_in_file(tmp_path / "out" / "ics" / "europe.ics", today) == 12
    # the store is lost (a new path), so the next run only knows two events
    second = run(tmp_path, tmp_path / "b.md", "var/two.sqlite3")
    assert second.returncode == 1
    said = second.stdout + second.stderr
    for name in ("all.ics", "europe.ics"):
        assert f"not replaced: {name}: would drop from 12 to 2 upcoming events" in said
    for path, data in kept.items():  # feeds, their Atom, the page and events.json all kept
        if path.parent.name != "events":
            assert path.read_bytes() == data, path
    assert "run --accept-drop" in said
    # the same again changes nothing; an operator who checked the drop publishes it
    assert run(tmp_path, tmp_path / "b.md", "var/two.sqlite3").returncode == 1
    accepted = run(tmp_path, tmp_path / "b.md", "var/two.sqlite3", "--accept-drop")
    assert accepted.returncode == 0, accepted.stderr
    for name in ("all.ics", "europe.ics"):
        assert upcoming_in_file(tmp_path / "out" / "ics" / name, today) == 2
        # the summary names what the operator let through
        assert (f"replaced although it collapses (--accept-drop): {name}: from 12 to 2 "
                f"upcoming events") in accepted.stdout
    assert run(tmp_path, tmp_path / "b.md", "var/two.sqlite3").returncode == 0


def test_mass_cancellation_counts_as_a_collapse(settings, make_event):
    many = [make_event(f"m{i}", dt.date(2025, 6, 10 + i), ("Europe",)) for i in range(10)]
    publish(many, settings, TODAY)
    gone = [make_event(e.uid, e.start, e.regions, status="CANCELLED", sequence=1)
            for e in many[:7]] + many[7:]
    report = publish(gone, settings, TODAY)
    assert report.refused[0] == ("all.ics: would drop from 10 to 3 upcoming events; "
                                 "kept the published version")
    europe = settings.output.dir / "ics" / "europe.ics"
    assert b"STATUS:CANCELLED" not in europe.read_bytes()
    assert upcoming_in_file(europe, TODAY) == 10
    publish(gone[:5] + many[5:], settings, TODAY)  # half cancelled: normal churn
    assert upcoming_in_file(europe, TODAY) == 5


def test_page_and_events_json_are_kept_with_a_collapsed_all_feed(settings, make_event):
    many = [make_event(f"m{i}", dt.date(2025, 6, 10 + i), ("Europe",)) for i in range(10)]
    publish(many, settings, TODAY)
    out = settings.output.dir
    page, data = (out / "index.html").read_bytes(), (out / "events.json").read_bytes()
    publish(many[:1], settings, TODAY)
    assert (out / "index.html").read_bytes() == page
    assert (out / "events.json").read_bytes() == data


def write_if_changed(path: Path, data) -> bool:
    """One file written as publishing writes each (``Writes``), settled at once."""
    with Writes() as writes:
        return writes.write(path, data)


def test_writes_are_atomic_and_only_when_bytes_change(tmp_path):
    target = tmp_path / "ics" / "all.ics"
    assert write_if_changed(target, b"one") is True
    inode = os.stat(target).st_ino
    assert write_if_changed(target, b"one") is False
    assert os.stat(target).st_ino == inode  # untouched
    reader = target.open("rb")  # a client reading the old file keeps a whole old file
    assert write_if_changed(target, b"two") is True
    assert os.stat(target).st_ino != inode  # replaced by rename, not rewritten in place
    assert reader.read() == b"one"
    reader.close()
    assert target.read_bytes() == b"two" and oct(target.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in target.parent.iterdir()] == ["all.ics"]  # no temp files left


def test_events_json_has_a_version_and_upcoming_events(settings, sample_events):
    publish(sample_events, settings, TODAY)
    data = json.loads((settings.output.dir / "events.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and list(data) == ["version", "events"]
    assert [e["uid"] for e in data["events"]] == [
        "berlin", "potsdam", "munich", "paris", "seattle", "online", "tokyo"]
    srug = data["events"][4]
    assert srug == {
        "uid": "seattle", "start": "2025-06-19", "end": None, "city": "Redmond",
        "subdivision": "WA", "country": "US", "virtual": True, "hybrid": True,
        "regions": ["North America", "Virtual"], "group": "Seattle Rust User Group",
        "group_url": "https://www.meetup.com/rust-berlin", "title": "June SRUG Meetup",
        "url": "https://www.meetup.com/rust-berlin/events/seattle",
        "starts_at": None, "ends_at": None, "timezone": None, "extra_urls": [],
        "status": "CONFIRMED", "sequence": 2, "first_seen": "2025-06-05T00:00:00Z",
        "last_modified": "2025-06-06T00:00:00Z",
        "issues": ["2025-06-04-this-week-in-rust.md"]}
    assert data["events"][-1]["title"] == "Tokyo Rust Meetup 東京"  # UTF-8, not \\u escapes
    calendar = icalendar.Calendar.from_ical(
        (settings.output.dir / "ics" / "all.ics").read_bytes())
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {
        e["uid"] for e in data["events"]}


def test_events_json_schema_is_documented_in_the_readme(settings, sample_events):
    publish(sample_events, settings, TODAY)
    data = json.loads((settings.output.dir / "events.json").read_text(encoding="utf-8"))
    section = README.read_text(encoding="utf-8").split("### `events.json`", 1)[1]
    section = section.split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
    assert documented == ["version", "events", *data["events"][0]]


def test_a_batch_of_writes_takes_its_places_only_when_it_is_settled(tmp_path):
    """Changed files wait as temp files (their fsyncs are done together), a batch at a
    time: until the batch is settled every target holds its old bytes."""
    targets = [tmp_path / "events" / f"{n}.ics" for n in range(5)]
    targets[0].parent.mkdir()
    targets[0].write_bytes(b"old")
    with Writes(batch=3) as writes:
        assert writes.write(targets[0], b"new 0") is True
        assert writes.write(targets[1], [b"new ", b"1"]) is True
        assert targets[0].read_bytes() == b"old" and not targets[1].exists()
        assert writes.write(targets[2], b"new 2") is True  # the third fills the batch
        assert [t.read_bytes() for t in targets[:3]] == [b"new 0", b"new 1", b"new 2"]
        assert writes.write(targets[3], b"new 3") is True
        assert writes.write(targets[0], b"new 0") is False  # as it now is
        assert not targets[3].exists()
    assert targets[3].read_bytes() == b"new 3"  # leaving settles what waits
    assert sorted(p.name for p in targets[0].parent.iterdir()) == ["0.ics", "1.ics", "2.ics",
                                                                     "3.ics"]


def test_a_failed_write_leaves_the_waiting_files_as_they_were(tmp_path):
    """A file that cannot be written stops the batch: the targets written before it keep
    their old bytes, and no temp file is left."""
    kept = tmp_path / "ics" / "all.ics"
    kept.parent.mkdir()
    kept.write_bytes(b"old")
    (tmp_path / "events").write_bytes(b"a file where a folder should be")
    with pytest.raises(PublishError) as raised, Writes() as writes:
        writes.write(kept, b"new")
        writes.write(tmp_path / "events" / "x.ics", b"event")
    assert raised.value.target == str(tmp_path / "events" / "x.ics")
    assert kept.read_bytes() == b"old"
    assert [p.name for p in kept.parent.iterdir()] == ["all.ics"]


def test_a_target_that_cannot_be_replaced_is_named_and_its_temp_file_removed(tmp_path):
    folder = tmp_path / "ics" / "all.ics"  # a folder (not empty) where the file would go
    (folder / "inside").mkdir(parents=True)
    later = tmp_path / "ics" / "europe.ics"
    with pytest.raises(PublishError) as raised, Writes() as writes:
        writes.write(folder, b"calendar")
        writes.write(later, b"calendar")
    assert raised.value.target == str(folder)
    assert not later.exists()  # waiting behind the one that failed
    assert sorted(p.name for p in folder.parent.iterdir()) == ["all.ics"]


pieces = st.lists(st.binary(max_size=12), max_size=8)


@examples(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.one_of(st.none(), st.binary(max_size=40)), new=pieces)
def test_a_file_written_in_pieces_is_compared_as_they_come(tmp_path, old, new):
    """The pieces end up in the file exactly; a file that already holds them is left as it
    is (not even replaced), whether a piece differs at its start, middle or end."""
    target = tmp_path / "x" / "archive.ics"
    if target.exists():  # hypothesis reuses tmp_path
        target.unlink()
    if old is not None:
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(old)
        inode = target.stat().st_ino
    wanted = b"".join(new)
    assert write_if_changed(target, iter(new)) is (old != wanted)
    assert target.read_bytes() == wanted
    if old == wanted:
        assert target.stat().st_ino == inode
    assert [p.name for p in target.parent.iterdir()] == ["archive.ics"]


class Trickle(io.BytesIO):
    """A file that hands out a few bytes per read, as a large one does a megabyte at a time."""

    def read(self, size=-1):
        return super().read(min(3, size) if size and size > 0 else 3)


@examples(max_examples=300, deadline=None)
@given(data=st.lists(st.sampled_from([b"BEGIN:VEVENT", b"BEGIN:", b"VEVENT", b"\r\n", b"x",
                                      b"DTSTART:20250612", b"BEGIN:VEVEN"]),
                     max_size=30).map(b"".join))
def test_the_guard_reads_a_calendar_by_parts_as_if_it_were_whole(data):
    assert list(guard._vevents(Trickle(data))) == data.split(b"BEGIN:VEVENT")[1:]
