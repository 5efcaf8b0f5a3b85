"""Shared fixtures: a fixed clock, settings in a temp folder, a real local HTTP server."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from calendar_agg.config import OutputSettings, Settings, StoreSettings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "twir-sample"
FIXED_NOW = dt.datetime(2025, 6, 5, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Callable[[], dt.datetime]:
    return lambda: FIXED_NOW


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        output=OutputSettings(dir=tmp_path / "output", base_url="https://example.org/cal/"),
        store=StoreSettings(path=tmp_path / "var" / "store.sqlite3"),
    )


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1; tests set ``routes`` and read ``requests``."""

    base: str
    routes: dict[str, Route | Callable] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server_state = LocalServer(base="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            server_state.requests.append((self.path, dict(self.headers)))
            route = server_state.routes.get(self.path, Route(404, b"not found"))
            if callable(route):
                route = route(self)
                if route is None:
                    return
            etag = route.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
