"""Abnormal prices: a listing priced far below its peers (issue 21; metric dictionary, "abnormal_price").

A listing's peers are the priced listings of its peer group detected over the trailing window
(Settings.abnormal_price_window_days) before a time t: detected_at in (t - window, t]. The peer
group is the platform and the export's category column where the listing has one, else the
platform, brand and product line (the export's `product_line` column; none: the brand as a whole).
Prices are compared in US dollars at the rate of the month of the listing's detected_at
(exchange_rates.with_price_usd); a price whose month has no rate is unknown, never 0.

The rule (flag_prices, one definition): with at least abnormal_price_min_peers peers, a price is
abnormal when it is below abnormal_price_mean_share x the peers' mean (Corsearch's published
rule) or when its robust z-score 0.6745 (x - median) / MAD is below abnormal_price_robust_z
(Iglewicz and Hoaglin). When the MAD is 0 the z-score uses the mean absolute deviation instead,
(x - median) / (1.253314 MeanAD); when that is 0 too, only the half-mean rule applies.

Two ways to choose t, one rule: price_flags (every listing known at `as_of` against the peers of
the window ending at `as_of`: the backlog, listing rows) and price_flags_at_detection (each
listing against the peers known when it was detected: what a prediction may use for a complaint
filed after the detection, with nothing from later).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.exchange_rates import with_price_usd
from takedown.metrics.periods import LATEST
from takedown.metrics.price_windows import trailing_peer_statistics
from takedown.sql import load_query

# Iglewicz and Hoaglin's modified z-score: 0.6745 is the 75th percentile of the standard normal,
# making the MAD a consistent estimate of the standard deviation for normal data ...
MAD_SCALE = 0.6745
# ... and 1.253314 (sqrt(pi / 2)) does the same for the mean absolute deviation (IBM SPSS's fallback).
MEAN_ABSOLUTE_DEVIATION_SCALE = 1.253314

REASON_HALF_MEAN = "below_share_of_peer_mean"
REASON_ROBUST_Z = "robust_z"

PRICE_FLAG_SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(), "listing_id": pl.String(), "price_usd": pl.Float64(), "peer_count": pl.Int64(),
    "peer_median_usd": pl.Float64(), "peer_mean_usd": pl.Float64(), "robust_z": pl.Float64(),
    "abnormal_price": pl.Boolean(), "abnormal_reason": pl.String(),
}
_PEER_GROUP = ("platform", "category_group", "brand_group", "product_line_group")
_STATISTICS = ("peer_count", "peer_mean_usd", "peer_median_usd", "peer_mad_usd", "peer_mean_absolute_deviation_usd")
_POINTS = "price_points"


def price_flags(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, rates: pl.DataFrame,
                listing_keys: pl.DataFrame | None = None, settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """Every listing detected by `as_of` (naive UTC) against its peers of the window ending at `as_of`.

    `listing_keys` (platform, listing_id): only these listings (None: all). `rates`:
    inputs.read_exchange_rates. Columns: PRICE_FLAG_SCHEMA; abnormal_price is null when the price
    in USD is unknown or the listing has fewer than abnormal_price_min_peers peers.
    """
    listings = _listing_prices(con, rates, as_of)
    group_statistics = _run(con, "metrics/listing_price_peer_groups",
                            listings.select(*_PEER_GROUP, "anchor_at", "price_usd"), {
        "as_of": as_of, "window_days": settings.abnormal_price_window_days})
    flagged = listings.join(group_statistics, on=list(_PEER_GROUP), how="left", nulls_equal=True,
                            maintain_order="left")
    return _selected(flag_prices(flagged, settings), listing_keys)


def price_flags_at_detection(con: duckdb.DuckDBPyConnection, rates: pl.DataFrame,
                             listing_keys: pl.DataFrame | None = None,
                             settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """Every listing against its peers of the window ending at its own detected_at: peers detected
    after it are unknown to it, so the flag holds nothing from later than the detection.

    Same arguments (without as_of) and columns as price_flags, plus detected_at.
    """
    listings = _listing_prices(con, rates, None)
    # Only the asked listings' windows are computed (all of them still serve as peers).
    wanted = None if listing_keys is None else _selected(
        listings.select("platform", "listing_id", pl.int_range(pl.len()).alias("_index")), listing_keys
    ).get_column("_index")
    mask = None if wanted is None else pl.Series(np.isin(np.arange(listings.height), wanted.to_numpy()))
    statistics = trailing_peer_statistics(listings.select(*_PEER_GROUP, "anchor_at", "price_usd"), list(_PEER_GROUP),
                                          dt.timedelta(days=settings.abnormal_price_window_days),
                                          settings.abnormal_price_min_peers, mask)
    flagged = pl.concat([listings, statistics.select(_STATISTICS)], how="horizontal")
    if mask is not None:  # the rule is row by row: only the asked rows (at 10M items, 1M of 8M listings)
        flagged = flagged.filter(mask)
    return _selected(flag_prices(flagged, settings).with_columns(flagged.get_column("detected_at")), listing_keys)


def flag_prices(frame: pl.DataFrame, settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """The abnormal-price rule over `frame` (price_usd and the peer statistics of _STATISTICS):
    robust_z, abnormal_price and abnormal_reason ("below_share_of_peer_mean", "robust_z", or both
    joined by ", "; null when not abnormal), with the columns of PRICE_FLAG_SCHEMA."""
    price = pl.col("price_usd")
    mad = pl.col("peer_mad_usd")
    mean_deviation = pl.col("peer_mean_absolute_deviation_usd")
    robust_z = (pl.when(mad > 0).then(MAD_SCALE * (price - pl.col("peer_median_usd")) / mad)
                .when(mean_deviation > 0)
                .then((price - pl.col("peer_median_usd")) / (MEAN_ABSOLUTE_DEVIATION_SCALE * mean_deviation)))
    known = price.is_not_null() & (pl.col("peer_count") >= settings.abnormal_price_min_peers)
    below_mean = price < settings.abnormal_price_mean_share * pl.col("peer_mean_usd")
    # A null z-score (both deviations 0) leaves only the half-mean rule.
    below_z = (pl.col("robust_z") < settings.abnormal_price_robust_z).fill_null(False)
    reasons = pl.concat_list(pl.when(below_mean).then(pl.lit(REASON_HALF_MEAN)),
                             pl.when(below_z).then(pl.lit(REASON_ROBUST_Z))).list.drop_nulls()
    return (frame.with_columns(pl.when(known).then(robust_z).alias("robust_z"))
            .with_columns(pl.when(known).then(below_mean | below_z).alias("abnormal_price"),
                          pl.when(known & (below_mean | below_z)).then(reasons.list.join(", "))
                          .alias("abnormal_reason"))
            .select(list(PRICE_FLAG_SCHEMA))
            .cast(PRICE_FLAG_SCHEMA))  # type: ignore[arg-type]


def _listing_prices(con: duckdb.DuckDBPyConnection, rates: pl.DataFrame, as_of: dt.datetime | None) -> pl.DataFrame:
    """metrics/listing_prices with price_usd, the peer group's columns and anchor_at (detected_at)."""
    # Peers are every listing of the store: no platform, brand or scope filter.
    # execute, not sql(params=...): DuckDB 1.5.5's relation took 37.6 s of CPU for the 8M listings of
    # the 10M-item store, execute 5.3 s (peak 2.7 GB against 1.9), the same frame.
    listings = con.execute(load_query("metrics/listing_prices"), {
        "as_of": LATEST if as_of is None else as_of, "platform": None, "brand": None, "brands": None}).pl()
    listings = with_price_usd(listings, rates, "detected_at")
    by_category = pl.col("category").is_not_null()
    return listings.with_columns(
        pl.col("category").alias("category_group"),
        pl.when(~by_category).then(pl.col("brand")).alias("brand_group"),
        pl.when(~by_category).then(pl.col("product_line")).alias("product_line_group"),
        pl.col("detected_at").cast(pl.Datetime("us")).alias("anchor_at"),
    )


