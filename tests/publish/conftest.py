"""Fixtures for published output: events to publish, and a real headless Chromium.

The browser is driven over the DevTools protocol through a pipe
(``--remote-debugging-pipe``: NUL-terminated JSON on file descriptors 3 and 4),
so no driver or websocket package is needed, only the Debian ``chromium``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from calendar_agg.models import Event

T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
TODAY = dt.date(2025, 6, 5)


def _event(uid: str, start: dt.date, regions: tuple[str, ...], **fields) -> Event:
    base = dict(uid=uid, start=start, end=None, city="Berlin", subdivision=None, country="DE",
                virtual=False, hybrid=False, regions=regions, group="Rust Berlin",
                group_url="https://www.meetup.com/rust-berlin", title="Rust Hack and Learn",
                url=f"https://www.meetup.com/rust-berlin/events/{uid}", first_seen=T0,
                last_seen=T0, last_modified=T0, issues=("2025-06-04-this-week-in-rust.md",))
    return Event(**(base | fields))


@pytest.fixture
def make_event() -> Callable[..., Event]:
    """``make_event(uid, start, regions, **fields)``: a Berlin meetup unless told otherwise."""
    return _event


@pytest.fixture
def sample_events() -> list[Event]:
    """Upcoming events on three continents and online, one cancelled, one long past."""
    day = dt.timedelta(days=1)
    return [
        _event("berlin", dt.date(2025, 6, 12), ("Europe",)),
        _event("potsdam", dt.date(2025, 6, 12), ("Europe",), city="Potsdam",
               group="Rust Potsdam", title="Potsdam Rust Night",
               first_seen=T0 + day, last_modified=T0 + day),
        _event("munich", dt.date(2025, 6, 14), ("Europe",), city="Munich",
               subdivision="BY", group="Rust Munich", title="Rust Munich Meetup"),
        _event("paris", dt.date(2025, 6, 18), ("Europe",), city="Paris", country="FR",
               group="Rust Paris", title="Rust Paris Meetup", status="CANCELLED", sequence=1,
               first_seen=T0 + 2 * day, last_modified=T0 + 3 * day),
        _event("seattle", dt.date(2025, 6, 19), ("North America", "Virtual"), city="Redmond",
               subdivision="WA", country="US", virtual=True, hybrid=True,
               group="Seattle Rust User Group", title="June SRUG Meetup", sequence=2,
               first_seen=T0 + 4 * day, last_modified=T0 + 5 * day),
        _event("online", dt.date(2025, 6, 20), ("Virtual",), end=dt.date(2025, 6, 22),
               city=None, country=None, virtual=True, group="Rust Online",
               title="RustConf Online", extra_urls=("https://mirror.example/rustconf",)),
        _event("tokyo", dt.date(2025, 6, 25), ("Asia",), city="Tokyo", country="JP",
               group="Tokyo Rust", title="Tokyo Rust Meetup 東京"),
        _event("old", dt.date(2025, 1, 8), ("Europe",), title="Long gone"),
    ]


# --- headless Chromium over the DevTools pipe ------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """A minimal DevTools client: one page, commands with replies, events collected."""

    def __init__(self, process: subprocess.Popen, commands: int, replies: int) -> None:
        self.process = process
        self._out, self._in = commands, replies
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session = ""

    def call(self, method: str, timeout: float = 20, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open_page(self, url: str, phone_width: int | None = None) -> None:
        """A new tab on ``url``; with ``phone_width``, emulating a phone that wide."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        if phone_width:
            self.call("Emulation.setDeviceMetricsOverride", width=phone_width, height=800,
                      deviceScaleFactor=2, mobile=True)
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"!!({expression})"):
            if time.monotonic() > deadline:
                raise TimeoutError(expression)
            time.sleep(0.05)

    def console_errors(self) -> list[str]:
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(str(params["exceptionDetails"]))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                errors.append(str(params.get("args")))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                errors.append(params["entry"].get("text", ""))
        return errors


def _high_pipe() -> tuple[int, int]:
    """A pipe on descriptors above 9, so moving them to 3 and 4 cannot clobber either."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends[0], ends[1]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium; .ci/run does it)")
    commands_read, commands_write = _high_pipe()
    replies_read, replies_write = _high_pipe()
    log = tmp_path / "chromium.log"
    # chromium reads commands on fd 3 and writes replies to fd 4: a tiny Python trampoline
    # puts the pipe ends there (dash cannot redirect descriptors above 9)
    trampoline = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
                  "os.execv(sys.argv[3], sys.argv[3:])")
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", trampoline, str(commands_read), str(replies_write),
             executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--remote-debugging-pipe",
             f"--user-data-dir={tmp_path / 'chromium-profile'}", "about:blank"],
            pass_fds=(commands_read, replies_write), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=errors)
    os.close(commands_read)
    os.close(replies_write)
    client = Browser(process, commands_write, replies_read)
    try:
        client.call("Browser.getVersion", timeout=30)
    except (TimeoutError, EOFError, BrokenPipeError) as exc:
        process.kill()
        process.wait()
        os.close(commands_write)
        os.close(replies_read)
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        pytest.skip(f"{executable} does not start headless here: {exc}: {' / '.join(tail)}")
    try:
        yield client
    finally:
        client.session = ""
        try:
            client.call("Browser.close", timeout=5)
        except (TimeoutError, EOFError, RuntimeError, OSError):
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(commands_write)
        os.close(replies_read)
