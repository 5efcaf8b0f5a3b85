"""Concurrency: two `run` processes started at the same moment never work on the store
together; the server keeps answering while a run is going on."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import socket
import threading
import time

from ..processes import Process, upcoming_issue, write_config
from .conftest import RawServer, integrity, response

ISSUE = upcoming_issue(dt.date.today()).encode()


def slow_source(raw_server: RawServer, seconds: float) -> list[tuple[float, float]]:
    """Serve the issue after ``seconds``; returns the (start, end) of every answer."""
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def serve(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        started = time.monotonic()
        time.sleep(seconds)
        conn.sendall(response("200 OK", ISSUE, Content_Type="text/markdown"))
        with lock:
            spans.append((started, time.monotonic()))

    raw_server.handle = serve
    return spans


def test_two_runs_started_together_one_runs_the_other_says_why(tmp_path, raw_server):
    spans = slow_source(raw_server, 1.0)
    config = write_config(tmp_path, raw_server.url("/issue.md"), serve=False)
    runs = [Process("run", "--config", str(config), "--wait", "0", cwd=tmp_path)
            for _ in range(2)]
    codes = sorted(run.finish(30) for run in runs)
    assert codes == [0, 4], [run.stderr for run in runs]
    [refused] = [run for run in runs if run.popen.returncode == 4]
    assert "another run is in progress (pid" in refused.stderr
    assert len(spans) == 1  # the refused run fetched nothing
    assert integrity(tmp_path / "var" / "calendar-agg.sqlite3") == "ok"


def test_two_patient_runs_started_together_take_turns(tmp_path, raw_server):
    spans = slow_source(raw_server, 0.7)
    config = write_config(tmp_path, raw_server.url("/issue.md"), serve=False)
    runs = [Process("run", "--config", str(config), "--wait", "30", cwd=tmp_path)
            for _ in range(2)]
    assert [run.finish(60) for run in runs] == [0, 0], [run.stderr for run in runs]
    assert any("waiting up to 30 s" in run.stderr for run in runs)
    [(_, first_end), (second_start, _)] = sorted(spans)
    assert second_start >= first_end  # never two fetches, parses or writes at once


def get(port: int, path: str) -> tuple[int, bytes, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read(), time.monotonic() - started
    finally:
        connection.close()


def test_the_server_keeps_answering_during_a_run(tmp_path, raw_server):
    spans = slow_source(raw_server, 0)
    config = write_config(tmp_path, raw_server.url("/issue.md"), serve=True)
    first = Process("run", "--config", str(config), cwd=tmp_path)
    assert first.finish(30) == 0, first.stderr
    server = Process("serve", "--config", str(config), "--port", "0", cwd=tmp_path)
    try:
        port = int(server.wait_for(r"serving .* on http://127\.0\.0\.1:(\d+)/").group(1))
        page = get(port, "/")[1]
        spans = slow_source(raw_server, 2.0)
        run = Process("run", "--config", str(config), cwd=tmp_path)
        deadline = time.monotonic() + 20
        while len(raw_server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        answers = [get(port, path) for path in ("/", "/ics/all.ics", "/healthz", "/", "/")]
        assert run.popen.poll() is None, "the run ended before the server was asked"
        for status, _body, took in answers:
            assert status == 200 and took < 1.0, (status, took)
        assert answers[0][1] == page
        assert json.loads(answers[2][1])["status"] in ("ok", "unknown")
        assert run.finish(30) == 0, run.stderr
        assert len(spans) == 1
    finally:
        assert server.stop() == 0, server.stderr
