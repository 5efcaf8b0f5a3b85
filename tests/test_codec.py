"""The store's JSON codec: each class's fields worked out once, the same text and values as
converting every field generically (the oracle below, the codec as it first was)."""

import dataclasses
import datetime as dt
import enum
import json
import types
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_agg.codec import dumps, from_json, loads, to_json
from calendar_agg.models import Event, Issue, Problem, RawEvent
from calendar_agg.store import Change, Sighting

# --- the oracle: every value converted by its runtime type, every field by its hint ------


def oracle_to_json(value: object) -> str:
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def oracle_from_json(cls: type, text: str) -> object:
    hints = typing.get_type_hints(cls)
    return cls(**{name: _typed(hints[name], value) for name, value in json.loads(text).items()
                  if name in hints})


def _typed(hint: object, value: object) -> object:
    if value is None:
        return None
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _typed(options[0], value) if len(options) == 1 else value
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_typed(args[0], item) for item in value)
        return tuple(_typed(arg, item) for arg, item in zip(args, value, strict=False))
    if hint in (dt.datetime, dt.date, dt.time):
        return hint.fromisoformat(value)
    if isinstance(hint, type) and (issubclass(hint, enum.Enum)
                                   or dataclasses.is_dataclass(hint)):
        return hint(**value) if dataclasses.is_dataclass(hint) else hint(value)
    return value


# --- classes the store does not keep, for the conversions its classes do not need --------


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int


@dataclasses.dataclass(frozen=True)
class Odd:
    colour: Colour | None
    point: Point | None
    days: tuple[dt.date | None, ...]
    pair: tuple[dt.date, str] | None
    at: dt.time | None = None
    anything: int | str | None = None


@dataclasses.dataclass(frozen=True)
class Nothing:
    pass


text = st.text(max_size=12)
moments = st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))]))
optional = st.one_of(st.none(), text)
tuples = st.lists(text, max_size=3).map(tuple)

raw_events = st.builds(
    RawEvent, start=st.dates(), end=st.one_of(st.none(), st.dates()), city=optional,
    subdivision=optional, country=optional, region=optional, group=optional,
    group_url=optional, title=optional, url=optional, extra_urls=tuples,
    starts_at=st.one_of(st.none(), moments), ends_at=st.one_of(st.none(), moments),
    timezone=optional, confidence=st.one_of(st.none(), st.floats(0, 1)))
events = st.builds(
    Event, uid=text, start=st.dates(), end=st.one_of(st.none(), st.dates()), city=optional,
    subdivision=optional, country=optional, regions=tuples, group=optional,
    group_url=optional, title=optional, url=optional, extra_urls=tuples,
    first_seen=st.one_of(st.none(), moments), last_modified=st.one_of(st.none(), moments),
    issues=tuples, starts_at=st.one_of(st.none(), moments), timezone=optional)
issues = st.builds(Issue, name=text, date=st.one_of(st.none(), st.dates()),
                   window=st.one_of(st.none(), st.tuples(st.dates(), st.dates())),
                   url=optional)
problems = st.builds(Problem, source=text, document=text, line=st.integers(0, 9999),
                     message=text, text=text)
odd = st.builds(Odd, colour=st.one_of(st.none(), st.sampled_from(Colour)),
                point=st.one_of(st.none(), st.builds(Point, st.integers(), st.integers())),
                days=st.lists(st.one_of(st.none(), st.dates()), max_size=3).map(tuple),
                pair=st.one_of(st.none(), st.tuples(st.dates(), text)),
                at=st.one_of(st.none(), st.times()),
                anything=st.one_of(st.none(), st.integers(), text))
values = st.one_of(raw_events, events, issues, problems, odd, st.just(Nothing()),
                   st.builds(Sighting, source=text, issue=text, line=st.integers(0, 999),
                             issue_date=st.one_of(st.none(), st.dates()), listing=st.none(),
                             occurrence=text),
                   st.builds(Change, at=moments, source=text, issue=text, change=text,
                             details=st.dictionaries(text, st.lists(optional, max_size=2))))


@settings(max_examples=300, deadline=None)
@given(value=values)
def test_same_json_and_values_as_the_generic_conversion(value):
    written = to_json(value)
    assert json.loads(written) == json.loads(oracle_to_json(value))
    read = from_json(type(value), written)
    assert read == oracle_from_json(type(value), written) == value


def test_what_the_fast_writer_refuses_is_written_the_generic_way():
    # a lone surrogate and an integer past 64 bits: orjson refuses both, json writes them
    point = Point(2**70, 1)
    assert json.loads(to_json(point)) == {"x": 2**70, "y": 1}
    assert from_json(Point, to_json(point)) == point
    problem = Problem("s", "d", 1, "bad \ud800 text", "")
    assert to_json(problem) == oracle_to_json(problem)
    assert from_json(Problem, to_json(problem)) == problem


def test_plain_values_are_written_alike_either_way_and_read_back():
    # what the store keeps of a resolved listing and an event's summary (``dumps``): the
    # fast writer's text is the compact text json writes, which also takes what it refuses
    plain = ["Zürich", 1.5, True, None, ["x", 2]]
    assert dumps(plain) == json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
    refused = ["a \ud800 b", 2**70, ("x", None)]
    assert dumps(refused) == json.dumps(refused, ensure_ascii=False, separators=(",", ":"))
    assert loads(dumps(refused)) == ["a \ud800 b", 2**70, ["x", None]]


@pytest.mark.parametrize("number", [-(2**63) - 1, 2**64, 2**70 + 1, -(2**63), 2**64 - 1])
def test_an_integer_past_64_bits_reads_back_as_written(number):
    # orjson reads one as a float, silently: such texts are read by json
    point = Point(number, 1)
    assert from_json(Point, to_json(point)) == point
    assert type(from_json(Point, to_json(point)).x) is int


def test_an_offset_of_seconds_is_kept():
    # a zone's local mean time before 1900: orjson alone would round it to the minute
    moment = dt.datetime(1890, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(seconds=1172)))
    change = Change(moment, "s", "i", "moved", {})
    assert '"1890-01-01T12:00:00+00:19:32"' in to_json(change)
    assert from_json(Change, to_json(change)).at.utcoffset() == moment.utcoffset()


def test_text_older_code_wrote_is_read():
    # spaces after separators, and the NaN json writes for a float that is not a number
    older = json.dumps({"name": "x", "date": "2024-01-10", "window": None, "url": None})
    assert from_json(Issue, older) == Issue("x", dt.date(2024, 1, 10))
    assert loads('[NaN, 1]')[1] == 1


def test_fields_it_lacks_get_their_defaults_and_fields_it_no_longer_has_are_ignored():
    stored = json.dumps({"name": "2024-01-10", "date": "2024-01-10", "gone": [1, 2]})
    assert from_json(Issue, stored) == Issue("2024-01-10", dt.date(2024, 1, 10))
