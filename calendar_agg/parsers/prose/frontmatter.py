"""Front matter of a post (YAML ``---``, TOML ``+++``, or Pelican's ``Key: value`` lines
before the first blank line) and the post's own date.

Only what a post reader needs: top-level scalar fields as strings. The YAML reader knows
plain, quoted (also multi-line) and block (``|``/``>``) scalars; lists and nested maps are
skipped. Nothing here raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field

_FENCES = {"---": "yaml", "+++": "toml"}
_YAML_KEY = re.compile(r"^([A-Za-z_][\w-]{0,40})\s*:(?:\s+(.*?))?\s*$")
_METADATA_KEY = re.compile(r"^([A-Za-z][\w-]{0,40}):\s+(\S.*?)\s*$")
# Pelican's (and MultiMarkdown's) keys: a text whose first line is ``Title: ...`` or
# ``Date: ...`` starts with them (``Note: ...`` is a sentence)
_METADATA_FIRST = frozenset({"title", "date"})
_TOML_KEY = re.compile(r"^([A-Za-z_][\w-]{0,40})\s*=\s*(.*?)\s*$")
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?!\d)")
_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?!\d)")
_YAML_ESCAPES = {"n": "\n", "t": "\t", "_": " ", '"': '"', "\\": "\\", "/": "/", "0": ""}

#: front matter keys that hold the publication date, most specific first
DATE_KEYS = ("date", "publishedat", "published_at", "published", "pubdate", "pub_date",
             "created", "created_at", "createdat")
#: keys whose value may carry a ``YYYY/MM/DD`` path
PATH_KEYS = ("path", "url", "permalink", "slug", "canonical", "canonical_url")


@dataclass(frozen=True)
class FrontMatter:
    """The fields (lower-case keys) and where the body starts (0-based line index)."""

    kind: str | None  # "yaml", "toml", "metadata" (Pelican's) or None: no front matter
    fields: dict[str, str] = field(default_factory=dict)
    body_start: int = 0

    @property
    def title(self) -> str:
        return self.fields.get("title", "")


def read_front_matter(text: str) -> FrontMatter:
    """The front matter at the top of ``text``; ``kind`` None when there is none."""
    first = text.split("\n", 1)[0]
    kind = _FENCES.get(first.strip())
    if kind is None:  # most texts: split no further
        return _metadata(text) if ":" in first else FrontMatter(None)
    lines = text.split("\n", 400)  # the fence closes within 400 lines
    fence = lines[0].strip()
    for end in range(1, min(len(lines), 400)):
        if lines[end].strip() == fence:
            block = lines[1:end]
            fields = _toml_fields(block) if kind == "toml" else _yaml_fields(block)
            return FrontMatter(kind, fields, end + 1)
    return FrontMatter(None)


def _metadata(text: str) -> FrontMatter:
    """Pelican's ``Key: value`` lines, up to the first blank line, when the first is a
    title or a date; else no front matter."""
    lines = text.split("\n", 60)
    first = _METADATA_KEY.match(lines[0])
    if first is None or first.group(1).lower() not in _METADATA_FIRST:
        return FrontMatter(None)
    fields: dict[str, str] = {}
    for end, line in enumerate(lines[:60]):
        if not line.strip():
            return FrontMatter("metadata", fields, end + 1)
        match = _METADATA_KEY.match(line)
        if match is None:
            return FrontMatter(None)  # a paragraph that starts "Title: ..."
        fields.setdefault(match.group(1).lower(), match.group(2))
    return FrontMatter(None)


def _toml_fields(block: list[str]) -> dict[str, str]:
    try:
        data = tomllib.loads("\n".join(block))
    except tomllib.TOMLDecodeError:
        found = {}
        for line in block:
            match = _TOML_KEY.match(line)
            if match:
                found[match.group(1).lower()] = match.group(2).strip("\"'")
        return found
    return {key.lower(): value.isoformat() if isinstance(value, (dt.date, dt.datetime))
            else str(value) for key, value in data.items()
            if isinstance(value, (str, int, float, dt.date, dt.datetime))}


def _yaml_fields(block: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    index = 0
    while index < len(block):
        match = _YAML_KEY.match(block[index])
        index += 1
        if match is None:
            continue
        key, value = match.group(1).lower(), match.group(2) or ""
        continuation = []
        while index < len(block) and (block[index][:1] in (" ", "\t") or not block[index]):
            continuation.append(block[index])
            index += 1
        found.setdefault(key, _yaml_scalar(value, continuation))
    return found


def _yaml_scalar(value: str, continuation: list[str]) -> str:
    """One scalar: quoted strings may span lines; ``|``/``>`` take the indented block."""
    if value[:1] in ("|", ">"):
        joiner = "\n" if value[0] == "|" else " "
        return joiner.join(line.strip() for line in continuation).strip()
    if value[:1] == '"':
        raw = " ".join([value, *(line.strip() for line in continuation)])
        closing = re.search(r'(?<!\\)"', raw[1:])
        body = raw[1:closing.start() + 1] if closing else raw[1:]
        return re.sub(r"\\(.)", lambda m: _YAML_ESCAPES.get(m.group(1), m.group(1)), body)
    if value[:1] == "'":
        raw = " ".join([value, *(line.strip() for line in continuation)])
        closing = re.search(r"'(?!')", raw[1:])
        return (raw[1:closing.start() + 1] if closing else raw[1:]).replace("''", "'")
    if value.startswith(("[", "{", "- ")):
        return value
    parts = [value, *(line.strip() for line in continuation if not line.strip().startswith("- "))]
    return " ".join(part for part in parts if part).split(" #", 1)[0].strip()


def post_date(front: FrontMatter, name: str) -> dt.date | None:
    """The post's own date: a date field, a ``YYYY/MM/DD`` in path or url, the file name."""
    for key in DATE_KEYS:
        found = _first_date(_ISO_DATE, front.fields.get(key, ""))
        if found:
            return found
    for key in PATH_KEYS:
        found = _first_date(_PATH_DATE, front.fields.get(key, ""))
        if found:
            return found
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    match = _ISO_DATE.match(base)
    return _first_date(_ISO_DATE, match.group(0)) if match else None


def _first_date(pattern: re.Pattern[str], text: str) -> dt.date | None:
    for match in pattern.finditer(text):
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            continue
    return None
