"""Markdown (with some inline HTML) -> blocks of plain text that remember their links.

A block is a heading, a paragraph or a list item; its text has markup removed (emphasis,
images, footnote marks, tags, entities) and each link replaced by its text, the target kept
in ``links``. ``sentences`` cuts a block's text where a sentence ends.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}=+\s*$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_ITEM = re.compile(r"^\s{0,6}(?:[-*+]|\d{1,3}[.)])\s+")
_DEFINITION = re.compile(r"^\s{0,3}\[([^\]]{1,200})\]:\s*<?(\S+?)>?(?:\s+[\"'(].*)?\s*$")
_FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^[^\]]*\]:")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]|<img\b[^>]*>", re.IGNORECASE)
# One pass over every kind of link, so that ``Block.links`` is in reading order.
_LINK = re.compile(
    r"<a\b[^>]*?href\s*=\s*[\"'](?P<href>[^\"']*)[\"'][^>]*>(?P<html>.*?)</a\s*>"
    r"|<(?P<auto>https?://[^>\s]+)>"
    r"|\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?(?P<url>[^()\s>]*(?:\([^()\s]*\))?)>?"
    r"(?:\s+[\"'][^\"']*[\"'])?\s*\)"
    r"|\[(?P<label>(?:[^\[\]]|\[[^\[\]]*\])+)\](?:\s?\[(?P<ref>[^\[\]]*)\])?",
    re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^>]{0,300}>")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`+([^`]*)`+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“(\[]?[A-Z])")
_ABBREVIATION = re.compile(r"\b(?:St|Mr|Mrs|Ms|Dr|Jr|Sr|vs|etc|Inc|Ltd|Co|No|[A-Z])\.$")


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Block:
    """One heading (``level`` 1-6), paragraph or list item (``level`` 0) as plain text."""

    kind: str  # "heading", "paragraph" or "item"
    level: int
    text: str
    line: int  # 1-based line of the document where the block starts
    links: tuple[Link, ...] = ()


def blocks(lines: list[str], first_line: int = 1) -> list[Block]:
    """The blocks of markdown ``lines``; ``first_line`` is the number of ``lines[0]``."""
    definitions = _definitions(lines)
    found: list[Block] = []
    paragraph: list[str] = []
    start = first_line
    in_fence = False

    def flush() -> None:
        if paragraph:
            kind = "item" if _ITEM.match(paragraph[0]) else "paragraph"
            block = _block(kind, 0, " ".join(paragraph), start, definitions)
            if block.text:
                found.append(block)
            paragraph.clear()

    for number, line in enumerate(lines, start=first_line):
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence or _DEFINITION.match(line) or _FOOTNOTE_DEF.match(line):
            continue
        heading = _ATX.match(line)
        if heading or not line.strip() or _RULE.match(line) or _ITEM.match(line):
            flush()
        if heading:
            found.append(_block("heading", len(heading.group(1)), heading.group(2), number,
                                definitions))
        elif _SETEXT.match(line) and found and found[-1].line == number - 1:
            found[-1] = Block("heading", 1, found[-1].text, found[-1].line, found[-1].links)
        elif line.strip() and not _RULE.match(line):
            if not paragraph:
                start = number
            paragraph.append(line.strip())
    flush()
    return found


def plain_text(text: str) -> tuple[str, tuple[Link, ...]]:
    """Inline markup of one piece of text removed; its links as (text, url)."""
    block = _block("paragraph", 0, text, 0, {})
    return block.text, block.links


def _definitions(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        match = _DEFINITION.match(line) if "]:" in line else None
        if match and not match.group(1).startswith("^"):
            found.setdefault(" ".join(match.group(1).lower().split()), match.group(2))
    return found


def _block(kind: str, level: int, text: str, line: int, definitions: dict[str, str]) -> Block:
    links: list[Link] = []

    def keep(label: str, url: str) -> str:
        label_text = _clean_inline(label)
        if url:
            links.append(Link(label_text, url.strip()))
        return label_text

    text = _ITEM.sub("", text, count=1) if kind == "item" else text
    text = _IMAGE.sub(" ", _COMMENT.sub(" ", text))
    text = _FOOTNOTE_REF.sub("", text)
    text = _LINK.sub(lambda m: _link(m, definitions, keep), text)
    return Block(kind, level, _clean_inline(text), line, tuple(links))


def _link(match: re.Match[str], definitions: dict[str, str], keep) -> str:
    if match.group("href") is not None:
        return keep(_TAG.sub("", match.group("html")), match.group("href"))
    if match.group("auto"):
        return keep(match.group("auto"), match.group("auto"))
    if match.group("url") is not None:
        return keep(match.group("text"), match.group("url"))
    label = match.group("ref") or match.group("label")
    url = definitions.get(" ".join(label.lower().split()))
    return keep(match.group("label"), url) if url else match.group("label")


def _clean_inline(text: str) -> str:
    text = _TAG.sub(" ", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):
        text = _EMPHASIS.sub(r"\2", text)
    text = html.unescape(text).replace("\\", "")
    return " ".join(text.replace("\u00a0", " ").split())


def sentences(text: str) -> list[str]:
    """``text`` cut after ``.``, ``!`` or ``?`` followed by a capital (not after "St.")."""
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text, 0, match.start()):
            continue
        found.append(text[start:match.start()].strip())
        start = match.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]
