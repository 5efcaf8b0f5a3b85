"""Benchmarks of the whole pipeline, as ratios to a simple reference measured in the same run.

    .venv/bin/python benchmarks/pipeline.py [ISSUES_DIR] [--repeat N] [--scales 4,16]

ISSUES_DIR is a folder of TWiR markdown issues (the TWiR repository's ``content/``);
the default is ../shared/corpus/twir-sample. Every case runs in fresh processes, ``--repeat``
times, and the median is printed:

1. backfill: all issues but the newest into an empty store, every feed written (and once
   more as "backfill, cold": also without the gazetteer cache, as on a machine's first run);
2. nothing changed: a re-run over the same files;
3. one new issue: the newest issue added, then a run;
4. backfill at each scale (4x, 16x: the input plus copies of it with every year moved back
   13, 26, ... years, so each copy holds different events and what is upcoming stays the
   same), wall time and peak memory against 1x.

Our runs use the clock of the day the newest issue appeared (benchmarks/clock.py), so the
feeds hold what was upcoming then; the machine's own date may be months after the archive
ends, which would leave the feeds empty. Peak memory is the peak resident set of the run's
own process (``wait4``), never of this script.

The reference (benchmarks/reference.py) reads only the current format with one regex and
writes every feed from scratch with icalendar and feedgen; it has no state, so its figure is
the same for every case.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_ISSUES = HERE.parent.parent / "shared" / "corpus" / "twir-sample"
YEAR = re.compile(r"(?<!\d)(20[0-9]{2})(?!\d)")
YEARS_PER_COPY = 13  # the archive spans 2014-2026: copies never overlap
DATED = re.compile(r"\d{4}-\d{1,2}-\d{1,2}-")  # an issue's file name starts with its date


@dataclass
class Sample:
    seconds: float
    peak_mb: float


def snapshot_code(root: Path) -> None:
    """Our runs import a copy of the package taken now (PYTHONPATH): files edited while the
    benchmark runs change neither the code measured nor its fingerprint (which would make
    a run with nothing changed parse everything again). The reference's libraries are
    byte-compiled where they are installed; so is the copy."""
    package = HERE.parent / "calendar_agg"
    shutil.copytree(package, root / "code" / "calendar_agg",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # byte-compiled, as an installed package is (pip compiles it): otherwise, under
    # PYTHONDONTWRITEBYTECODE, every run would compile every module it imports again
    compileall.compile_dir(root / "code", quiet=1)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(root / "code"), *filter(None, [os.environ.get("PYTHONPATH")])])


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None,
            succeeded: tuple[int, ...] = (0, 1)) -> Sample:
    """Run a command in a fresh process: wall time and that process's peak RSS (its stderr
    goes to a file: a full pipe would block it). Any exit status but ``succeeded`` ends the
    benchmark (for our runs, 1 says some source or feed needs attention: still a full run)."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr,
                                   env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode(errors="replace")
    if code not in succeeded:
        raise SystemExit(f"{' '.join(command)} failed with {code}:\n{errors[-2000:]}")
    return Sample(seconds, usage.ru_maxrss / 1024)


def shifted_copy(issues: list[Path], target: Path, copies: int) -> None:
    """``copies`` copies of the issues, copy k with every year moved back by k * 13."""
    target.mkdir(parents=True)
    for k in range(copies):
        shift = -k * YEARS_PER_COPY
        for path in issues:
            def move(match: re.Match[str], shift: int = shift) -> str:
                return str(int(match.group(1)) + shift)

            name = YEAR.sub(move, path.name, count=1)
            text = path.read_text(encoding="utf-8", errors="replace")
            (target / name).write_text(YEAR.sub(move, text) if shift else text, encoding="utf-8")


def write_config(workdir: Path, issues: Path) -> Path:
    config = workdir / "calendar-agg.toml"
    config.write_text(
        f'[output]\ndir = "{workdir / "output"}"\nbase_url = "https://cal.example.org/"\n'
        f'[store]\npath = "{workdir / "state" / "store.sqlite3"}"\n'
        f'[[sources]]\nname = "archive"\npath = "{issues}"\n', encoding="utf-8")
    return config


def ours(config: Path, moment: dt.datetime) -> list[str]:
    """Our run, as if it were ``moment``."""
    return [sys.executable, str(HERE / "clock.py"), moment.isoformat(), "run", "--config",
            str(config), "-q"]


def issue_day(path: Path) -> dt.datetime:
    """Noon UTC of the day an issue appeared (its file name starts with the date)."""
    day = dt.date.fromisoformat(path.name[:10])
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def fresh_workdir(root: Path, name: str, issues: Path) -> tuple[Path, Path]:
    workdir = root / name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    return workdir, write_config(workdir, issues)


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples),
                  statistics.median(s.peak_mb for s in samples))


