"""Complaint effectiveness: which reason x ipr_type x platform combinations work, per IPP account.

For each combination the takedown rate and the counter-notice success rate (the registry's
definitions), each with a Wilson score interval: small combinations get wide intervals instead of
alarming point estimates. A combination does markedly worse than its account when its whole
interval lies on the bad side of the account's own rate (docs/metric_dictionary.md).
"""

from __future__ import annotations

import polars as pl

from takedown.metrics.kpis import cohort, cohort_metrics
from takedown.metrics.periods import Period
from takedown.metrics.registry import decided_items

COMBINATION = ("account", "reason", "ipr_type", "platform")
# z of a two-sided 95% interval.
Z_95 = 1.959963984540054


def wilson_interval(successes: pl.Expr, trials: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """The Wilson score interval (low, high) of successes / trials; null when trials is 0."""
    n = trials.cast(pl.Float64)
    p = successes.cast(pl.Float64) / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)).sqrt()
    defined = trials > 0
    return (pl.when(defined).then((centre - half).clip(0.0, 1.0)),
            pl.when(defined).then((centre + half).clip(0.0, 1.0)))


def complaint_effectiveness(facts: pl.DataFrame, period: Period) -> pl.DataFrame:
    """One row per (account, reason, ipr_type, platform) with items submitted in `period`.

    Columns: the four keys, submitted, decided (removed + rejected + restored), removed,
    takedown_rate with takedown_rate_low/high, successful_counter_notices,
    counter_notice_success_rate with counter_notice_success_rate_low/high, the account's
    account_takedown_rate and account_counter_notice_success_rate over the same period, and
    markedly_worse: the takedown interval lies wholly below the account's rate, or the success
    interval wholly above it. Worst takedown rate first.
    """
    items = cohort(facts, period)
    account = (cohort_metrics(items, by="account")
               .select("account", pl.col("takedown_rate").alias("account_takedown_rate"),
                       pl.col("counter_notice_success_rate").alias("account_counter_notice_success_rate")))
    figures = cohort_metrics(items, by=list(COMBINATION)).with_columns(
        decided_items().alias("decided"))
    takedown_low, takedown_high = wilson_interval(pl.col("removed"), pl.col("decided"))
    success_low, success_high = wilson_interval(pl.col("successful_counter_notices"), pl.col("submitted"))
    worse_takedown = (pl.col("takedown_rate_high") < pl.col("account_takedown_rate")).fill_null(False)
    worse_success = (pl.col("counter_notice_success_rate_low")
                     > pl.col("account_counter_notice_success_rate")).fill_null(False)
    return (figures
            .with_columns(takedown_low.alias("takedown_rate_low"), takedown_high.alias("takedown_rate_high"),
                          success_low.alias("counter_notice_success_rate_low"),
                          success_high.alias("counter_notice_success_rate_high"))
            .join(account, on="account", how="left", maintain_order="left")
            .with_columns((worse_takedown | worse_success).alias("markedly_worse"))
            .select(*COMBINATION, "submitted", "decided", "removed", "takedown_rate", "takedown_rate_low",
                    "takedown_rate_high", "successful_counter_notices", "counter_notice_success_rate",
                    "counter_notice_success_rate_low", "counter_notice_success_rate_high", "account_takedown_rate",
                    "account_counter_notice_success_rate", "markedly_worse")
            .sort(["takedown_rate", *COMBINATION], nulls_last=True))
