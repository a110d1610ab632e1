"""Good-Faith standing per IPP account, overall and per reason (SPEC section 3).

Alibaba's Good-Faith Takedown Mechanism keeps an account that holds, over the past 3 months, a
takedown rate of at least 90% and a successful counter-notice rate of at most 5%, overall and per
reason. The window is the `Settings.good_faith_months` calendar months ending with the period's
last month (see periods.good_faith_window); its cohort is seen as of T like any other.
"""

from __future__ import annotations

import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.kpis import cohort, cohort_metrics
from takedown.metrics.periods import Period, iso_utc

GOOD_FAITH_RATES = ("takedown_rate", "counter_notice_success_rate")


def _breaches(settings: Settings) -> pl.Expr:
    # A null rate (nothing decided, or no items) breaches nothing.
    low_takedown = (pl.col("takedown_rate") < settings.good_faith_min_takedown_rate).fill_null(False)
    high_success = (pl.col("counter_notice_success_rate")
                    > settings.good_faith_max_counter_notice_success_rate).fill_null(False)
    return low_takedown | high_success


def good_faith_by_reason(facts: pl.DataFrame, window: Period,
                         settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """One row per (account, reason) with items in the window: the two rates and at_risk."""
    return (cohort_metrics(cohort(facts, window), by=["account", "reason"])
            .select("account", "reason", *GOOD_FAITH_RATES)
            .with_columns(_breaches(settings).alias("at_risk")))


def good_faith_standing(facts: pl.DataFrame, window: Period, settings: Settings = DEFAULT_SETTINGS,
                        by_reason: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per account with items in the window: its overall rates, reasons_at_risk and at_risk.

    An account is at risk when its overall figures or any of its reasons breach a threshold.
    `by_reason`: good_faith_by_reason(facts, window, settings) when already computed.
    """
    if by_reason is None:
        by_reason = good_faith_by_reason(facts, window, settings)
    reasons_at_risk = (by_reason
                       .group_by("account")
                       .agg(pl.col("at_risk").sum().cast(pl.Int64).alias("reasons_at_risk")))
    return (cohort_metrics(cohort(facts, window), by="account")
            .select("account", *GOOD_FAITH_RATES)
            .join(reasons_at_risk, on="account", how="left", maintain_order="left")
            .with_columns((_breaches(settings) | (pl.col("reasons_at_risk") > 0)).alias("at_risk")))


def good_faith_record(window: Period, standing: pl.DataFrame, by_reason: pl.DataFrame) -> dict[str, object]:
    """SPEC 4 `good_faith` from good_faith_standing and good_faith_by_reason frames of `window`."""
    reasons: dict[str, dict[str, object]] = {}
    for row in by_reason.iter_rows(named=True):
        reasons.setdefault(row["account"], {})[row["reason"]] = {
            "takedown_rate": row["takedown_rate"],
            "counter_notice_success_rate": row["counter_notice_success_rate"],
            "at_risk": row["at_risk"],
        }
    accounts = {
        row["account"]: {
            "takedown_rate": row["takedown_rate"],
            "counter_notice_success_rate": row["counter_notice_success_rate"],
            "at_risk": row["at_risk"],
            "by_reason": reasons.get(row["account"], {}),
        }
        for row in standing.iter_rows(named=True)
    }
    return {"start": iso_utc(window.start), "end": iso_utc(window.end), "accounts": accounts}


def good_faith_summary(facts: pl.DataFrame, window: Period, settings: Settings = DEFAULT_SETTINGS) -> dict[str, object]:
    """SPEC 4 `good_faith`: the window's start and end, and per account its rates, at_risk and by_reason."""
    return good_faith_record(window, good_faith_standing(facts, window, settings),
                             good_faith_by_reason(facts, window, settings))