def _run(con: duckdb.DuckDBPyConnection, name: str, points: pl.DataFrame, params: dict[str, object]) -> pl.DataFrame:
    """The query `name` over `points` registered as price_points (on a cursor of its own)."""
    cursor = con.cursor()
    try:
        cursor.register(_POINTS, points.to_arrow())
        return cursor.execute(load_query(name), params).pl()
    finally:
        cursor.close()


def _selected(flags: pl.DataFrame, listing_keys: pl.DataFrame | None) -> pl.DataFrame:
    if listing_keys is None:
        return flags
    keys = listing_keys.select(pl.col("platform").cast(pl.String), pl.col("listing_id").cast(pl.String)).unique()
    return flags.join(keys, on=["platform", "listing_id"], how="semi", maintain_order="left")


def with_abnormal_price(frame: pl.DataFrame, flags: pl.DataFrame | None) -> pl.DataFrame:
    """`frame` (with platform and listing_id) plus its listing's abnormal_price from `flags`
    (price_flags' frame; None, or a listing it does not hold: null, unknown)."""
    if flags is None:
        return frame.with_columns(pl.lit(None, pl.Boolean).alias("abnormal_price"))
    key = ["_flag_platform", "_flag_listing_id"]
    flag_of_listing = flags.select(pl.col("platform").cast(pl.String).alias(key[0]),
                                   pl.col("listing_id").cast(pl.String).alias(key[1]), "abnormal_price")
    return (frame.drop("abnormal_price", strict=False)
            .with_columns(pl.col("platform").cast(pl.String).alias(key[0]),
                          pl.col("listing_id").cast(pl.String).alias(key[1]))
            .join(flag_of_listing, on=key, how="left", maintain_order="left")
            .drop(key))


def only_abnormal_prices(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of `frame` whose abnormal_price is true (an unknown flag is not abnormal)."""
    return frame.filter(pl.col("abnormal_price").fill_null(False))
