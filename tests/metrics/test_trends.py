"""Month-over-month trend: months in the report time zone, empty months, and the changes."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest
from metric_frames import event, facts, item

from takedown.dashboard_lib.data import filter_choices
from takedown.metrics.periods import month_period
from takedown.metrics.trends import item_month, monthly_trend
from takedown.sql import list_queries, load_query

AS_OF = dt.datetime(2026, 11, 1)


def test_each_month_in_the_report_time_zone_with_changes_from_the_month_before():
    items = [
        item("C1", submitted_at=dt.datetime(2026, 8, 31, 17)),  # September 1st, 01:00 in China
        item("C2", submitted_at=dt.datetime(2026, 9, 15)),
        item("C3", submitted_at=dt.datetime(2026, 9, 30, 16)),  # October 1st, 00:00 in China
    ]
    events = [
        event("C1", "L1", "removed", dt.datetime(2026, 9, 1, 5)),   # after 12 h
        event("C2", "L1", "rejected", dt.datetime(2026, 9, 16)),
        event("C3", "L1", "removed", dt.datetime(2026, 10, 1, 16)),  # after 24 h
    ]
    trend = monthly_trend(facts(items, events, as_of=AS_OF), "2026-10", 3, "Asia/Shanghai")
    assert trend.select("month", "start", "end", "submitted", "removed", "takedown_rate",
                        "median_hours_to_removal").rows() == [
        ("2026-08", dt.datetime(2026, 7, 31, 16), dt.datetime(2026, 8, 31, 16), 0, 0, None, None),
        ("2026-09", dt.datetime(2026, 8, 31, 16), dt.datetime(2026, 9, 30, 16), 2, 1, 0.5, 12.0),
        ("2026-10", dt.datetime(2026, 9, 30, 16), dt.datetime(2026, 10, 31, 16), 1, 1, 1.0, 24.0),
    ]
    assert trend.select("submitted_change", "takedown_rate_change", "median_hours_to_removal_change").rows() == [
        (None, None, None), (2, None, None), (-1, 0.5, 12.0),
    ]


def test_a_trend_over_an_empty_store_is_zeros_and_nulls():
    trend = monthly_trend(facts([], as_of=AS_OF), "2026-01", 2, "UTC")
    assert trend.select("month", "submitted", "value_removed_usd", "takedown_rate", "submitted_change").rows() == [
        ("2025-12", 0, 0.0, None, None), ("2026-01", 0, 0.0, None, 0),
    ]


@pytest.mark.parametrize("timezone", ["UTC", "Asia/Shanghai", "America/Los_Angeles"])
def test_an_item_s_month_is_the_same_in_the_month_picker_and_over_frames(timezone):
    # One rule in two languages: dashboard/months_with_items.sql (the month picker) and item_month.
    instants = [dt.datetime(2026, 9, 30, 15, 59, 59), dt.datetime(2026, 9, 30, 16), dt.datetime(2026, 10, 1, 6, 59),
                dt.datetime(2026, 10, 1, 7), dt.datetime(2026, 12, 31, 23, 59)]
    con = duckdb.connect()
    for name in list_queries("schema"):
        con.execute(load_query(name))
    for number, submitted_at in enumerate(instants):
        con.execute("insert into complaint_items (complaint_id, platform, listing_id, seller_id, enforcement_type, "
                    "ipr_type, reason, account, submitted_at, batch_id, line) "
                    "values (?, 'taobao', 'L1', 'S1', 'listing', 'trademark', 'counterfeit', 'a', ?, 'b', 1)",
                    [f"C{number}", submitted_at])
    picker = filter_choices(con, timezone)["month"]
    frame = pl.DataFrame({"submitted_at": instants}, schema={"submitted_at": pl.Datetime("us")})
    months = frame.select(item_month(pl.col("submitted_at"), timezone)).to_series().to_list()
    assert picker == sorted(set(months), reverse=True)
    for instant, month in zip(instants, months, strict=True):
        period = month_period(month, timezone)
        assert period.start <= instant < period.end
    if timezone == "Asia/Shanghai":
        assert picker == ["2027-01", "2026-10", "2026-09"]  # 16:00 UTC on September 30th is October there
