"""An archive-sized stand-in built from a sample of issues, for the benchmarks.

    .venv/bin/python benchmarks/standin.py [FOLDER] OUT --copies N

writes to OUT the issues of FOLDER (default ../shared/corpus/twir-sample) and N-1 copies of
them, every year of copy k moved back by 13 k (the archive spans 2014-2026: copies never
overlap), with the file names moved likewise. ``benchmarks/pipeline.py OUT`` then measures
a backfill of an archive's size; ``benchmarks/parse_speed.py --copies N`` builds the same
stand-in in memory.

Week after week an issue lists most of the week before's entries word for word (57% of
them over the 43 pairs of consecutive issues in the sample), so in the real archive about
43% of entries are new texts. A sample of every fourth issue rarely has both weeks, and
plain copies would meet each of their texts again (a parser reads each text once, a run
resolves each listing's place once), so each copy also changes the first link of 42% of its
lines, chosen by a hash of the line: that gives the stand-in of the sample about the
archive's share of new entry texts.
"""

from __future__ import annotations

import argparse
import re
import sys
import zlib
from pathlib import Path

from pipeline import DEFAULT_ISSUES, YEAR, YEARS_PER_COPY

_FIRST_LINK = re.compile(r"\]\((https?://[^)\s#]+)")
NEW_TEXTS_PERCENT = 42


def archive_like(name: str, text: str, copy: int) -> tuple[str, str]:
    """Copy number ``copy`` (1, 2, ...) of the issue ``name`` holding ``text``."""
    def moved(match: re.Match[str]) -> str:
        return str(int(match.group(1)) - copy * YEARS_PER_COPY)

    def relinked(line: str) -> str:
        if zlib.crc32(line.encode()) % 100 >= NEW_TEXTS_PERCENT:
            return line
        return _FIRST_LINK.sub(lambda m: f"]({m.group(1)}#copy-{copy}", line, count=1)

    lines = YEAR.sub(moved, text).split("\n")
    return YEAR.sub(moved, name, count=1), "\n".join(map(relinked, lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_ISSUES,
                        help="folder of TWiR markdown issues (default: the shared sample)")
    parser.add_argument("out", type=Path, help="folder to write the stand-in to (new)")
    parser.add_argument("--copies", type=int, default=4, help="copies in all (default 4)")
    args = parser.parse_args(argv)
    issues = sorted(p for p in args.folder.rglob("*.md") if YEAR.match(p.name))
    if not issues:
        parser.error(f"{args.folder}: no YYYY-MM-DD-*.md issues")
    if args.out.exists():
        parser.error(f"{args.out}: exists already")
    args.out.mkdir(parents=True)
    for path in issues:
        text = path.read_text(encoding="utf-8", errors="replace")
        (args.out / path.name).write_text(text, encoding="utf-8")
        for copy in range(1, max(args.copies, 1)):
            name, copied = archive_like(path.name, text, copy)
            (args.out / name).write_text(copied, encoding="utf-8")
    print(f"{args.out}: {len(issues) * max(args.copies, 1)} issues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
