"""The page in a real headless Chromium: filters change what is shown, no console errors."""

import datetime as dt

from calendar_agg.publish import publish

TODAY = dt.date(2025, 6, 5)

VISIBLE_UIDS = """Array.from(document.querySelectorAll('li.event'))
  .filter(li => li.offsetParent !== null).map(li => li.dataset.uid)
  .filter((uid, i, all) => all.indexOf(uid) === i).sort()"""


def choose(browser, select_id, value):
    browser.evaluate(f"""(() => {{ const s = document.getElementById({select_id!r});
        s.value = {value!r}; s.dispatchEvent(new Event('change')); }})()""")


def type_text(browser, text):
    browser.evaluate("document.getElementById('filter-text').focus()")
    browser.evaluate("document.getElementById('filter-text').select()")
    if text:
        browser.call("Input.insertText", text=text)
    else:
        browser.call("Input.dispatchKeyEvent", type="keyDown", key="Backspace",
                     code="Backspace", windowsVirtualKeyCode=8)


def click(browser, selector):
    box = browser.evaluate(f"""(() => {{
        const el = document.querySelector({selector!r}); el.scrollIntoView();
        const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];
    }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                     button="left", clickCount=1)


def test_filters_in_a_real_browser(settings, sample_events, browser):
    publish(sample_events, settings, TODAY)
    browser.open_page((settings.output.dir / "index.html").as_uri())
    everything = ["berlin", "munich", "online", "paris", "potsdam", "seattle", "tokyo"]
    assert browser.evaluate("document.getElementById('filters').hidden") is False
    assert browser.evaluate(VISIBLE_UIDS) == everything
    assert browser.evaluate("document.getElementById('shown').textContent") == "7 events"

    choose(browser, "filter-region", "Europe")
    assert browser.evaluate(VISIBLE_UIDS) == ["berlin", "munich", "paris", "potsdam"]
    assert browser.evaluate(
        "getComputedStyle(document.getElementById('region-asia')).display") == "none"

    choose(browser, "filter-country", "DE")
    assert browser.evaluate(VISIBLE_UIDS) == ["berlin", "munich", "potsdam"]

    type_text(browser, "potsdam")
    assert browser.evaluate(VISIBLE_UIDS) == ["potsdam"]
    assert browser.evaluate("document.getElementById('shown').textContent") == "1 event"

    type_text(browser, "tokyo")  # filtered out by region and country: nothing left
    assert browser.evaluate(VISIBLE_UIDS) == []
    assert browser.evaluate("document.getElementById('no-match').hidden") is False

    choose(browser, "filter-region", "")
    choose(browser, "filter-country", "")
    assert browser.evaluate(VISIBLE_UIDS) == ["tokyo"]
    type_text(browser, "東京")
    assert browser.evaluate(VISIBLE_UIDS) == ["tokyo"]
    type_text(browser, "")
    assert browser.evaluate(VISIBLE_UIDS) == everything

    choose(browser, "filter-region", "Virtual")  # the hybrid event is online too
    assert browser.evaluate(VISIBLE_UIDS) == ["online", "seattle"]

    click(browser, '#feed-europe button[data-copy]')
    browser.wait_for("document.querySelector('#feed-europe button').textContent !== 'Copy'")
    assert browser.console_errors() == []


def test_page_fits_a_phone_screen(settings, sample_events, browser):
    publish(sample_events, settings, TODAY)
    browser.open_page((settings.output.dir / "index.html").as_uri(), phone_width=360)
    assert browser.evaluate("window.innerWidth") == 360
    assert browser.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert browser.evaluate(
        "getComputedStyle(document.querySelector('.copy')).flexDirection") == "column"
    assert browser.console_errors() == []
