"""Blog posts about conferences: the headline event of an announcement or recap, or each
entry of a lineup post.

A post is markdown with YAML ``---`` or TOML ``+++`` front matter and no upcoming-events
section (that would make it a TWiR issue, which the ``markdown`` parser reads). The post's
own date comes from the front matter (``date``, ``publishedAt``, a ``YYYY/MM/DD`` in
``path`` or ``url``) or the file name (``2023-06-14-slug.md``); it resolves dates written
without a year ("12–13 October", "This March").

Conservative by design: an event is emitted only when the post says when (to the day, the
month, or at least the year in the event's name) and where (a city, or online). A post that
names an event but not both gets a Problem saying so; a post that names none (release
notes, surveys, governance) gets a notice.
"""

from __future__ import annotations

from calendar_agg.models import Document, Issue, ParseResult, Problem, RawEvent
from calendar_agg.parsers import sniff
from calendar_agg.parsers.base import Parser
from calendar_agg.parsers.prose.found import FoundEvent, Missing, Post
from calendar_agg.parsers.prose.frontmatter import FrontMatter, post_date, read_front_matter
from calendar_agg.parsers.prose.headline import headline_event
from calendar_agg.parsers.prose.lineup import lineup_events
from calendar_agg.parsers.prose.markup import blocks, plain_text

NO_EVENT = "no event announced: the post names no conference, summit or meetup with a date"
_SUMMARY_KEYS = ("description", "summary", "excerpt", "subtitle")


class PostParser(Parser):
    """Announcement, recap and lineup posts about Rust conferences."""

    name = "post"

    def detect(self, document: Document) -> int:
        return sniff.post(document)

    def parse(self, document: Document) -> ParseResult:
        text = document.text.lstrip("\ufeff")
        front = read_front_matter(text)
        post = read_post(front, text, document.name)
        issue = Issue(document.name, post.date, url=_web_url(front.fields.get("url")))
        found: list[FoundEvent | Missing | None] = [*lineup_events(post)] or [
            headline_event(post)]
        events, problems = [], []
        for item in found:
            if isinstance(item, FoundEvent):
                events.append(raw_event(item, document))
            elif isinstance(item, Missing):
                problems.append(Problem(document.source, document.name, item.line,
                                        item.message, item.text))
        notices = () if events or problems else (NO_EVENT,)
        return ParseResult(issues=(issue,), events=tuple(events), problems=tuple(problems),
                           notices=notices)


def read_post(front: FrontMatter, text: str, name: str) -> Post:
    """Title, summary, body blocks and date of a post (front matter optional)."""
    lines = text.split("\n")
    body = blocks(lines[front.body_start:], first_line=front.body_start + 1)
    title, title_line = plain_text(front.title)[0], 1 if front.kind else 0
    if not title:
        heading = next((b for b in body if b.kind == "heading" and b.level == 1), None)
        title, title_line = (heading.text, heading.line) if heading else ("", 1)
    description = plain_text(next((front.fields[key] for key in _SUMMARY_KEYS
                                   if front.fields.get(key)), ""))[0]
    return Post(title, title_line, description, post_date(front, name), tuple(body))


def raw_event(found: FoundEvent, document: Document) -> RawEvent:
    return RawEvent(
        issue=document.name, line=found.line, start=found.start,
        end=found.end if found.end != found.start else None, city=found.city,
        subdivision=found.subdivision, country=found.country, virtual=found.virtual,
        hybrid=found.hybrid, title=found.name, url=found.url, source=document.source,
        precision=found.precision, confidence=found.confidence)


def _web_url(value: str | None) -> str | None:
    return value if value and value.startswith(("http://", "https://")) else None
