"""Polite fetching: backoff for failing sources across runs, redirect limit, size cap."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import requests

from calendar_agg.config import SourceSettings
from calendar_agg.errors import SourceError
from calendar_agg.pipeline import run_once
from calendar_agg.sources import fetch
from calendar_agg.sources.backoff import retry_delay
from calendar_agg.sources.http import USER_AGENT
from calendar_agg.store import Store

from ..conftest import FIXED_NOW, Route

NO_EVENTS = b"Title: This Week in Rust 1\nDate: 2025-06-04\n\nNothing upcoming.\n"


def test_retry_delay_doubles_up_to_a_day():
    assert retry_delay(0) == dt.timedelta(0)
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(11) < dt.timedelta(days=1)
    assert retry_delay(12) == retry_delay(500) == dt.timedelta(days=1)


def test_failing_source_is_left_alone_with_growing_delay(settings, http_server):
    http_server.routes["/issue.md"] = Route(404, b"gone")
    source = SourceSettings(name="twir", url=http_server.url("/issue.md"), timeout=5)
    configured = dataclasses.replace(settings, sources=(source,))

    def run_at(seconds: float, **kwargs):
        return run_once(configured, clock=lambda: FIXED_NOW + dt.timedelta(seconds=seconds),
                        **kwargs)

    assert run_at(0).sources[0].failures == 1
    early = run_at(59).sources[0]
    assert "left alone after 1 failures" in early.error and "HTTP 404" in early.error
    assert early.next_attempt == FIXED_NOW + dt.timedelta(seconds=60)
    assert len(http_server.requests) == 1
    assert run_at(60).sources[0].failures == 2
    assert run_at(60 + 119).sources[0].next_attempt is not None
    assert len(http_server.requests) == 2
    run_at(61, sources=[source])  # named on the command line: always fetched
    assert len(http_server.requests) == 3
    http_server.routes["/issue.md"] = Route(200, NO_EVENTS)
    recovered = run_at(61 + 240).sources[0]
    assert (recovered.error, recovered.failures) == (None, 0)
    store = Store.open(settings.store.path)
    try:
        state = store.source_state("twir")
    finally:
        store.close()
    assert state["failures"] == 0 and state["last_error"] is None
    assert state["last_success"] == (FIXED_NOW + dt.timedelta(seconds=301)).isoformat()


def redirect_chain(server, hops: int) -> str:
    for hop in range(hops):
        server.routes[f"/r{hop}"] = Route(302, b"", {"Location": f"/r{hop + 1}"})
    server.routes[f"/r{hops}"] = Route(200, b"arrived")
    return server.url("/r0")


def test_redirects_are_followed_within_the_limit(http_server):
    url = redirect_chain(http_server, 5)
    [document] = fetch(SourceSettings(name="s", url=url, timeout=5)).documents
    assert document.text == "arrived"


def test_too_many_redirects_fail_the_source(http_server):
    url = redirect_chain(http_server, 6)
    with pytest.raises(SourceError, match="more than 5 redirects"):
        fetch(SourceSettings(name="s", url=url, timeout=5))


def test_a_given_session_gets_our_limits_and_user_agent(http_server):
    url = redirect_chain(http_server, 6)
    with requests.Session() as session, pytest.raises(SourceError, match="redirects"):
        fetch(SourceSettings(name="s", url=url, timeout=5), session)
    assert http_server.requests[0][1]["User-Agent"] == USER_AGENT


def test_declared_oversize_response_is_refused_unread(http_server, monkeypatch):
    monkeypatch.setattr("calendar_agg.sources.http.MAX_DOCUMENT_BYTES", 100)
    http_server.routes["/big.md"] = Route(200, b"x" * 1000)
    with pytest.raises(SourceError, match="1000 bytes is over the 100 byte limit"):
        fetch(SourceSettings(name="s", url=http_server.url("/big.md"), timeout=5))
