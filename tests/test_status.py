"""`calendar-agg status`, the run summary's source health and the progress bar."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys

from calendar_agg.progress import ProgressBar, progress_for

from .conftest import Route
from .processes import REPO, Process, write_config


def test_status_shows_a_broken_source_and_why(http_server, tmp_path):
    http_server.routes["/issue.md"] = Route(503, b"down", {"Retry-After": "3600"})
    config = write_config(tmp_path, http_server.url("/issue.md"), serve=False)
    run = Process("run", "--config", str(config), "--json", cwd=tmp_path)
    assert run.finish() == 1
    summary = json.loads(run.output)
    assert summary["sources"][0]["failures"] == 1
    assert summary["sources"][0]["last_success"] is None
    status = Process("status", "--config", str(config), cwd=tmp_path)
    assert status.finish() == 1
    assert "FAILING: 1 consecutive failures; last error: HTTP 503" in status.output
    assert "last success: never" in status.output and "next attempt after: " in status.output
    as_json = Process("status", "--config", str(config), "--json", cwd=tmp_path)
    assert as_json.finish() == 1
    report = json.loads(as_json.output)
    [source] = report["sources"]
    assert source["name"] == "twir" and source["failures"] == 1
    assert source["last_error"].startswith("HTTP 503") and source["last_attempt"]
    assert report["last_run"]["ok"] is False


def test_status_before_any_run(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9/issue.md", serve=False)
    status = Process("status", "--config", str(config), cwd=tmp_path)
    assert status.finish() == 0
    assert "last attempt: never" in status.output
    assert not (tmp_path / "var").exists()  # status does not create a store


def test_progress_bar_draws_and_ends_the_line():
    stream = io.StringIO()
    ticks = iter(range(1000))
    bar = ProgressBar(stream, clock=lambda: next(ticks))
    for done in range(1, 41):
        bar("archive", done, 40)
    assert stream.getvalue().count("\r") == 40
    assert stream.getvalue().endswith("\rarchive [" + "#" * 30 + "] 40/40 documents\n")
    assert progress_for(io.StringIO(), quiet=False) is None  # not a terminal


def write_issues(folder, count: int):
    folder.mkdir()
    for number in range(count):
        (folder / f"issue-{number:03d}.md").write_text(
            f"Title: This Week in Rust {number}\n\nNo events this time.\n")


def test_run_shows_progress_on_a_terminal_only(tmp_path):
    write_issues(tmp_path / "issues", 25)
    command = [sys.executable, "-m", "calendar_agg", "run", str(tmp_path / "issues")]
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=secondary,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
        os.close(secondary)
        shown = _read_all(primary)
    finally:
        os.close(primary)
    assert done.returncode == 0
    assert "25/25 documents" in shown
    piped = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and "documents\n" not in piped.stderr and "\r" not in piped.stderr


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def test_a_source_no_longer_configured_is_listed_but_not_failing(http_server, tmp_path):
    http_server.routes["/issue.md"] = Route(404, b"gone")
    config = write_config(tmp_path, "http://127.0.0.1:9/issue.md", serve=False)
    once = Process("run", "--config", str(config), http_server.url("/issue.md"), cwd=tmp_path)
    assert once.finish() == 1  # a one-off run of a URL that fails
    status = Process("status", "--config", str(config), cwd=tmp_path)
    assert status.finish() == 0
    assert "(not configured)" in status.output and "HTTP 404" in status.output
    assert "not counted as failing" in status.output and "FAILING" not in status.output
    as_json = Process("status", "--config", str(config), "--json", cwd=tmp_path)
    assert as_json.finish() == 0
    [configured, adhoc] = json.loads(as_json.output)["sources"]
    assert configured["configured"] and not adhoc["configured"] and adhoc["failures"] == 1


def test_a_run_that_could_not_publish_shows_in_status(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9/issue.md", serve=False)
    issues = tmp_path / "issues"
    issues.mkdir()
    (issues / "2025-06-04-this-week-in-rust.md").write_text(
        (REPO / "tests" / "samples" / "pipeline" / "2025-06-04-this-week-in-rust.md").read_text())
    (tmp_path / "output").write_text("not a folder")  # publishing cannot write there
    run = Process("run", "--config", str(config), str(issues), cwd=tmp_path)
    assert run.finish() == 3
    status = Process("status", "--config", str(config), cwd=tmp_path)
    assert status.finish() == 1
    assert "last run FAILED (" in status.output and "output" in status.output
    as_json = Process("status", "--config", str(config), "--json", cwd=tmp_path)
    assert as_json.finish() == 1
    last_run = json.loads(as_json.output)["last_run"]
    assert last_run["ok"] is False and last_run["error"]
