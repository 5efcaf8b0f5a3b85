"""TOML config -> typed Settings, with every problem reported at once.

Relative paths (``output.dir``, ``store.path``, ``sources[].path``) are taken
relative to the current working directory, as a user typing a command expects.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calendar_agg.config_checks import check_keys, check_table, entries, sub_table
from calendar_agg.errors import ConfigError
from calendar_agg.models import REGIONS, region_named, region_slug
from calendar_agg.workers import available_cpus

DEFAULT_CONFIG = Path("config/calendar-agg.toml")


@dataclass(frozen=True)
class OutputSettings:
    dir: Path = Path("output")
    base_url: str = "http://localhost:8080/"


@dataclass(frozen=True)
class StoreSettings:
    path: Path = Path("var/calendar-agg.sqlite3")


@dataclass(frozen=True)
class PublishSettings:
    past_days: int = 30  # ICS window starts this many days back
    atom_entries: int = 100  # newest entries kept per Atom feed
    refresh: str | None = None  # REFRESH-INTERVAL hint; None = derived from the schedule
    include_imprecise: bool = True  # month/year-precision events (posts) in ICS, on day one


@dataclass(frozen=True)
class ParseSettings:
    # processes that parse while a run stores (a backfill) and derive many events; 1 = the
    # run's own process only
    workers: int = field(default_factory=lambda: min(available_cpus(), 4))


@dataclass(frozen=True)
class ScheduleSettings:
    cron: str | None = None  # crontab expression, e.g. "0 */6 * * *"
    interval: str | None = None  # e.g. "6h", "30m", "90s"; default 6h when neither is set
    jitter: int = 0  # seconds of random delay added to each run


@dataclass(frozen=True)
class ServeSettings:
    enabled: bool = True  # does the daemon serve output/?
    host: str = "127.0.0.1"
    port: int = 8080


@dataclass(frozen=True)
class NearSettings:
    city: str
    radius_km: float
    country: str | None = None


@dataclass(frozen=True)
class FeedSettings:
    """A custom feed from ``[[feeds]]``: events matching every given condition."""

    name: str
    title: str
    description: str = ""
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    virtual: bool | None = None
    near: NearSettings | None = None


@dataclass(frozen=True)
class SourceSettings:
    name: str
    url: str | None = None
    path: Path | None = None
    format: str | None = None  # force a parser; None = detect per document
    timeout: float = 30.0  # seconds, for connect and for each read
    priority: int | None = None  # merge authority; None = the format's default
    timezone: str | None = None  # IANA zone for floating times (ICS sources)
    follow: int = 1000  # issues read from an index page the URL gives (0: none)

    @property
    def location(self) -> str:
        return self.url if self.url is not None else str(self.path)


@dataclass(frozen=True)
class Settings:
    config_path: Path | None = None
    output: OutputSettings = field(default_factory=OutputSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    sources: tuple[SourceSettings, ...] = ()
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    feeds: tuple[FeedSettings, ...] = ()
    # not in the repr, which fingerprints what is published: how a run parses changes nothing
    parse: ParseSettings = field(default_factory=ParseSettings, repr=False)


# section -> {key: (type, converter)}; the one description of what a config may say
_TABLES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "output": {"dir": str, "base_url": str},
    "store": {"path": str},
    "publish": {"past_days": int, "atom_entries": int, "refresh": str,
                "include_imprecise": bool},
    "schedule": {"cron": str, "interval": str, "jitter": int},
    "serve": {"enabled": bool, "host": str, "port": int},
    "parse": {"workers": int},
}
_SOURCE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "url": str,
    "path": str,
    "format": str,
    "timeout": (int, float),
    "priority": int,
    "timezone": str,
    "follow": int,
}
_FEED_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "title": str,
    "description": str,
    "regions": list,
    "countries": list,
    "cities": list,
    "virtual": bool,
    "near": dict,
}
_NEAR_KEYS: dict[str, type | tuple[type, ...]] = {
    "city": str,
    "country": str,
    "radius_km": (int, float),
}
_TOP_KEYS = [*_TABLES, "sources", "feeds"]


def load_settings(path: Path | None) -> Settings:
    """Settings from ``path``; with None, the default config when present, else built-ins."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Settings()
        path = DEFAULT_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot read: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from None
    return settings_from_dict(data, path)


