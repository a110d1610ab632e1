"""Month-over-month trend: months in the report time zone, empty months, and the changes."""

from __future__ import annotations

import datetime as dt

from metric_frames import event, facts, item

from takedown.metrics.trends import monthly_trend

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
