"""Month-over-month trend of the headline metrics (the dashboard's deltas and the report's table).

Every month's cohort is seen as of the same T, so each row equals what `takedown metrics --month`
shows for that month with the same --as-of and --tz.
"""

from __future__ import annotations

import polars as pl

from takedown.metrics.kpis import COUNT_METRICS, cohort, cohort_metrics
from takedown.metrics.periods import calendar_months, month_start, months_ending, parse_month

HEADLINE_METRICS = (
    "submitted", "removed", "takedown_rate", "median_hours_to_removal", "handled_within_24h_rate",
    "counter_notice_rate", "counter_notice_success_rate", "missed_counter_notice_responses", "value_removed_usd",
)


def monthly_trend(facts: pl.DataFrame, last_month: str, months: int, timezone: str) -> pl.DataFrame:
    """One row per calendar month (in `timezone`) of the `months` ending with `last_month`, oldest first.

    Columns: month (YYYY-MM), start, end (naive UTC), each HEADLINE_METRICS figure, and for each
    `<metric>_change`: this month's figure minus the previous month's (null for the first month,
    or when either figure is null; rates change in fractions, i.e. percentage points / 100).
    """
    labels = months_ending(last_month, months)
    starts = [month_start(*parse_month(label), timezone) for label in labels]
    window = calendar_months(*parse_month(last_month), months, timezone)
    boundaries = pl.Series("boundaries", [*starts, window.end], dtype=pl.Datetime("us"))
    # Each item's month is the last month start at or before its submitted_at.
    month_index = (pl.lit(boundaries).search_sorted(pl.col("submitted_at"), side="right") - 1).cast(pl.Int64)
    per_month = cohort_metrics(
        cohort(facts, window).with_columns(month_index.alias("_month_index")), by="_month_index",
    )
    frame = pl.DataFrame({"_month_index": list(range(months)), "month": labels, "start": starts,
                          "end": [*starts[1:], window.end]},
                         schema={"_month_index": pl.Int64, "month": pl.String, "start": pl.Datetime("us"),
                                 "end": pl.Datetime("us")})
    counts = [name for name in HEADLINE_METRICS if name in COUNT_METRICS]
    trend = (frame.join(per_month, on="_month_index", how="left", maintain_order="left")
             .with_columns(pl.col(counts).fill_null(0), pl.col("value_removed_usd").fill_null(0.0))
             .select("month", "start", "end", *HEADLINE_METRICS))
    return trend.with_columns((pl.col(name) - pl.col(name).shift(1)).alias(f"{name}_change")
                              for name in HEADLINE_METRICS)
