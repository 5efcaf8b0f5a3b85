"""The ``calendar-agg`` command ends its process without tearing down its objects
(``cli.command``): what it wrote must still all be there, and its exit handlers must run."""

import json
import subprocess
import sys
from pathlib import Path

from calendar_agg.cli import main

SAMPLES = Path(__file__).resolve().parent / "samples" / "pipeline"

# Runs ``command`` as the console script does, with an exit handler of its own that leaves a
# mark, and stdout going to a file: block-buffered, so an exit that skipped the flush would
# lose its tail.
SCRIPT = """
import atexit, sys
from pathlib import Path
from calendar_agg.cli import command
atexit.register(lambda: Path(sys.argv[1]).write_text("ran"))
command(sys.argv[2:])
"""


def run_command(tmp_path: Path, *args: str) -> tuple[int, bytes, str, Path]:
    mark = tmp_path / "mark"
    with open(tmp_path / "out", "wb") as out:
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(mark), *args], stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=120, cwd=tmp_path)
    return done.returncode, (tmp_path / "out").read_bytes(), done.stderr, mark


def test_command_writes_all_its_output_and_runs_exit_handlers(tmp_path, capsys):
    assert main(["parse", str(SAMPLES), "--format", "jsonl"]) == 0
    expected = capsys.readouterr().out
    code, out, err, mark = run_command(tmp_path, "parse", str(SAMPLES), "--format", "jsonl")
    assert code == 0, err
    assert out.decode() == expected
    assert [json.loads(line)["issue"] for line in out.decode().splitlines()]
    assert mark.read_text() == "ran"


def test_command_exits_with_the_status_main_returns(tmp_path):
    code, out, err, mark = run_command(tmp_path, "run", "--config", "missing.toml")
    assert code == 2
    assert "missing.toml" in err
    assert out == b""
    assert mark.read_text() == "ran"
