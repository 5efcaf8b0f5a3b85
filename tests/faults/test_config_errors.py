"""Config errors through the real command line: every problem at once, exit code 2, no
traceback, nothing fetched, stored or published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..processes import REPO


def calendar_agg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calendar_agg", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_missing_config_file(tmp_path):
    done = calendar_agg("run", "--config", str(tmp_path / "nowhere.toml"), cwd=tmp_path)
    assert done.returncode == 2
    assert str(tmp_path / "nowhere.toml") in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("text", [
    '[output\ndir = "out"\n',
    'dir = "unterminated\n',
    '[[sources]]\nname = "a"\nname = "b"\n',
    "\x00\x01binary",
])
def test_bad_toml_names_the_file_and_the_line(tmp_path, text):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    done = calendar_agg("run", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert str(config) in done.stderr and "line" in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_utf8_config(tmp_path):
    config = tmp_path / "latin.toml"
    config.write_bytes('[output]\ndir = "Köln"\n'.encode("latin-1"))
    done = calendar_agg("run", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert str(config) in done.stderr and "Traceback" not in done.stderr


def test_every_problem_is_reported_at_once_with_did_you_mean(tmp_path):
    config = tmp_path / "wrong.toml"
    config.write_text("""
[output]
dri = "out"
base_url = 42

[publish]
past_days = "thirty"

[[sources]]
name = "both"
url = "https://example.org/atom.xml"
path = "content"

[[sources]]
name = "slow"
url = "https://example.org/feed"
timeout = "soon"

[[sources]]
nmae = "typo"
path = "content"
""", encoding="utf-8")
    for command in ("run", "daemon", "status"):
        done = calendar_agg(command, "--config", str(config), cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.splitlines() == [
            f"calendar-agg: {config}: 7 config problem(s):",
            "  - output.dri: unknown key (did you mean output.dir?)",
            "  - output.base_url: expected a string, got int 42",
            "  - publish.past_days: expected an integer, got str 'thirty'",
            "  - sources[0]: give exactly one of url or path",
            "  - sources[1].timeout: expected int or float, got str 'soon'",
            "  - sources[2].nmae: unknown key (did you mean sources[2].name?)",
            "  - sources[2].name: missing",
        ], command
    assert not (tmp_path / "out").exists() and not (tmp_path / "var").exists()
