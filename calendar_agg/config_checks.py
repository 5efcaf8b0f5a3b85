"""The checks every table of a TOML config gets: keys the config does not know (with the
closest known one), value types, and arrays of tables (``[[sources]]``). Each problem is
appended to a list, so that ``config`` reports them all at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any


def sub_table(data: dict[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    """The table ``[name]`` of ``data`` ({} when absent, or when it is no table)."""
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.append(f"{name}: must be a table ([{name}]), not {type(value).__name__}")
        return {}
    return value


def check_keys(table: dict[str, Any], known: list[str], prefix: str, problems: list[str]) -> None:
    """A problem for each key of ``table`` not in ``known``, with the closest known key."""
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
            problems.append(f"{prefix}{key}: unknown key{hint}")


def check_table(table: dict[str, Any], spec: dict, prefix: str, problems: list[str]) -> None:
    """``check_keys`` against ``spec`` ({key: type}), and a problem for each value of the
    wrong type."""
    check_keys(table, list(spec), prefix, problems)
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


def entries(value: Any, section: str, problems: list[str]
            ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(``"section[i]."``, table) for each table of an array of tables ``[[section]]``."""
    if not isinstance(value, list):
        problems.append(f"{section}: must be an array of tables ([[{section}]])")
        return
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            problems.append(f"{section}[{index}]: must be a table")
            continue
        yield f"{section}[{index}].", entry
