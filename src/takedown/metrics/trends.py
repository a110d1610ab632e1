"""Month-over-month trend of any metric, overall or per breakdown (the dashboard's deltas, the report's table).

Every month's cohort is seen as of the same T, so each row equals what `takedown metrics --month`
shows for that month with the same --as-of and --tz (and, per breakdown, that month's breakdown).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from takedown.metrics.kpis import COUNT_METRICS, METRIC_NAMES, cohort, cohort_metrics
from takedown.metrics.periods import Period, calendar_months, month_start, months_ending, parse_month

HEADLINE_METRICS = (
    "submitted", "removed", "takedown_rate", "median_hours_to_removal", "handled_within_24h_rate",
    "counter_notice_rate", "counter_notice_success_rate", "missed_counter_notice_responses", "value_removed_usd",
)
_MONTH_INDEX = "_month_index"


def item_month(submitted_at: pl.Expr, timezone: str) -> pl.Expr:
    """An item's calendar month (YYYY-MM) in `timezone`, the report time zone, from its naive UTC
    `submitted_at`: the month whose cohort holds it (queries/dashboard/months_with_items.sql is the
    same rule in SQL). monthly_trend places items by the months' bounds, which gives the same month."""
    return submitted_at.dt.replace_time_zone("UTC").dt.convert_time_zone(timezone).dt.strftime("%Y-%m")


def trend_window(last_month: str, months: int, timezone: str) -> Period:
    """The `months` calendar months (in `timezone`) ending with `last_month` (YYYY-MM)."""
    return calendar_months(*parse_month(last_month), months, timezone)


def monthly_trend(facts: pl.DataFrame, last_month: str, months: int, timezone: str,
                  metrics: Sequence[str] = HEADLINE_METRICS, by: str | None = None) -> pl.DataFrame:
    """One row per calendar month (in `timezone`) of the `months` ending with `last_month`, oldest first.

    Columns: month (YYYY-MM), start, end (naive UTC), then with `by` the breakdown's key (one row
    per month and key value seen in the window, keys sorted, null last), each of `metrics`
    (any of METRIC_NAMES), and for each `<metric>_change`: this month's figure minus the previous
    month's (of the same key; null for the first month, or when either figure is null; rates
    change in fractions, i.e. percentage points / 100). A month without items has zero counts
    and null rates.
    """
    unknown = [name for name in metrics if name not in METRIC_NAMES]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; the metrics are: {', '.join(METRIC_NAMES)}")
    labels = months_ending(last_month, months)
    starts = [month_start(*parse_month(label), timezone) for label in labels]
    window = trend_window(last_month, months, timezone)
    boundaries = pl.Series("boundaries", [*starts, window.end], dtype=pl.Datetime("us"))
    # Each item's month is the last month start at or before its submitted_at.
    month_index = (pl.lit(boundaries).search_sorted(pl.col("submitted_at"), side="right") - 1).cast(pl.Int64)
    in_window = cohort(facts, window).with_columns(month_index.alias(_MONTH_INDEX))
    keys = [_MONTH_INDEX] if by is None else [_MONTH_INDEX, by]
    per_month = cohort_metrics(in_window, by=keys)
    frame = pl.DataFrame({_MONTH_INDEX: list(range(months)), "month": labels, "start": starts,
                          "end": [*starts[1:], window.end]},
                         schema={_MONTH_INDEX: pl.Int64, "month": pl.String, "start": pl.Datetime("us"),
                                 "end": pl.Datetime("us")})
    if by is not None:
        # Every key in every month, so that a month without items of a key shows zeros, not a gap.
        values = in_window.select(pl.col(by).unique()).sort(by, nulls_last=True)
        frame = frame.join(values, how="cross")
    counts = [name for name in metrics if name in COUNT_METRICS]
    sums = [name for name in metrics if name == "value_removed_usd"]
    trend = (frame.join(per_month, on=keys, how="left", maintain_order="left", nulls_equal=True)
             .with_columns(pl.col(counts).fill_null(0), pl.col(sums).fill_null(0.0))
             .select("month", "start", "end", *keys[1:], *metrics))
    return with_month_changes(trend, metrics, by)


def with_month_changes(trend: pl.DataFrame, metrics: Sequence[str], by: str | None = None) -> pl.DataFrame:
    """`trend` (rows oldest first, per `by` key when given) with `<metric>_change` for each of `metrics`:
    this month's figure minus the previous row's of the same key (null for the first, or when either is).

    monthly_trend's last step; a trend assembled from one month at a time (the dashboard's) ends with it too.
    """
    if by is None:
        return trend.with_columns((pl.col(name) - pl.col(name).shift(1)).alias(f"{name}_change")
                                  for name in metrics)
    return trend.with_columns((pl.col(name) - pl.col(name).shift(1).over(by)).alias(f"{name}_change")
                              for name in metrics)
