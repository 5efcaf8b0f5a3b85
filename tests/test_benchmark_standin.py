"""The benchmarks' archive-sized stand-in: a copy of an issue is the issue weeks earlier,
listing the same events (benchmarks/standin.py)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from calendar_agg.models import Document
from calendar_agg.parsers import parse_document

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
ISSUE = Path(__file__).resolve().parent / "samples" / "markdown" / "2015-12-28-year-rollover.md"


@pytest.fixture
def archive_like():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from standin import archive_like
    finally:
        sys.path.remove(str(BENCHMARKS))
    return archive_like


def _events(name: str, text: str) -> list[tuple]:
    result = parse_document(Document("bench", name, text))
    return [(e.start, e.end, e.city, e.country, e.title) for e in result.events]


@pytest.mark.parametrize("copy", [1, 3])
def test_a_copy_is_the_issue_weeks_earlier_listing_the_same_events(archive_like, copy):
    text = ISSUE.read_text("utf-8")
    name, copied = archive_like(ISSUE.name, text, copy)
    earlier = dt.date(2015, 12, 28) - dt.timedelta(weeks=copy)
    assert name == f"{earlier:%Y-%m-%d}-year-rollover-copy{copy}.md"
    assert f"Date: {earlier:%Y-%m-%d}" in copied
    result = parse_document(Document("bench", name, copied))
    assert result.issues[0].date == earlier
    assert _events(name, copied) == _events(ISSUE.name, text)
    assert copied != text  # some lines have new texts: another first link


def test_a_copy_changes_about_43_percent_of_linked_lines_the_same_in_every_copy(archive_like):
    lines = [f"* 2024-05-{day:02d} | Berlin, DE | [Rust {n}](https://example.org/{n})"
             for n in range(400) for day in [n % 28 + 1]]
    text = "Title: This Week in Rust 1\nDate: 2024-05-01\n\n" + "\n".join(lines)
    copies = [archive_like("2024-05-01-this-week-in-rust.md", text, k)[1].split("\n")[3:]
              for k in (1, 2)]
    changed = [[new != old for new, old in zip(copy, lines, strict=True)] for copy in copies]
    assert changed[0] == changed[1]
    assert 0.35 < sum(changed[0]) / len(lines) < 0.51
    assert all("#copy-1" in line for line, new in zip(copies[0], changed[0], strict=True)
               if new)
