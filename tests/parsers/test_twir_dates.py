"""Dates at the start of an event line, in every spelling the archive uses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from calendar_agg.parsers.twir.dates import (
    _resolved_span,
    _scan,
    find_dates,
    month_number,
    read_dates,
    resolve_dates,
    scan_dates,
)

D = dt.date
ISSUE = D(2024, 1, 17)


@pytest.mark.parametrize(
    ("text", "issue", "start", "end"),
    [
        ("2025-06-04 | Virtual", D(2025, 6, 4), D(2025, 6, 4), None),
        ("2023-10-9 | Sydney, NSW, AU", D(2023, 10, 18), D(2023, 10, 9), None),
        ("2024-01-27-28 | Calgary", ISSUE, D(2024, 1, 27), D(2024, 1, 28)),
        # a weekday in parentheses after each day
        ("2024-08-15 (Thursday) - 2024-08-17 (Saturday) | Berlin", D(2024, 8, 14),
         D(2024, 8, 15), D(2024, 8, 17)),
        ("2024-08-15 (Thu) & 2024-08-16 (Fri) | Berlin", D(2024, 8, 14),
         D(2024, 8, 15), D(2024, 8, 16)),
        ("2022-05-19 & 05-20 | Berlin", D(2022, 4, 27), D(2022, 5, 19), D(2022, 5, 20)),
        ("2024-03-26, 2024-03-28 | London", D(2024, 2, 21), D(2024, 3, 26), D(2024, 3, 28)),
        ("2024-05-07 & 2024-05-08 | Delft", D(2024, 4, 24), D(2024, 5, 7), D(2024, 5, 8)),
        ("2025-09-02 - 2025-09-05 | Hybrid", D(2025, 7, 23), D(2025, 9, 2), D(2025, 9, 5)),
        ("2024-12-30 - 2025-01-02 |", D(2024, 12, 18), D(2024, 12, 30), D(2025, 1, 2)),
        ("Oct 26 & 27. Ann Arbor", D(2018, 9, 11), D(2018, 10, 26), D(2018, 10, 27)),
        ("Oct 19 & 20. Ann Arbor, US", D(2018, 9, 11), D(2018, 10, 19), D(2018, 10, 20)),
        ("May 30/31 | Somewhere", D(2019, 5, 21), D(2019, 5, 30), D(2019, 5, 31)),
        ("Nov 26+28. Somewhere", D(2019, 11, 12), D(2019, 11, 26), D(2019, 11, 28)),
        ("10/27 and 10/28. Somewhere", D(2016, 10, 18), D(2016, 10, 27), D(2016, 10, 28)),
        ("May 15 - June 7. Somewhere", D(2020, 5, 6), D(2020, 5, 15), D(2020, 6, 7)),
        ("2/4 - 2/5: FOSDEM 2017 Belgium", D(2017, 1, 31), D(2017, 2, 4), D(2017, 2, 5)),
        ("Sep 30 - Oct 1. RustFest Zürich", D(2017, 9, 19), D(2017, 9, 30), D(2017, 10, 1)),
        ("Dec 27 - 30. Leipzig, DE", D(2018, 12, 25), D(2018, 12, 27), D(2018, 12, 30)),
        ("Jun 28-29. Firenze, IT", D(2019, 3, 26), D(2019, 6, 28), D(2019, 6, 29)),
        ("Nov 19-21, Rome, Italy", D(2019, 11, 12), D(2019, 11, 19), D(2019, 11, 21)),
        ("July 27 - August 8. Rusty Days", D(2020, 7, 14), D(2020, 7, 27), D(2020, 8, 8)),
        ("Jun  7. Somewhere", D(2017, 6, 1), D(2017, 6, 7), None),
        ("Feb. 9. Sydney Meetup", D(2015, 2, 9), D(2015, 2, 9), None),
        ("4/20. Somewhere", D(2016, 4, 12), D(2016, 4, 20), None),
        ("Mar 29. Neues Rust Meetup", D(2017, 3, 28), D(2017, 3, 29), None),
        ("Sep 23: Rust Hungary Kickoff", D(2017, 9, 19), D(2017, 9, 23), None),
        ("March 13th, DE - Chemnitzer Linux Tage", D(2021, 3, 10), D(2021, 3, 13), None),
        ("June 8, 2021, Seattle, WA, US - x", D(2021, 6, 2), D(2021, 6, 8), None),
        ("February 16, 2022 | Vancouver", D(2022, 2, 16), D(2022, 2, 16), None),
        ("November 12, Berlin, DE - Rust", D(2020, 11, 11), D(2020, 11, 12), None),
        ("January 12th", D(2015, 1, 2), D(2015, 1, 12), None),
        ("12/18 Bay Area Rust: Crypto", D(2014, 12, 15), D(2014, 12, 18), None),
        # spellings the sample does not show, read as a human would
        ("05-19 & 05-20 | Berlin", D(2022, 4, 27), D(2022, 5, 19), D(2022, 5, 20)),
        ("12-05 | Berlin", D(2026, 11, 18), D(2026, 12, 5), None),
        ("5-7 December | Berlin", D(2026, 11, 18), D(2026, 12, 5), D(2026, 12, 7)),
        ("5 - 7 December 2026 | Berlin", D(2026, 11, 18), D(2026, 12, 5), D(2026, 12, 7)),
        ("5th & 6th Dec. Berlin", D(2026, 11, 18), D(2026, 12, 5), D(2026, 12, 6)),
        ("30-31 Dec & 2 Jan | Berlin", D(2026, 12, 16), D(2026, 12, 30), D(2027, 1, 2)),
        ("Thursday, December 10 | Berlin", D(2026, 11, 18), D(2026, 12, 10), None),
        ("Sat 5 Dec 2026 | Berlin", D(2026, 11, 18), D(2026, 12, 5), None),
        ("Wed. Dec 9 - 11. Berlin", D(2026, 11, 18), D(2026, 12, 9), D(2026, 12, 11)),
        ("2026-09-10 thru 2026-09-12 | Berlin", D(2026, 9, 2), D(2026, 9, 10), D(2026, 9, 12)),
        ("2026-09-10 → 2026-09-12 | Berlin", D(2026, 9, 2), D(2026, 9, 10), D(2026, 9, 12)),
        # a time after the date is no day of a list
        ("Nov 26th, 7pm. Berlin", D(2014, 11, 10), D(2014, 11, 26), None),
        ("Nov 26, 18h | Berlin", D(2014, 11, 10), D(2014, 11, 26), None),
        ("Nov 26 & 27, 7pm | Berlin", D(2014, 11, 10), D(2014, 11, 26), D(2014, 11, 27)),
        # a weekday before each day of a list, not only the first
        ("Thu 12th & Fri 13th June | Paris", D(2026, 6, 3), D(2026, 6, 12), D(2026, 6, 13)),
        ("Tue, June 9 - Thu, June 11 | Paris", D(2026, 6, 3), D(2026, 6, 9), D(2026, 6, 11)),
        ("2026-06-09 & Wed 2026-06-10 | Paris", D(2026, 6, 3), D(2026, 6, 9), D(2026, 6, 10)),
        ("February 22 - 23, 2022 | Virtual", D(2022, 2, 16), D(2022, 2, 22), D(2022, 2, 23)),
        ("Dec 30 - Jan 2, 2027 | Berlin", D(2026, 12, 16), D(2026, 12, 30), D(2027, 1, 2)),
    ],
)
def test_spellings(text: str, issue: dt.date, start: dt.date, end: dt.date | None) -> None:
    span = read_dates(text, issue)
    assert span is not None
    assert (span.start, span.end) == (start, end)
    assert span.doubtful is None


@pytest.mark.parametrize(
    ("text", "issue", "start"),
    [
        ("1/11. Seattle Rust Meetup", D(2015, 12, 28), D(2016, 1, 11)),  # December -> January
        ("Jan  2. Monthly Meetup", D(2017, 12, 19), D(2018, 1, 2)),
        ("Dec 30. Mountain View", D(2019, 1, 2), D(2018, 12, 30)),  # just before a January issue
        ("Jun  3. Rust Prague Meetup", D(2017, 6, 20), D(2017, 6, 3)),  # a few days past
    ],
)
def test_year_comes_from_the_issue_date(text: str, issue: dt.date, start: dt.date) -> None:
    span = read_dates(text, issue)
    assert span is not None and span.start == start


@pytest.mark.parametrize(
    ("text", "issue", "start"),
    [
        ("2032-05-04 | Somewhere", D(2023, 4, 19), D(2023, 5, 4)),  # digits swapped
        ("2022-01-11 | Somewhere", D(2023, 1, 4), D(2023, 1, 11)),  # last year's habit
        ("20224-01-20 | Somewhere", D(2024, 1, 10), D(2024, 1, 20)),  # a digit too many
        ("20242-01-20 | Somewhere", D(2024, 1, 10), D(2024, 1, 20)),
        ("2024-01-20 - 20224-01-21 | Somewhere", D(2024, 1, 10), D(2024, 1, 20)),
        ("Feburary 9. Somewhere", D(2023, 2, 1), D(2023, 2, 9)),
        ("Oc 11. Columbus, US", D(2018, 9, 25), D(2018, 10, 11)),
        ("Sept 14. Somewhere", D(2018, 9, 11), D(2018, 9, 14)),
        ("Dce 18. Dallas, US", D(2018, 12, 11), D(2018, 12, 18)),  # two letters swapped
        ("Jna 8. Somewhere", D(2018, 12, 26), D(2019, 1, 8)),
    ],
)
def test_obvious_typos_are_corrected(text: str, issue: dt.date, start: dt.date) -> None:
    span = read_dates(text, issue)
    assert span is not None and span.start == start and span.doubtful is None


def test_a_far_year_that_is_no_slip_is_doubtful() -> None:
    span = read_dates("2041-07-01 | x", D(2023, 1, 4))
    assert span is not None and span.doubtful
    assert span.start == D(2023, 7, 1)


@pytest.mark.parametrize(
    ("text", "issue", "start"),
    [
        ("2024-13-02 | Paris, FR", D(2024, 1, 10), D(2024, 2, 13)),
        ("13/2. Paris", D(2015, 2, 9), D(2015, 2, 13)),
    ],
)
def test_a_month_past_twelve_before_a_day_that_could_be_one_is_read_swapped_and_doubted(
        text: str, issue: dt.date, start: dt.date) -> None:
    span = read_dates(text, issue)
    assert span is not None and span.start == start
    assert span.doubtful == f"no month 13: read as the day, {start}"


def test_far_future_with_its_year_is_kept() -> None:
    span = read_dates("2026-05-18 - 2026-05-23 | Utrecht", D(2025, 3, 5))
    assert span is not None and span.start == D(2026, 5, 18) and span.doubtful is None


@pytest.mark.parametrize("text", ["2023-02-29 | Berlin", "2042-02-29 | Berlin"])
def test_a_leap_day_written_with_a_slip_in_its_year_is_the_issue_years(text: str) -> None:
    """No such day in the year written: the one in the issue's coming weeks was meant."""
    span = read_dates(text, D(2024, 2, 21))
    assert span is not None and span.start == D(2024, 2, 29)


