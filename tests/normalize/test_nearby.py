"""Deriving only near what a run added (``normalize.nearby``): the same store and output as
deriving every event, and everything derived whenever a run did more than add."""

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest

from calendar_agg.config import settings_from_dict
from calendar_agg.models import Issue, RawEvent
from calendar_agg.normalize import changes, nearby
from calendar_agg.normalize.merge import Listing, make_listing
from calendar_agg.pipeline import run_once
from calendar_agg.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "markdown"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "twir-sample"


def _settings(settings, root: Path, folder: Path):
    chosen = replace(settings, output=replace(settings.output, dir=root / "output"),
                     store=replace(settings.store, path=root / "store.sqlite3"))
    config = {"sources": [{"name": "issues", "path": str(folder)}]}
    return replace(chosen, sources=settings_from_dict(config).sources)


def _state(settings) -> tuple:
    """Every derived row, the derivation's problems and every published file."""
    store = Store.open(settings.store.path)
    try:
        rows = tuple(tuple(store._db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))
                     for table in ("events", "sightings", "history"))
        problems = store.run_value("derive_problems")
    finally:
        store.close()
    out = settings.output.dir
    files = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return rows, problems, files


def _run(settings, clock) -> tuple[int, int]:
    """One run: (times it derived near what was added, events it derived)."""
    with mock.patch.object(nearby, "derive_near", wraps=nearby.derive_near) as near, \
            mock.patch.object(changes, "derive", wraps=changes.derive) as derive:
        report = run_once(settings, clock=clock)
    assert not any(source.error for source in report.sources)
    return near.call_count, derive.call_count


