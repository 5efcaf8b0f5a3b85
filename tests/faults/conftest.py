"""Fixtures for fault tests: a raw TCP server that misbehaves on purpose, and snapshots of
what is published and stored, to compare byte for byte before and after a fault."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The tables that hold events and where they came from; ``sources`` (health) may change.
EVENT_TABLES = ("listings", "events", "sightings", "history", "issues")


class RawServer:
    """A TCP server on 127.0.0.1 that hands every connection to ``handle(conn, server)``.

    Handlers loop only while ``running`` is set; ``requests`` counts request heads read
    with ``read_request``.
    """

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.handle: Callable[[socket.socket, RawServer], None] = lambda conn, server: None
        self.running = threading.Event()
        self.running.set()
        self.requests: list[bytes] = []
        self.connections: list[socket.socket] = []
        self.threads: list[threading.Thread] = []

    def url(self, path: str) -> str:
        return self.base + path

    def read_request(self, conn: socket.socket) -> bytes:
        conn.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                break
            head += chunk
        self.requests.append(head)
        return head

    def serve(self) -> None:
        while self.running.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            self.handle(conn, self)
        except OSError:
            pass  # the client gave up: that is what these servers provoke
        finally:
            conn.close()

    def stop(self) -> None:
        self.running.clear()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self.listener.close()
        for conn in self.connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self.threads:
            thread.join(5)


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    acceptor = threading.Thread(target=server.serve, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        server.stop()
        acceptor.join(5)


def response(status: str, body: bytes, **headers: str) -> bytes:
    """An HTTP/1.1 answer with ``Connection: close`` and, unless given, the body's length."""
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    named.setdefault("Content-Length", str(len(body)))
    lines = [f"HTTP/1.1 {status}", "Connection: close",
             *(f"{name}: {value}" for name, value in named.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def output_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def store_rows(path: Path, tables: tuple[str, ...] = EVENT_TABLES) -> dict[str, list[tuple]]:
    """The rows of the store's event tables, sorted, read without the program's code."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
                for table in tables}
    finally:
        db.close()


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
