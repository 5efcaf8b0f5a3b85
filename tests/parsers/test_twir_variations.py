"""The sample's issues, their event lines varied as an editor may write them, give the same
events: the parser is judged on issues it has not seen, which vary the same forms."""

from __future__ import annotations

import collections
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from calendar_agg.models import Document
from calendar_agg.normalize.merge import resolve
from calendar_agg.parsers import parse_document

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "twir-sample"
FIELDS = ("start", "end", "city", "subdivision", "country", "virtual", "hybrid", "url",
          "group_url", "region")  # fmt: skip
ENTRY = re.compile(r"\s*[*+-] ")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# "* [Mar  1. ..." and "* [3/1. ...": the dates the older lines start with
NAMED_DATE = re.compile(rf"^(\s*[*-] \[?)({'|'.join(MONTHS)})[a-z]*\.?\s+(\d{{1,2}})\.(?= )")
NUMERIC_DATE = re.compile(r"^(\s*[*-] \[?)(\d{1,2})/(\d{1,2})\.(?= )")
ISO_DATE = re.compile(r"^(\* )(\d{4})-(\d\d)-(\d\d)")


def entries(vary: Callable[[str], str]) -> Callable[[str], str]:
    """A variation of the list items of the events section (and of what follows it, which
    holds no events either way)."""

    def varied(text: str) -> str:
        lines = text.split("\n")
        start = next((i for i, line in enumerate(lines)
                      if line.startswith("#") and "upcoming events" in line.lower()), len(lines))
        return "\n".join(vary(line) if i > start and ENTRY.match(line) else line
                         for i, line in enumerate(lines))  # fmt: skip

    return varied


def loose(text: str) -> str:
    """A blank line before every top-level item: a loose list."""
    return re.sub(r"\n(?=\* )", "\n\n", text)


VARIATIONS: dict[str, Callable[[str], str]] = {
    "crlf line ends": lambda text: text.replace("\n", "\r\n"),
    "loose list": loose,
    "- bullets": entries(lambda line: re.sub(r"^(\s*)\* ", r"\1- ", line)),
    "+ bullets": entries(lambda line: re.sub(r"^(\s*)\* ", r"\1+ ", line)),
    "trailing spaces": entries(lambda line: line + "  "),
    "tab indent": entries(lambda line: re.sub(r"^    ", "\t", line)),
    "two-space indent": entries(lambda line: re.sub(r"^    ", "  ", line)),
    "bars without spaces": entries(lambda line: line.replace(" | ", "|")),
    "wide bars": entries(lambda line: line.replace(" | ", "  |  ")),
    "double spaces": entries(lambda line: re.sub(r"(?<=\S) (?=\S)", "  ", line, count=3)),
    "no final period": entries(lambda line: line.removesuffix(".")),
    "final period": entries(lambda line: line + "." if line.endswith(")") else line),
    "en dashes": entries(lambda line: line.replace(" - ", " – ")),
    "em dashes": entries(lambda line: line.replace(" - ", " — ")),
    "links in angle brackets": entries(
        lambda line: re.sub(r"\]\((https?://[^)\s]+)\)", r"](<\1>)", line)),
    "marker then colon": entries(lambda line: line.replace("Hybrid (", "Hybrid: (")),
    "slashed ISO dates": entries(lambda line: ISO_DATE.sub(r"\1\2/\3/\4", line)),
    "last year's year": entries(
        lambda line: ISO_DATE.sub(lambda m: f"{m[1]}{int(m[2]) - 1}-{m[3]}-{m[4]}", line)),
    "swapped year digits": entries(
        lambda line: ISO_DATE.sub(lambda m: f"{m[1]}{m[2][:2]}{m[2][3]}{m[2][2]}-{m[3]}-{m[4]}",
                                  line)),
    "date then colon": entries(lambda line: NAMED_DATE.sub(r"\1\2 \3:", line)),
    "date without period": entries(lambda line: NAMED_DATE.sub(r"\1\2 \3", line)),
    "ordinal days": entries(lambda line: NAMED_DATE.sub(
        lambda m: f"{m[1]}{m[2]} {int(m[3])}{_suffix(int(m[3]))}.", line)),
    "day before month": entries(lambda line: NAMED_DATE.sub(
        lambda m: f"{m[1]}{int(m[3])} {m[2]}.", line)),
    "month names as numbers": entries(lambda line: NAMED_DATE.sub(
        lambda m: f"{m[1]}{MONTHS.index(m[2]) + 1}/{int(m[3])}.", line)),
    "numbers as month names": entries(lambda line: NUMERIC_DATE.sub(
        lambda m: f"{m[1]}{MONTHS[int(m[2]) - 1]} {int(m[3])}.", line)),
    # a marker without its space is no list item: its line continues the entry above
    "sub-item marker without its space": entries(lambda line: re.sub(r"^(\s+)\* ", r"\1*", line)),
    "bracketed line's marker without its space": entries(
        lambda line: re.sub(r"^\* (?=\[)", "*", line)),
    "a weekday before the date": entries(lambda line: ISO_DATE.sub(r"\1Thu \2-\3-\4", line)),
    "a bar before the date, as in a table": entries(
        lambda line: ISO_DATE.sub(r"\1| \2-\3-\4", line)),
    "a link's ) left out": entries(lambda line: re.sub(r"(\]\(https?://[^)\s]+)\)(\.?)\s*$",
                                                       r"\1\2", line)),
    "a link's ] left out": entries(lambda line: re.sub(r"\]\((https?://[^)\s]+\))\.?\s*$",
                                                       r"(\1", line, count=1)),
    "dashes for the first bars": entries(
        lambda line: re.sub(r"^(\* \d{4}-\d\d-\d\d) \| ([A-Z][^|\[\]]{1,60}?) \| (?=\[)",
                            r"\1 - \2 - ", line)),
}


