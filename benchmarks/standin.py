"""An archive-sized stand-in built from a sample of issues, for the benchmarks.

    .venv/bin/python benchmarks/standin.py [FOLDER] OUT --copies N

writes to OUT the issues of FOLDER (default ../shared/corpus/twir-sample) and N-1 copies of
them: copy k of an issue is the issue k weeks earlier (its file name and ``Date:`` moved
back 7 k days, ``-copy<k>`` added to the name), listing the same entries, a share of them
with new texts. A sample of every fourth issue thus becomes about the archive it was taken
from: an issue and the weeks before it. ``benchmarks/pipeline.py OUT`` then measures a
backfill of an archive's size; ``benchmarks/parse_speed.py --copies N`` builds the same
stand-in in memory.

Week after week an issue lists most of the week before's entries word for word (57% of
them over the 44 pairs of consecutive issues in the sample), so in the real archive about
43% of entries are new texts. Each copy changes the first link of 43% of its lines, chosen
by a hash of the line, and keeps the rest word for word: a parser reads each text once,
and plain copies would flatter it. The sample's own issues are mostly weeks apart (75% of
their entries are texts no other sample issue has), so the stand-in has a larger share of
new texts than the archive (about half), not a smaller one.

(Until 2026-11-22 copy k moved every year back by 13 k instead. That made every line that
writes a year, the current form's dates, a new text in every copy: 62% new texts per copy,
66% over 4 copies, not the 43% intended.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zlib
from pathlib import Path

from pipeline import DATED, DEFAULT_ISSUES

_FIRST_LINK = re.compile(r"\]\((https?://[^)\s#]+)")
_ISSUE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_LINE = re.compile(r"^(Date:\s*)(\d{4})-(\d{1,2})-(\d{1,2})", re.M)
NEW_TEXTS_PERCENT = 43
DAYS_PER_COPY = 7


def archive_like(name: str, text: str, copy: int) -> tuple[str, str]:
    """Copy number ``copy`` (1, 2, ...) of the issue ``name`` holding ``text``: the issue
    ``copy`` weeks earlier. ``name`` starts with the issue's date (``YYYY-MM-DD-``)."""
    back = dt.timedelta(days=DAYS_PER_COPY * copy)

    def earlier(match: re.Match[str], first: int = 1) -> str:
        year, month, day = (int(match.group(i)) for i in range(first, first + 3))
        return f"{dt.date(year, month, day) - back:%Y-%m-%d}"

    def relinked(line: str) -> str:
        if zlib.crc32(line.encode()) % 100 >= NEW_TEXTS_PERCENT:
            return line
        return _FIRST_LINK.sub(lambda m: f"]({m.group(1)}#copy-{copy}", line, count=1)

    stem, dot, suffix = _ISSUE_DATE.sub(earlier, name, count=1).rpartition(".")
    renamed = f"{stem}-copy{copy}.{suffix}" if dot else f"{suffix}-copy{copy}"
    moved = _DATE_LINE.sub(lambda m: m.group(1) + earlier(m, 2), text, count=1)
    return renamed, "\n".join(map(relinked, moved.split("\n")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_ISSUES,
                        help="folder of TWiR markdown issues (default: the shared sample)")
    parser.add_argument("out", type=Path, help="folder to write the stand-in to (new)")
    parser.add_argument("--copies", type=int, default=4, help="copies in all (default 4)")
    args = parser.parse_args(argv)
    issues = sorted(p for p in args.folder.rglob("*.md") if DATED.match(p.name))
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