def run_cases(issues: list[Path], root: Path, repeat: int, scales: list[int]) -> dict:
    snapshot_code(root)
    base = root / "in-1"
    shifted_copy(issues[:-1], base, 1)
    results: dict[str, Sample] = {}
    # Backfill and re-run on the day the newest issue appeared; it arrives that day. Each
    # attempt times the reference next to the cases, so that a shared machine's slower and
    # faster spells weigh on both sides of each ratio alike.
    moment = issue_day(issues[-1])
    reference, backfill, cold, unchanged, one_new = [], [], [], [], []
    for attempt in range(repeat):
        out = root / f"reference-{attempt}"
        reference.append(measure([sys.executable, str(HERE / "reference.py"), str(base),
                                  str(out)], root, succeeded=(0,)))
        _, config = fresh_workdir(root, "ours-cold", base)
        empty = root / f"cache-{attempt}"  # no gazetteer built yet: the first run ever
        cold.append(measure(ours(config, moment), root,
                            os.environ | {"CALENDAR_AGG_CACHE": str(empty)}))
        _, config = fresh_workdir(root, "ours", base)
        backfill.append(measure(ours(config, moment), root))
        unchanged.append(measure(ours(config, moment), root))
        shutil.copy(issues[-1], base / issues[-1].name)
        one_new.append(measure(ours(config, moment), root))
        (base / issues[-1].name).unlink()
    results["reference"] = median(reference)
    results["backfill"] = median(backfill)
    results["backfill, cold"] = median(cold)
    results["unchanged"] = median(unchanged)
    results["one new issue"] = median(one_new)

    for scale in scales:
        scaled = root / f"in-{scale}"
        shifted_copy(issues[:-1], scaled, scale)
        samples = []
        for _ in range(repeat):
            _, config = fresh_workdir(root, f"ours-{scale}", scaled)
            samples.append(measure(ours(config, moment), root))
        results[f"backfill {scale}x"] = median(samples)
    return results


TARGETS = {"backfill": ("reference", 1.0), "unchanged": ("reference", 0.2),
           "one new issue": ("reference", 0.4)}


def report(results: dict[str, Sample], documents: int, repeat: int) -> None:
    reference = results["reference"]
    print(f"{documents} issues, medians of {repeat} runs, each in a fresh process "
          f"({os.cpu_count()} CPUs, {dt.date.today().isoformat()})")
    print(f"{'case':<16} {'seconds':>8} {'peak MB':>8} {'ratio':>7}  target")
    for name, sample in results.items():
        if name == "reference":
            ratio, target = "", "(simple reference: current format only)"
        elif name == "backfill, cold":
            value = sample.seconds / reference.seconds
            ratio, target = f"{value:.2f}", "(first run on a machine: builds the gazetteer cache)"
        elif name in TARGETS:
            value = sample.seconds / reference.seconds
            ratio, target = f"{value:.2f}", f"<= {TARGETS[name][1]} x reference"
        else:
            scale = int(name.split()[1].rstrip("x"))
            one = results["backfill"]
            time_ratio = sample.seconds / one.seconds
            memory_ratio = sample.peak_mb / one.peak_mb
            ratio = f"{time_ratio:.2f}"
            target = f"time <= {scale} x 1x; memory {memory_ratio:.2f} x 1x (<= 3)"
        print(f"{name:<16} {sample.seconds:>8.2f} {sample.peak_mb:>8.0f} {ratio:>7}  {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("issues", nargs="?", type=Path, default=DEFAULT_ISSUES,
                        help="folder of TWiR markdown issues (default: the shared sample)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (default 3)")
    parser.add_argument("--scales", default="4,16",
                        help="input multiples for the growth case (default 4,16)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    issues = sorted(p for p in args.issues.rglob("*.md") if DATED.match(p.name))
    if len(issues) < 2:
        parser.error(f"{args.issues}: needs at least two YYYY-MM-DD-*.md issues")
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    if scales and not all(YEAR.match(p.name) for p in issues):
        # the copies move years 20xx back, onto the names of a stand-in's (standin.py)
        parser.error("--scales needs issues of the years 2000-2099; add --scales ''")
    root = Path(tempfile.mkdtemp(prefix="calendar-agg-bench-"))
    try:
        results = run_cases(issues, root, args.repeat, scales)
        report(results, len(issues), args.repeat)
    finally:
        if args.keep:
            print(f"work folder kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
