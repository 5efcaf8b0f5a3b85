"""FeedParser: every entry of the site's Atom/RSS feeds read like its issue page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_agg.models import Document, ParseResult
from calendar_agg.parsers.base import slugify

feed_module = pytest.importorskip("calendar_agg.parsers.feed", reason="line parser not there yet")
html_module = pytest.importorskip("calendar_agg.parsers.html")
feedgen_feed = pytest.importorskip("feedgen.feed")

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "feed"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "twir-sample"
PARSER = feed_module.FeedParser()
FIXED = dt.datetime(2025, 6, 11, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
ISSUE_602 = "2025-06-04-this-week-in-rust-602"
ISSUE_603 = "2025-06-11-this-week-in-rust-603"


def parse_sample(name: str) -> tuple[Document, ParseResult]:
    document = Document("twir", name, (SAMPLES / name).read_text(encoding="utf-8"))
    return document, PARSER.parse(document)


def event_dicts(result: ParseResult, *ignored: str) -> list[dict[str, Any]]:
    found = []
    for event in result.events:
        fields = dataclasses.asdict(event)
        for name in ignored:
            fields.pop(name)
        found.append(json.loads(json.dumps(fields, default=str)))
    return found


# -- detect -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "content_type", "sure"),
    [
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>', None, True),
        ('<rss version="2.0"><channel></channel></rss>', None, True),
        ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', None, True),
        ("whatever", "application/atom+xml", True),
        ("whatever", "application/rss+xml; charset=utf-8", True),
        ("<!DOCTYPE html><html><body><p>rss feed</p></body></html>", None, False),
        ("Title: This Week in Rust\nDate: 2025-06-04\n", None, False),
        ("BEGIN:VCALENDAR\r\n", None, False),
    ],
)  # fmt: skip
def test_detect(text: str, content_type: str | None, sure: bool) -> None:
    score = PARSER.detect(Document("s", "doc", text, content_type=content_type))
    assert (score >= 90) if sure else (score == 0)


def test_html_parser_leaves_feeds_alone() -> None:
    for name in ("atom.xml", "rss.xml"):
        text = (SAMPLES / name).read_text(encoding="utf-8")
        assert html_module.HtmlParser().detect(Document("s", name, text)) == 0


# -- the sample feeds ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_sample_feed_issues(name: str) -> None:
    _, result = parse_sample(name)
    base = "https://this-week-in-rust.org/blog"
    assert [(i.name, i.date, i.url) for i in result.issues] == [
        (ISSUE_603, dt.date(2025, 6, 11), f"{base}/2025/06/11/this-week-in-rust-603/"),
        (ISSUE_602, dt.date(2025, 6, 4), f"{base}/2025/06/04/this-week-in-rust-602/"),
    ]
    meetup = "https://www.meetup.com"
    assert [(e.issue, e.start, e.url) for e in result.events] == [
        (ISSUE_603, dt.date(2025, 6, 12), f"{meetup}/charlottesville-rust-meetup/events/307767236"),
        (ISSUE_603, dt.date(2025, 6, 21),
         "https://hasgeek.com/rustbangalore/june-2025-rustacean-meetup/"),
        (ISSUE_603, dt.date(2025, 6, 12), "https://2025.rustweek.org/"),
        (ISSUE_602, dt.date(2025, 6, 4), f"{meetup}/indyrs/events/302031665"),
        (ISSUE_602, dt.date(2025, 6, 5), f"{meetup}/rust-berlin/events/306911291"),
    ]  # fmt: skip
    assert result.problems == ()
    skipped = [notice for notice in result.notices if "call-for-testing-website" in notice]
    assert len(skipped) == 1 and "no upcoming-events section" in skipped[0]


def test_atom_and_rss_give_the_same_events() -> None:
    _, atom = parse_sample("atom.xml")
    _, rss = parse_sample("rss.xml")
    assert event_dicts(atom, "line") == event_dicts(rss, "line")


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_event_lines_are_lines_of_the_feed(name: str) -> None:
    document, result = parse_sample(name)
    feed_lines = document.text.splitlines()
    assert result.events
    for event in result.events:  # an event's line is the line of its list item
        assert f"&lt;li&gt;{event.start.isoformat()}" in feed_lines[event.line - 1]


def test_entry_date_is_the_date_as_written() -> None:
    late = {"published": "Wed, 04 Jun 2025 23:30:00 -0400"}
    assert feed_module.entry_date(late) == dt.date(2025, 6, 4)
    assert feed_module.entry_date({"updated": "2025-06-04T23:30:00-04:00"}) == dt.date(2025, 6, 4)
    assert feed_module.entry_date({"published": "someday"}) is None


def test_entry_without_link_is_named_by_the_path_in_its_id_else_by_title_else_by_the_id() -> None:
    text = (SAMPLES / "atom.xml").read_text(encoding="utf-8")
    text = re.sub(r'<link href="[^"]*/this-week-in-rust-60[23]/" rel="alternate"></link>', "", text)
    tag_603 = "tag:this-week-in-rust.org,2025-06-11:/blog/2025/06/11/this-week-in-rust-603/"
    text = text.replace(tag_603, "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    result = PARSER.parse(Document("twir", "atom.xml", text))
    assert [(issue.name, issue.url) for issue in result.issues] == [
        ("2025-06-11-this-week-in-rust-603", None),  # date and numbered title
        (ISSUE_602, None),
    ]
    untitled = text.replace("<title>This Week in Rust 603</title>", "<title>Issue</title>")
    result = PARSER.parse(Document("twir", "atom.xml", untitled))
    assert result.issues[0].name == "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def test_an_entry_link_that_cannot_be_split_names_the_issue_by_its_id() -> None:
    broken = atom(f'<content type="html">{ESCAPED}</content>').replace(
        '<link href="https://this-week-in-rust.org/', '<link href="http://[oops/')
    result = PARSER.parse(Document("twir", "atom.xml", broken))
    assert [issue.name for issue in result.issues] == [ISSUE_602]
    assert [(e.start, e.city, e.title) for e in result.events] == [
        (dt.date(2025, 6, 12), "Berlin", "Hack & Learn")]


# -- malformed feeds ----------------------------------------------------------------------
def test_truncated_feed_keeps_what_could_be_read_and_names_the_document() -> None:
    text = (SAMPLES / "rss.xml").read_text(encoding="utf-8")
    cut = text.index("<item>", text.index("<item>") + 1)  # the first entry whole, then garbage
    result = PARSER.parse(Document("twir", "rss.xml", text[:cut] + "<item><title>This Week"))
    assert [issue.name for issue in result.issues] == [ISSUE_603]
    assert len(result.events) == 3
    assert [problem.document for problem in result.problems] == ["rss.xml"]
    assert "malformed feed" in result.problems[0].message


def test_element_with_an_undeclared_prefix_is_read_past() -> None:
    """A cut feed may leave ``<c:creator xmlns:dc=...>`` (found by Hypothesis): lxml keeps
    the undeclared prefix, and the entries are still read."""
    text = (SAMPLES / "rss.xml").read_text(encoding="utf-8")
    assert "<dc:creator" in text
    result = PARSER.parse(Document("twir", "rss.xml", text.replace("<dc:creator", "<c:creator", 1)))
    assert [issue.name for issue in result.issues][:2] == [ISSUE_603, ISSUE_602]
    assert result.events == parse_sample("rss.xml")[1].events


def test_feed_without_entries_is_a_notice() -> None:
    text = '<rss version="2.0"><channel><title>x</title></channel></rss>'
    result = PARSER.parse(Document("twir", "empty.xml", text))
    assert result.events == () and result.problems == ()
    assert result.notices == ("empty.xml: feed has no entries",)


# -- the corpus, wrapped into generated feeds ---------------------------------------------
def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


def split_issue(text: str) -> tuple[dict[str, str], str]:
    lines = text.splitlines()
    header: dict[str, str] = {}
    while lines and (match := re.match(r"^([A-Za-z]+):\s*(.*)$", lines[0])):
        header[match.group(1).lower()] = match.group(2).strip()
        lines.pop(0)
    return header, "\n".join(lines)


def generated_feeds(paths: list[Path]) -> tuple[str, str]:
    """An Atom and an RSS feed (feedgen) with one entry per issue, content rendered by
    python-markdown; each link is ``/blog/Y/M/D/<file stem without the date>/``."""
    generator = feedgen_feed.FeedGenerator()
    generator.id("https://this-week-in-rust.org/")
    generator.title("This Week in Rust")
    generator.link(href="https://this-week-in-rust.org/", rel="alternate")
    generator.description("This Week in Rust")
    generator.updated(FIXED)
    generator.lastBuildDate(FIXED)
    for path in paths:
        header, body = split_issue(path.read_text(encoding="utf-8"))
        year, month, day = (int(part) for part in re.findall(r"\d+", header["date"])[:3])
        published = dt.datetime(year, month, day, tzinfo=FIXED.tzinfo)
        slug = slugify(header["title"])  # as the site's URL names the issue
        url = f"https://this-week-in-rust.org/blog/{year:04}/{month:02}/{day:02}/{slug}/"
        entry = generator.add_entry(order="append")
        entry.id(url)
        entry.title(header.get("title", path.stem))
        entry.link(href=url, rel="alternate")
        entry.published(published)
        entry.updated(published)
        entry.content(markdown.markdown(body), type="html")
        entry.description(markdown.markdown(body))
    return generator.atom_str().decode("utf-8"), generator.rss_str().decode("utf-8")


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_corpus_feed_events_equal_page_events(path: Path) -> None:
    atom, rss = generated_feeds([path])
    header, body = split_issue(path.read_text(encoding="utf-8"))
    date = dt.date(*(int(part) for part in re.findall(r"\d+", header["date"])[:3]))
    page = f'<html><head><meta name="date" content="{date}"></head><body>{markdown.markdown(body)}'
    from_page = html_module.HtmlParser().parse(Document("twir", path.stem + ".html", page))
    for name, text in (("atom.xml", atom), ("rss.xml", rss)):
        from_feed = PARSER.parse(Document("twir", name, text))
        assert event_dicts(from_feed, "line", "issue") == event_dicts(from_page, "line", "issue")
        assert [i.date for i in from_feed.issues] == [i.date for i in from_page.issues]


def test_corpus_feed_with_every_issue() -> None:
    paths = corpus_files()
    if not paths:
        pytest.skip(f"corpus not found at {CORPUS}")
    atom, rss = generated_feeds(paths)
    from_atom = PARSER.parse(Document("twir", "atom.xml", atom))
    from_rss = PARSER.parse(Document("twir", "rss.xml", rss))
    assert event_dicts(from_atom, "line") == event_dicts(from_rss, "line")
    assert len(from_atom.issues) + len(from_atom.notices) >= len(paths)


def test_corpus_markdown_page_and_feed_name_each_issue_alike() -> None:
    paths = corpus_files()[::7]
    if not paths:
        pytest.skip(f"corpus not found at {CORPUS}")
    markdown_parser = pytest.importorskip("calendar_agg.parsers.markdown").MarkdownParser()
    page_parser = html_module.HtmlParser()
    atom, rss = generated_feeds(paths)
    for text in (atom, rss):
        names = [issue.name for issue in PARSER.parse(Document("twir", "feed.xml", text)).issues]
        assert len(names) == len(paths)
        for path, name in zip(paths, names, strict=True):
            header, body = split_issue(path.read_text(encoding="utf-8"))
            from_markdown = markdown_parser.parse(
                Document("twir", path.name, path.read_text(encoding="utf-8"))
            )
            page = (
                f"<html><head><title>{header['title']} · This Week in Rust</title>"
                f'<meta name="date" content="{header["date"]}"></head>'
                f"<body>{markdown.markdown(body)}</body></html>"
            )
            from_page = page_parser.parse(Document("twir", path.stem + ".html", page))
            assert re.fullmatch(r"\d{4}-\d\d-\d\d-th\w+-weeks?-in-rust-\d+", name)
            assert from_markdown.issues[0].name == from_page.issues[0].name == name
            assert {event.issue for event in from_markdown.events} <= {name}


# -- never raises -------------------------------------------------------------------------
PIECES = [
    '<?xml version="1.0"?>', '<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>",
    "</entry>", '<rss version="2.0">', "<channel>", "<item>", "</item>", "<link>", "</link>",
    '<link href="https://this-week-in-rust.org/blog/2025/06/04/x/"/>', "<published>",
    "2025-06-04T00:00:00-04:00", "Wed, 04 Jun 2025", "<content type=\"html\">", "</content>",
    "<description>", "</description>", "&lt;h2&gt;Upcoming Events&lt;/h2&gt;",
    "&lt;ul&gt;&lt;li&gt;2025-06-04 | Virtual | x", "<![CDATA[<ul><li>", "]]>", "&bogus;",
]  # fmt: skip
FEED_SOUP = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map(
    "".join
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), FEED_SOUP))
def test_parse_never_raises(text: str) -> None:
    document = Document("s", "feed.xml", text)
    PARSER.detect(document)
    assert isinstance(PARSER.parse(document), ParseResult)


def test_deeply_nested_entry_content() -> None:
    content = html.escape("<h2>Upcoming Events</h2>" + "<div>" * 10_000 + "<ul><li>x</li></ul>")
    text = (
        '<rss version="2.0"><channel><item><link>https://this-week-in-rust.org/blog/2025/06/04/'
        f"deep/</link><description>{content}</description></item></channel></rss>"
    )
    assert isinstance(PARSER.parse(Document("s", "deep.xml", text)), ParseResult)


# -- the entries' HTML read with lxml (``lift_html``) ------------------------------------
SECTION_HTML = ("<h2>Upcoming Events</h2>\n<h3>Europe</h3>\n<ul>\n<li>2025-06-12 | Berlin, DE | "
                '<a href="https://berline.rs/">Rust Berlin</a>\n<ul><li><a href="https://b.rs/1">'
                "<strong>Hack &amp; Learn</strong></a></li></ul></li>\n</ul>\n")
ATOM_ENTRY = ('<entry><id>https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/'
              '</id><title>This Week in Rust 602</title><updated>2025-06-04T00:00:00Z</updated>'
              '<link href="https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/"/>'
              "{holders}</entry>")
RSS_ITEM = ("<item><title>This Week in Rust 602</title>"
            "<link>https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/</link>"
            "<pubDate>Wed, 04 Jun 2025 00:00:00 -0400</pubDate>{holders}</item>")


def atom(*holders: str) -> str:
    entries = "".join(ATOM_ENTRY.format(holders=h) for h in holders)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>TWiR</title><id>https://this-week-in-rust.org/</id>\n{entries}</feed>")


def rss(*holders: str) -> str:
    items = "".join(RSS_ITEM.format(holders=h) for h in holders)
    return ('<?xml version="1.0"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>TWiR'
            f"</title><description>weekly</description>\n{items}</channel></rss>")


ESCAPED = html.escape(SECTION_HTML, quote=False)
LIFTED_VARIANTS = {
    "atom escaped": atom(f'<content type="html">\n\n  {ESCAPED}\n </content>'),
    "atom cdata": atom(f'<content type="html"><![CDATA[{SECTION_HTML}]]></content>'),
    "atom summary only": atom(f'<summary type="html">{ESCAPED}</summary>'),
    "atom summary and content": atom(f"<summary>short</summary>"
                                     f'<content type="html">{ESCAPED}</content>'),
    "atom text content": atom(f'<content type="text">{ESCAPED}</content>'),
    "atom no html": atom(""),
    "atom two entries": atom(f'<content type="html">{ESCAPED}</content>', "<summary/>"),
    "rss description": rss(f"<description><![CDATA[{SECTION_HTML}]]></description>"),
    "rss encoded": rss(f"<description>short</description>"
                       f"<content:encoded>{ESCAPED}</content:encoded>"),
    # the text is already decoded: a declared encoding is not applied again
    "declared latin-1": atom(f'<content type="html">{ESCAPED}</content>').replace(
        'encoding="utf-8"', 'encoding="iso-8859-1"').replace("Berlin, DE", "Köln, DE"),
}


@pytest.mark.parametrize("name", list(LIFTED_VARIANTS))
def test_lift_html_reads_what_feedparser_reads(name: str) -> None:
    text = LIFTED_VARIANTS[name]
    assert feed_module.lift_html(text.encode()) is not None  # the quick way is taken
    document = Document("twir", "feed.xml", text)
    lifted = feed_module.read_feed(document, lift=True)
    assert lifted == feed_module.read_feed(document, lift=False)
    if "no html" not in name and "two" not in name:
        assert [e.title for e in lifted.events] == ["Hack & Learn"]


@pytest.mark.parametrize("text", [
    atom('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div>'
         "</content>"),
    atom(f'<content type="html" mode="escaped">{ESCAPED}</content>'),
    atom(f'<content type="html">{ESCAPED}</content><content type="text">other</content>'),
    atom(f'<content type="html">{ESCAPED}&nbsp;</content>'),  # not well-formed XML
    atom(f'<content type="html">{ESCAPED}&who;</content>').replace(
        "<feed ", '<!DOCTYPE feed [<!ENTITY who "Berline.rs">]>\n<feed '),
    rss(f"<description>{ESCAPED}</description>"
        '<media:content xmlns:media="http://search.yahoo.com/mrss/" url="https://x.org/a.png"/>'),
], ids=["xhtml", "mode", "two contents", "malformed", "doctype", "media content"])
def test_lift_html_leaves_other_feeds_to_feedparser(text: str) -> None:
    assert feed_module.lift_html(text.encode()) is None
    document = Document("twir", "feed.xml", text)
    assert PARSER.parse(document) == feed_module.read_feed(document, lift=False)


def test_lift_html_on_generated_corpus_feeds() -> None:
    paths = corpus_files()[::10]
    if not paths:
        pytest.skip(f"corpus not found at {CORPUS}")
    for text in generated_feeds(paths):
        assert feed_module.lift_html(text.encode()) is not None
        document = Document("twir", "feed.xml", text)
        lifted = feed_module.read_feed(document, lift=True)
        assert lifted.events and lifted == feed_module.read_feed(document, lift=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab <>&;/\n\t]")), max_size=40),
                min_size=1, max_size=3), st.booleans())
def test_lift_html_equals_feedparser_on_any_entry_text(texts: list[str], cdata: bool) -> None:
    holders = [f'<content type="html"><![CDATA[{t.replace("]]>", "")}]]></content>' if cdata
               else f'<content type="html">{html.escape(t)}</content>' for t in texts]
    document = Document("twir", "feed.xml", atom(*holders))
    assert PARSER.parse(document) == feed_module.read_feed(document, lift=False)
