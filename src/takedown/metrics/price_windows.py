"""Each listing's peer statistics over the trailing window ending at its own detection (the abnormal-price
flag as known at detection: prices.price_flags_at_detection).

A listing's peers are the priced listings of its peer group detected in (anchor_at - window, anchor_at]
(itself and any detected at the same instant included): the one peer rule of metrics/prices.py, the
same as metrics/listing_price_peer_groups.sql gives a listing detected at T. A window per listing in
SQL (DuckDB's windowed median and MAD) costs O(listings x peers): minutes at 1M listings with 16k
peers in a window. Here each group's peers are sorted by time once, so a listing's window is a
contiguous slice found by binary search, the count and mean come from prefix sums, and the median
and the MAD from one sorted buffer that slides with the windows (they only move forward): the
median by position, the MAD as the middle of the deviations from it, which are the merge of two
sorted runs (below and above the median) and so found by bisection in O(log peers).
Quantiles interpolate as DuckDB's median does for an even count (lo + (hi - lo) / 2).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort

import numpy as np
import polars as pl

STATISTIC_SCHEMA = {"peer_count": pl.Int64(), "peer_mean_usd": pl.Float64(), "peer_median_usd": pl.Float64(),
                    "peer_mad_usd": pl.Float64(), "peer_mean_absolute_deviation_usd": pl.Float64()}


def trailing_peer_statistics(points: pl.DataFrame, group: list[str], window: dt.timedelta,
                             min_peers: int, wanted: pl.Series | None = None) -> pl.DataFrame:
    """Per row of `points` (the `group` columns, anchor_at, price_usd; null price: not a peer), in the
    rows' order: STATISTIC_SCHEMA's figures over its peers. The mean absolute deviation (around the
    mean) is computed only where the MAD is 0 and there are at least `min_peers` peers (the rule's
    only use of it); the other figures are null without peers. `wanted` (booleans, one per row;
    None: all): the figures of the other rows are left null, and a group without a wanted row is
    skipped (a month's listings need only their own groups' windows)."""
    numbered = points.with_row_index("_row").with_columns(
        pl.col("anchor_at").cast(pl.Datetime("us")),
        (pl.lit(True) if wanted is None else pl.Series(wanted).fill_null(False)).alias("_wanted"))
    parts = [pl.DataFrame(schema={"_row": pl.UInt32(), **STATISTIC_SCHEMA})]
    for _, rows in numbered.group_by(group, maintain_order=True):
        if rows.get_column("_wanted").any():
            parts.append(_group_statistics(rows, window, min_peers))
    computed = pl.concat(parts, how="diagonal_relaxed")
    return (numbered.select("_row").join(computed, on="_row", how="left", maintain_order="left")
            .select(list(STATISTIC_SCHEMA)).cast(STATISTIC_SCHEMA))  # type: ignore[arg-type]


def _group_statistics(rows: pl.DataFrame, window: dt.timedelta, min_peers: int) -> pl.DataFrame:
    rows = rows.sort("anchor_at")
    priced = rows.filter(pl.col("price_usd").is_not_null())
    peer_times = priced.get_column("anchor_at").to_numpy().astype("datetime64[us]").astype(np.int64)
    peer_values = priced.get_column("price_usd").to_numpy().astype(np.float64)
    times = rows.get_column("anchor_at").to_numpy().astype("datetime64[us]").astype(np.int64)
    width = int(window / dt.timedelta(microseconds=1))
    # Window of row i: peers [first[i], last[i]) = detected in (t - window, t].
    last = np.searchsorted(peer_times, times, side="right")
    first = np.searchsorted(peer_times, times - width, side="right")
    count = last - first
    sums = np.concatenate([[0.0], np.cumsum(peer_values)])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, (sums[last] - sums[first]) / np.maximum(count, 1), np.nan)
    wanted = rows.get_column("_wanted").to_numpy()
    mean = np.where(wanted, mean, np.nan)
    median, mad = _sliding_median_and_mad(peer_values, first, last, wanted)
    mean_deviation = np.full(len(rows), np.nan)
    for index in np.flatnonzero((mad == 0) & (count >= min_peers) & wanted):
        mean_deviation[index] = np.abs(peer_values[first[index]:last[index]] - mean[index]).mean()
    return pl.DataFrame({
        "_row": rows.get_column("_row"), "peer_count": np.where(wanted, count, -1).astype(np.int64),
        "peer_mean_usd": mean, "peer_median_usd": median, "peer_mad_usd": mad,
        "peer_mean_absolute_deviation_usd": mean_deviation,
    }).with_columns(*(pl.col(name).fill_nan(None) for name in ("peer_mean_usd", "peer_median_usd", "peer_mad_usd",
                                                                "peer_mean_absolute_deviation_usd")),
                    pl.when(pl.col("peer_count") >= 0).then(pl.col("peer_count")).alias("peer_count"))


def _sliding_median_and_mad(values: np.ndarray, first: np.ndarray, last: np.ndarray,
                            wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and MAD of values[first[i]:last[i]] for each wanted i (first and last never decrease;
    NaN when empty or not wanted)."""
    size = len(first)
    median = np.full(size, np.nan)
    mad = np.full(size, np.nan)
    window: list[float] = []  # values[removed:added], sorted
    added = removed = 0
    previous, previous_index = (-1, -1), -1
    value_list = values.tolist()
    first_list, last_list = first.tolist(), last.tolist()
    for index in np.flatnonzero(wanted).tolist():
        start, end = first_list[index], last_list[index]
        if (start, end) == previous:  # listings detected together share their window
            median[index], mad[index] = median[previous_index], mad[previous_index]
            continue
        previous, previous_index = (start, end), index
        if added <= start:  # the window moved past every value it held: start it afresh
            window.clear()
            added = removed = max(added, start)
        while added < end:
            insort(window, value_list[added])
            added += 1
        while removed < start:
            del window[bisect_left(window, value_list[removed])]
            removed += 1
        count = len(window)
        if count == 0:
            continue
        middle = (count - 1) // 2
        center = window[middle] if count % 2 else window[middle] + (window[middle + 1] - window[middle]) * 0.5
        median[index] = center
        below = bisect_left(window, center)  # window[:below] < center <= window[below:]
        low = _kth_deviation(window, center, below, middle)
        mad[index] = low if count % 2 else low + (_kth_deviation(window, center, below, middle + 1) - low) * 0.5
    return median, mad


def _kth_deviation(window: list[float], center: float, below: int, k: int) -> float:
    """The k-th smallest (0-based) |x - center| over the sorted `window`: the merge of the run below
    the center (center - window[below - 1 - r], ascending in r) and the run from it (window[below + r] - center)."""
    above = len(window) - below
    low, high = max(0, k + 1 - above), min(k + 1, below)
    while low < high:  # how many of the k + 1 smallest come from below
        taken = (low + high) // 2
        rest = k + 1 - taken
        if center - window[below - 1 - taken] < window[below + rest - 1] - center:
            low = taken + 1
        else:
            high = taken
    taken, rest = low, k + 1 - low
    candidates = []
    if taken > 0:
        candidates.append(center - window[below - taken])
    if rest > 0:
        candidates.append(window[below + rest - 1] - center)
    return max(candidates)
