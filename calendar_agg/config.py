"""TOML config -> typed Settings, with every problem reported at once.

Relative paths (``output.dir``, ``store.path``, ``sources[].path``) are taken
relative to the current working directory, as a user typing a command expects.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calendar_agg.errors import ConfigError

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
    refresh: str = "PT6H"  # REFRESH-INTERVAL / X-PUBLISHED-TTL hint for clients


@dataclass(frozen=True)
class SourceSettings:
    name: str
    url: str | None = None
    path: Path | None = None
    format: str | None = None  # force a parser; None = detect per document
    timeout: float = 30.0  # seconds, for connect and for each read

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


# section -> {key: (type, converter)}; the one description of what a config may say
_TABLES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "output": {"dir": str, "base_url": str},
    "store": {"path": str},
    "publish": {"past_days": int, "atom_entries": int, "refresh": str},
}
_SOURCE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "url": str,
    "path": str,
    "format": str,
    "timeout": (int, float),
}
_TOP_KEYS = [*_TABLES, "sources"]


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
    _check_keys(data, _TOP_KEYS, "", problems)
    tables = {name: _table(data, name, problems) for name in _TABLES}
    for name, spec in _TABLES.items():
        _check_table(tables[name], spec, f"{name}.", problems)
    sources = _sources(data.get("sources", []), problems)
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
    )


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _table(data: dict[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.append(f"{name}: must be a table ([{name}]), not {type(value).__name__}")
        return {}
    return value


def _check_keys(table: dict[str, Any], known: list[str], prefix: str, problems: list[str]) -> None:
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
            problems.append(f"{prefix}{key}: unknown key{hint}")


def _check_table(table: dict[str, Any], spec: dict, prefix: str, problems: list[str]) -> None:
    _check_keys(table, list(spec), prefix, problems)
    for key, expected in spec.items():
        if key in table and not _is_type(table[key], expected):
            problems.append(f"{prefix}{key}: expected {_type_name(expected)}, "
                            f"got {type(table[key]).__name__} {table[key]!r}")


def _is_type(value: Any, expected: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # TOML booleans are not numbers
        return expected is bool
    return isinstance(value, expected)


def _type_name(expected: type | tuple[type, ...]) -> str:
    if isinstance(expected, tuple):
        return " or ".join(t.__name__ for t in expected)
    return {"str": "a string", "int": "an integer"}.get(expected.__name__, expected.__name__)


def _sources(value: Any, problems: list[str]) -> list[SourceSettings]:
    if not isinstance(value, list):
        problems.append("sources: must be an array of tables ([[sources]])")
        return []
    sources, names = [], set()
    for index, entry in enumerate(value):
        prefix = f"sources[{index}]."
        if not isinstance(entry, dict):
            problems.append(f"sources[{index}]: must be a table")
            continue
        before = len(problems)
        _check_table(entry, _SOURCE_KEYS, prefix, problems)
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
        if len(problems) == before:
            sources.append(source_from_entry(entry))
    return sources


def _check_format(name: Any, prefix: str, problems: list[str]) -> None:
    from calendar_agg.parsers import PARSERS

    if isinstance(name, str) and name not in PARSERS:
        close = difflib.get_close_matches(name, list(PARSERS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"{prefix}format: unknown format {name!r}{hint}; "
                        f"known: {', '.join(sorted(PARSERS))}")


def source_from_entry(entry: dict[str, Any]) -> SourceSettings:
    return SourceSettings(
        name=entry["name"],
        url=entry.get("url"),
        path=Path(entry["path"]) if "path" in entry else None,
        format=entry.get("format"),
        timeout=float(entry.get("timeout", SourceSettings.timeout)),
    )


def adhoc_source(location: str, format: str | None = None) -> SourceSettings:
    """A source for a PATH_OR_URL given on the command line."""
    if location.startswith(("http://", "https://")):
        return SourceSettings(name=location, url=location, format=format)
    return SourceSettings(name=location, path=Path(location), format=format)
