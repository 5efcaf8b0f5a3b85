"""How long parsing takes: every document of a folder through the parsers, nothing else.

    .venv/bin/python benchmarks/parse_speed.py [FOLDER] [--repeat N]

FOLDER holds issues as markdown, HTML pages or feeds (read recursively, the same files a
folder source reads); the default is ../shared/corpus/twir-sample. Printed:

* start-up: importing the parsers and loading the gazetteers (countries, subdivisions,
  cities, the free-text city index), timed apart because a run pays them once, whatever it parses;
* parse work: format detection and parsing of every document (files already read), for
  the first pass (cold caches) and warm (the median of ``--repeat`` further passes; a
  folder re-read by the daemon every few hours is parsed warm);
* the same per detected format, with documents, events and problems.

The passes run with the garbage-collector thresholds of a run (``pipeline.fewer_collections``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FOLDER = HERE.parent.parent / "shared" / "corpus" / "twir-sample"


@dataclass
class FormatFigures:
    """What one format's documents took and gave."""

    documents: int = 0
    events: int = 0
    problems: int = 0
    first: float = 0.0
    warm: list[float] = field(default_factory=list)


def start_up() -> tuple[float, float]:
    """Seconds to import every parser, and to load the gazetteers."""
    began = time.perf_counter()
    from calendar_agg.parsers import available_parsers

    available_parsers()
    imported = time.perf_counter()
    from calendar_agg.normalize import places

    places.country_code("Deutschland")
    places.subdivision_valid("US", "WA")
    places.locate_city("Seattle", "WA", "US")
    places.city_in_text("Rust Paris")
    return imported - began, time.perf_counter() - imported


def read_documents(folder: Path) -> list:
    """Every document file of ``folder`` as a Document (format left to detection)."""
    from calendar_agg.models import Document
    from calendar_agg.sources.local import DOCUMENT_SUFFIXES

    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in DOCUMENT_SUFFIXES)
    return [
        Document("bench", path.name, path.read_text("utf-8", "replace"), location=str(path))
        for path in paths
        if path.is_file()
    ]


def one_pass(documents: list, figures: dict[str, FormatFigures], first: bool) -> float:
    """Parse every document once; returns the seconds of parse work."""
    from calendar_agg.parsers import detect_format, get_parser

    took_by_format: dict[str, float] = defaultdict(float)
    for document in documents:
        began = time.perf_counter()
        name = detect_format(document) or "unknown"
        result = get_parser(name).parse(document) if name != "unknown" else None
        took_by_format[name] += time.perf_counter() - began
        if first and result is not None:
            figures[name].documents += 1
            figures[name].events += len(result.events)
            figures[name].problems += len(result.problems)
    for name, took in took_by_format.items():
        if first:
            figures[name].first = took
        else:
            figures[name].warm.append(took)
    return sum(took_by_format.values())


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    arguments.add_argument("--repeat", type=int, default=5, help="warm passes (default 5)")
    options = arguments.parse_args(argv)
    if not options.folder.is_dir():
        print(f"no such folder: {options.folder}", file=sys.stderr)
        return 2
    imports, gazetteers = start_up()
    documents = read_documents(options.folder)
    figures: dict[str, FormatFigures] = defaultdict(FormatFigures)
    from calendar_agg.pipeline import fewer_collections

    with fewer_collections():  # as in a run and in ``calendar-agg parse``
        first = one_pass(documents, figures, first=True)
        warm_passes = []
        for _ in range(max(options.repeat, 1)):
            warm_passes.append(one_pass(documents, figures, first=False))
    report(options.folder, imports, gazetteers, first, statistics.median(warm_passes), figures)
    return 0


def report(
    folder: Path,
    imports: float,
    gazetteers: float,
    first: float,
    warm: float,
    figures: dict[str, FormatFigures],
) -> None:
    documents = sum(entry.documents for entry in figures.values())
    events = sum(entry.events for entry in figures.values())
    print(f"folder: {folder}")
    print(f"start-up: imports {imports:.3f} s, gazetteers {gazetteers:.3f} s")
    print(f"documents: {documents}, events: {events}")
    print(f"parse work: first pass {first:.3f} s, warm {warm:.3f} s (median)")
    print(f"{'format':<10} {'documents':>9} {'events':>7} {'problems':>8}", end="")
    print(f" {'first s':>8} {'warm s':>8}")
    for name, entry in sorted(figures.items()):
        print(
            f"{name:<10} {entry.documents:>9} {entry.events:>7} {entry.problems:>8}"
            f" {entry.first:>8.3f} {statistics.median(entry.warm):>8.3f}"
        )


if __name__ == "__main__":
    sys.exit(main())