def settings_from_dict(data: dict[str, Any], path: Path | None = None) -> Settings:
    """Validate a parsed TOML document; raises ConfigError listing every problem."""
    problems: list[str] = []
    check_keys(data, _TOP_KEYS, "", problems)
    tables = {name: sub_table(data, name, problems) for name in _TABLES}
    for name, spec in _TABLES.items():
        check_table(tables[name], spec, f"{name}.", problems)
    sources = _sources(data.get("sources", []), problems)
    feeds = _feeds(data.get("feeds", []), problems)
    _check_schedule(tables["schedule"], tables["publish"], problems)
    port = tables["serve"].get("port")
    if isinstance(port, int) and not 0 <= port <= 65535:
        problems.append(f"serve.port: must be between 0 and 65535, not {port}")
    workers = tables["parse"].get("workers")
    if isinstance(workers, int) and workers < 1:
        problems.append(f"parse.workers: must be 1 or more, not {workers}")
    publish = tables["publish"]
    for key in ("past_days", "atom_entries"):
        if isinstance(publish.get(key), int) and publish[key] < 0:
            problems.append(f"publish.{key}: must be 0 or more, not {publish[key]}")
    base_url = tables["output"].get("base_url", OutputSettings.base_url)
    if isinstance(base_url, str) and not base_url.startswith(("http://", "https://")):
        problems.append(f"output.base_url: must start with http:// or https://, not {base_url!r}")
    if problems:
        raise ConfigError(str(path or "<config>"), problems)
    output = OutputSettings(
        dir=Path(tables["output"].get("dir", OutputSettings.dir)),
        base_url=_with_slash(base_url),
    )
    store = StoreSettings(path=Path(tables["store"].get("path", StoreSettings.path)))
    if output.dir.resolve() in store.path.resolve().parents:
        raise ConfigError(str(path or "<config>"), ["store.path: must not be inside output.dir"])
    return Settings(
        config_path=path,
        output=output,
        store=store,
        publish=PublishSettings(**publish),
        sources=tuple(sources),
        schedule=ScheduleSettings(**tables["schedule"]),
        serve=ServeSettings(**tables["serve"]),
        feeds=tuple(feeds),
        parse=ParseSettings(**tables["parse"]),
    )


_INTERVAL = re.compile(r"\s*(\d+)\s*(s|m|h|d)\s*")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_INTERVAL = dt.timedelta(hours=6)


