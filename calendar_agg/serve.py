"""HTTP serving of output/ (waitress): feeds with validators, gzip, CORS, /healthz, /feed.ics.

Only regular files under output/ are ever served: a request path with ``..``,
hidden names, NUL, backslashes or encoded slashes, or one that resolves (through
symlinks) outside output/, is a 404. Any unexpected error is a bare 500, logged
here; nobody gets a traceback.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from calendar_agg.config import Settings
from calendar_agg.errors import QueryError

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_SUFFIXES = {".ics", ".xml", ".json"}  # these get Access-Control-Allow-Origin: *
CACHE_CONTROL = "public, max-age=300"
MAX_CACHED = 256  # representations kept in memory (files and filtered feeds)
ALLOWED = "GET, HEAD, OPTIONS"

Clock = Callable[[], dt.datetime]


@dataclass
class Representation:
    """One response body with its validators; the gzip form is made on first need."""

    body: bytes
    content_type: str
    last_modified: float | None = None
    cors: bool = False
    etag: str = field(init=False)
    _gzipped: bytes | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.etag = hashlib.sha256(self.body).hexdigest()[:32]

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


@dataclass
class Response:
    status: str
    headers: list[tuple[str, str]]
    body: bytes = b""


class FeedServer:
    """The WSGI application: ``FeedServer(settings)(environ, start_response)``."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        from calendar_agg.pipeline import utc_now

        self.settings = settings
        self.clock = clock or utc_now
        self._cache: OrderedDict[tuple, Representation] = OrderedDict()
        self._events: tuple[tuple, list] = ((), [])
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            response = self._respond(environ)
        except Exception:  # the last line of defence: log it, answer 500, no traceback
            log.exception("error serving %s", environ.get("PATH_INFO"))
            response = _text("500 Internal Server Error", "internal error\n")
        start_response(response.status, response.headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    def _respond(self, environ: dict) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":  # a CORS preflight, e.g. for If-None-Match
            return Response("204 No Content", [
                ("Allow", ALLOWED), *_cors_headers(),
                ("Access-Control-Allow-Methods", "GET, HEAD"),
                ("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since"),
                ("Access-Control-Max-Age", "86400")])
        if method not in ("GET", "HEAD"):
            return _text("405 Method Not Allowed", "only GET and HEAD\n", [("Allow", ALLOWED)])
        path = _request_path(environ)
        if path == "/healthz":
            return self._healthz()
        if path in ("/feed.ics", "/feed.xml"):
            try:
                representation: Representation | None = self._filtered(
                    path, environ.get("QUERY_STRING", ""))
            except QueryError as exc:
                return _text("400 Bad Request", f"bad request: {exc}\n", _cors_headers())
        else:
            file = safe_file(self.settings.output.dir, path)
            representation = self._file(file) if file else None
        if representation is None:
            return _text("404 Not Found", "not found\n")
        return _answer(environ, representation)

    # --- files ---------------------------------------------------------------------------

    def _file(self, path: Path) -> Representation | None:
        try:
            with path.open("rb") as handle:
                stat = os.fstat(handle.fileno())
                key = ("file", str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
                cached = self._cached(key)
                if cached is not None:
                    return cached
                body = handle.read()
        except OSError:
            return None
        return self._keep(key, Representation(body, content_type(path, self._root()),
                                              last_modified=stat.st_mtime,
                                              cors=path.suffix in FEED_SUFFIXES))

    def _root(self) -> Path:
        return Path(os.path.realpath(self.settings.output.dir))

    def _cached(self, key: tuple) -> Representation | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _keep(self, key: tuple, representation: Representation) -> Representation:
        with self._lock:
            self._cache[key] = representation
            while len(self._cache) > MAX_CACHED:
                self._cache.popitem(last=False)
        return representation

    # --- filtered feeds and health -------------------------------------------------------

    def _filtered(self, path: str, query_string: str) -> Representation:
        from calendar_agg.feed_query import feed_atom, feed_ics, parse_query

        query = parse_query(query_string)
        today = self.clock().date()
        generation, events = self._stored_events()
        key = ("feed", path, query.canonical, today, generation)
        cached = self._cached(key)
        if cached is not None:
            return cached
        if path == "/feed.ics":
            body, kind = feed_ics(events, query, self.settings, today), CONTENT_TYPES[".ics"]
        else:
            body, kind = feed_atom(events, query, self.settings, today), ATOM_TYPE
        return self._keep(key, Representation(body, kind, cors=True))

    def _stored_events(self) -> tuple[tuple, list]:
        """The store's events, re-read only when the database files changed."""
        from calendar_agg.store import Store

        store_path = self.settings.store.path
        generation = tuple(_stat_key(Path(f"{store_path}{suffix}")) for suffix in ("", "-wal"))
        with self._lock:
            if self._events[0] == generation:
                return self._events
        events: list = []
        if store_path.exists():
            store = Store.open(store_path)
            try:
                events = store.events()
            finally:
                store.close()
        with self._lock:
            self._events = (generation, events)
        return generation, events

    def _healthz(self) -> Response:
        from calendar_agg.health import (
            failing_sources,
            last_run_error,
            read_run_record,
            read_source_health,
            run_record_path,
        )

        last_run = read_run_record(run_record_path(self.settings.store.path))
        sources = read_source_health(self.settings)
        failing = failing_sources(sources)
        status = ("unknown" if last_run is None
                  else "failing" if failing or last_run_error(last_run) else "ok")
        body = json.dumps({"status": status, "last_run": last_run, "failing": failing,
                           "sources": sources}, indent=1).encode() + b"\n"
        return Response("200 OK", [("Content-Type", "application/json"),
                                   ("Content-Length", str(len(body))),
                                   ("Cache-Control", "no-store"), *_cors_headers()], body)


def _stat_key(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return ()
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _request_path(environ: dict) -> str | None:
    """PATH_INFO as text, or None when it cannot be a file of ours."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or ""
    raw_path = raw.split("?", 1)[0].lower()
    if any(code in raw_path for code in ("%2f", "%5c", "%00")):
        return None  # an encoded slash or NUL never names one of our files
    try:
        return environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


def safe_file(output_dir: Path, path: str | None) -> Path | None:
    """The regular file under ``output_dir`` that ``path`` names, or None."""
    if path is None or not path.startswith("/") or "\x00" in path or "\\" in path:
        return None
    segments = [s for s in path.split("/") if s]
    if any(s.startswith(".") for s in segments):  # "..", ".", and hidden or temp files
        return None
    if not segments:
        segments = ["index.html"]
    root = os.path.realpath(output_dir)
    real = os.path.realpath(os.path.join(root, *segments))
    if not real.startswith(root + os.sep) or not os.path.isfile(real):
        return None
    return Path(real)


def content_type(path: Path, root: Path) -> str:
    """Atom for ``atom/*.xml``; by suffix otherwise."""
    if path.suffix == ".xml" and path.parent.name == "atom" and path.parent.parent == root:
        return ATOM_TYPE
    return CONTENT_TYPES.get(path.suffix, "application/octet-stream")


def _answer(environ: dict, rep: Representation) -> Response:
    use_gzip = _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))
    etag = f'"{rep.etag}-gzip"' if use_gzip else f'"{rep.etag}"'
    headers = [("ETag", etag), ("Vary", "Accept-Encoding"), ("Cache-Control", CACHE_CONTROL)]
    if rep.last_modified is not None:
        headers.append(("Last-Modified", formatdate(rep.last_modified, usegmt=True)))
    if rep.cors:
        headers += _cors_headers()
    if _not_modified(environ, rep):
        return Response("304 Not Modified", headers)
    body = rep.gzipped() if use_gzip else rep.body
    headers += [("Content-Type", rep.content_type), ("Content-Length", str(len(body))),
                ("X-Content-Type-Options", "nosniff")]
    if use_gzip:
        headers.append(("Content-Encoding", "gzip"))
    return Response("200 OK", headers, body)


def _not_modified(environ: dict, rep: Representation) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/").strip('"').removesuffix("-gzip")
                for t in if_none_match.split(",")}
        return "*" in tags or rep.etag in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not since or rep.last_modified is None:
        return False
    try:
        return int(rep.last_modified) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def _cors_headers() -> list[tuple[str, str]]:
    return [("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "ETag, Last-Modified")]


def _text(status: str, text: str, extra: list[tuple[str, str]] | None = None) -> Response:
    body = text.encode()
    return Response(status, [("Content-Type", "text/plain; charset=utf-8"),
                             ("Content-Length", str(len(body))), *(extra or [])], body)


def create_server(app: FeedServer, host: str, port: int):
    """A waitress server bound to host:port (port 0: any free port; see ``address``)."""
    from waitress import create_server as waitress_server

    return waitress_server(app, host=host, port=port, threads=8, ident="calendar-agg",
                           expose_tracebacks=False, clear_untrusted_proxy_headers=True)


def address(server) -> tuple[str, int]:
    return str(server.effective_host), int(server.effective_port)
