"""The blind post samples: posts written before the parser was read, each beside its hand
annotation (tests/samples/post-blind/*.json). Every sample must be detected as a post and
give exactly the annotated events (judged as ``post_blind_score.py`` judges them); the ones
the parser still gets wrong are listed in ``KNOWN_FAILURES`` with the reason."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from calendar_agg.models import Document, RawEvent
from calendar_agg.parsers import detect_format
from calendar_agg.parsers.post import PostParser

HERE = Path(__file__).resolve().parent
BLIND = HERE.parents[1] / "tests" / "samples" / "post-blind"
_SPEC = importlib.util.spec_from_file_location("post_blind_score", HERE / "post_blind_score.py")
assert _SPEC is not None and _SPEC.loader is not None
SCORE = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(SCORE)

# sample stem -> why the parser still gets it wrong (xfail, strict: a fix must remove it)
KNOWN_FAILURES: dict[str, str] = {}


def _row(event: RawEvent) -> dict:
    return {"name": event.title, "start": event.start.isoformat(),
            "end": event.end.isoformat() if event.end else None,
            "precision": event.precision, "city": event.city, "country": event.country,
            "virtual": event.virtual}


def _samples() -> list:
    found = []
    for path in sorted(BLIND.glob("*.md")):
        reason = KNOWN_FAILURES.get(path.stem)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        found.append(pytest.param(path, id=path.stem, marks=marks))
    return found


@pytest.mark.parametrize("sample", _samples())
def test_blind_sample_gives_its_annotated_events(sample: Path) -> None:
    document = Document("blind", sample.name, sample.read_text(encoding="utf-8"))
    assert detect_format(document) == "post"
    parsed = [_row(event) for event in PostParser().parse(document).events]
    expected = json.loads(sample.with_suffix(".json").read_text(encoding="utf-8"))["events"]
    assert SCORE.judge(expected, parsed) == []


def test_every_known_failure_names_a_sample() -> None:
    assert {stem for stem in KNOWN_FAILURES if not (BLIND / f"{stem}.md").exists()} == set()
