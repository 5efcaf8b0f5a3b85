"""HtmlParser: issue pages give the same events as the markdown they were rendered from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_agg.models import Document, ParseResult

html_parser = pytest.importorskip("calendar_agg.parsers.html", reason="line parser not there yet")
HtmlParser = html_parser.HtmlParser

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "html"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "twir-sample"
REGENERATE = os.environ.get("CALENDAR_AGG_REGENERATE") == "1"
PARSER = HtmlParser()

PAGE = """<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>{title} · This Week in Rust</title>
  </head>
  <body>
    <header class="site-header"><a class="site-title" href="/">This Week in Rust</a></header>
    <div class="post">
      <header class="post-header">
        <time pubdate="pubdate" datetime="{date}T00:00:00-04:00">{date}</time>
        <a href="https://this-week-in-rust.org/">{title}</a>
      </header>
      <article class="post-content">
{body}
      </article>
    </div>
    <footer><ul><li><a href="/atom.xml">atom feed</a></li></ul></footer>
  </body>
</html>
"""


# -- helpers shared with the corpus tests -------------------------------------------------
def split_issue(text: str) -> tuple[dict[str, str], str]:
    """The ``Title:``/``Date:``... header of a markdown issue and its body."""
    lines = text.splitlines()
    header: dict[str, str] = {}
    while lines and (match := re.match(r"^([A-Za-z]+):\s*(.*)$", lines[0])):
        header[match.group(1).lower()] = match.group(2).strip()
        lines.pop(0)
    return header, "\n".join(lines)


def issue_date(header: dict[str, str]) -> dt.date:
    year, month, day = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", header["date"]).groups()
    return dt.date(int(year), int(month), int(day))


# python-markdown as a Pelican site may configure it: headings get ids and a permalink
# sign (``<h3 id="europe">Europe<a class="headerlink" href="#europe">¶</a></h3>``)
SITE_EXTENSIONS = {
    "extensions": ["extra", "toc", "codehilite"],
    "extension_configs": {"toc": {"permalink": True}, "codehilite": {"css_class": "highlight"}},
}


def render_page(path: Path, extensions: dict[str, Any] | None = None) -> str:
    """A corpus issue rendered the way the site does: python-markdown in the page template."""
    header, body = split_issue(path.read_text(encoding="utf-8"))
    return PAGE.format(
        title=header.get("title", ""),
        date=issue_date(header).isoformat(),
        body=markdown.markdown(body, **(extensions or {})),
    )


def event_dicts(result: ParseResult, *ignored: str) -> list[dict[str, Any]]:
    """The events as JSON-ready dicts without the ``ignored`` fields."""
    found = []
    for event in result.events:
        fields = dataclasses.asdict(event)
        for name in ignored:
            fields.pop(name)
        found.append(json.loads(json.dumps(fields, default=str)))
    return found


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


# -- detect -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "content_type", "sure"),
    [
        ("<!DOCTYPE html>\n<html><body></body></html>", None, True),
        ("\ufeff  <html lang=en><p>x", None, True),
        ("<!-- saved -->\n<HTML>", None, True),
        ("<h2>Upcoming Events</h2><ul><li>x</li></ul>", None, True),
        ("anything", "text/html; charset=utf-8", True),
        ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>', None, False),
        ('<rss version="2.0"><channel><description>&lt;html&gt;</description>', None, False),
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", None, False),
        ("Title: This Week in Rust 602\nDate: 2025-06-04\n\n## Upcoming Events\n", None, False),
        ("* 2025-06-04 | Virtual | [Indy Rust](https://x.org)", "text/markdown", False),
    ],
)
def test_detect(text: str, content_type: str | None, sure: bool) -> None:
    score = PARSER.detect(Document("s", "doc", text, content_type=content_type))
    assert (score >= 40) if sure else (score == 0)


# -- issue name, date and URL -------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/",
         "2025-06-04-this-week-in-rust-602"),
        ("https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/index.html",
         "2025-06-04-this-week-in-rust-602"),
        ("http://this-week-in-rust.org/blog/2015/01/12/this-week-in-rust-64?x=1#events",
         "2015-01-12-this-week-in-rust-64"),
        ("https://this-week-in-rust.org/", None),
        ("tag:this-week-in-rust.org,2025-06-04:/blog/x", None),
        (None, None),
    ],
)  # fmt: skip
def test_issue_name_from_url(url: str | None, name: str | None) -> None:
    assert html_parser.issue_name_from_url(url) == name


def test_site_page_gives_name_date_and_url() -> None:
    sample = SAMPLES / "2025-06-04-this-week-in-rust-602.html"
    result = PARSER.parse(Document("twir", "page.html", sample.read_text(encoding="utf-8")))
    url = "https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/"
    assert [(i.name, i.date, i.url) for i in result.issues] == [
        ("2025-06-04-this-week-in-rust-602", dt.date(2025, 6, 4), url)
    ]
    assert {event.issue for event in result.events} == {"2025-06-04-this-week-in-rust-602"}
    assert len(result.events) == 5


@pytest.mark.parametrize(
    ("text", "location", "name", "date"),
    [
        ('<meta property="article:published_time" content="2024-01-17T10:00:00+01:00">',
         "", "2023-01-01-x.html", dt.date(2024, 1, 17)),
        ('<link rel="Canonical" href="https://this-week-in-rust.org/blog/2024/01/17/twir-530/">',
         "", "2024-01-17-twir-530", dt.date(2024, 1, 17)),
        ("<p>no date here</p>", "https://this-week-in-rust.org/blog/2024/01/17/twir-530/",
         "2024-01-17-twir-530", dt.date(2024, 1, 17)),
        ("<p>no date here</p>", "/tmp/2023-01-01-x.html", "2023-01-01-x.html", dt.date(2023, 1, 1)),
    ],
)  # fmt: skip
def test_date_and_name_sources(text: str, location: str, name: str, date: dt.date) -> None:
    html = f"<html><head>{text}</head><body><h2>Upcoming Events</h2><ul><li>x</li></ul></body>"
    root, _ = html_parser.parse_html(html)
    document = Document("s", "2023-01-01-x.html", html, location=location)
    url = html_parser.page_url(root, location)
    assert html_parser.page_date(root, url, document) == date
    assert (html_parser.issue_name_from_url(url) or "2023-01-01-x.html") == name


@pytest.mark.parametrize(
    ("head", "name"),
    [
        ('<meta name="date" content="2020-12-9">', "page.html"),
        ('<time datetime="2020-12-9">Wed 09 December 2020</time>', "page.html"),
        ("", "2020-12-9-this-week-in-rust.html"),  # as one issue's file is named
    ],
)  # fmt: skip
def test_date_with_a_one_digit_day_dates_the_events(head: str, name: str) -> None:
    html = (f"<html><head>{head}</head><body><h1>Upcoming Events</h1><ul><li><a href="
            '"https://www.meetup.com/utah-rust/events/1/">December 10, Provo, UT, US - Mob'
            " Programming</a></li></ul></body></html>")
    result = html_parser.HtmlParser().parse(Document("s", name, html))
    assert [i.date for i in result.issues] == [dt.date(2020, 12, 9)]
    assert [(e.start, e.city) for e in result.events] == [(dt.date(2020, 12, 10), "Provo")]
    assert not result.problems


# -- samples beside their expected events -------------------------------------------------
@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.html")), ids=lambda path: path.name)
def test_sample_events(sample: Path) -> None:
    result = PARSER.parse(Document("twir", sample.name, sample.read_text(encoding="utf-8")))
    found = {
        "issues": [
            json.loads(json.dumps(dataclasses.asdict(issue), default=str))
            for issue in result.issues
        ],
        "events": event_dicts(result),
        "problems": [str(problem) for problem in result.problems],
    }
    expected_path = sample.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert found == json.loads(expected_path.read_text(encoding="utf-8"))


# -- the corpus: markdown and rendered HTML give the same events --------------------------
@pytest.mark.parametrize("extensions", [None, SITE_EXTENSIONS], ids=["plain", "site"])
@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_corpus_html_events_equal_markdown_events(path: Path, extensions) -> None:
    markdown_module = pytest.importorskip("calendar_agg.parsers.markdown")
    from_markdown = markdown_module.MarkdownParser().parse(
        Document("twir", path.name, path.read_text(encoding="utf-8"))
    )
    # the same issue under the same name, so that even ``issue`` must agree
    from_html = PARSER.parse(Document("twir", path.name, render_page(path, extensions)))
    assert event_dicts(from_html, "line") == event_dicts(from_markdown, "line")
    assert [i.date for i in from_html.issues] == [i.date for i in from_markdown.issues]


def test_corpus_is_present_or_skipped() -> None:
    if not corpus_files():
        pytest.skip(f"corpus not found at {CORPUS}")


# -- never raises -------------------------------------------------------------------------
TAGS = ["html", "body", "article", "h2", "h3", "ul", "li", "a", "strong", "p", "br", "time", "meta"]
TAG_SOUP = st.lists(
    st.one_of(
        st.sampled_from(TAGS).map(lambda tag: f"<{tag}>"),
        st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
        st.sampled_from(
            ["Upcoming Events", "* 2025-06-04 | Virtual | ", '<a href="https://x.org/e">',
             '<time datetime="2025-13-45">', '<link rel=canonical href="/blog/2025/02/30/x/">',
             "Rusty Events between 2025-06-04 - 2025-07-02", "\n",
             '<h3 id="europe">Europe<a class="headerlink" href="#europe">¶']  # fmt: skip
        ),
        st.text(max_size=10),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), TAG_SOUP))
def test_parse_never_raises(text: str) -> None:
    document = Document("s", "doc.html", text)
    PARSER.detect(document)
    assert isinstance(PARSER.parse(document), ParseResult)


def test_deep_nesting_gives_a_problem_not_a_recursion_error() -> None:
    text = "<h2>Upcoming Events</h2>" + "<b><ul><li>" * 10_000 + "2025-06-04 | Virtual | x"
    result = PARSER.parse(Document("s", "deep.html", text))
    assert any("nested" in problem.message for problem in result.problems)


def parse_page(body: str, number: int, date: dt.date) -> ParseResult:
    """The issue page of ``body``, parsed."""
    page = PAGE.format(title=f"This Week in Rust {number}", date=date.isoformat(), body=body)
    return PARSER.parse(Document("twir", f"{date}-this-week-in-rust.html", page))


@pytest.mark.parametrize(
    "heading",
    [
        '<h3 id="europe">Europe<a class="headerlink" href="#europe" title="Permanent link">'
        "&para;</a></h3>",  # python-markdown's toc, permalink
        '<h3 id="europe"><a class="toclink" href="#europe">Europe</a></h3>',  # anchorlink
        '<h3 id="europe">Europe <a href="#europe" aria-hidden="true">#</a></h3>',
        '<h3 id="europe"><a href="#europe"><span>🔗</span></a> Europe</h3>',
    ],
)
def test_a_region_headings_link_to_itself_is_no_part_of_its_name(heading: str) -> None:
    """Rendered headings may carry a link to themselves: the region is still "Europe" (an
    event with no place, such as a conference whose line leaves the place empty, takes it
    from the heading alone)."""
    body = (
        '<h2 id="upcoming-events">Upcoming Events<a class="headerlink" href="#upcoming-events">'
        "¶</a></h2>\n" + heading + "\n<ul>\n<li>2026-03-19 - 2026-03-20 | | "
        '<a href="https://www.rustikon.dev/">Rustikon</a><ul>\n<li><a href="https://www.rustikon'
        '.dev/"><strong>Rustikon Conference</strong></a></li></ul></li>\n'
        '<li>2026-03-24 | Aarhus, DK | <a href="https://www.meetup.com/rust-aarhus/events/">Rust '
        "Aarhus</a></li>\n</ul>\n<h2>Jobs</h2>"
    )
    result = parse_page(body, 640, dt.date(2026, 2, 25))
    assert [(event.group, event.region, event.country) for event in result.events] == [
        ("Rustikon", "Europe", None), ("Rust Aarhus", "Europe", "DK")]
    assert not result.problems


def test_a_page_set_by_a_typography_tool_reads_as_its_plain_rendering() -> None:
    """Typogrify-like output: ``&nbsp;`` before a block's last word, capitals in
    ``<span class="caps">``, ``&`` in ``<span class="amp">``."""
    body = (
        "<h2>Upcoming&nbsp;Events</h2>\n<h3>North&nbsp;America</h3>\n<ul>\n"
        '<li>2022-04-05 | Denver, <span class="caps">CO</span>, <span class="caps">US</span> | '
        '<a href="https://x.org/denver">Rust&nbsp;Denver</a><ul>\n<li><a href="https://x.org/1">'
        "<strong>Audio <span class=\"amp\">&amp;</span> Rust - with live&nbsp;stream</strong>"
        "</a></li></ul></li>\n</ul>\n<h2>Jobs</h2>"
    )
    result = parse_page(body, 436, dt.date(2022, 3, 30))
    assert [(e.region, e.city, e.subdivision, e.country, e.virtual, e.group, e.title)
            for e in result.events] == [
        ("North America", "Denver", "CO", "US", True, "Rust Denver",
         "Audio & Rust - with live stream")]


COMMENTED_OUT = """\
## Upcoming Events