def _suffix(day: int) -> str:
    return "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def events(path: Path, text: str) -> collections.Counter[tuple[str, ...]]:
    """What the issue lists, by the fields the targets score (the line left out: some
    variations add lines; the title left out: dashes are part of some)."""
    result = parse_document(Document("twir", path.name, text))
    return collections.Counter(
        tuple(str(getattr(resolve(event, canonical_city=False), name)) for name in FIELDS)
        for event in result.events)


@pytest.fixture(scope="module")
def originals() -> dict[Path, tuple[str, collections.Counter[tuple[str, ...]]]]:
    if not CORPUS.is_dir():
        pytest.skip("shared TWiR corpus not present")
    found = {}
    for path in sorted(CORPUS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        found[path] = (text, events(path, text))
    return found


@pytest.mark.parametrize("name", VARIATIONS)
def test_a_varied_sample_gives_the_same_events(name: str, originals) -> None:
    vary = VARIATIONS[name]
    changed = 0
    for path, (text, expected) in originals.items():
        varied = vary(text)
        if varied == text:
            continue
        changed += 1
        found = events(path, varied)
        assert found == expected, (path.name, sorted(expected - found)[:3],
                                   sorted(found - expected)[:3])
    assert changed, "the variation changed no issue of the sample"


# Variations of the list's shape, which python-markdown renders otherwise than it looks
PAGE_VARIATIONS = ("loose list", "tab indent", "two-space indent",
                   "sub-item marker without its space", "bracketed line's marker without its space")


# An entry written as a heading ("# 2025-07-23 | ... | [Rust Nigeria](...)"): its title item,
# without its marker's space, renders as a paragraph of its own, and is not read as its title
_RENDERED_OTHERWISE = {("2025-07-23-this-week-in-rust.md", "sub-item marker without its space")}


@pytest.mark.parametrize("name", PAGE_VARIATIONS)
def test_a_varied_sample_gives_the_same_events_from_its_rendered_page(name: str, originals) -> None:
    """The page python-markdown makes of a varied issue gives what its markdown gives."""
    import markdown

    from calendar_agg.parsers.html import HtmlParser
    from calendar_agg.parsers.markdown import MarkdownParser

    vary = VARIATIONS[name]
    for path, (text, _) in list(originals.items())[::2]:  # half the sample: rendering is slow
        varied = vary(text)
        if varied == text or (path.name, name) in _RENDERED_OTHERWISE:
            continue
        header, _, body = varied.partition("\n\n")
        date = re.search(r"^Date:\s*(\S+)", header, re.M)
        page = (f'<html><head><meta name="date" content="{date[1] if date else ""}"></head>'
                f"<body>{markdown.markdown(body)}</body></html>")
        from_page = HtmlParser().parse(Document("twir", path.name, page)).events
        from_markdown = MarkdownParser().parse(Document("twir", path.name, varied)).events
        assert [dataclasses.replace(e, line=0, issue="") for e in from_page] == [
            dataclasses.replace(e, line=0, issue="") for e in from_markdown], path.name
