"""How long parsing takes: every document of a folder through the parsers, nothing else.

    .venv/bin/python benchmarks/parse_speed.py [FOLDER] [--repeat N] [--copies N]

FOLDER holds issues as markdown, HTML pages or feeds (read recursively, the same files a
folder source reads); the default is ../shared/corpus/twir-sample. Printed:

* start-up: importing the parsers and loading the gazetteers (countries, subdivisions and
  the countries having each, cities, the free-text city index), timed apart because a run
  pays them once, whatever it parses;
* parse work: format detection and parsing of every document (files already read), for
  the first pass (cold caches) and warm (the median of ``--repeat`` further passes; a
  folder re-read by the daemon every few hours is parsed warm);
* the same per detected format, with documents, events and problems.

``--copies N`` parses an archive-sized stand-in built from the folder: the folder's issues
and N-1 copies of them, copy k the issue k weeks earlier, with new texts
for about as many entries as the real archive has (``benchmarks/standin.py`` says how, and
writes the same stand-in to a folder).

The passes run with the garbage-collector thresholds of a run (``pipeline.fewer_collections``).

``--command`` also times what a user waits for: the whole ``calendar-agg parse FOLDER --format
jsonl`` (start-up, reading the files, parsing, printing) in fresh processes, with one
parsing process and with the default workers, ``--repeat`` times each, alternating; the
median wall time of each. With ``--copies`` the stand-in is written to a temporary folder
for it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from standin import archive_like

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
    places.country_in_text("Mozilla Gujarat")  # which countries have a subdivision of a name
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


def copied(documents: list, copies: int) -> list:
    """The documents and ``copies - 1`` archive-like copies of them (``standin``)."""
    from calendar_agg.models import Document

    found = list(documents)
    for copy in range(1, copies):
        for document in documents:
            name, text = archive_like(document.name, document.text, copy)
            found.append(Document(document.source, name, text, location=document.location))
    return found


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
    arguments.add_argument("--copies", type=int, default=1,
                           help="parse an archive-sized stand-in of N copies (see above)")
    arguments.add_argument("--command", action="store_true",
                           help="also time the whole `calendar-agg parse` command (see above)")
    options = arguments.parse_args(argv)
    if not options.folder.is_dir():
        print(f"no such folder: {options.folder}", file=sys.stderr)
        return 2
    imports, gazetteers = start_up()
    documents = copied(read_documents(options.folder), max(options.copies, 1))
    figures: dict[str, FormatFigures] = defaultdict(FormatFigures)
    from calendar_agg.pipeline import fewer_collections

    with fewer_collections():  # as in a run and in ``calendar-agg parse``
        first = one_pass(documents, figures, first=True)
        warm_passes = []
        for _ in range(max(options.repeat, 1)):
            warm_passes.append(one_pass(documents, figures, first=False))
    warm = statistics.median(warm_passes)
    report(options.folder, options.copies, imports, gazetteers, first, warm, figures)
    if options.command:
        with tempfile.TemporaryDirectory(prefix="parse-speed-") as scratch:
            folder = options.folder
            if options.copies > 1:
                folder = Path(scratch)
                for document in documents:
                    (folder / document.name).write_text(document.text, encoding="utf-8")
            report_command(time_command(folder, max(options.repeat, 1)))
    return 0


def time_command(folder: Path, repeat: int) -> dict[str, list[float]]:
    """Wall seconds of ``calendar-agg parse folder --format jsonl`` per way of parsing."""
    ways = {"one process": ["--workers", "1"], "default workers": []}
    took: dict[str, list[float]] = {way: [] for way in ways}
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    for _ in range(repeat):
        for way, flags in ways.items():
            command = [sys.executable, "-m", "calendar_agg", "parse", str(folder),
                       "--format", "jsonl", *flags]
            began = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
            took[way].append(time.perf_counter() - began)
    return took


def report_command(took: dict[str, list[float]]) -> None:
    for way, seconds in took.items():
        print(f"calendar-agg parse, {way}: {statistics.median(seconds):.3f} s wall"
              f" (median of {len(seconds)}; all: {', '.join(f'{s:.2f}' for s in seconds)})")


def report(
    folder: Path,
    copies: int,
    imports: float,
    gazetteers: float,
    first: float,
    warm: float,
    figures: dict[str, FormatFigures],
) -> None:
    documents = sum(entry.documents for entry in figures.values())
    events = sum(entry.events for entry in figures.values())
    more = f" and {copies - 1} {'copy' if copies == 2 else 'copies'}" if copies > 1 else ""
    print(f"folder: {folder}{more}")
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
