"""The daemon for real: a subprocess against a source server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import urllib.request

from .conftest import Route
from .processes import Process, mtimes, online_issue, write_config

ETAG = '"issue-999"'
LAST_MODIFIED = "Wed, 04 Jun 2025 10:00:00 GMT"


def issue_route() -> Route:
    body = online_issue(dt.date.today()).encode()
    return Route(200, body, {"Content-Type": "text/markdown; charset=utf-8", "ETag": ETAG,
                             "Last-Modified": LAST_MODIFIED})


def test_cycles_send_conditional_get_and_leave_output_untouched(http_server, tmp_path):
    http_server.routes["/issue.md"] = issue_route()
    config = write_config(tmp_path, http_server.url("/issue.md"), interval="1s")
    daemon = Process("daemon", "--config", str(config), cwd=tmp_path)
    try:
        port = int(daemon.wait_for(r"serving .* on http://127\.0\.0\.1:(\d+)/").group(1))
        daemon.wait_for(r"run 1 finished .*files written [1-9]")
        after_first = mtimes(tmp_path / "output")
        daemon.wait_for(r"run 3 finished .*1 unchanged, 0 failed.*files written 0")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            health = json.load(answer)
    finally:
        code = daemon.stop()
    assert code == 0, daemon.stderr
    assert mtimes(tmp_path / "output") == after_first
    first, *later = [headers for path, headers in http_server.requests]
    assert "If-None-Match" not in first
    assert len(later) >= 2
    assert all(h["If-None-Match"] == ETAG and h["If-Modified-Since"] == LAST_MODIFIED
               for h in later)
    assert health["status"] == "ok" and health["last_run"]["ok"] is True
    assert health["sources"][0]["name"] == "twir" and health["sources"][0]["events_last"] == 2
    assert daemon.lines[-1].endswith("stopped")


def test_sigterm_mid_run_finishes_the_run_and_exits_cleanly(http_server, tmp_path):
    def slow(handler):
        time.sleep(1.5)
        return issue_route()
    http_server.routes["/issue.md"] = slow
    config = write_config(tmp_path, http_server.url("/issue.md"), interval="1h", serve=False)
    daemon = Process("daemon", "--config", str(config), cwd=tmp_path)
    daemon.wait_for(r"run 1 started")
    deadline = time.monotonic() + 15
    while not http_server.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    code = daemon.stop()
    assert code == 0, daemon.stderr
    assert "SIGTERM received" in daemon.stderr and "run 1 finished" in daemon.stderr
    with sqlite3.connect(tmp_path / "var" / "calendar-agg.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM events").fetchone() == (2,)
        assert db.execute("SELECT failures, events_last FROM sources").fetchone() == (0, 2)
    assert (tmp_path / "output" / "ics" / "all.ics").is_file()


def test_a_second_run_waits_or_says_another_run_is_in_progress(http_server, tmp_path):
    def slow_first(handler):
        if len(http_server.requests) == 1:
            time.sleep(1.5)
        return issue_route()
    http_server.routes["/issue.md"] = slow_first
    config = write_config(tmp_path, http_server.url("/issue.md"), serve=False)
    first = Process("run", "--config", str(config), cwd=tmp_path)
    deadline = time.monotonic() + 15
    while not http_server.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    impatient = Process("run", "--config", str(config), "--wait", "0", cwd=tmp_path)
    patient = Process("run", "--config", str(config), "--wait", "30", cwd=tmp_path)
    assert impatient.finish() == 4
    assert "another run is in progress (pid" in impatient.stderr
    assert first.finish() == 0, first.stderr
    assert patient.finish() == 0, patient.stderr
    assert len(http_server.requests) == 2  # the impatient one never fetched


def test_daemon_without_sources_is_a_config_error(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[store]\npath = "var/db.sqlite3"\n')
    daemon = Process("daemon", "--config", str(config), cwd=tmp_path)
    assert daemon.finish() == 2
    assert "the daemon needs [[sources]]" in daemon.stderr


def test_daemon_leaves_a_failing_source_alone(http_server, tmp_path):
    http_server.routes["/issue.md"] = Route(404, b"gone")
    config = write_config(tmp_path, http_server.url("/issue.md"), interval="1s", serve=False)
    daemon = Process("daemon", "--config", str(config), cwd=tmp_path)
    try:
        daemon.wait_for(r"run 1 finished .*1 failed.*failing: twir \(1 in a row\)")
        daemon.wait_for(r"run 3 finished .*failing: twir \(1 in a row\)")
    finally:
        code = daemon.stop()
    assert code == 0, daemon.stderr
    assert len(http_server.requests) == 1  # runs 2 and 3 did not ask again
    assert "left alone after 1 failures; next attempt after" in daemon.stderr
    assert not (tmp_path / "output").exists()  # nothing read, nothing published
