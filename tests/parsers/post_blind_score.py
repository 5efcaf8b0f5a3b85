"""Score the post parser against the blind samples in tests/samples/post-blind/.

Run from the project root:

    .venv/bin/python tests/parsers/post_blind_score.py [-v]

Figures are printed for all posts, for the 31 written before the parser was read, and for
the holdout written after the first round of fixes (``"holdout": true`` in its JSON).

It runs `calendar-agg parse tests/samples/post-blind --format jsonl` (as a user would), pairs
each expected event with at most one parsed event of the same post, and prints recall,
precision, start-date and city accuracy over the pairs, and the events parsed from negative
posts (posts whose expected list is empty). With -v it lists every miss and wrong field.

An expected event and a parsed one pair when their names share most words (years and
punctuation ignored) or when they have the same start and city. Start is right when it is
equal, or when a month-precision expectation ("2024-04") is the month of the parsed start.
City is right when equal ignoring case and accents; both null counts as right.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "samples" / "post-blind"
CLI = ROOT / ".venv" / "bin" / "calendar-agg"


def parsed_events() -> dict[str, list[dict]]:
    done = subprocess.run(
        [str(CLI), "parse", str(BLIND), "--format", "jsonl", "-q"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    by_post: dict[str, list[dict]] = defaultdict(list)
    for line in done.stdout.splitlines():
        if line.strip():
            event = json.loads(line)
            by_post[Path(event["issue"]).stem].append(event)
    return by_post


def expected_events(holdout: bool | None = None) -> dict[str, list[dict]]:
    """Each post's annotated events; ``holdout`` True/False keeps only the posts written
    after the first round of fixes (marked ``"holdout": true``) or only the others."""
    found = {}
    for path in sorted(BLIND.glob("*.json")):
        annotation = json.loads(path.read_text(encoding="utf-8"))
        if holdout is None or annotation.get("holdout", False) == holdout:
            found[path.stem] = annotation["events"]
    return found


def _folded(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(name: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", _folded(name))}


def names_agree(expected: str, parsed: str | None) -> bool:
    a, b = _words(expected), _words(parsed)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= 0.5


def start_right(expected: dict, parsed: dict) -> bool:
    if expected["precision"] == "month":
        return (parsed.get("start") or "")[:7] == expected["start"]
    return parsed.get("start") == expected["start"]


def city_right(expected: dict, parsed: dict) -> bool:
    return _folded(expected["city"]) == _folded(parsed.get("city"))


def pair(expected: list[dict], parsed: list[dict]) -> list[tuple[dict, dict | None]]:
    left = list(parsed)
    pairs: list[tuple[dict, dict | None]] = []
    for want in expected:
        match = next((p for p in left if names_agree(want["name"], p.get("name"))), None)
        if match is None:
            match = next(
                (p for p in left if start_right(want, p) and city_right(want, p)), None
            )
        if match is not None:
            left.remove(match)
        pairs.append((want, match))
    return pairs


def judge(expected: list[dict], parsed: list[dict]) -> list[str]:
    """What is wrong with ``parsed`` against the hand annotation ``expected`` of one post:
    misses, wrong fields of paired events, and parsed events that pair with none."""
    wrong: list[str] = []
    pairs = pair(expected, parsed)
    for want, found in pairs:
        if found is None:
            wrong.append(f"missed {want['name']!r} {want['start']}")
            continue
        fields = [name for name, right in (
            ("start", start_right(want, found)), ("city", city_right(want, found)),
            ("end", want["precision"] == "month" or want["end"] == found.get("end")),
            ("precision", want["precision"] == found.get("precision")),
            ("country", want["country"] == found.get("country")),
            ("virtual", want["virtual"] == found.get("virtual"))) if not right]
        if fields:
            wrong.append(f"wrong {', '.join(fields)} of {want['name']!r}: got {_brief(found)}")
    paired = [id(found) for _, found in pairs if found is not None]
    wrong += [f"unexpected {_brief(event)}" for event in parsed if id(event) not in paired]
    return wrong


def score(verbose: bool = False, holdout: bool | None = None) -> dict[str, float]:
    expected, parsed = expected_events(holdout), parsed_events()
    n_expected = sum(len(v) for v in expected.values())
    n_parsed = sum(len(v) for post, v in parsed.items() if post in expected)
    matched = start_ok = city_ok = all_ok = false_from_negatives = 0
    for post, wants in expected.items():
        got = parsed.get(post, [])
        false_from_negatives += 0 if wants else len(got)
        for want, found in pair(wants, got):
            if found is not None:
                matched += 1
                start_ok += start_right(want, found)
                city_ok += city_right(want, found)
        all_ok += not judge(wants, got)
        for line in judge(wants, got):
            _say(verbose, f"{post}: {line}")
    return {
        "expected": n_expected, "parsed": n_parsed, "matched": matched,
        "recall": matched / n_expected if n_expected else 1.0,
        "precision": matched / n_parsed if n_parsed else 1.0,
        "start_correct": start_ok / matched if matched else 0.0,
        "city_correct": city_ok / matched if matched else 0.0,
        "events_from_negatives": false_from_negatives,
        "posts_fully_right": all_ok, "posts": len(expected),
    }


def _brief(event: dict) -> str:
    return f"{event.get('name')!r} {event.get('start')}..{event.get('end')} {event.get('city')}"


def _say(verbose: bool, line: str) -> None:
    if verbose:
        print(line)


if __name__ == "__main__":
    for title, holdout in (("all posts", None), ("first 31 (blind before the fixes)", False),
                           ("holdout (written after the first fixes)", True)):
        print(f"== {title}")
        for key, value in score("-v" in sys.argv and holdout is None, holdout).items():
            print(f"{key:>22}: {value:.3f}" if isinstance(value, float)
                  else f"{key:>22}: {value}")
