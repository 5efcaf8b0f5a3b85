"""Index pages: a URL that lists issues instead of being one gives the issues it links to,
read from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_agg.config import SourceSettings, settings_from_dict
from calendar_agg.errors import ConfigError
from calendar_agg.models import Document
from calendar_agg.sources import fetch
from calendar_agg.sources.index import is_index, issue_links

from ..conftest import Route

ISSUE = """<!DOCTYPE html><html><head><title>This Week in Rust {n}</title></head><body>
<article><h2>Upcoming Events</h2>
<p>Rusty Events between 2025-06-04 - 2025-07-02</p>
<h3>Europe</h3>
<ul>
<li>2025-06-{day} | Berlin, DE | <a href="https://berline.rs/">Rust Berlin</a>
<ul><li><a href="https://berline.rs/{day}"><strong>Hack and Learn {day}</strong></a></li></ul></li>
</ul>
<p>If you are running a Rust event please add it to the calendar.</p>
</article></body></html>"""

FRONT_PAGE = """<!DOCTYPE html><html><body>
<nav><a href="/">This Week in Rust</a> <a href="/atom.xml">feed</a>
<a href="https://github.com/rust-lang/this-week-in-rust">source</a></nav>
<ul>
<li><a href="/blog/2025/06/11/this-week-in-rust-603/">This Week in Rust 603</a></li>
<li><a href='blog/2025/06/04/this-week-in-rust-602/#events'>This Week in Rust 602</a></li>
<li><a href="https://elsewhere.example/blog/2025/06/18/this-week-in-rust-604/">mirror</a></li>
<li><a href="/blog/2025/06/11/this-week-in-rust-603/">again</a></li>
<li><a href="/blog/2025/06/11/this-week-in-rust-603/index.html">the same page</a></li>
<li><a href="/blog/2025/06/04/this-week-in-rust-602">and again</a></li>
</ul></body></html>"""


def page(text: str, location: str = "https://this-week-in-rust.org/") -> Document:
    return Document("twir", "index.html", text, location=location, content_type="text/html")


def test_links_of_a_front_page_stay_on_its_site_oldest_first():
    assert issue_links(page(FRONT_PAGE)) == [
        "https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/",
        "https://this-week-in-rust.org/blog/2025/06/11/this-week-in-rust-603/",
    ]
    # the newest of them when only some are wanted
    assert issue_links(page(FRONT_PAGE), 1) == [
        "https://this-week-in-rust.org/blog/2025/06/11/this-week-in-rust-603/"]


def test_links_are_those_a_browser_shows():
    """Entities in an address are read, and a link in a comment or a script is no link."""
    text = ('<html><body><!-- <a href="/blog/2025/01/01/this-week-in-rust-580/">old</a> -->'
            '<script>x = \'<a href="/blog/2025/01/08/this-week-in-rust-581/">\'</script>'
            '<a href="/blog/2025/06/04/this-week-in-rust-602/?a=1&amp;b=2">602</a>'
            '<a href="/blog/2025/06/11/this&#45;week-in-rust-603/">603</a></body></html>')
    assert issue_links(page(text)) == [
        "https://this-week-in-rust.org/blog/2025/06/04/this-week-in-rust-602/?a=1&b=2",
        "https://this-week-in-rust.org/blog/2025/06/11/this-week-in-rust-603/",
    ]


def test_a_folder_listing_and_its_undated_issue_names():
    listing = ('<html><body><ul><li><a href="2024-01-17-this-week-in-rust.html">a</a>'
               '<li><a href="2023-12-27-this-week-in-rust.html">b</a>'
               '<li><a href="this-week-in-rust-special.html">c</a>'
               '<li><a href="notes.txt">d</a><li><a href="?C=M;O=A">sort</a></ul>')
    assert issue_links(page(listing, "http://127.0.0.1:8000/issues/")) == [
        "http://127.0.0.1:8000/issues/this-week-in-rust-special.html",
        "http://127.0.0.1:8000/issues/2023-12-27-this-week-in-rust.html",
        "http://127.0.0.1:8000/issues/2024-01-17-this-week-in-rust.html",
    ]


def test_a_link_that_cannot_be_split_is_passed_over():
    text = ('<html><body><a href="http://[oops/blog/2025/06/04/this-week-in-rust-602/">602</a>'
            '<a href="/blog/2025/06/11/this-week-in-rust-603/">603</a></body></html>')
    assert issue_links(page(text)) == [
        "https://this-week-in-rust.org/blog/2025/06/11/this-week-in-rust-603/"]


def test_an_issue_page_or_a_feed_is_no_index():
    issue = page(ISSUE.format(n=602, day="10"))
    assert not is_index(issue) and issue_links(issue) == []
    # an issue without events, at its dated address, mentioning last week's: read alone
    quiet = page('<html><body><p>See <a href="/blog/2015/01/05/this-week-in-rust-63/">last'
                 ' week</a>.</p></body></html>',
                 "https://this-week-in-rust.org/blog/2015/01/12/this-week-in-rust-64/")
    assert is_index(quiet) and issue_links(quiet) == []
    feed = Document("twir", "atom.xml", '<?xml version="1.0"?><feed><link href="/2025/06/04/x"/>',
                    location="https://this-week-in-rust.org/atom.xml")
    assert issue_links(feed) == []


def front_page_site(http_server) -> str:
    body = FRONT_PAGE.replace("https://elsewhere.example", "http://elsewhere.invalid")
    http_server.routes["/"] = Route(200, body.encode(), {"Content-Type": "text/html",
                                                         "ETag": '"front-1"'})
    for n, day in ((602, "10"), (603, "17")):
        date = "2025/06/04" if n == 602 else "2025/06/11"
        http_server.routes[f"/blog/{date}/this-week-in-rust-{n}/"] = Route(
            200, ISSUE.format(n=n, day=day).encode(), {"Content-Type": "text/html"})
    return http_server.url("/")


def test_fetch_reads_the_issues_an_index_page_links_to(http_server):
    source = SourceSettings(name="twir", url=front_page_site(http_server), timeout=5)
    result = fetch(source)
    assert [d.location for d in result.documents] == [
        http_server.url("/blog/2025/06/04/this-week-in-rust-602/"),
        http_server.url("/blog/2025/06/11/this-week-in-rust-603/"),
    ]
    assert result.followed == [d.location for d in result.documents]
    assert "Hack and Learn 10" in result.documents[0].text
    assert result.http_state.etag == '"front-1"'  # the index page's, for the next run
    # known issues are not read again; follow = 0 reads the page alone
    again = fetch(source, known={result.followed[0]})
    assert [d.location for d in again.documents] == [result.followed[1]]
    alone = fetch(SourceSettings(name="twir", url=source.url, timeout=5, follow=0))
    assert [d.location for d in alone.documents] == [source.url]


def test_an_issue_that_cannot_be_read_is_a_problem_not_a_failure(http_server):
    url = front_page_site(http_server)
    del http_server.routes["/blog/2025/06/04/this-week-in-rust-602/"]
    result = fetch(SourceSettings(name="twir", url=url, timeout=5))
    assert [d.name for d in result.documents] == ["this-week-in-rust-603"]
    [problem] = result.problems
    assert problem.source == "twir" and "this-week-in-rust-602" in problem.document
    assert "HTTP 404" in problem.message


def test_follow_setting():
    assert settings_from_dict({"sources": [{"name": "s", "url": "https://x.org/",
                                            "follow": 20}]}).sources[0].follow == 20
    assert settings_from_dict({"sources": [{"name": "s", "url": "https://x.org/"}]}
                              ).sources[0].follow == 1000
    with pytest.raises(ConfigError, match="follow: must be 0 or more"):
        settings_from_dict({"sources": [{"name": "s", "url": "https://x.org/", "follow": -1}]})


def test_runs_read_each_issue_of_an_index_page_once(settings, http_server):
    """A run pointed at a front page stores the events of the issues it links to; a later
    run, the page changed, reads only the issue that is new, and keeps the others' events."""
    import dataclasses

    from calendar_agg.pipeline import run_once
    from calendar_agg.store import Store

    from ..conftest import FIXED_NOW

    url = front_page_site(http_server)
    configured = dataclasses.replace(settings, sources=(
        SourceSettings(name="twir", url=url, timeout=5),))
    first = run_once(configured, clock=lambda: FIXED_NOW)
    assert (first.sources[0].documents, first.sources[0].events) == (2, 2)
    issue_requests = [path for path, _ in http_server.requests if path.startswith("/blog/")]
    assert len(issue_requests) == 2

    new = "/blog/2025/06/18/this-week-in-rust-604/"
    http_server.routes[new] = Route(200, ISSUE.format(n=604, day="24").encode(),
                                    {"Content-Type": "text/html"})
    front = http_server.routes["/"]
    http_server.routes["/"] = Route(200, front.body.replace(b"<ul>", f'<ul><li><a href="{new}">'
                                                            f"604</a></li>".encode()),
                                    {"Content-Type": "text/html", "ETag": '"front-2"'})
    http_server.requests.clear()
    later = run_once(configured, clock=lambda: FIXED_NOW + dt.timedelta(hours=6))
    assert [path for path, _ in http_server.requests] == ["/", new]
    assert later.sources[0].documents == 1 and not later.problems
    store = Store.open(settings.store.path)
    try:
        titles = sorted(event.title for event in store.events())
    finally:
        store.close()
    assert titles == ["Hack and Learn 10", "Hack and Learn 17", "Hack and Learn 24"]


