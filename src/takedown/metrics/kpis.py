"""Cohort metrics of SPEC section 3: the totals of a period's cohort and every breakdown.

All of them aggregate complaint item facts (see facts.complaint_item_facts), so the totals, each
breakdown, the Good-Faith figures and the monthly trend share one definition of each metric.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from takedown.metrics.periods import Period

# Every metric of a cohort, in SPEC order, then value_unknown_items (SPEC 4 totals).
METRIC_NAMES = (
    "submitted", "removed", "rejected", "restored", "withdrawn", "pending",
    "takedown_rate", "median_hours_to_removal", "handled_within_24h_rate",
    "counter_notices", "counter_notice_rate", "successful_counter_notices", "counter_notice_success_rate",
    "missed_counter_notice_responses", "value_removed_usd", "value_unknown_items",
)
# The metrics that count something: 0 for a cohort without items (the rest are null then).
COUNT_METRICS = (
    "submitted", "removed", "rejected", "restored", "withdrawn", "pending", "counter_notices",
    "successful_counter_notices", "missed_counter_notice_responses", "value_unknown_items",
)
# JSON key of each breakdown -> the fact column it groups by (SPEC 3: "also given per ...").
BREAKDOWNS = {
    "by_platform": "platform", "by_account": "account", "by_reason": "reason", "by_ipr_type": "ipr_type",
    "by_brand": "brand",
}
PENDING_STATUSES = ("submitted", "counter_noticed")


def cohort(facts: pl.DataFrame, period: Period) -> pl.DataFrame:
    """The facts of the items submitted in [period.start, period.end)."""
    return facts.filter((pl.col("submitted_at") >= period.start) & (pl.col("submitted_at") < period.end))


def _count(condition: pl.Expr, name: str) -> pl.Expr:
    return condition.sum().cast(pl.Int64).alias(name)


def _ratio(numerator: str, denominator: pl.Expr) -> pl.Expr:
    # A share of nothing is undefined: null, never a division by zero.
    return pl.when(denominator > 0).then(pl.col(numerator) / denominator).otherwise(None)


def _median(column: str) -> pl.Expr:
    """The middle value, or the mean of the middle two computed as (a + b) / 2 (null when none).

    Polars' own median interpolates as a + (b - a) / 2, which can differ from (a + b) / 2 in the
    last digit; SPEC says "mean of the middle two", which is what any hand computation does.
    """
    values = pl.col(column)
    return (values.quantile(0.5, interpolation="lower") + values.quantile(0.5, interpolation="higher")) / 2


def _aggregates() -> list[pl.Expr]:
    status = pl.col("status")
    removed = status == "removed"
    return [
        pl.len().cast(pl.Int64).alias("submitted"),
        _count(removed, "removed"),
        _count(status == "rejected", "rejected"),
        _count(status == "restored", "restored"),
        _count(status == "withdrawn", "withdrawn"),
        _count(status.is_in(PENDING_STATUSES), "pending"),
        _median("hours_to_removal").alias("median_hours_to_removal"),
        _count(pl.col("handled_in_time"), "_handled_in_time"),
        pl.col("handled_in_time").count().cast(pl.Int64).alias("_decided"),
        _count(pl.col("has_counter_notice"), "counter_notices"),
        _count(pl.col("successful_counter_notice"), "successful_counter_notices"),
        pl.col("missed_counter_notice_responses").sum().cast(pl.Int64).alias("missed_counter_notice_responses"),
        pl.col("value_usd").filter(removed).sum().cast(pl.Float64).alias("value_removed_usd"),
        _count(removed & pl.col("value_usd").is_null(), "value_unknown_items"),
    ]


def _rates() -> list[pl.Expr]:
    return [
        _ratio("removed", pl.col("removed") + pl.col("rejected") + pl.col("restored")).alias("takedown_rate"),
        _ratio("_handled_in_time", pl.col("_decided")).alias("handled_within_24h_rate"),
        _ratio("counter_notices", pl.col("submitted")).alias("counter_notice_rate"),
        _ratio("successful_counter_notices", pl.col("submitted")).alias("counter_notice_success_rate"),
    ]


def cohort_metrics(facts: pl.DataFrame, by: str | Sequence[str] | None = None) -> pl.DataFrame:
    """Every metric of METRIC_NAMES over a cohort's facts, overall (one row) or per group of `by`.

    Rates are null when their divisor is 0 and the median is null without removals, so a cohort
    with no items gives one row of zero counts and null rates. Groups are sorted by their keys,
    a null key (an unknown brand) last.
    """
    if by is None:
        return facts.select(_aggregates()).with_columns(_rates()).select(METRIC_NAMES)
    keys = [by] if isinstance(by, str) else list(by)
    return (facts.group_by(keys).agg(_aggregates())
            .with_columns(_rates())
            .select(*keys, *METRIC_NAMES)
            .sort(keys, nulls_last=True))
