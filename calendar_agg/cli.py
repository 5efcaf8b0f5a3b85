"""The command line: the only place where errors become messages for people."""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from calendar_agg import __version__
from calendar_agg.errors import CalendarAggError, ConfigError, RunLockedError, SourceError
from calendar_agg.jsonl import JSONL_FIELDS

log = logging.getLogger("calendar_agg")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
EXIT_BUSY = 4  # another run holds the run lock


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calendar-agg",
        description="Turn newsletter event listings (This Week in Rust) into ICS calendars "
                    "and Atom feeds.",
        epilog="Run `calendar-agg COMMAND --help` for a command's options. Exit status: "
               "0 success, 1 a source failed, 2 config or usage error, 3 other error, "
               "4 another run is in progress.")
    parser.add_argument("--version", action="version", version=f"calendar-agg {__version__}")
    _add_common_options(parser)  # before the command too: calendar-agg -v run
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    # after the command, they leave what was given before it alone unless given again
    _add_common_options(common, argparse.SUPPRESS)
    _add_run_command(commands, common)
    _add_parse_command(commands, common)
    _add_events_command(commands, common)
    _add_history_command(commands, common)
    _add_service_commands(commands, common)
    return parser


def _add_common_options(parser: argparse.ArgumentParser, default: Any = None) -> None:
    """The options every command takes, before or after its name (``default``: what an
    option not given leaves; None: its own default)."""
    parser.add_argument("--config", type=Path, metavar="FILE", default=default,
                        help="config file (default: config/calendar-agg.toml when present)")
    for flags, text in ((("-v", "--verbose"), "log more, with tracebacks"),
                        (("-q", "--quiet"), "print only errors")):
        parser.add_argument(*flags, action="store_true", help=text,
                            default=False if default is None else default)


