"""The trailing-window peer statistics (metrics/price_windows.py) against a brute-force window per listing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from takedown.metrics.price_windows import trailing_peer_statistics

WINDOW = dt.timedelta(days=180)


def test_every_listings_figures_equal_those_of_its_own_window_counted_by_hand():
    rng = np.random.default_rng(0)
    count = 600
    start = dt.datetime(2026, 1, 1)
    # Few distinct prices (ties, MAD 0 in places), unpriced listings, listings detected together.
    points = pl.DataFrame({
        "group": rng.choice(["a", "b"], count),
        "anchor_at": [start + dt.timedelta(hours=int(hours)) for hours in rng.integers(0, 24 * 400, count)],
        "price_usd": rng.choice([10.0, 20.0, 20.0, 20.0, 20.0, 30.5, None, 7.25], count),
    }, strict=False)
    statistics = trailing_peer_statistics(points, ["group"], WINDOW, min_peers=20)
    assert statistics.height == count
    checked_fallback = 0
    for index in range(count):
        group, anchor = points["group"][index], points["anchor_at"][index]
        window = (points.filter((pl.col("group") == group) & (pl.col("anchor_at") > anchor - WINDOW)
                                & (pl.col("anchor_at") <= anchor))
                  .get_column("price_usd").drop_nulls().to_numpy())
        row = statistics.row(index, named=True)
        assert row["peer_count"] == len(window)
        if len(window) == 0:
            assert row["peer_median_usd"] is None and row["peer_mad_usd"] is None
            continue
        median = np.median(window)
        mad = np.median(np.abs(window - median))
        assert row["peer_mean_usd"] == pytest.approx(window.mean())
        assert row["peer_median_usd"] == pytest.approx(median) and row["peer_mad_usd"] == pytest.approx(mad)
        if mad == 0 and len(window) >= 20:
            checked_fallback += 1
            assert row["peer_mean_absolute_deviation_usd"] == pytest.approx(np.abs(window - window.mean()).mean())
        else:
            assert row["peer_mean_absolute_deviation_usd"] is None
    assert checked_fallback > 10


def test_a_peer_detected_exactly_one_window_earlier_has_left_it():
    at = dt.datetime(2026, 9, 1)
    points = pl.DataFrame({"group": ["g"] * 3, "anchor_at": [at - WINDOW, at - WINDOW + dt.timedelta(seconds=1), at],
                           "price_usd": [100.0, 50.0, 10.0]})
    statistics = trailing_peer_statistics(points, ["group"], WINDOW, min_peers=20)
    # The last listing's window (at - 180 days, at] holds the second and itself: median 30, MAD 20.
    assert statistics.row(2, named=True)["peer_count"] == 2
    assert statistics.row(2, named=True)["peer_median_usd"] == 30.0 and statistics.row(2, named=True)["peer_mad_usd"] == 20.0


def test_the_wanted_rows_get_the_figures_of_the_whole_computation_and_the_others_none():
    rng = np.random.default_rng(1)
    count = 500
    start = dt.datetime(2026, 1, 1)
    points = pl.DataFrame({
        "group": rng.choice(["a", "b", "c"], count),
        "anchor_at": [start + dt.timedelta(hours=int(hours)) for hours in rng.integers(0, 24 * 400, count)],
        "price_usd": rng.choice([10.0, 20.0, 25.0, 30.5, None, 7.25], count),
    }, strict=False)
    # Sparse wanted rows (the window jumps past values never added), none of group c.
    wanted = pl.Series((rng.random(count) < 0.05) & (points["group"] != "c").to_numpy())
    whole = trailing_peer_statistics(points, ["group"], WINDOW, min_peers=20)
    part = trailing_peer_statistics(points, ["group"], WINDOW, min_peers=20, wanted=wanted)
    assert part.height == count and wanted.sum() > 10
    assert part.filter(wanted).equals(whole.filter(wanted))
    assert part.filter(~wanted).null_count().row(0) == (count - wanted.sum(),) * part.width
