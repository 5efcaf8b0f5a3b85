import time

import pytest

from calendar_agg.config import SourceSettings
from calendar_agg.errors import SourceError
from calendar_agg.sources import HttpState, fetch
from calendar_agg.sources.http import USER_AGENT

from ..conftest import Route


def source(server, path="/atom.xml", timeout=5.0):
    return SourceSettings(name="twir", url=server.url(path), timeout=timeout)


def test_get_names_the_tool_and_keeps_validators(http_server):
    http_server.routes["/atom.xml"] = Route(
        200, "<feed>Köln</feed>".encode(), {"Content-Type": "application/atom+xml; charset=utf-8",
                                           "ETag": '"v1"',
                                           "Last-Modified": "Wed, 04 Jun 2025 10:00:00 GMT"})
    result = fetch(source(http_server))
    [document] = result.documents
    assert document.text == "<feed>Köln</feed>"
    assert document.name == "atom.xml" and document.content_type == "application/atom+xml"
    assert result.http_state == HttpState('"v1"', "Wed, 04 Jun 2025 10:00:00 GMT")
    assert http_server.requests[0][1]["User-Agent"] == USER_AGENT


def test_conditional_get_gives_not_modified(http_server):
    http_server.routes["/atom.xml"] = Route(200, b"<feed/>", {"ETag": '"v1"'})
    result = fetch(source(http_server), state=HttpState('"v1"', None))
    assert result.not_modified and result.documents == []
    assert http_server.requests[0][1]["If-None-Match"] == '"v1"'


def test_http_error_names_status(http_server):
    http_server.routes["/atom.xml"] = Route(404, b"gone")
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch(source(http_server))


def test_transient_error_is_retried(http_server, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    answers = iter([Route(503, b"busy", {"Retry-After": "1"}), Route(200, b"ok")])
    http_server.routes["/atom.xml"] = lambda handler: next(answers)
    [document] = fetch(source(http_server)).documents
    assert document.text == "ok"
    assert len(http_server.requests) == 2


def test_long_retry_after_is_not_slept_through(http_server):
    http_server.routes["/atom.xml"] = Route(503, b"busy", {"Retry-After": "3600"})
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"HTTP 503.*Retry-After 3600"):
        fetch(source(http_server))
    assert len(http_server.requests) == 1
    assert time.monotonic() - started < 5


def test_silent_server_times_out(http_server):
    def silent(handler):
        time.sleep(2)
        return Route(200, b"late")
    http_server.routes["/atom.xml"] = silent
    with pytest.raises(SourceError, match="no answer within 0.5 s"):
        fetch(source(http_server, timeout=0.5))


def test_unreachable_host_fails_fast():
    dead = SourceSettings(name="dead", url="http://127.0.0.1:9/feed", timeout=2)
    started = time.monotonic()
    with pytest.raises(SourceError, match="connection refused"):
        fetch(dead)
    assert time.monotonic() - started < 10