def test_impossible_dates_raise_value_error() -> None:
    with pytest.raises(ValueError):
        read_dates("2024-02-30 | Berlin", ISSUE)
    with pytest.raises(ValueError):
        read_dates("2019-02-29 | Berlin", D(2019, 2, 1))
    with pytest.raises(ValueError):
        read_dates("Jun 7. Somewhere", None)  # no year anywhere
    with pytest.raises(ValueError):
        read_dates("12345-01-20 | Berlin", D(2024, 1, 10))  # five digits that are no slip
    with pytest.raises(ValueError):
        read_dates("2024-13-14 | Berlin", D(2024, 1, 10))  # neither can be the month
    with pytest.raises(ValueError):  # swapped, January 13: months before a June issue
        read_dates("2025-13-01 | Berlin", D(2025, 6, 4))
    with pytest.raises(ValueError):
        read_dates("20224-01-20 | Berlin", None)  # no issue date to tell the year meant


@pytest.mark.parametrize(
    "text",
    ["Rust Paris", "The community team", "[Scylla](url)", "5. Rust Meetup Rostock", "", "|"],
)
def test_no_date(text: str) -> None:
    assert read_dates(text, ISSUE) is None


def test_length_is_where_the_dates_end() -> None:
    text = "June 8, 2021, Seattle, WA, US - Monthly meetup"
    span = read_dates(text, D(2021, 6, 2))
    assert span is not None and text[span.length :] == ", Seattle, WA, US - Monthly meetup"


