"""The README is part of the interface: every command, key and format is in it."""

import re
from pathlib import Path

from calendar_agg.cli import JSONL_FIELDS, build_parser
from calendar_agg.config import _FEED_KEYS, _SOURCE_KEYS, _TABLES
from calendar_agg.parsers import PARSERS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_first_lines_give_the_two_commands():
    commands = re.findall(r"^    (sh scripts/install\.sh.*)$", README, re.M)[:2]
    assert "calendar-agg run" in commands[0]
    assert "pytest" in commands[1]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_every_command_is_documented():
    subcommands = build_parser()._subparsers._group_actions[0].choices
    for name in subcommands:
        assert f"`calendar-agg {name}" in README, name


def test_every_config_key_is_documented():
    for table, keys in _TABLES.items():
        for key in keys:
            assert f"`[{table}] {key}`" in README, (table, key)
    for key in _SOURCE_KEYS:
        assert f"`[[sources]] {key}`" in README, key
    for key in _FEED_KEYS:
        assert f"`[[feeds]] {key}`" in README, key


def test_every_format_and_jsonl_field_is_documented():
    for name in PARSERS:
        assert f"| `{name}` |" in README, name
    for field in JSONL_FIELDS:
        assert f"`{field}`" in README, field
