"""Parsing in worker processes: the same store and output as parsing in the run's process,
and a worker that dies costs nothing but time."""

import os
from dataclasses import replace
from pathlib import Path

import pytest

from calendar_agg import pipeline
from calendar_agg.config import ParseSettings, settings_from_dict
from calendar_agg.errors import ConfigError
from calendar_agg.normalize import changes
from calendar_agg.parsers import parse_document
from calendar_agg.pipeline import run_once
from calendar_agg.publish import ics
from calendar_agg.store import Store
from calendar_agg.workers import Workers

MARKDOWN = Path(__file__).parent / "samples" / "markdown"


def test_calls_after_the_inline_ones_run_in_workers_in_order():
    with Workers(2, inline=2, chunk=3) as workers:
        calls = [workers.submit(os.getpid) for _ in range(11)]
        pids = [workers.result(call) for call in calls]
    assert pids[:2] == [os.getpid()] * 2
    assert os.getpid() not in pids[2:]
    # consecutive calls go to one worker together: 3, 3, 3, then the 2 left when asked
    assert all(len(set(pids[start:start + 3])) == 1 for start in (2, 5, 8, 9))
    with Workers(2, inline=0) as workers:
        squares = [workers.submit(pow, n, 2) for n in range(20)]
        assert [workers.result(call) for call in squares] == [n * n for n in range(20)]


def test_calls_short_of_a_batch_go_to_a_worker_once_flushed(tmp_path):
    """The last calls of a run (fewer than a batch) are sent when no more are coming, not
    when their results are asked for: a worker makes them while the caller stores the
    results before them."""
    import time

    marks = [tmp_path / f"{n}.done" for n in range(3)]
    with Workers(2, inline=0, chunk=8) as workers:
        calls = [workers.submit(Path.touch, mark) for mark in marks]
        time.sleep(0.2)
        assert not any(mark.exists() for mark in marks)  # waiting for a full batch
        workers.flush()
        deadline = time.monotonic() + 30
        while not all(mark.exists() for mark in marks) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert all(mark.exists() for mark in marks)
        assert [workers.result(call) for call in calls] == [None] * 3


