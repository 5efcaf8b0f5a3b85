"""Dataclasses <-> JSON, generically: a field added to RawEvent or Event is kept (the store
keeps listings and events as this JSON)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import json
import types
import typing

T = typing.TypeVar("T")


def to_json(value: object) -> str:
    """A dataclass as JSON with sorted keys: dates, times and enums as their ISO/text form."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: object) -> object:
    kind: type = type(value)  # as a plain `type`, which mypy knows is hashable
    if kind in _SCALARS:  # most values: checked first, by exact type (an enum is no scalar)
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type, else None."""
    if dataclasses.is_dataclass(kind):
        return tuple(field.name for field in dataclasses.fields(kind))
    return None


def from_json(cls: type[T], text: str) -> T:
    """The dataclass ``cls`` from ``to_json`` text; fields it no longer has are ignored and
    fields the JSON lacks get their defaults."""
    kind: type = cls  # as a plain `type`, which mypy knows is hashable
    converters = _converters(kind)
    data = json.loads(text)
    return cls(**{name: converters[name](value) for name, value in data.items()
                  if name in converters})


Converter = typing.Callable[[object], object]


@functools.cache
def _converters(cls: type) -> dict[str, Converter]:
    """Each field's JSON value -> its typed value, worked out once per class from its hints."""
    return {name: _converter(hint) for name, hint in typing.get_type_hints(cls).items()}


def _converter(hint: object) -> Converter:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _converter(options[0]) if len(options) == 1 else _as_is
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return _or_none(tuple if item is _as_is else lambda v: tuple(map(item, v)))
        items = [_converter(arg) for arg in args]
        return _or_none(lambda v: tuple(c(x) for c, x in zip(items, v, strict=False)))
    if hint in (dt.datetime, dt.date, dt.time):
        return _or_none(hint.fromisoformat)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _or_none(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _or_none(lambda v: hint(**v))
    return _as_is


def _as_is(value: object) -> object:
    return value


def _or_none(convert: typing.Callable) -> Converter:
    return lambda value: None if value is None else convert(value)
