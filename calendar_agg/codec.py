"""Dataclasses <-> JSON, generically: a field added to RawEvent or Event is kept (the store
keeps listings and events as this JSON).

The store encodes and decodes tens of thousands of these a run: orjson writes and reads the
text, and what each class needs when it is read is worked out once from its fields and type
hints (a field holding a scalar is taken as it is; only the others, dates, tuples and nested
values, go through a conversion). What orjson refuses goes the slower way of ``json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import json
import operator
import types
import typing

import orjson

T = typing.TypeVar("T")

# One encoder for every call: ``json.dumps`` with options builds a new one each time.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
# orjson writes dataclasses (their fields in order), enums, tuples and dates itself;
# datetimes and times are handed back (``_iso``), as orjson would round an offset of
# seconds (a zone's local mean time)
_FAST = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def to_json(value: object) -> str:
    """A dataclass as JSON: dates, times and enums as their ISO/text form. The same value
    gives the same text: a dataclass's fields in their order, a dict's keys sorted."""
    try:
        return orjson.dumps(value, default=_iso, option=_FAST).decode()
    except TypeError:  # what orjson refuses: a lone surrogate, a huge integer, ...
        return _ENCODER.encode(_plain(value))


def dumps(value: object) -> str:
    """Plain values (lists, strings, numbers; no dataclasses, dates, NaN or integers past 64
    bits, which ``loads`` would read back as floats) as compact JSON."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _iso(value: object) -> str:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def loads(text: str) -> typing.Any:
    """JSON text as Python values: orjson's reading, but ``json``'s for what orjson refuses
    (the NaN older code could write) and for text ``json`` wrote (older code, and
    ``to_json`` for what orjson refuses), told by its spaced ``": "``: it may hold an
    integer past 64 bits, which orjson would read as a float."""
    if '": ' in text:
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: object) -> object:
    kind: type = type(value)  # as a plain `type`, which mypy knows is hashable
    if kind in _SCALARS:  # most values: checked first, by exact type (an enum is no scalar)
        return value
    fields = _fields_of(kind)
    if fields is not None:
        names, values = fields
        return {name: item if type(item) in _SCALARS else _plain(item)
                for name, item in zip(names, values(value), strict=True)}
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
def _fields_of(kind: type) -> tuple[tuple[str, ...], typing.Callable[[object], tuple]] | None:
    """A dataclass type's field names and a function giving an instance's values of them
    (as a tuple, in that order), else None."""
    if not dataclasses.is_dataclass(kind):
        return None
    names = tuple(field.name for field in dataclasses.fields(kind))
    if len(names) == 1:
        getter = operator.attrgetter(names[0])
        return names, lambda value: (getter(value),)
    if not names:
        return names, lambda value: ()
    return names, operator.attrgetter(*names)


def from_json(cls: type[T], text: str) -> T:
    """The dataclass ``cls`` from ``to_json`` text; fields it no longer has are ignored and
    fields the JSON lacks get their defaults."""
    kind: type = cls  # as a plain `type`, which mypy knows is hashable
    names, converted = _decoding(kind)
    data = loads(text)
    if not names.issuperset(data):
        data = {name: value for name, value in data.items() if name in names}
    for name, convert in converted:
        value = data.get(name)
        if value is not None:
            data[name] = convert(value)
    return cls(**data)


Converter = typing.Callable[[typing.Any], object]


@functools.cache
def _decoding(cls: type) -> tuple[frozenset[str], tuple[tuple[str, Converter], ...]]:
    """A class's field names, and the fields whose JSON value needs converting (a non-null
    one) with their converters; worked out once per class from its hints."""
    hints = typing.get_type_hints(cls)
    converters = ((name, _converter(hint)) for name, hint in hints.items())
    return frozenset(hints), tuple((name, c) for name, c in converters if c is not _as_is)


def _converter(hint: object) -> Converter:
    """A non-null JSON value -> the value of a field of type ``hint``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _converter(options[0]) if len(options) == 1 else _as_is
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _or_none(_converter(args[0]))
            return tuple if item is _as_is else lambda v: tuple(map(item, v))
        items = [_or_none(_converter(arg)) for arg in args]
        return lambda v: tuple(c(x) for c, x in zip(items, v, strict=False))
    if hint in (dt.datetime, dt.date, dt.time):
        return hint.fromisoformat
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda v: hint(**v)
    return _as_is


def _as_is(value: object) -> object:
    return value


def _or_none(convert: Converter) -> Converter:
    """``convert`` for a value that may be null (an item of a tuple)."""
    if convert is _as_is:
        return _as_is
    return lambda value: None if value is None else convert(value)
