"""The expected takedown rate of a Good-Faith window from its pending items' probabilities.

Each pending item ends removed with its predicted probability p_i, independently: the number that
will be removed is a sum of Bernoullis (a Poisson-binomial). The window's final takedown rate is
(removed + K) / (decided + pending); its expectation uses E[K] = sum p_i, and its interval the
quantiles of K: exact (dynamic programming over the items) up to EXACT_MAX_ITEMS pending items,
else the normal approximation (mean sum p_i, variance sum p_i (1 - p_i)), which is then accurate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Exact distribution up to this many pending items (n^2 / 2 multiply-adds: 2M at 2,000).
EXACT_MAX_ITEMS = 2000
# The interval's default coverage.
INTERVAL_LEVEL = 0.9


@dataclass(frozen=True)
class ExpectedRate:
    """The expected final takedown rate and its interval (both null when no item is decided or pending)."""

    expected_removals: float
    expected_takedown_rate: float | None
    takedown_rate_low: float | None
    takedown_rate_high: float | None


def removal_count_distribution(probabilities: np.ndarray) -> np.ndarray:
    """P(K = k) for k = 0..n, K the number of the items that end removed (exact convolution)."""
    distribution = np.zeros(len(probabilities) + 1)
    distribution[0] = 1.0
    for count, probability in enumerate(probabilities, start=1):
        # Each item either ends removed (shift by one) or not.
        distribution[1:count + 1] = distribution[1:count + 1] * (1 - probability) + distribution[:count] * probability
        distribution[0] *= 1 - probability
    return distribution


def removal_count_interval(probabilities: np.ndarray, level: float = INTERVAL_LEVEL) -> tuple[int, int]:
    """The central `level` interval of K: the (1 - level) / 2 and (1 + level) / 2 quantiles."""
    tail = (1 - level) / 2
    if len(probabilities) <= EXACT_MAX_ITEMS:
        cumulative = np.cumsum(removal_count_distribution(probabilities))
        low = int(np.searchsorted(cumulative, tail - 1e-12))
        high = int(np.searchsorted(cumulative, 1 - tail - 1e-12))
        return low, min(high, len(probabilities))
    from statistics import NormalDist

    mean = float(probabilities.sum())
    spread = math.sqrt(float((probabilities * (1 - probabilities)).sum()))
    quantile = NormalDist().inv_cdf(1 - tail)
    low = max(0, math.floor(mean - quantile * spread))
    high = min(len(probabilities), math.ceil(mean + quantile * spread))
    return low, high


def expected_takedown_rate(removed: int, decided: int, pending_probabilities: np.ndarray,
                           level: float = INTERVAL_LEVEL) -> ExpectedRate:
    """The window's expected final takedown rate: `removed` of `decided` items already, and the
    pending items ending removed with their probabilities (all items counted as decided at the end)."""
    probabilities = np.asarray(pending_probabilities, dtype=np.float64)
    total = decided + len(probabilities)
    expected = float(probabilities.sum())
    if total == 0:
        return ExpectedRate(expected, None, None, None)
    low, high = removal_count_interval(probabilities, level)
    return ExpectedRate(expected, (removed + expected) / total, (removed + low) / total, (removed + high) / total)


# Statuses of an item whose outcome is still open (SPEC 3's pending).
PENDING_STATUSES = ("submitted", "counter_noticed")
# The columns with_expected_takedown_rate adds to a projection.
EXPECTED_COLUMNS = ("expected_takedown_rate", "low_expected_takedown_rate", "high_expected_takedown_rate")


def expected_takedown_rates(window_items, probabilities, by=("account",), level: float = INTERVAL_LEVEL):
    """Per group of `by` of `window_items` (the items of a Good-Faith window with their status as of
    T: a snapshot's facts, or predict_items' frame): removed, decided, pending, and the expected
    final takedown rate with its interval (EXPECTED_COLUMNS; null when an item pending has no
    probability, e.g. no model, or when nothing is decided or pending).

    `probabilities`: complaint_id, listing_id, probability (registry.predict_items' frame of the
    window); None: no model. A counter-noticed item is pending here as in SPEC 3; its probability is
    the one predicted at filing (the counter-notice itself is not a feature).
    """
    import polars as pl

    keys = list(by)
    items = window_items.select(*keys, "complaint_id", "listing_id", pl.col("status").cast(pl.String))
    if probabilities is None:
        items = items.with_columns(pl.lit(None, dtype=pl.Float64).alias("probability"))
    else:
        items = items.join(probabilities.select("complaint_id", "listing_id", "probability"),
                           on=["complaint_id", "listing_id"], how="left")
    schema = {**{key: pl.String for key in keys}, "removed": pl.Int64, "decided": pl.Int64, "pending": pl.Int64,
              **{name: pl.Float64 for name in EXPECTED_COLUMNS}}
    rows = []
    for group, mine in items.group_by(keys, maintain_order=True):
        status = mine.get_column("status")
        removed = int((status == "removed").sum())
        decided = int(status.is_in(["removed", "rejected", "restored"]).sum())
        pending = mine.filter(status.is_in(list(PENDING_STATUSES))).get_column("probability")
        row = {**dict(zip(keys, group, strict=True)), "removed": removed, "decided": decided, "pending": pending.len(),
               **dict.fromkeys(EXPECTED_COLUMNS)}
        if pending.null_count() == 0:
            rate = expected_takedown_rate(removed, decided, pending.to_numpy(), level)
            row.update(zip(EXPECTED_COLUMNS, (rate.expected_takedown_rate, rate.takedown_rate_low,
                                              rate.takedown_rate_high), strict=True))
        rows.append(row)
    return pl.DataFrame(rows, schema=schema).sort(keys)


def with_expected_takedown_rate(projection, window_items, probabilities, by=("account",),
                                level: float = INTERVAL_LEVEL):
    """`projection` (metrics.projection.good_faith_projection's rows per `by`) with EXPECTED_COLUMNS
    beside its best and worst case: expected_takedown_rates of the same window items."""
    rates = expected_takedown_rates(window_items, probabilities, by, level).select(*by, *EXPECTED_COLUMNS)
    return projection.join(rates, on=list(by), how="left", maintain_order="left")
