"""Inline links ``[text](url)`` as a human reads them, broken syntax included.

Handles nested brackets in the text (``[Jul 18. Rust Bay Area - [@ Stanford] Macros](url)``),
a space before or inside the parentheses (``[x] (url)``, ``]( url)``), a doubled
parenthesis (``[x]((url)``), a missing closing parenthesis at the end of a line, a missing
opening bracket (``| Rust Oslo](https://...)``: the field is the text) or closing one
(``[Rust Oslo(https://...)``), a slip in the scheme (``https:/host``) and stars of emphasis
left at the end of a target (``(https://host/path*)``). ``bare_url`` finds an address
written out, not linked.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

_BOLD = re.compile(r"(?<!\\)(?:\*\*\*?|__|~~|(?<![\w])_(?=\S)|(?<=\S)_(?![\w]))|`")
# A mark written as itself ("Rust\_Berlin", "\*nix"): markdown's backslash escapes (not of
# a backtick: in code, as "`(lang|script)\`", a backslash is itself)
_ESCAPED = re.compile(r"\\([\\*_{}\[\]()#+.!|<>~-])")
_TRAILING = re.compile(r"[\s.,;:|*_-]+$")  # not "!" or "?": "Why Rust?" asks
_LEADING = re.compile(r"^[\s.,;:!?|*_$-]+")


class Link(NamedTuple):
    """One link found in a line: its visible text, its target and where it sat (a
    NamedTuple: made for every link of every entry read, and cheaper to make)."""

    text: str
    url: str
    start: int  # index of "["
    end: int  # index just past ")"


# "[text](url)" with one level of brackets inside the text ("[@ Stanford]"), an optional
# space before "(", a doubled "((", spaces inside, one level of parentheses in the url, and
# a title after the url (``(url "title")``), which is no part of the visible text.
_LINK = re.compile(
    r"\[([^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*)\]\s?\(\(?\s*"
    r"([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"\n]*\"|\s+'[^'\n]*')?"
    r"\s*(?:\)|(?=\s)|$)"
)


@functools.lru_cache(maxsize=16384)
def find_links(text: str) -> tuple[Link, ...]:
    """Every ``[text](url)`` in ``text``, outermost only, in order.

    A link whose ")" is missing ends at the first space or at the end of the line.
    """
    if "](" not in text and "] (" not in text:
        return _unclosed(text, []) if "[" in text and "(http" in text else ()
    links = []
    for match in _LINK.finditer(text):
        label, url = match.group(1, 2)
        url = _target_as_written(url, closed=text[match.end() - 1] == ")") if url else url
        if url:
            links.append(Link(label, url, match.start(), match.end()))
    if text.count("](") > len(links):  # one without its "[" ("| Rust Oslo](url)")?
        links = sorted(links + _unopened(text, links), key=lambda link: link.start)
    if text.count("(http") > len(links):  # one without its "]" ("[Rust Oslo(url)")?
        return _unclosed(text, links)
    return tuple(links)


# What ends the sentence after a link whose ")" was left out (``_target_as_written``)
_SENTENCE_END = ".,;:!?"
# "[text(https://...)": a link whose "]" was left out
# (its text may hold parentheses: "[5/10. (San Diego) Downtown Meetup(https://...)")
_UNCLOSED = re.compile(
    r"\[((?:[^\[\]()\n]|\([^\[\]()\n]*\)){1,200}?)\s?\((https?://[^()\s]+)\)")


def _unclosed(text: str, links: list[Link]) -> tuple[Link, ...]:
    """``links`` and the links of ``text`` whose "]" was left out, in order."""
    found = [Link(match[1].rstrip(), _target(match[2]), match.start(), match.end())
             for match in _UNCLOSED.finditer(text)
             if not any(link.start <= match.start() < link.end for link in links)]
    return tuple(sorted(links + found, key=lambda link: link.start))


_CLOSE_THEN_OPEN = re.compile(r"\]\(")
# A link target after "](": what ``_LINK`` takes, with its ")" optional at a space or the end
_TARGET = re.compile(r"\(\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\s*(?:\)|(?=\s)|$)")


def _unopened(text: str, links: list[Link]) -> list[Link]:
    """The links whose "[" was left out (``| Rust Oslo](https://...)``): the text back to
    the field's start ("|", another link or the line's start) is the visible text."""
    found: list[Link] = []
    for close in _CLOSE_THEN_OPEN.finditer(text):
        at = close.start()
        if any(link.start <= at < link.end for link in links):
            continue
        start = max([text.rfind("|", 0, at) + 1,
                     *(link.end for link in links if link.end <= at)])
        label = text[start:at]
        target = _TARGET.match(text, at + 1)
        if target is None or "[" in label or "]" in label:
            continue
        url = _target_as_written(target.group(1), closed=target.group().endswith(")"))
        if not url.startswith(("https://", "http://")):
            continue  # prose with a bracket, not a link
        lead = len(label) - len(label.lstrip(" +,&;/"))
        if label.strip(" +,&;/*_"):
            found.append(Link(label[lead:].rstrip(), url, start + lead, target.end()))
    return found


# An address written out, not linked ("**Meetup** https://www.meetup.com/..."): up to a
# space, a bracket or a bar, without the punctuation that ends its sentence
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]|]+?(?=[.,;:!?*_]*(?:[\s<>()\[\]|]|$))")


def bare_url(text: str) -> re.Match[str] | None:
    """The first web address written out in ``text`` (not as a link), if any."""
    return _BARE_URL.search(text) if "://" in text else None


def _target_as_written(url: str, closed: bool) -> str:
    """``_target`` of a link's target; when its ")" was left out (``closed`` False), the
    full stop or comma after it ends the sentence, not the address ("(https://x.org/e.")."""
    return _target(url if closed else url.rstrip(_SENTENCE_END))


def _target(url: str) -> str:
    """A link target without ``<>`` around it or emphasis stars stuck to its end
    (``wasmedge*``); a web address written without its scheme (``www.meetup.com/...``) gets
    ``https://``, as a browser would add it."""
    if url.startswith(("https://", "http://")) and url[-1] not in "<>*":
        return url  # most targets: nothing to mend
    return _mended_target(url)