def _add_run_command(commands, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser("run", parents=[common], help="fetch, parse, store and publish once",
                              description="One full cycle over the configured sources, or over "
                                          "the PATH_OR_URL arguments instead.")
    run.add_argument("locations", nargs="*", metavar="PATH_OR_URL",
                     help="ad-hoc sources (file, folder or URL) instead of the configured ones")
    run.add_argument("--input-format", type=_format_name, metavar="NAME",
                     help="force the parser for ad-hoc sources")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.add_argument("--accept-drop", action="store_true",
                     help="publish the calendars the collapse guard kept (after checking "
                          "that their events really are gone)")
    run.add_argument("--wait", type=float, default=10.0, metavar="SECONDS",
                     help="when another run (or the daemon's) is in progress, wait this long "
                          "for it, then give up with exit status 4 (default: 10)")
    run.set_defaults(handler=_cmd_run)


def _add_parse_command(commands, common: argparse.ArgumentParser) -> None:
    parse = commands.add_parser("parse", parents=[common], help="parse only: print events",
                                description="Parse documents and print their events; no store, "
                                            "no output. Problems go to stderr.")
    parse.add_argument("locations", nargs="+", metavar="PATH", help="file, folder or URL")
    parse.add_argument("--format", choices=("jsonl", "table"), default="table",
                       help="output format (default: table)")
    parse.add_argument("--input-format", type=_format_name, metavar="NAME",
                       help="force the parser")
    parse.add_argument("--workers", type=_positive, metavar="N",
                       help="processes that parse (default: the CPUs available, at most 4; "
                            "1 parses in this process only)")
    parse.set_defaults(handler=_cmd_parse)


def _format_name(text: str) -> str:
    """An argument that must name a parser (``parsers.PARSERS``)."""
    from calendar_agg.config import unknown_format

    unknown = unknown_format(text)
    if unknown is not None:
        raise argparse.ArgumentTypeError(unknown)
    return text


def _positive(text: str) -> int:
    """An argument that must be a whole number of 1 or more."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return number


def _add_events_command(commands, common: argparse.ArgumentParser) -> None:
    events = commands.add_parser("events", parents=[common], help="list stored events",
                                 description="List the events in the store, oldest first.")
    events.add_argument("--format", choices=("jsonl", "table"), default="table",
                        help="output format (default: table)")
    _add_event_filters(events)
    events.set_defaults(handler=_cmd_events)


def _add_history_command(commands, common: argparse.ArgumentParser) -> None:
    history = commands.add_parser("history", parents=[common],
                                  help="an event's sightings and changes",
                                  description="Where an event was seen (source, issue, line) "
                                              "and how it changed.")
    history.add_argument("uid", metavar="UID", help="the event's UID (see `events`)")
    history.set_defaults(handler=_cmd_history)


def _add_service_commands(commands, common: argparse.ArgumentParser) -> None:
    daemon = commands.add_parser(
        "daemon", parents=[common], help="run on the schedule and serve output/",
        description="Run once now, then on [schedule]; serve output/ over HTTP unless "
                    "[serve] enabled = false. SIGTERM or SIGINT: finish the current run, "
                    "then exit 0.")
    serve = commands.add_parser(
        "serve", parents=[common], help="serve output/ over HTTP",
        description="Serve output/, /feed.ics and /feed.xml (filtered on request) and "
                    "/healthz until SIGTERM or SIGINT.")
    for command in (daemon, serve):
        command.add_argument("--host", metavar="ADDRESS",
                             help="address to listen on (default: [serve] host)")
        command.add_argument("--port", type=int, metavar="PORT",
                             help="port to listen on; 0 = any free port (default: [serve] port)")
    daemon.set_defaults(handler=_cmd_daemon)
    serve.set_defaults(handler=_cmd_serve)
    status = commands.add_parser(
        "status", parents=[common], help="health of each source",
        description="Per source: last attempt, last success, last error, consecutive "
                    "failures, events found last time. Exit status 1 when a source is failing.")
    status.add_argument("--json", action="store_true", help="print as JSON")
    status.set_defaults(handler=_cmd_status)


def _add_event_filters(events: argparse.ArgumentParser) -> None:
    """``events`` filters: all given ones must match; a repeated flag matches any value."""

    def browsing(name: str):
        def parse(text: str):
            from calendar_agg import browse  # places and pycountry: only when a flag needs them

            return getattr(browse, name)(text)
        return parse

    def checked(parse):
        def convert(text: str):
            try:
                return parse(text)
            except ValueError as exc:
                raise argparse.ArgumentTypeError(str(exc)) from None
        return convert

    events.add_argument("--region", action="append", type=checked(browsing("region_name")),
                        default=[], help="only events in this region (Europe, north-america)")
    events.add_argument("--country", action="append", type=checked(browsing("country_code")),
                        default=[], help="only events in this country (DE, Germany)")
    events.add_argument("--city", action="append", default=[], help="only events in this city")
    events.add_argument("--from", dest="first", type=checked(dt.date.fromisoformat),
                        metavar="YYYY-MM-DD", help="only events on or after this day")
    events.add_argument("--to", dest="last", type=checked(dt.date.fromisoformat),
                        metavar="YYYY-MM-DD", help="only events starting on or before this day")
    events.add_argument("--text", default="", help="only events whose title, organiser, "
                                                   "place or links contain this text")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args)
    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"calendar-agg: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RunLockedError as exc:
        print(f"calendar-agg: {exc}; try again later", file=sys.stderr)
        return EXIT_BUSY
    except CalendarAggError as exc:
        print(f"calendar-agg: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("calendar-agg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `calendar-agg events | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # a bug: say so plainly, with the traceback only when asked
        if args.verbose:
            raise
        log.error("internal error (run with -v for the traceback)", exc_info=False)
        print("calendar-agg: internal error; run again with -v and report it", file=sys.stderr)
        return EXIT_ERROR


def command(argv: list[str] | None = None) -> NoReturn:
    """The ``calendar-agg`` command (and ``python -m calendar_agg``): ``main``, then the
    process ends as Python would end it, less the teardown of every object it still holds.
    A run holds hundreds of thousands (listings, events, gazetteer tables), and freeing them
    one by one took 60-100 ms after a backfill of the sample, which was done by then: the
    store is closed and every file written and synced. The exit handlers still run (logging
    flushes its handlers, worker pools are joined), and so do the flushes of stdout and
    stderr, whose failure (a reader gone) is ignored as ``main`` ignores it."""
    code = main(argv)
    atexit._run_exitfuncs()  # what the interpreter's exit would run first
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="calendar-agg: %(levelname)s: %(message)s",
                        stream=sys.stderr)


def _settings(args: argparse.Namespace):
    from calendar_agg.config import load_settings

    return load_settings(args.config)


def _cmd_run(args: argparse.Namespace) -> int:
    from calendar_agg.config import adhoc_source

    settings = _settings(args)
    sources = [adhoc_source(loc, args.input_format) for loc in args.locations] or None
    if sources is None and not settings.sources:
        raise ConfigError(str(settings.config_path or "<defaults>"),
                          ["sources: none configured and no PATH_OR_URL given"])
    report = _locked_run(settings, sources, args)
    if args.json:
        print(json.dumps(_report_dict(report), indent=1))
    elif not args.quiet:
        _print_report(report)
    return EXIT_FAILED if report.failed else EXIT_OK


def _locked_run(settings, sources, args: argparse.Namespace):
    """run_once under the run lock, then the run record for /healthz."""
    from calendar_agg.health import recorded_run
    from calendar_agg.lock import lock_path, run_lock
    from calendar_agg.pipeline import run_once, utc_now
    from calendar_agg.progress import progress_for

    with run_lock(lock_path(settings.store.path), wait=max(0.0, args.wait)):
        return recorded_run(settings.store.path, utc_now, lambda: run_once(
            settings, sources=sources, accept_drop=args.accept_drop,
            progress=progress_for(sys.stderr, args.quiet or args.json)))


def _report_dict(report) -> dict:
    return {
        "started": report.started.isoformat(),
        "sources": [{"name": s.name, "documents": s.documents, "events": s.events,
                     "unchanged": s.skipped, "error": s.error, "failures": s.failures,
                     "last_success": s.last_success.isoformat() if s.last_success else None}
                    for s in report.sources],
        "events_found": report.events_found, "new": report.new, "updated": report.updated,
        "problems": [str(p) for p in report.problems], "notices": report.notices,
        "written": len(report.written),
        "refused": report.refused,
        "accepted": report.accepted,
        "failed": report.failed,
    }


def _print_report(report) -> None:
    for source in report.sources:
        state = (f"FAILED: {source.error}" if source.error else
                 "unchanged" if source.skipped else
                 f"{source.documents} documents, {source.events} events")
        if source.error:
            since = source.last_success.isoformat() if source.last_success else "never"
            # a source left alone until its retry time says how often it failed already
            failures = "" if source.next_attempt else f"{source.failures} consecutive failures; "
            state += f" ({failures}last success: {since})"
        print(f"source {source.name}: {state}")
    for notice in report.notices[:10]:  # documents that gave nothing: a page with no list
        print(f"notice: {notice}")
    if len(report.notices) > 10:
        print(f"... and {len(report.notices) - 10} more notices")
    for problem in report.problems[:50]:
        print(f"problem: {problem}")
    if len(report.problems) > 50:
        print(f"... and {len(report.problems) - 50} more problems")
    for reason in report.refused:
        print(f"not replaced: {reason}")
    if report.refused:
        print("  (once you checked that those events really are gone: calendar-agg run "
              "--accept-drop publishes them)")
    for drop in report.accepted:
        print(f"replaced although it collapses (--accept-drop): {drop}")
    print(f"events found: {report.events_found}, new: {report.new}, "
          f"updated: {report.updated}, problems: {len(report.problems)}, "
          f"files written: {len(report.written)}")


def _cmd_parse(args: argparse.Namespace) -> int:
    from calendar_agg.config import ParseSettings, adhoc_source
    from calendar_agg.jsonl import event_line
    from calendar_agg.pipeline import parse_each
    from calendar_agg.sources import fetch

    documents: list = []
    failed = False
    for location in args.locations:
        try:
            fetched = fetch(adhoc_source(location, args.input_format))
            documents.extend(fetched.documents)
        except SourceError as exc:
            print(f"calendar-agg: {exc}", file=sys.stderr)
            failed = True
            continue
        for problem in fetched.problems:
            print(f"problem: {problem}", file=sys.stderr)
    render = event_line if args.format == "jsonl" else None
    # each document's events printed as soon as it is parsed, its lines made where it was
    for found, problems, notices in parse_each(
            documents, workers=args.workers or ParseSettings().workers, render=render):
        for notice in notices:
            log.info("%s", notice)
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        if render is not None:
            sys.stdout.write("".join(found))
        else:
            _print_table(found)
    return EXIT_FAILED if failed else EXIT_OK


def _print_table(events) -> None:
    from calendar_agg.browse import when_text

    for event in events:
        place = ", ".join(p for p in (event.city, event.subdivision, event.country) if p)
        flags = "hybrid" if event.hybrid else "virtual" if event.virtual else ""
        when = when_text(event.start, event.end, event.precision)
        print(f"{when:<16}  {place or '-':<28} {flags:<7} {event.region or '-':<13} "
              f"{(event.title or event.group or '')[:60]}")


def _cmd_events(args: argparse.Namespace) -> int:
    from calendar_agg import browse
    from calendar_agg.store import Store

    query = browse.EventQuery(tuple(args.region), tuple(args.country), tuple(args.city),
                              args.first, args.last, args.text)
    store = Store.open(_settings(args).store.path)
    try:
        for event in query.select(store.events()):
            if args.format == "jsonl":
                print(json.dumps(browse.stored_jsonl(event, JSONL_FIELDS), ensure_ascii=False))
            else:
                print(browse.table_line(event))
    finally:
        store.close()
    return EXIT_OK


def _cmd_history(args: argparse.Namespace) -> int:
    from calendar_agg import browse
    from calendar_agg.store import Store

    store = Store.open(_settings(args).store.path)
    try:
        event = store.event(args.uid)
        if event is None:
            print(f"calendar-agg: no event with UID {args.uid} (see `calendar-agg events`)",
                  file=sys.stderr)
            return EXIT_USAGE
        lines = browse.history_lines(event, store.sightings(args.uid), store.history(args.uid))
    finally:
        store.close()
    print("\n".join(lines))
    return EXIT_OK


def _cmd_daemon(args: argparse.Namespace) -> int:
    from calendar_agg.daemon import run_service

    settings = _settings(args)
    if not settings.sources:
        raise ConfigError(str(settings.config_path or "<defaults>"),
                          ["sources: none configured; the daemon needs [[sources]]"])
    return run_service(settings, scheduled=True, serving=settings.serve.enabled,
                       host=args.host or settings.serve.host,
                       port=settings.serve.port if args.port is None else args.port)


def _cmd_serve(args: argparse.Namespace) -> int:
    from calendar_agg.daemon import run_service

    settings = _settings(args)
    return run_service(settings, scheduled=False, serving=True,
                       host=args.host or settings.serve.host,
                       port=settings.serve.port if args.port is None else args.port)


def _cmd_status(args: argparse.Namespace) -> int:
    from calendar_agg.health import (
        failing_sources,
        last_run_error,
        read_run_record,
        read_source_health,
        run_record_path,
    )

    settings = _settings(args)
    sources = read_source_health(settings)
    last_run = read_run_record(run_record_path(settings.store.path))
    error = last_run_error(last_run)
    if args.json:
        print(json.dumps({"last_run": last_run, "sources": sources}, indent=1))
    else:
        if last_run is not None and error is not None:
            print(f"last run FAILED ({last_run['finished']}): {error}")
        for row in sources:
            _print_source_health(row)
    return EXIT_FAILED if error is not None or failing_sources(sources) else EXIT_OK


def _print_source_health(row: dict) -> None:
    print(f"source {row['name']}" + ("" if row["configured"] else " (not configured)"))
    print(f"  last attempt: {row['last_attempt'] or 'never'}")
    print(f"  last success: {row['last_success'] or 'never'}")
    events = row["events_last"]
    print(f"  events found last time: {'-' if events is None else events}")
    if row["failures"] and not row["configured"]:
        print(f"  last attempt failed: {row['last_error']} (not configured: not run again, "
              f"not counted as failing)")
    elif row["failures"]:
        print(f"  FAILING: {row['failures']} consecutive failures; last error: "
              f"{row['last_error']}")
        if row["next_attempt"]:
            print(f"  next attempt after: {row['next_attempt']}")
