"""Helpers for tests that start calendar-agg for real: a subprocess whose stderr is
read as it comes, and an issue with events around today (so they are in the feeds' window).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class Process:
    """``python -m calendar_agg ARGS`` in ``cwd``; ``wait_for`` a line on its stderr."""

    def __init__(self, *args: str, cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.popen = subprocess.Popen([sys.executable, "-m", "calendar_agg", *args], cwd=cwd,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=env)
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 20.0) -> re.Match:
        """The first stderr line matching ``pattern``; fails the test after ``timeout``."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        with self._changed:
            while True:
                for line in self.lines:
                    if found := regex.search(line):
                        return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.popen.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"no line matching {pattern!r} in:\n" + self.stderr)
                self._changed.wait(min(left, 0.2))

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, then the exit status."""
        self.popen.send_signal(signal.SIGTERM)
        return self.finish(timeout)

    def finish(self, timeout: float = 20.0) -> int:
        try:
            code = self.popen.wait(timeout)
        finally:
            if self.popen.poll() is None:
                self.popen.kill()
                self.popen.wait()
        self._reader.join(5)
        self.output = self.popen.stdout.read() if self.popen.stdout else ""
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()
        return code

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)


def upcoming_issue(today: dt.date) -> str:
    """A TWiR issue in markdown whose events fall in the coming weeks."""
    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    return f"""Title: This Week in Rust 999
Number: 999
Date: {day(0)}
Category: This Week in Rust

## Upcoming Events

Rusty Events between {day(0)} - {day(28)} 🦀

### Virtual
* {day(2)} | Virtual (Berlin, DE) | [Rust Berlin](https://www.meetup.com/rust-berlin)
    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/1001)

### Europe
* {day(3)} | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)
    * [**Rust Berlin Meetup**](https://www.meetup.com/rust-berlin/events/1002)
* {day(10)} | Potsdam, DE | [Rust Potsdam](https://www.meetup.com/rust-potsdam)
    * [**Rust in Potsdam**](https://www.meetup.com/rust-potsdam/events/1003)
* {day(5)} | Cambridge, UK | [Cambridge Rust Meetup](https://www.meetup.com/cambridge-rust-meetup)
    * [**Monthly Rust Meetup**](https://www.meetup.com/cambridge-rust-meetup/events/1004)

### North America
* {day(20)} | Redmond, WA, US | [Seattle Rust User Group](https://www.meetup.com/join-srug)
    * [**SRUG Meetup**](https://www.meetup.com/seattle-rust-user-group/events/1005)
"""


def online_issue(today: dt.date) -> str:
    """A TWiR issue with two online events and no places: quick to normalize."""
    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    return f"""Title: This Week in Rust 998
Number: 998
Date: {day(0)}
Category: This Week in Rust

## Upcoming Events

Rusty Events between {day(0)} - {day(28)} 🦀

### Virtual
* {day(2)} | Virtual | [Rust Online](https://www.meetup.com/rust-online)
    * [**Rust Hack and Learn**](https://www.meetup.com/rust-online/events/2001)
* {day(4)} | Virtual | [Rust Online](https://www.meetup.com/rust-online)
    * [**Rust Talk**](https://www.meetup.com/rust-online/events/2002)
"""


def write_config(folder: Path, source_url: str, *, interval: str = "1s",
                 serve: bool = True, port: int = 0) -> Path:
    config = folder / "calendar-agg.toml"
    config.write_text(f"""[output]
dir = "{folder / 'output'}"
[store]
path = "{folder / 'var' / 'calendar-agg.sqlite3'}"
[schedule]
interval = "{interval}"
[serve]
enabled = {str(serve).lower()}
host = "127.0.0.1"
port = {port}
[[sources]]
name = "twir"
url = "{source_url}"
timeout = 10
""", encoding="utf-8")
    return config


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()}