def test_dates_later_in_free_text() -> None:
    span = find_dates("Nothing on the calendar until the meetup on 2015-01-12.", D(2014, 12, 29))
    assert span is not None and span.start == D(2015, 1, 12)
    assert find_dates("Rust 1.0 anniversary party", D(2016, 5, 2)) is None


@pytest.mark.parametrize(
    ("word", "month"),
    [("Jan", 1), ("February", 2), ("Feburary", 2), ("sept", 9), ("Oc", 10), ("Dec.", 12),
     ("Dce", 12), ("Spe", 9), ("mya", 5), ("Setp", 9), ("Decmeber", 12), ("Ocotber", 10)],
)
def test_month_names(word: str, month: int) -> None:
    found = month_number(word)
    assert found is not None and found[0] == month


@pytest.mark.parametrize("word", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mat", "Thur",
                                  "Tues", "Satur"])
def test_no_weekday_and_no_word_two_months_are_near_is_a_month(word: str) -> None:
    # a weekday's name swapped about is no month's; "Mat" is as near to Mar as to May
    assert month_number(word) is None


@given(st.text(max_size=40), st.dates(D(2000, 1, 1), D(2100, 1, 1)))
def test_reading_dates_never_fails_other_than_value_error(text: str, issue: dt.date) -> None:
    try:
        span = read_dates(text, issue)
    except ValueError:
        return
    assert span is None or span.end is None or span.end > span.start


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024/10/09 | Berlin, DE", D(2024, 10, 9), None),
        ("2024.10.09 | Berlin, DE", D(2024, 10, 9), None),
        ("2024-10-09/10 | Berlin, DE", D(2024, 10, 9), D(2024, 10, 10)),
        ("2024-10-09/2024-10-10 | Berlin", D(2024, 10, 9), D(2024, 10, 10)),
        ("2024-10-09..11 | Berlin, DE", D(2024, 10, 9), D(2024, 10, 11)),
        # dotted with the year last: day first, as most of Europe writes it
        ("09.10.2024 | Berlin, DE", D(2024, 10, 9), None),
        ("9.10.24 | Berlin, DE", D(2024, 10, 9), None),
        ("09.10.2024 - 10.10.2024 | Berlin", D(2024, 10, 9), D(2024, 10, 10)),
    ],
)
def test_iso_dates_with_slashes_dots_or_a_slash_list_and_dotted_dates_are_read(
    text: str, start: dt.date, end: dt.date | None
) -> None:
    span = read_dates(text, D(2024, 9, 25))
    assert span is not None
    assert (span.start, span.end) == (start, end)
    assert text[span.length :].startswith(" |")
    assert read_dates("2024-10/09 | Berlin", D(2024, 9, 25)) is None  # mixed: not a date