### Europe
* 2024-02-28 | Berlin, DE | [Rust Berlin](https://x.org/berlin)
    * [**Hack and Learn**](https://x.org/berlin/1)
<!--
* 2024-02-29 | Paris, FR | [Rust Paris](https://x.org/paris)
    * [**Rust Paris meetup**](https://x.org/paris/2)
-->

<!-- * 2024-03-01 | Oslo, NO | [Rust Oslo](https://x.org/oslo) -->

* 2024-03-02 | Lyon, FR | [Rust Lyon](https://x.org/lyon)<!-- moved from 03-01 -->
    * [**Rust Lyon**](https://x.org/lyon/3)

## Jobs
"""


def markdown_and_page(section: str, number: int, date: dt.date) -> tuple[ParseResult, ...]:
    """An issue holding ``section`` parsed from its markdown, and from its page."""
    markdown_module = pytest.importorskip("calendar_agg.parsers.markdown")
    text = f"Title: This Week in Rust {number}\nDate: {date}\n\n{section}"
    from_markdown = markdown_module.MarkdownParser().parse(
        Document("twir", f"{date}-this-week-in-rust.md", text))
    return from_markdown, parse_page(markdown.markdown(section), number, date)


def test_entries_an_editor_commented_out_are_no_events_in_markdown_or_on_the_page() -> None:
    """A page does not show an HTML comment; its markdown gives the same events."""
    for result in markdown_and_page(COMMENTED_OUT, 539, dt.date(2024, 2, 21)):
        assert [(e.start, e.city, e.title, e.url) for e in result.events] == [
            (dt.date(2024, 2, 28), "Berlin", "Hack and Learn", "https://x.org/berlin/1"),
            (dt.date(2024, 3, 2), "Lyon", "Rust Lyon", "https://x.org/lyon/3"),
        ]
        assert not result.problems


CHARACTER_REFERENCES = """\
## Upcoming Events

### Europe
* 2023-05-10 | Berlin, DE | [Rust &amp; Tell Berlin](https://x.org/berlin?a=1&amp;b=2)
    * [**Rust &amp; Tell &#8211; `&amp;`, R&D &notes**](https://x.org/berlin/1)
* 2023-05-11 | Zürich, CH | [Rust Zürich](https://x.org/zurich)
    * [**Traits &ndash; `Vec<T>` &lt;3**](https://x.org/zurich/2)

## Jobs
"""


def test_character_references_read_as_the_page_shows_them() -> None:
    """``&amp;``, ``&ndash;``, ``&#8211;`` in markdown are the characters the page shows,
    in a link's text and target alike; in code, and without a ``;``, as written."""
    for result in markdown_and_page(CHARACTER_REFERENCES, 494, dt.date(2023, 5, 3)):
        assert [(e.group, e.group_url, e.title) for e in result.events] == [
            ("Rust & Tell Berlin", "https://x.org/berlin?a=1&b=2",
             "Rust & Tell \u2013 &amp;, R&D &notes"),
            ("Rust Zürich", "https://x.org/zurich", "Traits \u2013 Vec<T> <3"),
        ]
        assert not result.problems


MARKERS_WITHOUT_SPACE = """## Upcoming Events

### Europe
* [March 11, 2021, Berlin, DE - Hack and Learn - Rust Berlin](https://x.org/berlin/1)
*[March 13th, 2021, Chemnitz, DE - Linux Tage - CLT](https://x.org/clt/2)
* 2021-03-16 | Lyon, FR | [Rust Lyon](https://x.org/lyon)
    *[Rust and Tell](https://x.org/lyon/3)

## Jobs
"""


def test_a_list_marker_without_its_space_gives_the_same_events_in_markdown_and_on_the_page(
) -> None:
    """python-markdown renders ``*[...](...)`` as more text of the item above it; read from
    the markdown or the page, it is an entry of its own, or the title of the entry above."""
    for result in markdown_and_page(MARKERS_WITHOUT_SPACE, 381, dt.date(2021, 3, 10)):
        assert [(e.start, e.city, e.title, e.url) for e in result.events] == [
            (dt.date(2021, 3, 11), "Berlin", "Hack and Learn", "https://x.org/berlin/1"),
            (dt.date(2021, 3, 13), "Chemnitz", "Linux Tage", "https://x.org/clt/2"),
            (dt.date(2021, 3, 16), "Lyon", "Rust and Tell", "https://x.org/lyon/3"),
        ]


STRUCK_THROUGH = """## Upcoming Events

### Europe
* ~~2024-03-08 | Berlin, DE | [Rust Berlin](https://x.org/berlin)~~
    * [**Rust and Tell**](https://x.org/berlin/2)
* ~~2024-03-09~~ 2024-03-10 | Zurich, CH | [Rust Zurich](https://x.org/zurich)
    * [**Talk**](https://x.org/zurich/3)

## Jobs
"""


def test_struck_through_text_reads_alike_in_markdown_and_on_a_page_of_any_renderer() -> None:
    """python-markdown shows ``~~`` as written; a renderer with a strikethrough extension
    makes it ``<del>`` (or ``<s>``): a cancelled entry, and a date moved, all the same."""
    markdown_result, plain_page = markdown_and_page(STRUCK_THROUGH, 537, dt.date(2024, 3, 1))
    rendered = markdown.markdown(STRUCK_THROUGH)
    struck_page = re.sub(r"~~(.+?)~~", r"<del>\1</del>", rendered, count=1)
    struck_page = re.sub(r"~~(.+?)~~", r"<s>\1</s>", struck_page, count=1)
    assert "~~" not in struck_page
    for result in (markdown_result, plain_page, parse_page(struck_page, 537,
                                                           dt.date(2024, 3, 1))):
        assert [(e.start, e.city, e.title, e.status) for e in result.events] == [
            (dt.date(2024, 3, 8), "Berlin", "Rust and Tell", "CANCELLED"),
            (dt.date(2024, 3, 10), "Zurich", "Talk", None),
        ]


CALLED_OFF = """## Upcoming Events

### Europe
* [Mar 12. Berlin, DE - Rust Hack and Learn - CANCELLED](https://x.org/berlin/1)
* [Mar 13. Lyon, FR - Rust Lyon](https://x.org/lyon/2) [Postponed].
* 2020-03-14 | Zurich, CH | [Rust Zurich](https://x.org/zurich)
    * [**Talk**](https://x.org/zurich/3) - **Cancelled**
* 2020-03-15 | Paris, FR | [Rust Paris](https://x.org/paris)
    * [**Cancelled futures**](https://x.org/paris/4)

## Jobs
"""


def test_a_word_calling_an_event_off_reads_alike_in_markdown_and_on_the_page() -> None:
    """The page shows ``**Cancelled**`` as ``<strong>``: a mark all the same."""
    for result in markdown_and_page(CALLED_OFF, 329, dt.date(2020, 3, 10)):
        assert [(e.start, e.city, e.title, e.status) for e in result.events] == [
            (dt.date(2020, 3, 12), "Berlin", "Rust Hack and Learn", "CANCELLED"),
            (dt.date(2020, 3, 13), "Lyon", "Rust Lyon", "CANCELLED"),
            (dt.date(2020, 3, 14), "Zurich", "Talk", "CANCELLED"),
            (dt.date(2020, 3, 15), "Paris", "Cancelled futures", None),
        ]


PROSE_AND_WRAPPED = """## Upcoming Events

Things are quiet over the holidays, but [the Berlin hack night][berlin] on 2014-12-30 is still on.
After that, [the London meetup][london] returns on 2015-01-06.

* There will be a [Rust tutorial at the Open Source Developers'
  Gathering][osdg] in Auckland on 1/13 and 1/14.

[berlin]: https://x.org/berlin
[london]: https://x.org/london
[osdg]: https://x.org/osdg

# Quote of the Week
"""


def test_sentences_of_a_paragraph_and_a_wrapped_reference_read_alike_on_the_page() -> None:
    for result in markdown_and_page(PROSE_AND_WRAPPED, 62, dt.date(2014, 12, 22)):
        assert [(e.start, e.city, e.url) for e in result.events] == [
            (dt.date(2014, 12, 30), "Berlin", "https://x.org/berlin"),
            (dt.date(2015, 1, 6), "London", "https://x.org/london"),
            (dt.date(2015, 1, 13), "Auckland", "https://x.org/osdg"),
        ]
