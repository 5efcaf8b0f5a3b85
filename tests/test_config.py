from pathlib import Path

import pytest

from calendar_agg.config import adhoc_source, load_settings
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
