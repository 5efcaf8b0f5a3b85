"""output/index.html read back as HTML: links, steps, events, health, escaping (rules 12, 19)."""

import dataclasses
import datetime as dt
import re

import lxml.html

from calendar_agg.publish import publish

TODAY = dt.date(2025, 6, 5)
BASE = "https://example.org/cal/"
FEEDS = ["all", "virtual", "africa", "asia", "europe", "north-america", "oceania",
         "south-america"]
OK_SOURCE = {"name": "twir", "etag": '"a"', "last_modified": None,
             "last_attempt": "2025-06-05T12:00:00+00:00",
             "last_success": "2025-06-05T12:00:00+00:00", "last_error": None, "failures": 0,
             "events_last": 42}
FAILING_SOURCE = {"name": "blog", "etag": None, "last_modified": None,
                  "last_attempt": "2025-06-05T12:00:00+00:00",
                  "last_success": "2025-05-30T06:00:00+00:00",
                  "last_error": "HTTP 503 <Service Unavailable>", "failures": 3,
                  "events_last": 7}


def page(settings):
    return lxml.html.fromstring((settings.output.dir / "index.html").read_bytes())


def test_rule_12_every_feed_has_https_and_webcal_links_and_a_copy_button(settings,
                                                                         sample_events):
    publish(sample_events, settings, TODAY)
    html = page(settings)
    for name in FEEDS:
        [item] = html.xpath(f'//li[@id="feed-{name}"]')
        https = f"{BASE}ics/{name}.ics"
        hrefs = [a.get("href") for a in item.iter("a")]
        assert hrefs == [f"webcal://example.org/cal/ics/{name}.ics", https,
                         f"{BASE}atom/{name}.xml"]
        assert item.xpath(".//input/@value") == [https]
        assert item.xpath(".//button/@data-copy") == [https]
        assert item.xpath(".//button/text()") == ["Copy"]


def test_rule_12_says_how_to_subscribe_in_each_client(settings, sample_events):
    publish(sample_events, settings, TODAY)
    steps = {dt_.text_content(): dt_.getnext().text_content()
             for dt_ in page(settings).xpath('//section[@id="how"]//dt')}
    assert list(steps) == ["Google Calendar", "Apple Calendar", "Outlook", "Thunderbird",
                           "Feed readers"]
    assert "From URL" in steps["Google Calendar"]
    assert "New Calendar Subscription" in steps["Apple Calendar"]
    assert "Subscribe from web" in steps["Outlook"]
    assert "On the Network" in steps["Thunderbird"]


def test_page_is_self_contained(settings, sample_events):
    publish(sample_events, settings, TODAY)
    raw = (settings.output.dir / "index.html").read_text()
    html = lxml.html.fromstring(raw)
    assert html.xpath("//script[@src] | //link | //iframe | //img | //object") == []
    assert len(html.xpath("//script")) == 1
    styles = " ".join(html.xpath("//style/text()"))
    assert "@import" not in styles and "url(" not in styles and "@font-face" not in styles
    [csp] = html.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert "default-src 'none'" in csp
    assert not re.search(r"(src|href)=\"//", raw)


def test_page_is_readable_on_a_phone(settings, sample_events):
    publish(sample_events, settings, TODAY)
    html = page(settings)
    [viewport] = html.xpath('//meta[@name="viewport"]/@content')
    assert "width=device-width" in viewport
    assert "@media (max-width:" in " ".join(html.xpath("//style/text()"))


def test_upcoming_events_grouped_by_region_then_date(settings, sample_events):
    publish(sample_events, settings, TODAY)
    html = page(settings)
    sections = html.xpath('//section[@class="region"]')
    assert [s.get("data-region") for s in sections] == [
        "Virtual", "Asia", "Europe", "North America"]
    europe = sections[2]
    days = [d.xpath(".//h4/time/@datetime")[0] for d in europe.xpath('.//div[@class="day"]')]
    assert days == ["2025-06-12", "2025-06-14", "2025-06-18"]
    first_day = europe.xpath('.//div[@class="day"]')[0]
    assert first_day.find("h4").text_content() == "2025-06-12 Thursday"
    assert [li.get("data-uid") for li in first_day.iter("li")] == ["berlin", "potsdam"]
    assert "old" not in html.xpath("//li/@data-uid")  # past events are not listed
    paris = html.xpath('//li[@data-uid="paris"]')[0]
    assert "cancelled" in paris.get("class") and "cancelled" in paris.text_content()
    # a hybrid event is in two sections, but only one carries its anchor
    assert len(html.xpath('//li[@data-uid="seattle"]')) == 2
    assert len(html.xpath('//*[@id="seattle"]')) == 1
    calendar_links = html.xpath('//li[@id="seattle"]//a[@type="text/calendar"]/@href')
    assert calendar_links == [f"{BASE}events/seattle.ics"]


