"""The options every command takes (``--config``, ``-v``, ``-q``) go before or after the
command's name."""

from pathlib import Path

import pytest

from calendar_agg.cli import build_parser


@pytest.mark.parametrize("argv", [
    ["-v", "--config", "a.toml", "run"],
    ["run", "-v", "--config", "a.toml"],
    ["-v", "run", "--config", "a.toml"],
    ["--config", "a.toml", "run", "-v"],
])
def test_common_options_before_or_after_the_command(argv):
    args = build_parser().parse_args(argv)
    assert (args.command, args.verbose, args.quiet, args.config) == (
        "run", True, False, Path("a.toml"))


def test_an_option_after_the_command_wins_over_one_before_it():
    args = build_parser().parse_args(["--config", "a.toml", "parse", "x", "--config", "b.toml"])
    assert args.config == Path("b.toml")


def test_options_not_given_keep_their_defaults():
    args = build_parser().parse_args(["status"])
    assert (args.verbose, args.quiet, args.config) == (False, False, None)
