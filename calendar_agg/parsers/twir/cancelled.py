"""An entry that says its event is off: "CANCELLED", "(cancelled)", "**Postponed**".

Editors mark a meetup that will not happen by a word beside its title rather than by
removing it; the word is no part of the title ("Rust Hack and Learn - CANCELLED" is the
meetup "Rust Hack and Learn", cancelled). Only the word standing as a mark counts: in
brackets, in bold, in capitals, or set off by a separator at a text's start or end. A title
that uses it as a word ("Cancelled futures", "Cancellation in async Rust") is a title. An
older line that says so in a sentence ("... Hack & Learn is cancelled this month.") is a
notice, not a listing (``is_notice``).
"""

from __future__ import annotations

import re

from calendar_agg.parsers.twir.links import strip_links

_WORD = r"(?:cancell?ed|postponed)"
# why or till when, after the word: "cancelled due to COVID-19", "postponed to April"
_REASON = r"(?:[.!]?\s+(?:due|because|until|till|to|for|as|on|at)\b[^()\[\]\n]{0,60}?)?"
# The marks, each with what sets it off, so that taking it out leaves the text around it
# (from the first of the spaces or separators before it: "(?<!\s)", else a long run of them
# is tried from each of its places)
_MARK = re.compile(
    "|".join((
        # "(cancelled)", "[CANCELLED]", "(cancelled due to COVID)" - not a link's text
        # "[Cancelled](url)"
        rf"(?<!\s)\s*[(\[]\s*(?:\*\*|__)?{_WORD}{_REASON}[.!]?\s*[)\]](?!\()",
        # "**Cancelled**", "**CANCELLED:**", "__postponed__", with a separator before it
        rf"(?<![\s\-–—:,])(?:\s*[-–—:,]+)?\s*(?:\*\*|__){_WORD}[.!:]?\s*(?:\*\*|__)(?:\s*[-–—:]+)?",
        # at a text's start, a separator after it: "CANCELLED: Rust", "[Cancelled - Rust"
        rf"(?:(?<=^)|(?<=[\[*])|(?<=__))\s*{_WORD}\s*(?:[-–—:!]+|(?=\*\*|__))\s*",
        # at a text's end, a separator before it: "Learn - CANCELLED", "Learn, postponed.",
        # "- canceled due to COVID-19" (spaced, unlike a link's "/meetup-cancelled)")
        rf"(?<![\s\-–—:,])(?:\s+[-–—:]+|\s*[,:])\s+{_WORD}{_REASON}[.!]?\s*(?=$|[\])*_])",
        # in capitals anywhere, set off by spaces: "Rust Berlin CANCELLED"
        r"(?<!\s)(?-i:\s*\b(?:CANCELL?ED|POSTPONED)\b[.!:]?)(?!\w)",
    )),
    re.IGNORECASE,
)


# A sentence that calls a meetup off: "... is cancelled this month", "... has been postponed
# to April" (outside any link's text: "[Why futures are cancelled](url)" is a talk)
_NOTICE = re.compile(
    r"\b(?:is|are|has\s+been|have\s+been|was|were|will\s+be)\s+(?:now\s+)?"
    r"(?:cancell?ed|postponed)\b",
    re.IGNORECASE,
)


def is_notice(text: str) -> bool:
    """Whether an older entry's text is a notice that a meetup is off, which lists no event
    (``The Columbus meeting on Sep 14 is cancelled; see [the group](url)``)."""
    if not may_say_cancelled(text):
        return False
    return _NOTICE.search(strip_links(text, keep_text=False)) is not None


def may_say_cancelled(text: str) -> bool:
    """Whether ``text`` may hold a cancellation mark (cheap: most entries say none)."""
    return "ancel" in text or "ANCEL" in text or "ostpon" in text or "OSTPON" in text


def without_cancellation(text: str) -> tuple[str, bool]:
    """``text`` without its cancellation marks, and whether it had any."""
    if not may_say_cancelled(text):
        return text, False
    kept = _MARK.sub("", text)
    return kept, kept != text
