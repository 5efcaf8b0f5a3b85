"""The command line: the options every command takes (``--config``, ``-v``, ``-q``) go before
or after the command's name; the run's summary."""

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


def test_a_source_left_alone_says_its_failures_once(capsys):
    import datetime as dt

    from calendar_agg.cli import _print_report
    from calendar_agg.models import RunReport, SourceReport

    now = dt.datetime(2025, 6, 4, 12, tzinfo=dt.UTC)
    left = SourceReport("twir", error="HTTP 503 (left alone after 3 failures; next attempt "
                        "after 2025-06-04T13:00:00+00:00)", failures=3,
                        next_attempt=now + dt.timedelta(hours=1))
    failed = SourceReport("blog", error="HTTP 404", failures=1)
    _print_report(RunReport(started=now, sources=[left, failed]))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("source twir: FAILED: HTTP 503 (left alone after 3 failures; next "
                        "attempt after 2025-06-04T13:00:00+00:00) (last success: never)")
    assert lines[1] == ("source blog: FAILED: HTTP 404 (1 consecutive failures; last "
                        "success: never)")
