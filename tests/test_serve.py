"""`calendar-agg serve` for real: a subprocess on 127.0.0.1, asked over real sockets."""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import json
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest
from lxml import etree

from calendar_agg.config import adhoc_source, load_settings
from calendar_agg.health import failed_run_record, run_record, run_record_path, write_run_record
from calendar_agg.pipeline import run_once

from .processes import Process, upcoming_issue, write_config


@dataclass
class Served:
    port: int
    folder: Path

    def get(self, path: str, method: str = "GET", **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    issue = folder / "issue.md"
    issue.write_text(upcoming_issue(dt.date.today()), encoding="utf-8")
    settings = load_settings(write_config(folder, "http://127.0.0.1:9/unused.md"))
    report = run_once(settings, sources=[adhoc_source(str(issue))])
    write_run_record(run_record_path(settings.store.path),
                     run_record(report, report.started, 0.5))
    (folder / "secret.txt").write_text("secret")
    os.symlink(folder / "secret.txt", folder / "output" / "outside.ics")
    os.symlink(folder / "output" / "ics" / "all.ics", folder / "output" / "inside.ics")
    (folder / "output" / ".hidden.ics").write_text("hidden")
    server = Process("serve", "--config", str(folder / "calendar-agg.toml"), "--port", "0",
                     cwd=folder)
    try:
        port = int(server.wait_for(r"serving .* on http://127\.0\.0\.1:(\d+)/").group(1))
        yield Served(port, folder)
    finally:
        code = server.stop()
    assert code == 0, server.stderr


@pytest.mark.parametrize(("path", "content_type"), [
    ("/ics/all.ics", "text/calendar; charset=utf-8"),
    ("/atom/europe.xml", "application/atom+xml; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/events.json", "application/json"),
])
def test_content_types(served, path, content_type):
    answer = served.get(path)
    assert answer.status == 200
    assert answer.getheader("Content-Type") == content_type
    on_disk = "index.html" if path == "/" else path.lstrip("/")
    assert answer.body == (served.folder / "output" / on_disk).read_bytes()


def test_etag_and_last_modified_give_304(served):
    first = served.get("/ics/all.ics")
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    assert etag and modified
    again = served.get("/ics/all.ics", **{"If-None-Match": etag})
    assert (again.status, again.body, again.getheader("ETag")) == (304, b"", etag)
    assert served.get("/ics/all.ics", **{"If-Modified-Since": modified}).status == 304
    assert served.get("/ics/all.ics", **{"If-None-Match": '"other"'}).status == 200
    stale = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert served.get("/ics/all.ics", **{"If-Modified-Since": stale}).status == 200


def test_head_has_the_headers_and_no_body(served):
    get, head = served.get("/atom/all.xml"), served.get("/atom/all.xml", "HEAD")
    assert head.status == 200 and head.body == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert head.getheader(name) == get.getheader(name), name


def test_gzip_when_asked(served):
    plain = served.get("/ics/all.ics")
    packed = served.get("/ics/all.ics", **{"Accept-Encoding": "gzip, deflate"})
    assert packed.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(packed.body) == plain.body
    assert plain.getheader("Content-Encoding") is None
    assert packed.getheader("Vary") == plain.getheader("Vary") == "Accept-Encoding"
    assert packed.getheader("ETag") != plain.getheader("ETag")
    refused = served.get("/ics/all.ics", **{"Accept-Encoding": "gzip;q=0"})
    assert refused.getheader("Content-Encoding") is None
    revalidated = served.get("/ics/all.ics", **{"Accept-Encoding": "gzip",
                                                 "If-None-Match": packed.getheader("ETag")})
    assert revalidated.status == 304


def test_cors_on_feeds_only(served):
    for path in ("/ics/all.ics", "/atom/all.xml", "/events.json", "/feed.ics"):
        assert served.get(path).getheader("Access-Control-Allow-Origin") == "*", path
    assert served.get("/index.html").getheader("Access-Control-Allow-Origin") is None


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/ics/%2E%2E/%2e%2e/secret.txt",
    "/ics/..%2f..%2fsecret.txt", "/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/ics/..\\..\\secret.txt", "/ics/..%5c..%5csecret.txt", "//etc/passwd", "/etc/passwd",
    "/outside.ics", "/index.html%00.ics", "/%00", "/.hidden.ics", "/ics/", "/ics",
    "/ics/nothing.ics", "/%ff%fe", "/" + "%2e%2e/" * 20 + "etc/passwd",
    "/ics%2Fall.ics", "http://127.0.0.1/../secret.txt", "/ics/./../../secret.txt",
])
def test_nothing_outside_output_is_reachable(served, path):
    answer = served.get(path)
    assert answer.status == 404
    assert answer.body == b"not found\n"


def test_symlink_inside_output_is_served(served):
    assert served.get("/inside.ics").body == served.get("/ics/all.ics").body


def test_other_methods_are_refused(served):
    answer = served.get("/ics/all.ics", "POST")
    assert answer.status == 405 and answer.getheader("Allow") == "GET, HEAD, OPTIONS"


def test_cors_preflight_allows_revalidation(served):
    answer = served.get("/feed.ics", "OPTIONS", **{"Origin": "https://example.org",
                                                  "Access-Control-Request-Method": "GET"})
    assert answer.status == 204
    assert answer.getheader("Access-Control-Allow-Origin") == "*"
    assert "If-None-Match" in answer.getheader("Access-Control-Allow-Headers")


