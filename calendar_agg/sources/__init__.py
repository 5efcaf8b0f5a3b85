"""Fetch a Source -> Documents: local files and folders, or HTTP(S) URLs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from calendar_agg.config import SourceSettings
from calendar_agg.models import Document, Problem

# A document larger than this is refused rather than read into memory.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class HttpState:
    """Validators of the last successful fetch of a URL, for conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    # a folder's are read one at a time as they are gone through (``local.FolderDocuments``)
    documents: Collection[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # unreadable files in a folder
    not_modified: bool = False  # the server answered 304: nothing to parse
    http_state: HttpState | None = None  # validators to keep for next time
    followed: list[str] = field(default_factory=list)  # issues an index page led to, read


def fetch(source: SourceSettings, session=None, state: HttpState | None = None,
          known: Collection[str] = (), skip: Collection[Path] = ()) -> FetchResult:
    """Documents of ``source``; raises SourceError when the source as a whole fails.
    ``known``: issue URLs an index page led an earlier run to, not read again; ``skip``:
    folders whose files a folder source leaves out (the run's own output)."""
    if source.url is not None:
        from calendar_agg.sources.http import fetch_url

        return fetch_url(source, session, state, known)
    from calendar_agg.sources.local import read_path

    return read_path(source, skip)
