import codecs

import pytest

from calendar_agg.config import adhoc_source
from calendar_agg.errors import SourceError
from calendar_agg.sources import fetch


def test_folder_reads_documents_sorted_and_reports_binary(tmp_path):
    (tmp_path / "b.md").write_text("second", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("first", encoding="utf-8")
    (tmp_path / "img.png").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "broken.md").write_bytes(b"\x00\x01\x02binary")
    result = fetch(adhoc_source(str(tmp_path)))
    assert [d.name for d in result.documents] == ["a.md", "b.md"]
    assert [d.text for d in result.documents] == ["first", "second"]
    assert [(p.document, p.message) for p in result.problems] == [
        ("broken.md", "binary data, not a text document")]


@pytest.mark.parametrize("data, expected", [
    (codecs.BOM_UTF16_LE + "Köln\r\nBerlin".encode("utf-16-le"), "Köln\nBerlin"),
    (codecs.BOM_UTF8 + "Köln\rBerlin".encode(), "Köln\nBerlin"),
    ("Köln".encode("latin-1"), "Köln"),
    ("Zürich\r\nmixed\nends\r".encode(), "Zürich\nmixed\nends\n"),
])
def test_encodings_and_line_endings(tmp_path, data, expected):
    path = tmp_path / "issue.md"
    path.write_bytes(data)
    [document] = fetch(adhoc_source(str(path))).documents
    assert document.text == expected
    assert document.location == str(path)


def test_missing_path_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no such file or folder"):
        fetch(adhoc_source(str(tmp_path / "missing")))


def test_folder_leaves_out_the_run_s_own_output_inside_it(tmp_path, monkeypatch):
    # `calendar-agg run .` in a folder of issues writes output/ there: the next run must
    # not read its own calendars and feeds as documents
    (tmp_path / "2025-06-04-this-week-in-rust.md").write_text("# Issue\n")
    for name in ("output/ics/all.ics", "output/atom/all.xml", "output/index.html",
                 "outputs/kept.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("BEGIN:VCALENDAR\n")
    monkeypatch.chdir(tmp_path)
    found = fetch(adhoc_source("."), skip=[tmp_path / "output"])
    assert sorted(d.name for d in found.documents) == [
        "2025-06-04-this-week-in-rust.md", "kept.md"]
    everything = fetch(adhoc_source("."))  # a folder elsewhere, or none given: all read
    assert len(everything.documents) == 5
    elsewhere = fetch(adhoc_source(str(tmp_path / "outputs")), skip=[tmp_path / "output"])
    assert [d.name for d in elsewhere.documents] == ["kept.md"]
