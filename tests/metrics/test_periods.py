"""Periods, months in a report time zone, the Good-Faith window and how instants are read and written."""

from __future__ import annotations

import datetime as dt

import pytest

from takedown.metrics.periods import (
    Period,
    good_faith_window,
    iso_utc,
    month_period,
    months_ending,
    parse_instant,
    parse_month,
)


def test_a_month_in_utc_is_the_calendar_month():
    assert month_period("2026-09", "UTC") == Period(dt.datetime(2026, 9, 1), dt.datetime(2026, 10, 1))


def test_a_month_in_china_time_starts_and_ends_eight_hours_earlier_in_utc():
    expected = Period(dt.datetime(2026, 8, 31, 16), dt.datetime(2026, 9, 30, 16))
    assert month_period("2026-09", "Asia/Shanghai") == expected


def test_december_ends_with_the_new_year():
    assert month_period("2026-12", "UTC") == Period(dt.datetime(2026, 12, 1), dt.datetime(2027, 1, 1))


def test_a_month_across_a_daylight_saving_change_keeps_local_midnights():
    # New York: EST (UTC-5) on March 1st, EDT (UTC-4) from March 8th 2026.
    assert month_period("2026-03", "America/New_York") == Period(dt.datetime(2026, 3, 1, 5), dt.datetime(2026, 4, 1, 4))


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-9", "September", "2026-09-01"])
def test_a_bad_month_is_refused(text):
    with pytest.raises(ValueError, match="not a month"):
        parse_month(text)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        month_period("2026-09", "Mars/Olympus")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-09-01T08:00:00Z", dt.datetime(2026, 9, 1, 8)),
    ("2026-09-01T08:00:00+08:00", dt.datetime(2026, 9, 1, 0)),
    ("2026-09-01T08:00:00", dt.datetime(2026, 9, 1, 0)),   # no offset: China time
    ("2026-09-01", dt.datetime(2026, 8, 31, 16)),          # a bare date: midnight China time
    ("2026-09-01 08:00:00.250000", dt.datetime(2026, 9, 1, 0, 0, 0, 250000)),
])
def test_an_instant_without_offset_is_read_in_the_report_time_zone(text, expected):
    assert parse_instant(text, "Asia/Shanghai") == expected


def test_an_instant_that_is_not_iso_is_refused():
    with pytest.raises(ValueError, match="not an ISO 8601 time"):
        parse_instant("01/09/2026", "UTC")


def test_a_period_must_start_before_it_ends():
    with pytest.raises(ValueError, match="must start before it ends"):
        Period(dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 1))


def test_the_good_faith_window_of_a_month_is_that_month_and_the_two_before():
    window = good_faith_window(month_period("2026-09", "UTC"), "UTC", 3)
    assert window == Period(dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1))


def test_the_good_faith_window_crosses_the_year_in_the_report_time_zone():
    window = good_faith_window(month_period("2026-02", "Asia/Shanghai"), "Asia/Shanghai", 3)
    assert window == Period(dt.datetime(2025, 11, 30, 16), dt.datetime(2026, 2, 28, 16))


def test_the_good_faith_window_of_a_free_period_ends_with_the_month_of_its_last_instant():
    # [Sep 10, Oct 1) in UTC: its last instant is in September, so July to September.
    period = Period(dt.datetime(2026, 9, 10), dt.datetime(2026, 10, 1))
    assert good_faith_window(period, "UTC", 3) == Period(dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1))
    # One microsecond more and the period reaches into October: August to October.
    longer = Period(dt.datetime(2026, 9, 10), dt.datetime(2026, 10, 1, 0, 0, 0, 1))
    assert good_faith_window(longer, "UTC", 3) == Period(dt.datetime(2026, 8, 1), dt.datetime(2026, 11, 1))


def test_the_good_faith_window_of_a_free_period_uses_the_report_time_zone():
    # The period ends 2026-09-30T20:00Z, already October 1st 04:00 in China: August to October there.
    period = Period(dt.datetime(2026, 9, 10), dt.datetime(2026, 9, 30, 20))
    assert good_faith_window(period, "Asia/Shanghai", 3) == Period(dt.datetime(2026, 7, 31, 16),
                                                                   dt.datetime(2026, 10, 31, 16))


def test_months_ending_lists_the_labels_oldest_first():
    assert months_ending("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_instants_are_written_in_utc_with_z():
    assert iso_utc(dt.datetime(2026, 8, 31, 16)) == "2026-08-31T16:00:00Z"
    assert iso_utc(dt.datetime(2026, 8, 31, 16, 0, 0, 5)) == "2026-08-31T16:00:00.000005Z"


# --- aware and naive datetimes given to the library (issue 16) ---------------------------------

def test_an_aware_period_is_converted_to_naive_utc():
    from zoneinfo import ZoneInfo

    china = ZoneInfo("Asia/Shanghai")
    period = Period(dt.datetime(2026, 9, 1, tzinfo=china), dt.datetime(2026, 10, 1, tzinfo=china))
    assert period == month_period("2026-09", "Asia/Shanghai")
    assert period.start.tzinfo is None and period.end.tzinfo is None
    assert Period(dt.datetime(2026, 9, 1, tzinfo=dt.UTC), dt.datetime(2026, 10, 1)) == month_period("2026-09", "UTC")


def test_contains_accepts_an_aware_instant():
    period = month_period("2026-09", "UTC")
    assert period.contains(dt.datetime(2026, 9, 30, 23, 59, tzinfo=dt.UTC))
    plus_eight = dt.timezone(dt.timedelta(hours=8))
    assert period.contains(dt.datetime(2026, 10, 1, 7, 59, tzinfo=plus_eight))  # 23:59 UTC on September 30th
    assert not period.contains(dt.datetime(2026, 10, 1, 8, tzinfo=plus_eight))  # midnight UTC: October


@pytest.mark.parametrize(("start", "shown"), [
    (dt.date(2026, 9, 1), "date"), ("2026-09-01", "parse_instant"), (1_788_000_000, "int")])
def test_a_period_of_anything_but_datetimes_is_a_clear_type_error(start, shown):
    with pytest.raises(TypeError, match=f"a period's start must be a datetime, not .*{shown}"):
        Period(start, dt.datetime(2026, 10, 1))


def test_an_aware_period_gives_the_same_figures_as_the_naive_one(program_store):
    from zoneinfo import ZoneInfo

    from takedown.metrics import load_snapshot
    from takedown.store import connect_reader

    con = connect_reader(program_store)
    try:
        snapshot = load_snapshot(con, dt.datetime(2026, 10, 15))
    finally:
        con.close()
    china = ZoneInfo("Asia/Shanghai")
    aware = snapshot.totals(Period(dt.datetime(2026, 9, 1, tzinfo=china), dt.datetime(2026, 10, 1, tzinfo=china)))
    assert aware.equals(snapshot.totals(month_period("2026-09", "Asia/Shanghai")))
    assert aware["submitted"].item() == 4