def test_a_parsed_event_crosses_to_the_run_whole():
    """Workers hand parsed events back pickled (``RawEvent.__reduce__``): every field, of
    its type, comes back."""
    import datetime as dt
    import pickle

    from calendar_agg.models import RawEvent

    zone = dt.timezone(dt.timedelta(hours=2))
    event = RawEvent(
        "2025-06-04-this-week-in-rust.md", 7, dt.date(2025, 6, 12), dt.date(2025, 6, 13),
        "Berlin", "BE", "DE", True, True, "Europe", "Rust Berlin", "https://g.example/",
        "Hack and Learn", "https://e.example/1", ("https://m.example/1",), "twir",
        dt.datetime(2025, 6, 12, 19, tzinfo=zone), dt.datetime(2025, 6, 13, 22, tzinfo=zone),
        "Europe/Berlin", "CANCELLED", "uid-1", "month", 0.5)
    assert all(getattr(event, name) != field.default
               for name, field in RawEvent.__dataclass_fields__.items())
    back = pickle.loads(pickle.dumps(event, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == event and type(back.extra_urls) is tuple
    assert back.starts_at.utcoffset() == dt.timedelta(hours=2)


def test_one_process_calls_everything_here():
    with Workers(1, inline=0) as workers:
        calls = [workers.submit(os.getpid) for _ in range(5)]
        assert all(call.done for call in calls)
        assert {workers.result(call) for call in calls} == {os.getpid()}


def _die() -> int:
    os._exit(3)


def test_a_worker_that_dies_gives_the_call_back_to_the_caller():
    with Workers(2, inline=0) as workers:
        dying = workers.submit(_die)
        assert workers.result(dying, lambda: 42) == 42


def test_an_error_in_a_worker_reaches_the_caller_and_spares_the_other_calls():
    with Workers(2, inline=0) as workers:
        calls = [workers.submit(int, text) for text in ("1", "not a number", "3")]
        assert workers.result(calls[0]) == 1
        with pytest.raises(ValueError, match="not a number"):
            workers.result(calls[1], lambda: pytest.fail("made again"))
        assert workers.result(calls[2]) == 3


def rows_and_files(settings) -> tuple:
    store = Store.open(settings.store.path)
    try:
        rows = tuple(tuple(store._db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))
                     for table in ("listings", "events", "sightings", "history", "documents"))
    finally:
        store.close()
    out = settings.output.dir
    files = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return rows, files


def test_a_run_in_workers_stores_and_publishes_what_one_process_does(
        settings, clock, tmp_path, monkeypatch):
    """A backfill of more documents than a run parses itself (``workers.INLINE``) and more
    events than it derives itself (``changes.FORK_AT``, lowered here), then a late issue
    (most events kept as stored): every listing, resolution, event, history row and file
    the same with workers as without."""
    parsed_by, derived_by = tmp_path / "parsed-by", tmp_path / "derived-by"
    serialized_by = tmp_path / "serialized-by"

    def noting_the_process(note: Path, function):
        def noted(*args):
            with note.open("a") as notes:
                notes.write(f"{os.getpid()}\n")
            return function(*args)
        return noted

    monkeypatch.setattr(pipeline, "parse_document",
                        noting_the_process(parsed_by, parse_document))
    monkeypatch.setattr(changes, "derive", noting_the_process(derived_by, changes.derive))
    monkeypatch.setattr(ics, "vevent_part", noting_the_process(serialized_by, ics.vevent_part))
    monkeypatch.setattr(changes, "FORK_AT", 10)
    issues = sorted(MARKDOWN.glob("20*.md"))
    late = issues.pop(len(issues) // 2)
    folder = tmp_path / "issues"
    folder.mkdir()
    for path in issues:
        (folder / path.name).write_bytes(path.read_bytes())
    assert len(issues) > 8
    found: dict[int, list] = {1: [], 3: []}
    for workers in (1, 3):
        root = tmp_path / f"workers-{workers}"
        chosen = replace(settings, parse=ParseSettings(workers),
                         output=replace(settings.output, dir=root / "output"),
                         store=replace(settings.store, path=root / "store.sqlite3"))
        config = {"sources": [{"name": "issues", "path": str(folder)}]}
        chosen = replace(chosen, sources=settings_from_dict(config).sources)
        for step in ("backfill", "late issue"):
            if step == "late issue":
                (folder / late.name).write_bytes(late.read_bytes())
            report = run_once(chosen, clock=clock)
            assert report.new > 0 and not any(s.error for s in report.sources)
            found[workers].append((rows_and_files(chosen), [str(p) for p in report.problems],
                                   report.new, report.updated, report.cancelled))
            here = str(os.getpid())
            noted = {}
            for note in (parsed_by, derived_by, serialized_by):
                noted[note.name] = set(note.read_text().split())
                note.unlink()
            if workers == 1:
                assert all(pids == {here} for pids in noted.values()), step
                continue
            # the first documents (or one new one) are parsed here, the rest by workers
            assert here in noted["parsed-by"]
            assert (noted["parsed-by"] == {here}) == (step == "late issue")
            if step == "backfill":  # a late issue derives only the few events near it
                # every event is derived by the workers, which write its VEVENT too
                assert noted["derived-by"] and here not in noted["derived-by"], step
                assert noted["serialized-by"] and here not in noted["serialized-by"], step
        (folder / late.name).unlink()
    assert found[1] == found[3]


def test_parse_workers_setting():
    assert settings_from_dict({"parse": {"workers": 2}}).parse.workers == 2
    assert settings_from_dict({}).parse.workers >= 1
    with pytest.raises(ConfigError, match="parse.workers: must be 1 or more"):
        settings_from_dict({"parse": {"workers": 0}})
    # how a run parses changes nothing published: not in what fingerprints the output
    assert "workers" not in repr(settings_from_dict({"parse": {"workers": 2}}))


def test_parse_only_in_workers_gives_what_one_process_gives(clock):
    """``calendar-agg parse`` parses in workers: the same events, problems and notices, in
    the documents' order."""
    from calendar_agg.models import Document
    from calendar_agg.pipeline import parse_only

    documents = [Document("samples", path.name, path.read_text("utf-8"))
                 for path in sorted(MARKDOWN.glob("*.md"))]
    assert len(documents) > 8
    alone = parse_only(documents, clock, workers=1)
    assert alone[0] and alone[1]
    assert parse_only(documents, clock, workers=2) == alone


def test_parse_each_renders_in_the_workers_what_one_process_renders(clock):
    """``calendar-agg parse --format jsonl`` has each event's line made where its document
    was parsed: in order, the lines of what ``parse_only`` gives, with problems and notices
    unchanged."""
    import json

    from calendar_agg.jsonl import JSONL_FIELDS, event_line
    from calendar_agg.models import Document
    from calendar_agg.pipeline import parse_each, parse_only

    documents = [Document("samples", path.name, path.read_text("utf-8"))
                 for path in sorted(MARKDOWN.glob("*.md"))]
    events, problems, notices = parse_only(documents, clock, workers=1)
    for workers in (1, 2):
        parsed = list(parse_each(documents, clock, workers=workers, render=event_line))
        assert len(parsed) == len(documents)
        lines = [line for found, _, _ in parsed for line in found]
        assert lines == [event_line(event) for event in events]
        assert [p for _, found, _ in parsed for p in found] == problems
        assert [n for _, _, found in parsed for n in found] == notices
    row = json.loads(lines[0])
    assert list(row) == list(JSONL_FIELDS)
    assert (row["issue"], row["start"]) == (events[0].issue, events[0].start.isoformat())


def test_parse_each_gives_a_document_before_reading_the_next(clock):
    """Parsed in the command's own process, each document's events are given before the
    next document is even taken: ``parse`` prints as it goes."""
    from calendar_agg.models import Document
    from calendar_agg.pipeline import parse_each

    paths = sorted(MARKDOWN.glob("20*.md"))[:3]
    taken: list[str] = []

    def documents():
        for path in paths:
            taken.append(path.name)
            yield Document("samples", path.name, path.read_text("utf-8"))

    for number, (events, _, _) in enumerate(parse_each(documents(), clock, workers=1), 1):
        assert len(taken) == number
        assert events and {event.issue[:10] for event in events} == {taken[-1][:10]}


def test_workers_derive_only_when_many_events_are_not_known(monkeypatch):
    """A run after a new issue keeps nearly every event as stored: it derives the few left
    itself; a backfill (nothing known) forks workers to derive."""
    import datetime as dt

    from calendar_agg.models import Document
    from calendar_agg.records import EventRecord

    rows, issues = [], []
    for path in sorted(MARKDOWN.glob("20*.md")):
        result = parse_document(Document("samples", path.name, path.read_text("utf-8")))
        issues += [("samples", issue) for issue in result.issues]
        dates = {issue.name: issue.date for issue in result.issues}
        rows += [(event, dates.get(event.issue), dt.datetime(2025, 6, 5, tzinfo=dt.UTC))
                 for event in result.events]
    records, _ = changes.events_from_listings(rows, issues, known={})
    derived = [r for r in records if isinstance(r, EventRecord)]
    known = {r.derived_from: r.event.uid for r in derived[1:]}  # all but one
    forks = []
    forked_map = changes.forked_map
    monkeypatch.setattr(changes, "forked_map",
                        lambda *args: forks.append(args[1]) or forked_map(*args))
    monkeypatch.setattr(changes, "FORK_AT", 2)
    few, _ = changes.events_from_listings(rows, issues, known=known, processes=2)
    assert sum(isinstance(r, EventRecord) for r in few) == 1 and forks == []
    many, _ = changes.events_from_listings(rows, issues, known={}, processes=2)
    assert len(list(many)) == len(derived) and forks == [len(derived)]