def _mended_target(url: str) -> str:
    """``_target`` the long way, for any target."""
    url = url.strip("<>").rstrip("*")
    slip = _SCHEME_SLIP.match(url)
    if slip is not None:  # "https:/host", "http//host"
        return f"{slip[1].lower()}://{url[slip.end():]}"
    return f"https://{url}" if _SCHEMELESS.match(url) else url


# A web address's scheme written with a slash or the colon left out
_SCHEME_SLIP = re.compile(r"(https?)(?::/(?!/)|//)(?=\w)", re.I)


# "www.host/..." or "meetup.com/...": a host name (with a dot, no scheme) starting the target
# (not a file name such as "issue.md" or "logo.png")
_SCHEMELESS = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*"
                         r"\.(?!(?:md|html?|png|jpe?g|gif|svg|pdf)(?:/|$))[a-z]{2,}(?:/|$)", re.I)


@functools.lru_cache(maxsize=16384)
def clean_text(text: str) -> str:
    """Visible text without markdown emphasis, outer punctuation and doubled spaces."""
    text = _BOLD.sub("", text)
    text = _LEADING.sub("", _TRAILING.sub("", text))
    if "\\" in text:
        text = _ESCAPED.sub(r"\1", text)
    return " ".join(text.split())


def strip_links(text: str, keep_text: bool = True) -> str:
    """``text`` with every link replaced by its visible text (or left out)."""
    out, last = [], 0
    for link in find_links(text):
        out.append(text[last : link.start])
        out.append(link.text if keep_text else " ")
        last = link.end
    out.append(text[last:])
    return "".join(out)