def test_filters_offer_regions_and_countries_present(settings, sample_events):
    publish(sample_events, settings, TODAY)
    html = page(settings)
    assert html.xpath('//select[@id="filter-region"]/option/@value') == [
        "", "Virtual", "Asia", "Europe", "North America"]
    assert html.xpath('//select[@id="filter-country"]/option/@value') == [
        "", "DE", "FR", "JP", "US"]
    assert html.xpath('//select[@id="filter-country"]/option/text()')[1] == "Germany (DE)"


def test_every_event_text_is_escaped(settings, make_event):
    evil = make_event("x\"><script>alert(0)</script>", dt.date(2025, 6, 12), ("Europe",),
                      title="<img src=x onerror=alert(1)>", group='"><script>alert(2)</script>',
                      city="</li><b>Berl</b>", country="DE", url="javascript:alert(3)",
                      group_url='https://ok.example/?q="><script>')
    source = OK_SOURCE | {"name": "<script>alert(4)</script>",
                          "last_error": "<b>broken</b>"}
    publish([evil], settings, TODAY, sources=[source])
    raw = (settings.output.dir / "index.html").read_text()
    html = lxml.html.fromstring(raw)
    assert len(html.xpath("//script")) == 1 and html.xpath("//img | //b[text()='Berl']") == []
    assert "javascript:" not in raw
    [item] = html.xpath('//li[contains(@class, "event")]')
    assert item.get("data-uid") == 'x"><script>alert(0)</script>'
    assert "<img src=x onerror=alert(1)>" in item.text_content()
    assert "</li><b>Berl</b>, DE" in item.text_content()
    assert html.xpath('//a[text()=\'"><script>alert(2)</script>\']/@href') == [
        'https://ok.example/?q="><script>']
    health = html.xpath('//section[@id="health"]')[0].text_content()
    assert "<script>alert(4)</script>" in health and "<b>broken</b>" in health


def test_rule_19_page_shows_last_change_and_health_never_the_run_time(settings,
                                                                      sample_events):
    publish(sample_events, settings, TODAY, sources=[OK_SOURCE, FAILING_SOURCE])
    raw = (settings.output.dir / "index.html").read_bytes()
    html = page(settings)
    assert html.xpath("//header//time/@datetime") == ["2025-06-06T00:00:00+00:00"]
    rows = [[td.text_content() for td in tr.iter("td")]
            for tr in html.xpath('//section[@id="health"]//tr')[1:]]
    assert rows == [
        ["blog", "failing: HTTP 503 <Service Unavailable> (last read fine: 2025-05-30)", "7"],
        ["twir", "ok", "42"]]
    later = "2025-06-05T18:00:00+00:00"  # the next run: new attempt times, same data
    sources = [OK_SOURCE | {"last_attempt": later, "last_success": later},
               FAILING_SOURCE | {"last_attempt": later, "failures": 4}]
    report = publish(sample_events, settings, TODAY, sources=sources)
    assert report.written == []
    assert (settings.output.dir / "index.html").read_bytes() == raw
    assert b"12:00" not in raw and b"18:00" not in raw
    # health alone (the blog recovered, nothing else changed) keeps the page as it was ...
    recovered = [OK_SOURCE, FAILING_SOURCE | {"last_error": None, "last_success": later}]
    assert publish(sample_events, settings, TODAY, sources=recovered).written == []
    # ... and the next change of the data shows the health as of that change
    moved = [dataclasses.replace(e, title="Moved", sequence=1,
                                 last_modified=dt.datetime(2025, 6, 7, tzinfo=dt.UTC))
             if e.uid == "tokyo" else e for e in sample_events]
    publish(moved, settings, TODAY, sources=recovered)
    html = page(settings)
    assert html.xpath("//header//time/@datetime") == ["2025-06-07T00:00:00+00:00"]
    assert [td.text_content() for td in html.xpath('//section[@id="health"]//td')][:3] == [
        "blog", "ok", "7"]


def test_page_lists_the_pipeline_sources(settings, clock):
    from pathlib import Path

    from calendar_agg.config import adhoc_source
    from calendar_agg.pipeline import run_once

    samples = Path(__file__).parent.parent / "samples" / "pipeline"
    run_once(settings, sources=[adhoc_source(str(samples))], clock=clock)
    html = page(settings)
    rows = [[td.text_content() for td in tr.iter("td")]
            for tr in html.xpath('//section[@id="health"]//tr')[1:]]
    assert rows == [[str(samples), "ok", "8"]]


def test_page_without_events(settings):
    publish([], settings, TODAY)
    html = page(settings)
    assert "No upcoming events." in html.text_content()
    assert "No events yet." in html.xpath("//header")[0].text_content()
    assert len(html.xpath('//li[@class="feed"]')) == 8


def test_custom_config_base_url_is_used(settings, sample_events):
    from calendar_agg.config import OutputSettings

    other = dataclasses.replace(settings, output=OutputSettings(
        dir=settings.output.dir, base_url="https://rust.example/events/"))
    publish(sample_events, other, TODAY)
    assert page(settings).xpath('//li[@id="feed-all"]//input/@value') == [
        "https://rust.example/events/ics/all.ics"]
