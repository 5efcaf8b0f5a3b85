"""Crash safety: `calendar-agg run` killed with SIGKILL while it fetches, parses and stores,
or publishes leaves the store consistent (as before or as after) and every published file
complete (old or new); the next run completes. A full disk and a read-only output folder
fail the run clearly without damaging what was published."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import lxml.etree
import lxml.html
import pytest

from ..processes import REPO
from .conftest import RawServer, integrity, output_files, response

CITIES = ["Berlin, DE", "Paris, FR", "Seattle, WA, US", "Tokyo, JP", "Virtual", "London, UK",
          "Munich, DE", "Toronto, ON, CA", "Zurich, CH", "Sydney, NSW, AU"]


def make_issue(number: int, today: dt.date, events: int = 6) -> str:
    """A TWiR issue whose ``events`` events (all different) fall in the coming weeks."""
    lines = [f"Title: This Week in Rust {number}", f"Number: {number}",
             f"Date: {today.isoformat()}", "", "## Upcoming Events", "",
             f"Rusty Events between {today} - {today + dt.timedelta(days=40)} 🦀", "",
             "### Everywhere"]
    for k in range(events):
        day = today + dt.timedelta(days=1 + (number + k) % 35)
        group = f"rust-{number}-{k}"
        lines += [(f"* {day} | {CITIES[(number + k) % len(CITIES)]} | "
                   f"[Rust Group {number}/{k}](https://www.meetup.com/{group})"),
                  f"    * [**Meetup {number}/{k}**](https://www.meetup.com/{group}/events/{k})"]
    return "\n".join(lines) + "\n"


class Site:
    """A folder with a config, a store, an output folder and a folder of issues."""

    def __init__(self, folder: Path, source: str | None = None, output: Path | None = None):
        self.folder = folder
        self.issues = folder / "issues"
        self.issues.mkdir(exist_ok=True)
        self.output = output or folder / "output"
        self.store = folder / "var" / "calendar-agg.sqlite3"
        self.config = folder / "calendar-agg.toml"
        self.config.write_text(
            f'[output]\ndir = "{self.output}"\n[store]\npath = "{self.store}"\n'
            f'[[sources]]\nname = "twir"\n'
            + (f'url = "{source}"\ntimeout = 2\n' if source else f'path = "{self.issues}"\n'),
            encoding="utf-8")

    def add_issues(self, numbers: range) -> None:
        today = dt.date.today()
        for number in numbers:
            (self.issues / f"{today}-this-week-in-rust-{number}.md").write_text(
                make_issue(number, today), encoding="utf-8")

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "calendar_agg", "run", "--config", str(self.config), *args],
            cwd=self.folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)})

    def run(self, *args: str, timeout: float = 60) -> tuple[int, str, str]:
        process = self.start(*args)
        try:
            out, err = process.communicate(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        return process.returncode, out, err

    def keys(self) -> tuple[frozenset, frozenset]:
        """(listing keys, event uids) as stored, after checking the store's integrity."""
        assert integrity(self.store) == "ok"
        import sqlite3

        db = sqlite3.connect(self.store)
        try:
            listings = frozenset(db.execute("SELECT source, issue, line FROM listings"))
            uids = frozenset(row[0] for row in db.execute("SELECT uid FROM events"))
        finally:
            db.close()
        return listings, uids

    def snapshot(self, name: str) -> Path:
        copy = self.folder / f"snapshot-{name}"
        shutil.rmtree(copy, ignore_errors=True)
        copy.mkdir()
        shutil.copytree(self.store.parent, copy / "var")
        shutil.copytree(self.output, copy / "output")
        return copy

    def restore(self, copy: Path) -> None:
        for live, saved in ((self.store.parent, copy / "var"), (self.output, copy / "output")):
            shutil.rmtree(live)
            shutil.copytree(saved, live)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


def assert_complete(path: Path, raw: bytes) -> None:
    """``raw`` is a whole published file of its kind, not a cut one."""
    if path.suffix == ".ics":
        assert raw.endswith(b"END:VCALENDAR\r\n"), path
        icalendar.Calendar.from_ical(raw)
    elif path.suffix == ".xml":
        lxml.etree.fromstring(raw, lxml.etree.XMLParser(recover=False))
    elif path.suffix == ".json":
        json.loads(raw)
    elif path.suffix == ".html":
        assert raw.rstrip().endswith(b"</html>"), path
        lxml.html.fromstring(raw)


def assert_old_or_complete(output: Path, old: dict[str, bytes]) -> None:
    for name, raw in output_files(output).items():
        if Path(name).name.startswith("."):
            continue  # a temp file of the killed run: never served, removed by the next
        if old.get(name) != raw:
            assert_complete(output / name, raw)
    assert set(old) <= set(output_files(output)), "a published file disappeared"