DATE_TEXT = st.lists(
    st.sampled_from(
        ["2025", "-", "06", "/", "04", " ", "|", " | ", "Jan", "Feb.", "May", "and", "to", "&",
         "+", ",", "12th", "3", "31", "..", "–", "Sept", "(", "[", "*", "x", "2024-01-27"]
    ),
    max_size=12,
).map("".join)


@given(st.dates(), st.sampled_from([" | ", "|", "\t|", "  | Berlin", " - ", " |"]), DATE_TEXT)
@example(D(99, 1, 1), " | ", "")  # "0099": a two-digit year's, as for every date read
def test_one_iso_date_before_a_bar_is_read_as_the_long_way_reads_it(
    day: dt.date, bar: str, rest: str
) -> None:
    """``scan_dates`` takes ``2025-06-04 |`` straight to its date."""
    text = day.isoformat() + bar + rest
    assert scan_dates(text) == _scan(text, 0)


@given(DATE_TEXT, st.integers(min_value=0, max_value=2))
def test_dates_before_a_bar_are_read_as_in_the_whole_text(text: str, pos: int) -> None:
    """``scan_dates`` reads a text with a ``|`` from the part up to it (kept per part)."""
    assert scan_dates(text, pos) == _scan(text, pos)


@given(
    DATE_TEXT | st.builds(lambda day, rest: day.isoformat() + rest, st.dates(), DATE_TEXT),
    st.dates(D(2000, 1, 1), D(2100, 1, 1)) | st.none(),
)
def test_resolving_one_dated_day_directly_agrees_with_the_long_way(
    text: str, issue: dt.date | None
) -> None:
    """``resolve_dates`` takes one day with its year written straight to its date."""
    found = scan_dates(text)
    if found is None:
        return
    results = []
    for resolve in (resolve_dates, _resolved_span):
        try:
            results.append(resolve(found, issue))
        except (ValueError, OverflowError) as error:
            results.append(type(error))
    assert results[0] == results[1]


@pytest.mark.parametrize(
    "text",
    ["3-4 people met in Berlin", "10-20 talks, Berlin", "13-05 | Berlin", "Sunnyvale 5 | x",
     "1.12.0 is out", "18.30 | Berlin"],
)
def test_what_only_looks_like_a_date_is_none(text: str) -> None:
    """A month-day without a year is a date only before its line's ``|`` or beside
    another; a weekday is a whole word."""
    assert scan_dates(text, 0) is None


def test_year_after_several_days_is_theirs_and_ends_the_dates() -> None:
    span = read_dates("February 22 - 23, 2022 | Virtual", None)  # no issue date needed
    assert span is not None and (span.start, span.end) == (D(2022, 2, 22), D(2022, 2, 23))
    assert "February 22 - 23, 2022 | Virtual"[span.length:].strip() == "| Virtual"


@pytest.mark.parametrize("text", ["Dec 3 - Dec 1 | Berlin", "2026-12-03 - 2026-12-01 | Berlin"])
def test_range_that_ends_before_it_starts_is_its_first_day_and_doubtful(text: str) -> None:
    span = read_dates(text, D(2026, 11, 18))
    assert span is not None and (span.start, span.end) == (D(2026, 12, 3), None)
    assert span.doubtful is not None and "before the first day" in span.doubtful


def test_year_less_range_runs_over_the_new_year_only_for_a_short_span() -> None:
    span = read_dates("Dec 15 - Jan 7 | Berlin", D(2026, 11, 18))
    assert span is not None and (span.start, span.end) == (D(2026, 12, 15), D(2027, 1, 7))
    assert span.doubtful is None