def test_healthz_has_last_run_and_sources(served):
    answer = served.get("/healthz")
    health = json.loads(answer.body)
    assert answer.getheader("Content-Type") == "application/json"
    assert health["last_run"]["events_found"] == 5
    configured, adhoc = health["sources"]
    assert configured["name"] == "twir" and configured["last_attempt"] is None
    assert adhoc["name"].endswith("issue.md") and adhoc["configured"] is False
    assert adhoc["failures"] == 0 and adhoc["events_last"] == 5
    assert health["status"] == "ok"


def test_healthz_says_failing_after_a_run_that_stopped_with_an_error(served):
    record = served.folder / "var" / "calendar-agg.last-run.json"
    kept = record.read_bytes()
    at = dt.datetime(2025, 6, 5, tzinfo=dt.UTC)
    try:
        write_run_record(record, failed_run_record(at, at, 1.0, OSError("output: read-only")))
        health = json.loads(served.get("/healthz").body)
        assert health["status"] == "failing" and health["failing"] == []
        assert health["last_run"]["ok"] is False
        assert health["last_run"]["error"] == "output: read-only"
    finally:
        record.write_bytes(kept)


def summaries(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Monthly Rust Meetup", "Rust Berlin Meetup", "Rust Hack and Learn",
          "Rust in Potsdam", "SRUG Meetup"]),
    ("region=Europe", ["Monthly Rust Meetup", "Rust Berlin Meetup", "Rust in Potsdam"]),
    ("region=north-america&region=Virtual", ["Rust Hack and Learn", "SRUG Meetup"]),
    ("country=GB&country=us", ["Monthly Rust Meetup", "SRUG Meetup"]),
    ("country=DE&virtual=false", ["Rust Berlin Meetup", "Rust in Potsdam"]),
    ("virtual=true", ["Rust Hack and Learn"]),
    ("city=cambridge", ["Monthly Rust Meetup"]),
    ("days=4", ["Rust Berlin Meetup", "Rust Hack and Learn"]),
    ("near=Berlin&radius_km=50&virtual=false", ["Rust Berlin Meetup", "Rust in Potsdam"]),
    ("near=Berlin&near=Cambridge,%20GB&radius_km=20",  # the online one is hosted in Berlin
     ["Monthly Rust Meetup", "Rust Berlin Meetup", "Rust Hack and Learn"]),
])
def test_filtered_calendar(served, query, expected):
    answer = served.get(f"/feed.ics?{query}")
    assert answer.status == 200, answer.body
    assert answer.getheader("Content-Type") == "text/calendar; charset=utf-8"
    assert summaries(answer.body) == expected


def test_equal_queries_give_equal_bytes_and_etags(served):
    one = served.get("/feed.ics?region=Europe&country=DE")
    two = served.get("/feed.ics?country=de&region=europe")
    assert one.body == two.body and one.getheader("ETag") == two.getheader("ETag")
    assert served.get("/feed.ics?region=Europe&country=DE",
                      **{"If-None-Match": one.getheader("ETag")}).status == 304


def test_filtered_atom_has_its_own_id(served):
    answer = served.get("/feed.xml?country=DE")
    assert answer.getheader("Content-Type") == "application/atom+xml; charset=utf-8"
    root = etree.fromstring(answer.body)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.findtext(f"{atom}id").endswith("/feed.xml?country=DE")
    titles = [e.findtext(f"{atom}title") for e in root.iterfind(f"{atom}entry")]
    assert len(titles) == 3 and sum("DE" in t for t in titles) == 2  # + online from Berlin


@pytest.mark.parametrize(("query", "message"), [
    ("region=Atlantis", "unknown region 'Atlantis'"),
    ("country=XX", "'XX' is not a country code"),
    ("near=Nowhereville", "'Nowhereville' is not a city"),
    ("days=soon", "'soon' is not a whole number of days"),
    ("days=-1", "is not a whole number of days"),
    ("virtual=maybe", "'maybe' is not true or false"),
    ("radius_km=10", "needs a near city"),
    ("near=Berlin&radius_km=far", "'far' is not a distance"),
    ("near=Berlin&radius_km=nan", "'nan' is not a distance"),
    ("regoin=Europe", "parameter 'regoin': unknown parameter"),
    ("city=", "empty value"),
])
def test_bad_parameters_are_400_with_a_message(served, query, message):
    for path in ("/feed.ics", "/feed.xml"):
        answer = served.get(f"{path}?{query}")
        assert answer.status == 400
        assert message in answer.body.decode()


def test_sigint_stops_the_server_cleanly(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9/unused.md")
    server = Process("serve", "--config", str(config), "--port", "0", cwd=tmp_path)
    server.wait_for(r"serving .* on http://127\.0\.0\.1:\d+/")
    server.popen.send_signal(signal.SIGINT)
    assert server.finish() == 0, server.stderr
    assert "SIGINT received" in server.stderr and server.lines[-1].endswith("stopped")


def test_a_taken_port_is_a_clear_error(served, tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9/unused.md", port=served.port)
    server = Process("serve", "--config", str(config), cwd=tmp_path)
    assert server.finish() == 2
    assert f"cannot listen on 127.0.0.1:{served.port}" in server.stderr