def parse_interval(text: str) -> dt.timedelta:
    """``"6h"``, ``"30m"``, ``"90s"``, ``"1d"`` or a sum like ``"1h30m"`` -> timedelta."""
    parts = _INTERVAL.findall(text)
    if not parts or "".join(f"{n}{u}" for n, u in parts) != re.sub(r"\s+", "", text):
        raise ValueError(f"{text!r} is not an interval like '6h', '30m' or '1h30m'")
    seconds = sum(int(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return dt.timedelta(seconds=seconds)


def refresh_interval(settings: Settings) -> dt.timedelta:
    """How often clients should re-fetch: ``[publish] refresh``, else the schedule's interval."""
    if settings.publish.refresh:
        from icalendar import vDuration  # a heavy import: only when it is needed

        return vDuration.from_ical(settings.publish.refresh)
    if settings.schedule.interval:
        return parse_interval(settings.schedule.interval)
    return DEFAULT_INTERVAL


def _check_schedule(schedule: dict[str, Any], publish: dict[str, Any],
                    problems: list[str]) -> None:
    if "cron" in schedule and "interval" in schedule:
        problems.append("schedule: give either cron or interval, not both")
    interval = schedule.get("interval")
    if isinstance(interval, str):
        try:
            parse_interval(interval)
        except ValueError as exc:
            problems.append(f"schedule.interval: {exc}")
    cron = schedule.get("cron")
    if isinstance(cron, str):
        from calendar_agg.schedule import cron_trigger

        try:
            cron_trigger(cron)
        except ValueError as exc:
            problems.append(f"schedule.cron: {exc}")
    if isinstance(schedule.get("jitter"), int) and schedule["jitter"] < 0:
        problems.append(f"schedule.jitter: must be 0 or more, not {schedule['jitter']}")
    refresh = publish.get("refresh")
    if isinstance(refresh, str):
        from icalendar import vDuration

        try:
            vDuration.from_ical(refresh)
        except ValueError:
            problems.append(f"publish.refresh: {refresh!r} is not an ISO 8601 duration "
                            f"like 'PT6H'")


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _sources(value: Any, problems: list[str]) -> list[SourceSettings]:
    sources: list[SourceSettings] = []
    names: set[Any] = set()
    for prefix, entry in entries(value, "sources", problems):
        before = len(problems)
        check_table(entry, _SOURCE_KEYS, prefix, problems)
        name = entry.get("name")
        if name is None:
            problems.append(f"{prefix}name: missing")
        elif name in names:
            problems.append(f"{prefix}name: {name!r} is used by another source")
        names.add(name)
        if ("url" in entry) == ("path" in entry):
            problems.append(f"{prefix[:-1]}: give exactly one of url or path")
        url = entry.get("url")
        if isinstance(url, str) and not url.startswith(("http://", "https://")):
            problems.append(f"{prefix}url: must start with http:// or https://, not {url!r}")
        _check_format(entry.get("format"), prefix, problems)
        follow = entry.get("follow")
        if isinstance(follow, int) and follow < 0:
            problems.append(f"{prefix}follow: must be 0 or more, not {follow}")
        timeout = entry.get("timeout")
        if isinstance(timeout, int | float) and not 0 < timeout <= _MAX_TIMEOUT:
            problems.append(f"{prefix}timeout: must be more than 0 and at most {_MAX_TIMEOUT} "
                            f"seconds, not {timeout}")
        _check_zone(entry.get("timezone"), f"{prefix}timezone", problems)
        if len(problems) == before:
            sources.append(source_from_entry(entry))
    return sources


_MAX_TIMEOUT = 3600  # seconds: a longer wait is a typing slip


def _check_zone(name: Any, where: str, problems: list[str]) -> None:
    if not isinstance(name, str):
        return
    # as parsers.ics.times.zone_named reads it, without importing the ICS parser (icalendar)
    # on every run's config check
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"{where}: unknown time zone {name!r} (an IANA name such as "
                        f"'Europe/Berlin')")


def _feeds(value: Any, problems: list[str]) -> list[FeedSettings]:

    feeds: list[FeedSettings] = []
    taken = {"all", "archive", *(region_slug(r) for r in REGIONS)}
    for prefix, entry in entries(value, "feeds", problems):
        before = len(problems)
        check_table(entry, _FEED_KEYS, prefix, problems)
        for key in ("name", "title"):
            if key not in entry:
                problems.append(f"{prefix}{key}: missing")
        name = entry.get("name")
        if isinstance(name, str):
            if not _FEED_NAME.fullmatch(name):
                problems.append(f"{prefix}name: {name!r} must be lowercase letters, digits "
                                f"and dashes (it becomes a file name)")
            elif name in taken:
                problems.append(f"{prefix}name: {name!r} is already a feed name")
            taken.add(name)
        for key in ("regions", "countries", "cities"):
            _check_strings(entry.get(key, []), f"{prefix}{key}", problems)
        for region in _strings(entry.get("regions")):
            if region_named(region) is None:
                close = difflib.get_close_matches(region, REGIONS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"{prefix}regions: unknown region {region!r}{hint}")
        for country in _strings(entry.get("countries")):
            if _country_code(country) is None:
                problems.append(f"{prefix}countries: unknown country {country!r} "
                                f"(an ISO code such as DE, or a name)")
        near = entry.get("near")
        if isinstance(near, dict):
            check_table(near, _NEAR_KEYS, f"{prefix}near.", problems)
            for key in ("city", "radius_km"):
                if key not in near:
                    problems.append(f"{prefix}near.{key}: missing")
            radius = near.get("radius_km")
            if isinstance(radius, int | float) and radius <= 0:
                problems.append(f"{prefix}near.radius_km: must be more than 0, not {radius}")
            _check_near_city(near, prefix, problems)
        if len(problems) == before:
            feeds.append(_feed_from_entry(entry))
    return feeds


_FEED_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def _strings(value: Any) -> list[str]:
    """The strings of a config list (type problems are reported elsewhere)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


UNLOCATED_CITY = ("is not a city the offline gazetteer can locate (check the spelling, or add "
                  "country = \"XX\" when the name is ambiguous)")


def _check_near_city(near: dict[str, Any], prefix: str, problems: list[str]) -> None:
    """A feed's ``near.city`` must be one the gazetteer locates: found now, with the other
    problems, not when the run publishes, after it has stored what it read."""
    city, country = near.get("city"), near.get("country")
    if not isinstance(city, str) or not isinstance(country, str | None):
        return  # the key checks said so
    from calendar_agg.normalize.places import coordinates  # only when a feed has near

    if coordinates(city, country) is None:
        problems.append(f"{prefix}near.city: {city!r} {UNLOCATED_CITY}")


def _country_code(text: str) -> str | None:
    from calendar_agg.normalize.places import country_code  # only when a feed names countries

    return country_code(text)


def _check_strings(value: Any, where: str, problems: list[str]) -> None:
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        problems.append(f"{where}: must be a list of strings")


def _feed_from_entry(entry: dict[str, Any]) -> FeedSettings:
    near = entry.get("near")
    return FeedSettings(
        name=entry["name"],
        title=entry["title"],
        description=entry.get("description", ""),
        regions=tuple(region_named(r) or r for r in entry.get("regions", ())),
        countries=tuple(_country_code(c) or c for c in entry.get("countries", ())),
        cities=tuple(entry.get("cities", ())),
        virtual=entry.get("virtual"),
        near=NearSettings(city=near["city"], radius_km=float(near["radius_km"]),
                          country=near.get("country")) if near else None,
    )


def _check_format(name: Any, prefix: str, problems: list[str]) -> None:
    unknown = unknown_format(name) if isinstance(name, str) else None
    if unknown is not None:
        problems.append(f"{prefix}format: {unknown}")


def unknown_format(name: str) -> str | None:
    """What is wrong with a format name that names no parser, else None."""
    from calendar_agg.parsers import PARSERS

    if name in PARSERS:
        return None
    close = difflib.get_close_matches(name, list(PARSERS), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown format {name!r}{hint}; known: {', '.join(sorted(PARSERS))}"


def source_from_entry(entry: dict[str, Any]) -> SourceSettings:
    return SourceSettings(
        name=entry["name"],
        url=entry.get("url"),
        path=Path(entry["path"]) if "path" in entry else None,
        format=entry.get("format"),
        timeout=float(entry.get("timeout", SourceSettings.timeout)),
        priority=entry.get("priority"),
        timezone=entry.get("timezone"),
        follow=entry.get("follow", SourceSettings.follow),
    )


def adhoc_source(location: str, format: str | None = None) -> SourceSettings:
    """A source for a PATH_OR_URL given on the command line."""
    if location.startswith(("http://", "https://")):
        return SourceSettings(name=location, url=location, format=format)
    return SourceSettings(name=location, path=Path(location), format=format)
