import datetime as dt
from pathlib import Path

import pytest

from calendar_agg.config import adhoc_source, load_settings, parse_interval, refresh_interval
from calendar_agg.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_default_config_loads():
    settings = load_settings(REPO / "config" / "calendar-agg.toml")
    assert settings.output.dir == Path("output")
    assert settings.output.base_url == "http://localhost:8080/"
    assert settings.store.path == Path("var/calendar-agg.sqlite3")
    assert [s.name for s in settings.sources] == ["twir"]
    assert settings.sources[0].url == "https://this-week-in-rust.org/atom.xml"


def test_all_documented_keys(tmp_path):
    settings = load_settings(write(tmp_path, """
[output]
dir = "out"
base_url = "https://cal.example.org"
[store]
path = "state/db.sqlite3"
[publish]
past_days = 7
atom_entries = 20
[[sources]]
name = "local"
path = "issues"
format = "markdown"
timeout = 5
"""))
    assert settings.output.base_url == "https://cal.example.org/"
    assert settings.publish.past_days == 7 and settings.publish.atom_entries == 20
    source = settings.sources[0]
    assert source.path == Path("issues") and source.format == "markdown" and source.timeout == 5


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(tmp_path, """
[output]
dri = "out"
base_url = 3
[publish]
past_days = "thirty"
[[sources]]
name = "a"
url = "https://x.org/feed"
path = "also/a/path"
[[sources]]
url = "ftp://x.org"
format = "mardown"
""")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    text = str(info.value)
    assert str(path) in text
    assert "output.dri: unknown key (did you mean output.dir?)" in text
    assert "output.base_url: expected a string" in text
    assert "publish.past_days: expected an integer" in text
    assert "sources[0]: give exactly one of url or path" in text
    assert "sources[1].name: missing" in text
    assert "sources[1].url: must start with http:// or https://" in text
    assert "unknown format 'mardown' (did you mean 'markdown'?)" in text
    assert len(info.value.problems) == 7


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[output\n"))


def test_store_inside_output_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="store.path: must not be inside output.dir"):
        load_settings(write(tmp_path, '[output]\ndir = "o"\n[store]\npath = "o/db.sqlite3"\n'))


def test_adhoc_sources():
    assert adhoc_source("https://x.org/a.xml").url == "https://x.org/a.xml"
    assert adhoc_source("some/dir").path == Path("some/dir")


def test_schedule_serve_and_custom_feeds(tmp_path):
    settings = load_settings(write(tmp_path, """
[schedule]
interval = "1h30m"
jitter = 30
[serve]
host = "0.0.0.0"
port = 9000
[[feeds]]
name = "germany"
title = "Rust events in Germany"
countries = ["de"]
virtual = false
near = { city = "Berlin", radius_km = 300 }
"""))
    assert settings.schedule.interval == "1h30m" and settings.schedule.jitter == 30
    assert (settings.serve.host, settings.serve.port) == ("0.0.0.0", 9000)
    (feed,) = settings.feeds
    assert feed.countries == ("DE",) and feed.virtual is False
    assert feed.near.city == "Berlin" and feed.near.radius_km == 300.0
    assert refresh_interval(settings) == dt.timedelta(minutes=90)


def test_refresh_hint_prefers_publish_refresh(tmp_path):
    settings = load_settings(write(tmp_path, '[publish]\nrefresh = "PT2H"\n'
                                             '[schedule]\ninterval = "6h"\n'))
    assert refresh_interval(settings) == dt.timedelta(hours=2)
    assert refresh_interval(load_settings(write(tmp_path, ""))) == dt.timedelta(hours=6)


def test_bad_schedule_and_feeds_are_all_reported(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, """
[schedule]
interval = "often"
[serve]
port = 70000
[[feeds]]
name = "Germany!"
title = "x"
regions = ["Europa"]
[[feeds]]
name = "europe"
title = "dup"
near = { city = "Berlin" }
"""))
    text = str(caught.value)
    assert "schedule.interval" in text
    assert "serve.port" in text
    assert "feeds[0].name" in text
    assert "did you mean 'Europe'" in text
    assert "feeds[1].name: 'europe' is already a feed name" in text
    assert "feeds[1].near.radius_km: missing" in text


@pytest.mark.parametrize("text, seconds", [("90s", 90), ("30m", 1800), ("6h", 21600),
                                           ("1d", 86400), ("1h 30m", 5400)])
def test_parse_interval(text, seconds):
    assert parse_interval(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "6", "h", "0h", "6x", "6h and more"])
def test_parse_interval_rejects(text):
    with pytest.raises(ValueError):
        parse_interval(text)


def test_custom_feed_regions_and_countries_are_read_as_people_write_them(tmp_path):
    settings = load_settings(write(tmp_path, """
[[feeds]]
name = "na-uk"
title = "x"
regions = ["north-america", "europe"]
countries = ["UK", "Germany", "us"]
"""))
    (feed,) = settings.feeds
    assert feed.regions == ("North America", "Europe")
    assert feed.countries == ("GB", "DE", "US")


def test_unknown_custom_feed_country_is_reported(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, '[[feeds]]\nname = "x"\ntitle = "x"\n'
                                      'countries = ["DE", "Atlantis"]\n'))
    assert "feeds[0].countries: unknown country 'Atlantis'" in str(caught.value)


def test_source_timeout_zone_and_feed_radius_out_of_range_are_reported_together(tmp_path):
    # each of these passed the check before and failed later: timeout 0 deep in requests
    # ("internal error"), an unknown zone silently, a negative radius as an empty feed
    text = ('[[sources]]\nname = "a"\npath = "x"\ntimeout = 0\n'
            '[[sources]]\nname = "b"\npath = "y"\ntimeout = -1\ntimezone = "Mars/Olympus"\n'
            '[[sources]]\nname = "c"\npath = "z"\ntimeout = 2.5\ntimezone = "Europe/Berlin"\n'
            '[[feeds]]\nname = "n"\ntitle = "n"\nnear = {city = "Berlin", radius_km = -5}\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    problems = caught.value.problems
    assert any("sources[0].timeout: must be more than 0 and at most 3600 seconds, not 0" in p
               for p in problems)
    assert any("sources[1].timeout: must be more than 0" in p for p in problems)
    assert any("sources[1].timezone: unknown time zone 'Mars/Olympus'" in p for p in problems)
    assert any("feeds[0].near.radius_km: must be more than 0, not -5" in p for p in problems)
    assert not any("sources[2]" in p for p in problems) and len(problems) == 4


def test_unknown_near_city_is_reported_with_the_other_problems(tmp_path):
    text = ('[[feeds]]\nname = "a"\ntitle = "a"\nnear = {city = "Xqzzyville", radius_km = 5}\n'
            '[[feeds]]\nname = "b"\ntitle = "b"\nnear = {city = "Berlin", radius_km = 5}\n'
            '[[feeds]]\nname = "c"\ntitle = "c"\nnear = {city = "Paris", country = "US", '
            'radius_km = 5}\n[serve]\nport = -1\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    problems = caught.value.problems
    assert any(p.startswith("feeds[0].near.city: 'Xqzzyville' is not a city the offline "
                            "gazetteer can locate") for p in problems)
    assert any(p.startswith("serve.port") for p in problems)
    assert len(problems) == 2  # Berlin is found, and Paris in the US (Texas) too
