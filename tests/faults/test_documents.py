"""Bad documents: read where possible, rejected with a clear message otherwise, never a
traceback and never unbounded memory or time."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_agg.config import adhoc_source
from calendar_agg.errors import DocumentError, SourceError
from calendar_agg.models import Document
from calendar_agg.parsers import parse_document
from calendar_agg.sources import MAX_DOCUMENT_BYTES, fetch
from calendar_agg.sources.decode import decode_document

from ..processes import REPO, upcoming_issue
from .conftest import RawServer

TODAY = dt.date(2025, 6, 5)
ISSUE = upcoming_issue(TODAY).replace("Rust Berlin Meetup", "Rust Berlin Meetup in Köln")
HUNDRED_MB = 100 * 1024 * 1024
# Runs the CLI in a fresh interpreter and prints its peak memory (KiB) as the last line.
MEASURED = ("import resource, sys\nfrom calendar_agg.cli import main\ncode = main(sys.argv[1:])\n"
            "print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "file=sys.stderr)\nsys.exit(code)\n")


def cli(*args: str, cwd: Path, timeout: float = 60) -> tuple[int, str, str, int]:
    """Exit code, stdout, stderr and peak memory in KiB of ``calendar-agg ARGS``."""
    done = subprocess.run([sys.executable, "-c", MEASURED, *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    peak = int(re.search(r"^maxrss (\d+)$", done.stderr, re.MULTILINE).group(1))
    return done.returncode, done.stdout, done.stderr, peak


def events_of(text: str, name: str = "issue.md") -> list[tuple]:
    result = parse_document(Document("s", name, text))
    return [(e.line, e.start, e.title, e.city) for e in result.events]


EXPECTED = events_of(ISSUE)


@pytest.mark.parametrize("encoded", [
    pytest.param(ISSUE.encode("utf-8"), id="utf-8"),
    pytest.param(ISSUE.encode("latin-1", errors="replace"), id="latin-1"),
    pytest.param(codecs.BOM_UTF8 + ISSUE.encode(), id="utf-8-bom"),
    pytest.param(codecs.BOM_UTF16_LE + ISSUE.encode("utf-16-le"), id="utf-16-le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + ISSUE.encode("utf-16-be"), id="utf-16-be-bom"),
    pytest.param(ISSUE.replace("\n", "\r\n").encode(), id="crlf"),
    pytest.param(ISSUE.replace("\n", "\r").encode(), id="old-mac-cr"),
    pytest.param("".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in
                         enumerate(ISSUE.split("\n"))).encode(), id="mixed-line-endings"),
])
def test_encodings_and_line_endings_give_the_same_events_on_the_same_lines(tmp_path, encoded):
    path = tmp_path / "issue.md"
    path.write_bytes(encoded)
    [document] = fetch(adhoc_source(str(path))).documents
    found = events_of(document.text)
    assert found == EXPECTED
    assert any(title and "Köln" in title for _, _, title, _ in found)


@pytest.mark.parametrize("data, reason", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not a text document"),
    ("Köln".encode("utf-16-le"), "binary data, not a text document"),  # UTF-16 without BOM
    (b"", "empty document (no text at all)"),
    (b"  \n\r\n\t ", "empty document (no text at all)"),
])
def test_unreadable_file_is_rejected_with_its_name_and_the_rest_of_the_folder_is_read(
        tmp_path, data, reason):
    (tmp_path / "bad.md").write_bytes(data)
    (tmp_path / "good.md").write_text(ISSUE, encoding="utf-8")
    with pytest.raises(DocumentError) as raised:
        fetch(adhoc_source(str(tmp_path / "bad.md")))
    assert str(raised.value) == f"source '{tmp_path / 'bad.md'}': bad.md: {reason}"
    result = fetch(adhoc_source(str(tmp_path)))
    assert [d.name for d in result.documents] == ["good.md"]
    assert [(p.document, p.message) for p in result.problems] == [("bad.md", reason)]


def test_a_device_is_not_read_endlessly():
    with pytest.raises(SourceError, match="not a regular file or folder"):
        fetch(adhoc_source("/dev/zero"))


@pytest.mark.parametrize("text, name", [
    ("<html><body>" + "<div>" * 100_000 + "x", "deep.html"),
    ("<!DOCTYPE html><html><body><h2>Upcoming Events</h2>" + "<ul><li>" * 30_000
     + "2025-06-10 | Berlin, DE | x", "deep-list.html"),
    (("<html><body><h2>Upcoming Events</h2><ul><li>2025-06-10 | Berlin, DE | "
      "<a href='https://x.org/e'>Rust Berlin<li><b><i>2025-06-11 | <table><tr><td>"),
     "open.html"),
    ("## Upcoming Events\n" + "[" * 100_000 + "\n" + "*" * 100_000 + "\n" + "|" * 100_000,
     "brackets.md"),
    ("Title: This Week in Rust 1\nDate: 2025-06-04\n\n## Upcoming Events\n\n### Europe\n"
     + "".join(f"* 2025-06-{i % 40:02} | [Berlin, DE | [**broken {i}](https://x.org/{i}\n"
               f"    * [**](\n* | | |\n" for i in range(3000)), "broken-lines.md"),
])
def test_pathological_documents_parse_quickly_without_raising(text, name):
    parse_document(Document("warm", "warm.md", ISSUE))  # load the gazetteer outside the clock
    started = time.monotonic()
    result = parse_document(Document("s", name, text))
    assert time.monotonic() - started < 10
    for problem in result.problems:
        assert problem.source == "s" and problem.document == name


def test_thousands_of_broken_lines_are_reported_as_problems_with_their_lines():
    impossible = ("2025-13-01", "2025-02-30", "2025-00-10", "2025-06-31")
    broken = [f"* {impossible[i % 4]} | Berlin, DE | [**Rust {i}](https://x.org/{i}"
              for i in range(2000)]
    started = time.monotonic()
    result = parse_document(Document("s", "broken.md", ISSUE + "\n".join(broken) + "\n"))
    assert time.monotonic() - started < 10
    assert [(e.line, e.start, e.title, e.city) for e in result.events] == EXPECTED
    first = len(ISSUE.splitlines()) + 1
    assert [p.line for p in result.problems] == list(range(first, first + 2000))
    assert [p.text for p in result.problems] == [line[2:] for line in broken]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode),
                 st.sampled_from([codecs.BOM_UTF16_LE, codecs.BOM_UTF8, b"\xff", b"\x00"]),
                 st.text(max_size=100).map(lambda t: t.encode("utf-16"))))
def test_decoding_arbitrary_bytes_gives_text_or_says_why(data):
    try:
        text = decode_document(data, "s", "d")
    except DocumentError as exc:
        assert exc.reason in ("binary data, not a text document", "empty document (no text at all)")
        return
    assert "\r" not in text and text.strip()
    parse_document(Document("s", "d", text))


# --- the size cap, with peak memory measured in a fresh process --------------------------

@pytest.fixture(scope="module")
def baseline_peak(tmp_path_factory) -> int:
    folder = tmp_path_factory.mktemp("baseline")
    (folder / "issue.md").write_text(ISSUE, encoding="utf-8")
    code, _, stderr, peak = cli("run", "--config", str(config_in(folder)),
                                str(folder / "issue.md"), cwd=folder)
    assert code == 0, stderr
    return peak


def config_in(folder: Path) -> Path:
    config = folder / "calendar-agg.toml"
    config.write_text(f'[output]\ndir = "{folder / "output"}"\n'
                      f'[store]\npath = "{folder / "var" / "s.sqlite3"}"\n', encoding="utf-8")
    return config


def test_a_100_mb_file_is_refused_without_reading_it(tmp_path, baseline_peak):
    big = tmp_path / "huge.md"
    with big.open("wb") as handle:  # sparse: 100 MB that cost no disk
        handle.truncate(HUNDRED_MB)
    code, out, err, peak = cli("run", "--config", str(config_in(tmp_path)), str(big),
                               cwd=tmp_path)
    assert code == 1, err
    assert (f"source {big}: FAILED: {HUNDRED_MB} bytes is over the {MAX_DOCUMENT_BYTES} "
            "byte limit") in out
    assert "Traceback" not in err
    assert peak < baseline_peak + 10 * 1024, (peak, baseline_peak)


def test_an_endless_100_mb_response_is_cut_at_the_cap_in_bounded_memory(
        tmp_path, baseline_peak, raw_server: RawServer):
    sent = []

    def hundred_mb_without_length(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/markdown\r\nConnection: close\r\n\r\n")
        chunk = b"* 2025-06-10 | Berlin, DE | x\n" * 2048
        while sum(sent) < HUNDRED_MB and server.running.is_set():
            conn.sendall(chunk)
            sent.append(len(chunk))

    raw_server.handle = hundred_mb_without_length
    code, out, err, peak = cli("run", "--config", str(config_in(tmp_path)),
                               raw_server.url("/huge.md"), cwd=tmp_path)
    assert code == 1, err
    assert f"FAILED: response larger than {MAX_DOCUMENT_BYTES} bytes" in out
    assert "Traceback" not in err
    assert sum(sent) < HUNDRED_MB  # the client hung up at the cap
    assert peak < baseline_peak + MAX_DOCUMENT_BYTES // 1024 + 30 * 1024, (peak, baseline_peak)


def test_a_folder_of_bad_documents_runs_through_the_cli_without_a_traceback(tmp_path):
    folder = tmp_path / "issues"
    folder.mkdir()
    (folder / "a-binary.md").write_bytes(b"\x00\x01\x02\x03" * 100)
    (folder / "b-empty.md").write_bytes(b"")
    (folder / "c-deep.html").write_text("<html><body>" + "<div>" * 50_000, encoding="utf-8")
    (folder / "d-latin1.md").write_bytes(ISSUE.encode("latin-1", errors="replace"))
    (folder / "e-utf16.md").write_bytes(codecs.BOM_UTF16_LE + ISSUE.encode("utf-16-le"))
    (folder / "f-crlf.md").write_bytes(ISSUE.replace("\n", "\r\n").encode())
    code, out, err, _ = cli("run", "--json", "--config", str(config_in(tmp_path)), str(folder),
                            cwd=tmp_path)
    assert "Traceback" not in err and "internal error" not in err
    summary = json.loads(out)
    assert code == 0, err
    assert summary["sources"][0]["documents"] == 4
    assert sorted(summary["problems"]) == [
        f"{folder}: a-binary.md: binary data, not a text document",
        f"{folder}: b-empty.md: empty document (no text at all)",
    ]
    assert summary["new"] == 5
