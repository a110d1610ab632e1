"""Cohort metrics of SPEC section 3: the totals of a period's cohort and every breakdown.

All of them aggregate complaint item facts (see facts.complaint_item_facts), so the totals, each
breakdown, the Good-Faith figures and the monthly trend share one definition of each metric.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from takedown.metrics.periods import Period
from takedown.metrics.registry import COUNT_METRICS, METRIC_NAMES, METRICS, PENDING_STATUSES, Metric

__all__ = ["BREAKDOWNS", "COUNT_METRICS", "METRIC_NAMES", "PENDING_STATUSES", "cohort", "cohort_metrics"]

# JSON key of each breakdown -> the fact column it groups by (SPEC 3: "also given per ...").
BREAKDOWNS = {
    "by_platform": "platform", "by_account": "account", "by_reason": "reason", "by_ipr_type": "ipr_type",
    "by_brand": "brand",
}


def cohort(facts: pl.DataFrame, period: Period) -> pl.DataFrame:
    """The facts of the items submitted in [period.start, period.end)."""
    return facts.filter((pl.col("submitted_at") >= period.start) & (pl.col("submitted_at") < period.end))


def _median(column: str) -> pl.Expr:
    """The middle value, or the mean of the middle two computed as (a + b) / 2 (null when none).

    Polars' own median interpolates as a + (b - a) / 2, which can differ from (a + b) / 2 in the
    last digit; SPEC says "mean of the middle two", which is what any hand computation does.
    """
    values = pl.col(column)
    return (values.quantile(0.5, interpolation="lower") + values.quantile(0.5, interpolation="higher")) / 2


def _exact_sum(values: pl.Series) -> float:
    return math.fsum(values.drop_nulls().to_numpy())


def _sum(column: str, condition: pl.Expr | None) -> pl.Expr:
    """The correctly rounded sum of `column` over the rows that meet `condition` (nulls add nothing).

    A float sum's last digit depends on the order and the chunks it is added in; math.fsum's does
    not. So a figure is the same whichever snapshot (whole store, or a period's) it came from, and
    math.fsum of the rows behind it gives it to the last digit.
    """
    values = pl.col(column) if condition is None else pl.col(column).filter(condition)
    return values.map_batches(_exact_sum, return_dtype=pl.Float64, returns_scalar=True)


def _rows(condition: pl.Expr | None) -> pl.Expr:
    # How many rows meet the condition (every row when None).
    return pl.len() if condition is None else condition.sum()


def _aggregates(metric: Metric) -> list[pl.Expr]:
    """The aggregate of one registry entry (a rate: its numerator and divisor, divided in _rates)."""
    if metric.aggregation == "median":
        return [_median(metric.weight).alias(metric.name)]  # type: ignore[arg-type]
    if metric.aggregation == "sum":
        return [_sum(metric.weight, metric.condition).alias(metric.name)]  # type: ignore[arg-type]
    if metric.aggregation == "rate":
        return [_rows(metric.condition).cast(pl.Int64).alias(f"_{metric.name}_numerator"),
                _rows(metric.denominator).cast(pl.Int64).alias(f"_{metric.name}_denominator")]
    counted = _rows(metric.condition) if metric.weight is None else pl.col(metric.weight).filter(metric.condition).sum()
    return [counted.cast(pl.Int64).alias(metric.name)]


def _rate(metric: Metric) -> pl.Expr:
    # A share of nothing is undefined: null, never a division by zero.
    numerator, denominator = pl.col(f"_{metric.name}_numerator"), pl.col(f"_{metric.name}_denominator")
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None).alias(metric.name)


_AGGREGATES = [expression for metric in METRICS for expression in _aggregates(metric)]
_RATES = [_rate(metric) for metric in METRICS if metric.aggregation == "rate"]


def cohort_metrics(facts: pl.DataFrame, by: str | Sequence[str] | None = None) -> pl.DataFrame:
    """Every metric of METRIC_NAMES over a cohort's facts, overall (one row) or per group of `by`.

    Rates are null when their divisor is 0 and the median is null without removals, so a cohort
    with no items gives one row of zero counts and null rates. Groups are sorted by their keys,
    a null key (an unknown brand) last.
    """
    if by is None:
        return facts.select(_AGGREGATES).with_columns(_RATES).select(METRIC_NAMES)
    keys = [by] if isinstance(by, str) else list(by)
    return (facts.group_by(keys).agg(_AGGREGATES)
            .with_columns(_RATES)
            .select(*keys, *METRIC_NAMES)
            .sort(keys, nulls_last=True))