def _copy(paths: list[Path], folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for path in paths:
        shutil.copy(path, folder / path.name)


def _compare_late_issue(issues: list[Path], late: Path, settings, clock, tmp_path: Path
                        ) -> tuple[int, int]:
    """Backfill without ``late``, then a run after it arrives, against one backfill of all:
    the same state. Returns what the late run derived (``_run``)."""
    stepwise = _settings(settings, tmp_path / "stepwise", tmp_path / "in-stepwise")
    _copy([p for p in issues if p != late], tmp_path / "in-stepwise")
    _run(stepwise, clock)
    _copy([late], tmp_path / "in-stepwise")
    derived = _run(stepwise, clock)
    whole = _settings(settings, tmp_path / "whole", tmp_path / "in-whole")
    _copy(issues, tmp_path / "in-whole")
    _run(whole, clock)
    assert _state(stepwise) == _state(whole)
    return derived


def test_a_late_issue_derives_only_near_it_what_deriving_everything_gives(
        settings, clock, tmp_path):
    issues = sorted(SAMPLES.glob("20*.md"))
    late = issues[len(issues) // 2]
    near, derived = _compare_late_issue(issues, late, settings, clock, tmp_path)
    assert near == 1
    store = Store.open(tmp_path / "whole" / "store.sqlite3")
    try:
        events = store._db.execute("SELECT count(*) FROM events").fetchone()[0]
        listed = store._db.execute("SELECT count(*) FROM listings WHERE issue LIKE ?",
                                   (late.name[:11] + "%",)).fetchone()[0]
    finally:
        store.close()
    assert 0 < listed <= derived < events / 2


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/corpus/twir-sample")
@pytest.mark.parametrize("late", ["newest", "2024-01-24-this-week-in-rust.md"])
def test_on_the_sample_a_new_issue_derives_a_few_events_and_changes_nothing_else(
        settings, clock, tmp_path, late):
    issues = sorted(SHARED.glob("20*.md"))
    chosen = issues[-1] if late == "newest" else SHARED / late
    at = dt.datetime.combine(dt.date.fromisoformat(chosen.name[:10]), dt.time(12),
                             tzinfo=dt.UTC)
    near, derived = _compare_late_issue(issues, chosen, settings, lambda: at, tmp_path)
    assert near == 1
    # its ~50 listings and the events it may cancel, not the archive's ~2,700 events
    assert 0 < derived < 200


def test_a_rewritten_issue_derives_everything_again(settings, clock, tmp_path):
    issues = sorted(SAMPLES.glob("20*.md"))
    folder = tmp_path / "in-stepwise"
    stepwise = _settings(settings, tmp_path / "stepwise", folder)
    _copy(issues, folder)
    _run(stepwise, clock)
    edited = folder / "2025-current-form.md"
    edited.write_text(edited.read_text().replace("Rust", "Rüst", 1))
    assert _run(stepwise, clock)[0] == 0
    whole = _settings(settings, tmp_path / "whole", tmp_path / "in-whole")
    _copy(sorted(folder.glob("*.md")), tmp_path / "in-whole")
    _run(whole, clock)
    assert _state(stepwise) == _state(whole)


def _listing(issue: str, line: int, day: dt.date, **fields) -> Listing:
    seen = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return make_listing(RawEvent(issue=issue, line=line, source="twir", **fields), seen)


def _index(*groups: list[Listing], states: dict | None = None) -> nearby.DeriveIndex:
    """The index a full derivation of ``groups`` keeps, as read back."""
    assert nearby.indexable(groups)
    spans = changes.issue_spans([li for group in groups for li in group])
    index = nearby.DeriveIndex.load(nearby.index_meta("code", states or {}, spans),
                                    nearby.index_rows(groups))
    assert index is not None
    return index


def test_what_is_near_an_added_listing():
    day = dt.date(2025, 6, 4)
    berlin = dict(city="Berlin", country="DE", group="Rust Berlin",
                  group_url="https://www.meetup.com/rust-berlin/")
    june = _listing("i1", 1, day, start=dt.date(2025, 6, 20), title="Talks",
                    url="https://www.meetup.com/rust-berlin/events/1/", **berlin)
    july = _listing("i1", 2, day, start=dt.date(2025, 7, 20), title="Talks",
                    url="https://www.meetup.com/rust-berlin/events/2/", **berlin)
    paris = _listing("i1", 3, day, start=dt.date(2025, 6, 20), city="Paris", country="FR",
                     title="Rust Paris", url="https://rust-paris.example/june")
    index = _index([june], [july], [paris])
    # a mirror of June's link on June's date, in an issue before June's date: near June
    # (rule 2) and, as it may cancel what it does not list, near July and Paris too
    later = _listing("i2", 1, day + dt.timedelta(days=7), start=dt.date(2025, 6, 20),
                     url="https://lu.ma/berlin", title="Talks",
                     extra_urls=("https://meetup.com/rust-berlin/events/1",), **berlin)
    covered = changes.coverages(
        [("twir", Issue("i1", day)), ("twir", Issue("i2", later.seen.date()))],
        changes.issue_spans([june, july, paris, later]))
    keys, uids = index.near([later], covered)
    assert keys == {("twir", "i1", 1, ""), ("twir", "i1", 2, ""), ("twir", "i1", 3, "")}
    # an issue listed after every date, from another source: near June by its link only
    other = _listing("i9", 1, dt.date(2025, 8, 1), start=dt.date(2025, 6, 20),
                     url="https://www.meetup.com/rust-berlin/events/1/", title="Talks",
                     **berlin)
    other = Listing(replace(other.event, source="calendar-x"), other.seen, other.key)
    keys, _ = index.near([other], {})
    assert keys == {("twir", "i1", 1, "")}
    # nothing shared, nothing cancelled
    far = _listing("i9", 1, dt.date(2025, 8, 1), start=dt.date(2025, 9, 1), city="Oslo",
                   country="NO", title="Rust Oslo", url="https://oslo.example/9")
    assert index.near([far], {}) == (set(), set())


def test_an_organiser_link_that_appears_derives_the_events_that_used_it_as_a_page():
    day = dt.date(2025, 6, 4)
    page = "https://rust-lyon.example/meetups"
    lyon = _listing("i1", 1, day, start=dt.date(2025, 6, 20), city="Lyon", country="FR",
                    title="Rust Lyon", url=page)
    index = _index([lyon])
    organiser = _listing("i2", 1, day, start=dt.date(2025, 12, 1), city="Oslo",
                         country="NO", title="Rust Oslo", url="https://oslo.example/12",
                         group="Rust Lyon friends", group_url=page)
    keys, _ = index.near([organiser], {})
    assert keys == {("twir", "i1", 1, "")}


def test_only_additions_by_the_same_code_are_derived_near():
    day = dt.date(2025, 6, 4)
    first = _listing("i1", 1, day, start=dt.date(2025, 6, 20), city="Oslo", country="NO",
                     title="Rust Oslo", url="https://oslo.example/6")
    index = _index([first], states={("twir", "i1"): "state"})
    old = {("twir", "i1", 1, "")}
    new = {("twir", "i2", 1, "")}
    states = {("twir", "i1"): "state", ("twir", "i2"): "new"}
    assert index.added("code", new, new, 2, states) == new
    assert index.added("code", new | {("twir", "i2", 2, "")}, new, 2, states) == new
    assert index.added("other code", new, new, 2, states) is None
    assert index.added("code", old | new, old | new, 2, states) is None  # rewritten
    assert index.added("code", new, new, 1, states) is None  # one gone without a trace
    assert index.added("code", new, new, 3, states) is None  # one more than written
    added = {("twir", "i1", 2, "")}
    assert index.added("code", added, added, 2, states) is None  # to an indexed issue
    assert index.added("code", new, new, 2, states | {("twir", "i1"): "window"}) is None
    occurrence = {("cal", "x", 1, "uid@2025-06-04")}
    assert index.added("code", occurrence, occurrence, 2, states) is None  # a calendar's
    meta = nearby.index_meta("code", {("twir", "i1"): "state"}, changes.issue_spans([first]))
    assert nearby.DeriveIndex.load(b"not an index", ()) is None
    assert nearby.DeriveIndex.load(meta, [(("twir", "i1", 1, ""), b"damaged")]) is None
    calendar = Listing(replace(first.event, source_uid="uid"), first.seen, first.key)
    assert not nearby.indexable([[first], [calendar]])
