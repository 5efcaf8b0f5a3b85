"""The command line: the only place where errors become messages for people."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from calendar_agg import __version__
from calendar_agg.errors import CalendarAggError, ConfigError, SourceError

log = logging.getLogger("calendar_agg")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3

JSONL_FIELDS = ("issue", "line", "start", "end", "city", "subdivision", "country", "virtual",
                "hybrid", "region", "group", "group_url", "title", "url", "extra_urls")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calendar-agg",
        description="Turn newsletter event listings (This Week in Rust) into ICS calendars "
                    "and Atom feeds.")
    parser.add_argument("--version", action="version", version=f"calendar-agg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, metavar="FILE",
                        help="config file (default: config/calendar-agg.toml when present)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more, with tracebacks")
    common.add_argument("-q", "--quiet", action="store_true", help="print only errors")

    run = commands.add_parser("run", parents=[common], help="fetch, parse, store and publish once",
                              description="One full cycle over the configured sources, or over "
                                          "the PATH_OR_URL arguments instead.")
    run.add_argument("locations", nargs="*", metavar="PATH_OR_URL",
                     help="ad-hoc sources (file, folder or URL) instead of the configured ones")
    run.add_argument("--input-format", metavar="NAME", help="force the parser for ad-hoc sources")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.set_defaults(handler=_cmd_run)

    parse = commands.add_parser("parse", parents=[common], help="parse only: print events",
                                description="Parse documents and print their events; no store, "
                                            "no output. Problems go to stderr.")
    parse.add_argument("locations", nargs="+", metavar="PATH", help="file, folder or URL")
    parse.add_argument("--format", choices=("jsonl", "table"), default="table",
                       help="output format (default: table)")
    parse.add_argument("--input-format", metavar="NAME", help="force the parser")
    parse.set_defaults(handler=_cmd_parse)

    events = commands.add_parser("events", parents=[common], help="list stored events")
    events.add_argument("--format", choices=("jsonl", "table"), default="table")
    events.set_defaults(handler=_cmd_events)

    history = commands.add_parser("history", parents=[common],
                                  help="an event's sightings and changes")
    history.add_argument("uid")
    history.set_defaults(handler=_cmd_history)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args)
    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"calendar-agg: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CalendarAggError as exc:
        print(f"calendar-agg: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("calendar-agg: interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug: say so plainly, with the traceback only when asked
        if args.verbose:
            raise
        log.error("internal error (run with -v for the traceback)", exc_info=False)
        print("calendar-agg: internal error; run again with -v and report it", file=sys.stderr)
        return EXIT_ERROR


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="calendar-agg: %(levelname)s: %(message)s",
                        stream=sys.stderr)


def _settings(args: argparse.Namespace):
    from calendar_agg.config import load_settings

    return load_settings(args.config)


def _cmd_run(args: argparse.Namespace) -> int:
    from calendar_agg.config import adhoc_source
    from calendar_agg.pipeline import run_once

    settings = _settings(args)
    sources = [adhoc_source(loc, args.input_format) for loc in args.locations] or None
    if sources is None and not settings.sources:
        raise ConfigError(str(settings.config_path or "<defaults>"),
                          ["sources: none configured and no PATH_OR_URL given"])
    report = run_once(settings, sources=sources)
    if args.json:
        print(json.dumps(_report_dict(report), indent=1))
    elif not args.quiet:
        _print_report(report)
    return EXIT_FAILED if report.failed else EXIT_OK


def _report_dict(report) -> dict:
    return {
        "started": report.started.isoformat(),
        "sources": [{"name": s.name, "documents": s.documents, "events": s.events,
                     "unchanged": s.skipped, "error": s.error} for s in report.sources],
        "events_found": report.events_found, "new": report.new, "updated": report.updated,
        "problems": [str(p) for p in report.problems], "written": len(report.written),
        "refused": report.refused,
        "failed": report.failed,
    }


def _print_report(report) -> None:
    for source in report.sources:
        state = (f"FAILED: {source.error}" if source.error else
                 "unchanged" if source.skipped else
                 f"{source.documents} documents, {source.events} events")
        print(f"source {source.name}: {state}")
    for problem in report.problems[:50]:
        print(f"problem: {problem}")
    if len(report.problems) > 50:
        print(f"... and {len(report.problems) - 50} more problems")
    for reason in report.refused:
        print(f"not replaced: {reason}")
    print(f"events found: {report.events_found}, new: {report.new}, "
          f"updated: {report.updated}, problems: {len(report.problems)}, "
          f"files written: {len(report.written)}")


def _cmd_parse(args: argparse.Namespace) -> int:
    from calendar_agg.config import adhoc_source
    from calendar_agg.pipeline import parse_only
    from calendar_agg.sources import fetch

    documents, failed = [], False
    for location in args.locations:
        try:
            fetched = fetch(adhoc_source(location, args.input_format))
        except SourceError as exc:
            print(f"calendar-agg: {exc}", file=sys.stderr)
            failed = True
            continue
        documents.extend(fetched.documents)
        for problem in fetched.problems:
            print(f"problem: {problem}", file=sys.stderr)
    events, problems, notices = parse_only(documents)
    for notice in notices:
        log.info("%s", notice)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if args.format == "jsonl":
        for event in events:
            print(json.dumps(event_jsonl(event), ensure_ascii=False))
    else:
        _print_table(events)
    return EXIT_FAILED if failed else EXIT_OK


def event_jsonl(event) -> dict:
    row = {name: getattr(event, name) for name in JSONL_FIELDS}
    row["start"] = event.start.isoformat()
    row["end"] = event.end.isoformat() if event.end else None
    row["extra_urls"] = list(event.extra_urls)
    return row


def _print_table(events) -> None:
    for event in events:
        place = ", ".join(p for p in (event.city, event.subdivision, event.country) if p)
        flags = "hybrid" if event.hybrid else "virtual" if event.virtual else ""
        print(f"{event.start}  {place or '-':<28} {flags:<7} {event.region or '-':<13} "
              f"{(event.title or event.group or '')[:60]}")


def _cmd_events(args: argparse.Namespace) -> int:
    from calendar_agg.store import Store

    settings = _settings(args)
    store = Store.open(settings.store.path)
    try:
        for event in store.events():
            if args.format == "jsonl":
                row = event_jsonl(event)
                row.pop("issue"), row.pop("line")
                row.update(uid=event.uid, regions=list(event.regions), status=event.status,
                           sequence=event.sequence, first_seen=event.first_seen.isoformat(),
                           last_seen=event.last_seen.isoformat(), region=event.region)
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(f"{event.uid}  {event.start}  {event.status:<9} "
                      f"{'/'.join(event.regions):<22} {(event.title or event.group or '')[:50]}")
    finally:
        store.close()
    return EXIT_OK


def _cmd_history(args: argparse.Namespace) -> int:
    from calendar_agg.store import Store

    settings = _settings(args)
    store = Store.open(settings.store.path)
    try:
        sightings = store.sightings(args.uid)
        if not sightings:
            print(f"calendar-agg: no event with UID {args.uid}", file=sys.stderr)
            return EXIT_FAILED
        for source, issue, line, issue_date in sightings:
            print(f"seen     {issue_date or '-'}  {source}: {issue}:{line}")
        for at, source, issue, change, details in store.history(args.uid):
            print(f"{change:<8} {at}  {source}: {issue}  {details}")
    finally:
        store.close()
    return EXIT_OK
