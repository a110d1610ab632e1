"""The Good-Faith projection: where each account's window can still end up (docs/metric_dictionary.md).

An account's Good-Faith window (periods.good_faith_window) still holds pending items: submitted
and not decided, or counter-noticed and waiting. Each will end either removed or not. The best
case is every pending item ending removed (no successful counter-notice); the worst is every
pending item ending rejected after a successful counter-notice. Between the two, the removals
needed are the fewest pending items that must end removed (the rest rejected) for the takedown rate
to stay at the Good-Faith minimum. Only items already submitted count: the window may still grow.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.kpis import cohort, cohort_metrics
from takedown.metrics.periods import Period
from takedown.metrics.registry import decided_items

PROJECTION_COLUMNS = (
    "submitted", "removed", "rejected", "restored", "pending", "successful_counter_notices",
    "takedown_rate", "best_takedown_rate", "worst_takedown_rate",
    "counter_notice_success_rate", "best_counter_notice_success_rate", "worst_counter_notice_success_rate",
    "removals_needed", "can_stay_in_good_faith", "counter_notice_headroom",
)
# How every surface words removals_needed when even the best case falls short (report pages, workbook, dashboard).
OUT_OF_REACH = "out of reach"
# Guards the ceiling of rate x items against the float error of a rate such as 0.9 (0.9 x 70 = 63.000...01).
_EPSILON = 1e-9


def good_faith_projection(facts: pl.DataFrame, window: Period, settings: Settings = DEFAULT_SETTINGS,
                          by: Sequence[str] = ("account",)) -> pl.DataFrame:
    """One row per group of `by` (default: per account) with items in the window: where it stands and can end.

    Columns: the keys, then PROJECTION_COLUMNS. takedown_rate and counter_notice_success_rate are
    the registry's (they equal Good-Faith standing); best_* if every pending item ends removed,
    worst_* if every pending item ends rejected after a successful counter-notice; removals_needed
    the fewest pending items that must end removed for takedown_rate >= the minimum (0 when it
    holds whatever happens, null when even the best case falls short); can_stay_in_good_faith
    whether the best case meets both thresholds; counter_notice_headroom how many more successful
    counter-notices the window takes before its success rate breaches (negative: already over).
    Rates are null when undefined (no decided or pending item).
    """
    keys = list(by)
    figures = cohort_metrics(cohort(facts, window), by=keys)
    decided = decided_items()
    settled = decided + pl.col("pending")
    minimum, maximum = settings.good_faith_min_takedown_rate, settings.good_faith_max_counter_notice_success_rate
    needed = ((pl.lit(minimum) * settled - _EPSILON).ceil().cast(pl.Int64) - pl.col("removed")).clip(lower_bound=0)
    best_takedown = pl.when(settled > 0).then((pl.col("removed") + pl.col("pending")) / settled)
    worst_takedown = pl.when(settled > 0).then(pl.col("removed") / settled)
    submitted = pl.col("submitted")
    best_success = pl.when(submitted > 0).then(pl.col("successful_counter_notices") / submitted)
    worst_success = pl.when(submitted > 0).then((pl.col("successful_counter_notices") + pl.col("pending")) / submitted)
    allowed = (pl.lit(maximum) * submitted + _EPSILON).floor().cast(pl.Int64)
    projected = figures.with_columns(
        best_takedown.alias("best_takedown_rate"),
        worst_takedown.alias("worst_takedown_rate"),
        best_success.alias("best_counter_notice_success_rate"),
        worst_success.alias("worst_counter_notice_success_rate"),
        pl.when(needed <= pl.col("pending")).then(needed).alias("removals_needed"),
        (allowed - pl.col("successful_counter_notices")).alias("counter_notice_headroom"),
    )
    meets_takedown = (pl.col("best_takedown_rate") >= minimum - _EPSILON).fill_null(True)
    meets_success = (pl.col("best_counter_notice_success_rate") <= maximum + _EPSILON).fill_null(True)
    return (projected.with_columns((meets_takedown & meets_success).alias("can_stay_in_good_faith"))
            .select(*keys, *PROJECTION_COLUMNS))


def removals_needed_text(removals_needed: int | None) -> str:
    """removals_needed as a person reads it: the count with separators, or "out of reach" when null.

    The one wording of the projection's outcome: the Good-Faith page, the risk sheet and the
    dashboard all call this, so "out of reach" never reads as "-" in one place and not another.
    """
    return OUT_OF_REACH if removals_needed is None else f"{int(removals_needed):,}"


def with_removals_needed_text(projection: pl.DataFrame) -> pl.DataFrame:
    """`projection` (good_faith_projection's) plus removals_needed_text (removals_needed_text of each row)."""
    return projection.with_columns(pl.col("removals_needed").map_elements(
        removals_needed_text, return_dtype=pl.String, skip_nulls=False).alias("removals_needed_text"))