def test_a_feed_whose_entries_link_to_dated_pages_is_no_index():
    """An RSS feed carries its entries' HTML as text: its links are not followed."""
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><item>'
           '<title>Post</title><link>https://example.org/2025/06/04/post/</link>'
           '<description><![CDATA[<p>See <a href="/2025/06/01/other/">this</a></p>]]>'
           '</description></item></channel></rss>')
    feed = Document("blog", "rss.xml", rss, location="https://example.org/rss.xml",
                    content_type="application/rss+xml")
    assert not is_index(feed) and issue_links(feed) == []
    # a page forced to be read as a feed neither
    listing = page('<html><body><a href="/2025/06/04/x.html">x</a></body></html>')
    assert issue_links(listing) == ["https://this-week-in-rust.org/2025/06/04/x.html"]
    forced = Document("s", "index.html", listing.text, location=listing.location, format="feed")
    assert issue_links(forced) == []


def test_parse_of_a_served_folder_listing_gives_every_issue_page(tmp_path, capsys):
    """``calendar-agg parse http://127.0.0.1:PORT/`` of a plain web server's listing of a
    folder of issue pages (dated names) prints what parsing each page prints."""
    import functools
    import http.server
    import json
    import threading
    from pathlib import Path

    import markdown

    from calendar_agg.cli import main

    folder = Path(__file__).resolve().parents[1] / "samples" / "markdown"
    samples = sorted(folder.glob("20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]-*.md"))
    assert len(samples) >= 3
    for path in samples:
        body = markdown.markdown(path.read_text("utf-8").split("\n\n", 1)[1])
        (tmp_path / f"{path.stem}.html").write_text(f"<!DOCTYPE html><html><body>{body}</body>"
                                                    "</html>", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        assert main(["parse", base, "--format", "jsonl", "--workers", "1"]) == 0
        whole = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        one_by_one = []
        for page in sorted(tmp_path.glob("*.html")):
            assert main(["parse", base + page.name, "--format", "jsonl", "--workers", "1"]) == 0
            one_by_one += [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    finally:
        server.shutdown()
        server.server_close()
    assert len(whole) > 20 and whole == one_by_one  # every page followed, in the folder's order
