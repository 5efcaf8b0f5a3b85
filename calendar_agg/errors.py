"""The one exception tree of calendar-agg.

::

    CalendarAggError                 root: everything we raise on purpose
    ├── ConfigError (ValueError)     the config file is missing or wrong; carries every problem
    ├── SourceError                  a source could not be fetched or read
    │   └── DocumentError (ValueError)  a fetched document is unreadable (binary, bad encoding)
    ├── StoreError                   the SQLite store cannot be opened, migrated or written
    ├── PublishError                 output cannot be written, or a feed would collapse
    ├── RunLockedError               another run holds the run lock (daemon or `run`)
    └── QueryError (ValueError)      a bad query parameter of a filtered feed (HTTP 400)

Errors carry their context as attributes and build their message from them;
only ``calendar_agg.cli`` turns them into text for people.
"""

from __future__ import annotations


class CalendarAggError(Exception):
    """Root of every error calendar-agg raises on purpose."""


class ConfigError(CalendarAggError, ValueError):
    """One or more problems in a config file, all reported at once."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{path}: {len(self.problems)} config problem(s):\n{lines}")


class SourceError(CalendarAggError):
    """A source could not be fetched or read."""

    def __init__(self, source: str, reason: str, retry_after: float | None = None) -> None:
        self.source = source
        self.reason = reason
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After)
        super().__init__(f"source {source!r}: {reason}")


class DocumentError(SourceError, ValueError):
    """A document was fetched but cannot be read as text."""

    def __init__(self, source: str, document: str, reason: str) -> None:
        super().__init__(source, f"{document}: {reason}")
        self.document = document
        self.reason = reason


class StoreError(CalendarAggError):
    """The store cannot be opened, migrated or written."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"store {path}: {reason}")


class PublishError(CalendarAggError):
    """Output could not be written, or was refused to protect what is published."""

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"publishing {target}: {reason}")


class RunLockedError(CalendarAggError):
    """Another process is running the pipeline on the same store."""

    def __init__(self, path: str, holder: str | None) -> None:
        self.path = path
        self.holder = holder  # "pid 1234" as written in the lock file, when known
        by = f" ({holder})" if holder else ""
        super().__init__(f"another run is in progress{by}; lock file {path}")


class QueryError(CalendarAggError, ValueError):
    """A query parameter of a filtered feed that cannot be used."""

    def __init__(self, parameter: str, reason: str) -> None:
        self.parameter = parameter
        self.reason = reason
        super().__init__(f"parameter {parameter!r}: {reason}")
