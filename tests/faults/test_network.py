"""Network faults from real local servers: each fails only its own source, quickly, with a
message naming the source and the cause; the other source is processed, and what is
published and stored stays byte for byte what it was.

Two sources: ``good`` (a markdown issue on the shared ``http_server``) and ``flaky`` (the
site's Atom feed on a raw TCP server that misbehaves on purpose). A first run reads both;
then ``flaky`` breaks and a second run must change nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from calendar_agg.config import OutputSettings, Settings, SourceSettings, StoreSettings
from calendar_agg.pipeline import run_once
from calendar_agg.store import Store

from ..conftest import FIXED_NOW, Route
from ..processes import upcoming_issue
from .conftest import RawServer, output_files, response, store_rows

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
# the site's feed, with non-ASCII in an event's title: a wrong decoding would change it
FEED = (SAMPLES / "feed" / "atom.xml").read_bytes().replace(
    b"Meet, swap, and learn!", "Meet, swap, and learn in Zürich 東京!".encode())
TIMEOUT = 1.0  # per source; the whole fetch of one source ends within 2 × this
BASE_URL = "https://example.org/cal/"  # as in the ``settings`` fixture
SLACK = 2.0  # parsing and publishing on a slow machine

Fault = Callable[[socket.socket, RawServer], None]


def serve_feed(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(response("200 OK", FEED, Content_Type="application/atom+xml; charset=utf-8"))


def hold(server: RawServer, seconds: float = 30) -> None:
    """Keep the connection open and silent until the test ends."""
    deadline = time.monotonic() + seconds
    while server.running.is_set() and time.monotonic() < deadline:
        time.sleep(0.05)


def answer(status: str, body: bytes = b"", **headers: str) -> Fault:
    def fault(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(response(status, body, **headers))
    return fault


def headers_then_silence(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(response("200 OK", b"", Content_Length=str(len(FEED))))
    hold(server)


def silent(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    hold(server)


def close_unanswered(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)


def truncated(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    whole = response("200 OK", FEED, Content_Type="application/atom+xml")
    conn.sendall(whole[:len(whole) - len(FEED) // 2])


def truncated_then_silence(conn: socket.socket, server: RawServer) -> None:
    truncated(conn, server)
    hold(server)


def endless(pause: float) -> Fault:
    def fault(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")  # no length: until close
        chunk = b"<entry>" * (9000 if not pause else 1)
        while server.running.is_set():
            conn.sendall(chunk)
            time.sleep(pause)
    return fault


def drip(pause: float) -> Fault:
    """A body of a declared length, a few bytes every ``pause`` seconds."""
    def fault(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        while server.running.is_set():
            conn.sendall(b"<entry>")
            time.sleep(pause)
    return fault


ERROR_PAGE = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
              b"<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>")

FAULTS = {
    "http-500": (answer("500 Internal Server Error", b"oops"), r"^HTTP 500 Internal Server Error$"),
    "503-with-retry-after": (answer("503 Service Unavailable", b"busy", Retry_After="1"),
                             r"^HTTP 503 Service Unavailable \(Retry-After 1 s\)$"),
    "headers-then-nothing": (headers_then_silence,
                             r"^response stalled after 0 bytes: nothing more within 1 s$"),
    "accepts-never-answers": (silent, r"^no answer within 1 s$"),
    "closes-without-answer": (close_unanswered,
                              r"^cannot connect: .*Remote end closed connection without response"),
    "truncated-body": (truncated, rf"^response cut off after \d+ of {len(FEED)} bytes: the "
                                  r"server closed the connection before the whole body was sent$"),
    "truncated-body-then-nothing": (truncated_then_silence,
                                    r"^response stalled after \d+ bytes: nothing more within 1 s"),
    "random-bytes": (answer("200 OK", random.Random(7).randbytes(5000),
                            Content_Type="application/atom+xml"),
                     r"^binary data, not a text document$"),
    "html-error-page": (answer("200 OK", ERROR_PAGE, Content_Type="text/html"),
                        r"^expected a feed but got an HTML page titled '502 Bad Gateway'$"),
    "endless-fast-body": (endless(0), r"^response larger than 20971520 bytes$"),
    "endless-slow-body": (endless(0.05), r"^response took more than 2 s to arrive$"),
    # each piece comes within the timeout, the whole not within the budget: not "stalled"
    "drip-just-under-timeout": (drip(0.7), r"^response took more than 2 s to arrive$"),
    "redirect-loop": (answer("302 Found", Location="/atom.xml"), r"^more than 5 redirects$"),
    "empty-200": (answer("200 OK", b"", Content_Type="application/atom+xml"),
                  r"^empty document"),
}


@pytest.fixture(scope="module")
def first_state(tmp_path_factory) -> Path:
    """Output and store after a first good run of both sources, read from files (the same
    documents the servers give), made once and copied into each test."""
    folder = tmp_path_factory.mktemp("first")
    (folder / "good.md").write_text(upcoming_issue(FIXED_NOW.date()), encoding="utf-8")
    (folder / "atom.xml").write_bytes(FEED)
    settings = Settings(output=OutputSettings(dir=folder / "output", base_url=BASE_URL),
                        store=StoreSettings(path=folder / "var" / "store.sqlite3"),
                        sources=(SourceSettings(name="good", path=folder / "good.md"),
                                 SourceSettings(name="flaky", path=folder / "atom.xml")))
    report = run_once(settings, clock=at(0))
    assert [(s.error, s.events) for s in report.sources] == [(None, 5), (None, 5)]
    return folder


@pytest.fixture
def two_sources(settings, http_server, raw_server, first_state):
    http_server.routes["/good.md"] = Route(
        200, upcoming_issue(FIXED_NOW.date()).encode(),
        {"Content-Type": "text/markdown; charset=utf-8"})
    raw_server.handle = serve_feed
    good = SourceSettings(name="good", url=http_server.url("/good.md"), timeout=TIMEOUT)
    flaky = SourceSettings(name="flaky", url=raw_server.url("/atom.xml"), timeout=TIMEOUT)
    for part, target in (("output", settings.output.dir), ("var", settings.store.path.parent)):
        shutil.copytree(first_state / part, target)
    return dataclasses.replace(settings, sources=(good, flaky))


def at(seconds: float) -> Callable[[], dt.datetime]:
    return lambda: FIXED_NOW + dt.timedelta(seconds=seconds)


def first_run(configured):
    return output_files(configured.output.dir), store_rows(configured.store.path)


def assert_nothing_lost(configured, before) -> None:
    files, rows = before
    assert output_files(configured.output.dir) == files  # byte for byte, every file
    assert store_rows(configured.store.path) == rows


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_fails_only_its_source_and_changes_nothing(two_sources, raw_server, fault):
    before = first_run(two_sources)
    assert "Zürich 東京" in (two_sources.output.dir / "ics" / "all.ics").read_bytes().decode()
    raw_server.handle, message = FAULTS[fault]
    started = time.monotonic()
    report = run_once(two_sources, clock=at(3600))
    took = time.monotonic() - started
    good, flaky = report.sources
    assert flaky.name == "flaky" and flaky.error is not None, flaky
    assert flaky.failures == 1
    assert re.search(message, flaky.error), flaky.error
    assert good.error is None and good.events == 5  # the other source was processed
    assert took < 2 * TIMEOUT + SLACK, f"{fault} held the run for {took:.1f} s"
    assert_nothing_lost(two_sources, before)


def test_listening_socket_that_never_accepts(two_sources):
    before = first_run(two_sources)
    backlog = socket.create_server(("127.0.0.1", 0), backlog=1)  # never accept()ed
    try:
        port = backlog.getsockname()[1]
        good, flaky = two_sources.sources
        moved = dataclasses.replace(flaky, url=f"http://127.0.0.1:{port}/atom.xml")
        started = time.monotonic()
        report = run_once(dataclasses.replace(two_sources, sources=(good, moved)), clock=at(3600))
        took = time.monotonic() - started
    finally:
        backlog.close()
    assert report.sources[1].error == "no answer within 1 s"
    assert report.sources[0].events == 5
    assert took < 2 * TIMEOUT + SLACK
    assert_nothing_lost(two_sources, before)


def test_server_failing_every_other_request_is_read_after_one_retry(two_sources, raw_server):
    before = first_run(two_sources)
    calls = []

    def every_other(conn: socket.socket, server: RawServer) -> None:
        calls.append(1)
        if len(calls) % 2:
            answer("500 Internal Server Error", b"oops")(conn, server)
        else:
            serve_feed(conn, server)

    raw_server.handle = every_other
    for run in (1, 2):
        report = run_once(two_sources, clock=at(3600 * run))
        assert [s.error for s in report.sources] == [None, None]
        assert report.sources[1].events == 5
    assert len(calls) == 4
    assert_nothing_lost(two_sources, before)


def test_invalid_utf8_is_read_and_the_valid_text_kept(two_sources, raw_server):
    before = first_run(two_sources)
    broken = FEED.replace(b"Hello and welcome", b"Hello \xff\xfe and \xc3 welcome", 1)
    assert broken != FEED
    raw_server.handle = answer("200 OK", broken, Content_Type="application/atom+xml; charset=utf-8")
    report = run_once(two_sources, clock=at(3600))
    assert [s.error for s in report.sources] == [None, None]
    assert report.sources[1].events == 5
    assert_nothing_lost(two_sources, before)  # "Zürich 東京" not turned into Latin-1 mojibake


def test_long_retry_after_is_honoured_by_later_runs_without_sleeping(two_sources, raw_server):
    before = first_run(two_sources)
    raw_server.handle = answer("503 Service Unavailable", b"busy", Retry_After="3600")
    requests_before = len(raw_server.requests)
    started = time.monotonic()
    failed = run_once(two_sources, clock=at(100)).sources[1]
    assert time.monotonic() - started < SLACK + 1  # not slept through
    assert failed.error == "HTTP 503 Service Unavailable (Retry-After 3600 s)"
    assert len(raw_server.requests) == requests_before + 1
    # ten minutes later the 1-minute backoff is over, but the server asked for an hour
    waiting = run_once(two_sources, clock=at(700)).sources[1]
    assert waiting.next_attempt == FIXED_NOW + dt.timedelta(seconds=3700)
    assert "next attempt after 2025-06-05T13:01:40+00:00" in waiting.error
    assert len(raw_server.requests) == requests_before + 1
    store = Store.open(two_sources.store.path)
    try:
        assert store.source_state("flaky")["retry_after"] == "2025-06-05T13:01:40+00:00"
    finally:
        store.close()
    assert_nothing_lost(two_sources, before)
    raw_server.handle = serve_feed
    back = run_once(two_sources, clock=at(3700)).sources[1]
    assert (back.error, back.events) == (None, 5)
    assert len(raw_server.requests) == requests_before + 2