def wait_for_change(output: Path, old: dict[str, int], process: subprocess.Popen,
                    timeout: float = 60) -> bool:
    """Poll until a file under ``output`` is replaced or added; False if the run ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with os.scandir(output / "ics") as entries:
            for entry in entries:
                if not entry.name.startswith(".") and old.get(entry.name) != entry.inode():
                    return True
        time.sleep(0.001)
    return False


@pytest.fixture
def site(tmp_path) -> Site:
    site = Site(tmp_path)
    site.add_issues(range(1, 4))
    code, _, err = site.run()
    assert code == 0, err
    return site


def test_killed_during_fetch_changes_nothing(tmp_path, raw_server: RawServer):
    issue = make_issue(1, dt.date.today()).encode()

    def serve(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(response("200 OK", issue, Content_Type="text/markdown"))

    raw_server.handle = serve
    site = Site(tmp_path, source=raw_server.url("/issue.md"))
    assert site.run()[0] == 0
    before, old = site.keys(), output_files(site.output)

    def slow(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n* 2025")
        while server.running.is_set():
            time.sleep(0.05)

    raw_server.handle = slow
    seen = len(raw_server.requests)
    process = site.start()
    deadline = time.monotonic() + 20
    while len(raw_server.requests) == seen and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the body has started to arrive
    kill(process)
    assert site.keys() == before
    assert output_files(site.output) == old
    raw_server.handle = serve
    code, _, err = site.run(timeout=30)
    assert code == 0, err
    assert site.keys() == before and output_files(site.output) == old


def test_killed_while_parsing_and_storing_leaves_the_store_before_or_after(site: Site):
    before, old = site.keys(), output_files(site.output)
    site.add_issues(range(4, 80))
    saved = site.snapshot("before")
    took = float("inf")
    for _ in range(2):  # the quicker of two runs: a busy machine may slow the first
        site.restore(saved)
        started = time.monotonic()
        code, _, err = site.run()
        took = min(took, time.monotonic() - started)
        assert code == 0, err
    after = site.keys()
    assert after != before
    states = []
    for fraction in (0.15, 0.3, 0.5, 0.8):
        site.restore(saved)
        process = site.start()
        time.sleep(took * fraction)
        if process.poll() is not None:  # done already: read and close its pipes
            process.communicate()
            continue
        kill(process)
        states.append(site.keys())
        assert states[-1] in (before, after), fraction
        assert_old_or_complete(site.output, old)
    # at least one kill landed before the store's commit
    assert before in states, [("before" if k == before else "after") for k in states]
    code, _, err = site.run()
    assert code == 0, err
    assert site.keys() == after
    assert_old_or_complete(site.output, old)


def test_killed_while_publishing_leaves_every_file_old_or_new(site: Site):
    before, old = site.keys(), output_files(site.output)
    site.add_issues(range(4, 80))
    inodes = {entry.name: entry.inode() for entry in os.scandir(site.output / "ics")}
    process = site.start()
    caught = wait_for_change(site.output, inodes, process)
    if process.poll() is None:
        kill(process)
    assert caught, "the run ended before it could be killed while publishing"
    after = site.keys()
    assert after != before  # the store was committed before publishing began
    assert_old_or_complete(site.output, old)
    code, _, err = site.run()
    assert code == 0, err
    assert site.keys() == after
    files = output_files(site.output)
    assert not [name for name in files if Path(name).name.startswith(".")]  # leftovers gone
    for name, raw in files.items():
        assert_complete(site.output / name, raw)
    assert len(icalendar.Calendar.from_ical(files["ics/all.ics"]).walk("VEVENT")) == len(after[1])


# --- a full disk and a read-only output folder -------------------------------------------

@pytest.fixture
def tiny_disk(tmp_path) -> Path:
    """A 2 MB tmpfs (root only); skipped with the reason where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()}); a full disk "
                    "needs a real small file system")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    with (disk / "filler").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


def test_full_disk_fails_the_run_clearly_and_keeps_what_was_published(tmp_path, tiny_disk):
    site = Site(tmp_path, output=tiny_disk / "output")
    site.add_issues(range(1, 3))
    assert site.run()[0] == 0
    old = output_files(site.output)
    site.add_issues(range(3, 10))
    fill(tiny_disk)
    code, out, err = site.run()
    assert code == 3, (out, err)
    assert "calendar-agg: publishing " in err and "No space left on device" in err
    assert "Traceback" not in err
    assert_old_or_complete(site.output, old)
    assert not [n for n in output_files(site.output) if Path(n).name.startswith(".")]
    (tiny_disk / "filler").unlink()
    code, _, err = site.run()
    assert code == 0, err
    assert output_files(site.output) != old


def test_read_only_output_fails_the_run_clearly_and_keeps_what_was_published(
        tmp_path, tiny_disk):
    site = Site(tmp_path, output=tiny_disk / "output")
    site.add_issues(range(1, 3))
    assert site.run()[0] == 0
    old = output_files(site.output)
    site.add_issues(range(3, 6))
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    code, out, err = site.run()
    assert code == 3, (out, err)
    assert "calendar-agg: publishing " in err and "Read-only file system" in err
    assert output_files(site.output) == old
    subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=True)
    assert site.run()[0] == 0


def test_output_folder_that_is_a_file_fails_the_run_clearly(tmp_path):
    site = Site(tmp_path, output=tmp_path / "output-is-a-file")
    site.output.write_text("not a folder", encoding="utf-8")
    site.add_issues(range(1, 2))
    code, out, err = site.run()
    assert code == 3, (out, err)
    assert "calendar-agg: publishing " in err and "Traceback" not in err
    assert site.output.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway; "
                    "the read-only mount and output-is-a-file cases cover root")
def test_read_only_output_folder_by_permissions(tmp_path):
    site = Site(tmp_path)
    site.add_issues(range(1, 2))
    assert site.run()[0] == 0
    old = output_files(site.output)
    site.add_issues(range(2, 4))
    for folder in (site.output, *[p for p in site.output.rglob("*") if p.is_dir()]):
        folder.chmod(0o555)
    try:
        code, out, err = site.run()
    finally:
        for folder in (site.output, *[p for p in site.output.rglob("*") if p.is_dir()]):
            folder.chmod(0o755)
    assert code == 3 and "Permission denied" in err, (out, err)
    assert output_files(site.output) == old
