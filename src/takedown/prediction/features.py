"""Features of a complaint item at filing time: the one definition (queries/prediction/filing_features.sql).

Everything is computed as of the item's `known_at` = least(submitted_at, T): the store's joins and
running totals in DuckDB (cumulative window sums over the seller's and the account's event streams), the title's
words here in Polars. No feature reads anything dated after known_at: see the SQL file's header for
the rule per source, and tests/prediction/test_features.py for the test that proves it.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from takedown.metrics.filters import Filters
from takedown.sql import load_query

# The account's recent takedown rate for a reason looks back this far (issue 21: "recent").
ACCOUNT_WINDOW = dt.timedelta(days=90)
# DuckDB's memory while features load (metrics.snapshot.bounded_memory): unbounded, the join of every
# outcome event with its item that the seller and account histories start from held 3.4 GB at 10M
# items; at 1GB it spilled and took 64.7 s of CPU instead of 51.5, peak 1.8 GB, but the blocks it
# kept cached then stayed beside the price windows' frames (the process peaked at 4.25 GB).
FEATURES_MEMORY_LIMIT = "512MB"
# Outcome events that decide an item for the label (SPEC 3: takedown_rate's divisor).
DECIDED_STATUSES = ("removed", "rejected", "restored")
# A filing: what prediction/filing_features describes (a complaint item, or one the backlog would get).
FILING_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(), "complaint_id": pl.String(), "listing_id": pl.String(), "platform": pl.String(),
    "seller_id": pl.String(), "enforcement_type": pl.String(), "ipr_type": pl.String(),
    "ipr_registration": pl.String(), "reason": pl.String(), "account": pl.String(),
    "submitted_at": pl.Datetime("us"), "known_at": pl.Datetime("us"), "window_start": pl.Datetime("us"),
}
_FILINGS = "filings"
# Bounds that hold every item when the caller gives none.
_EARLIEST = dt.datetime(1970, 1, 1)
_LATEST = dt.datetime(3000, 1, 1)

# The model's inputs, by kind (the frame also carries keys, times, title and status).
CATEGORICAL_FEATURES = ("platform", "account", "reason", "ipr_type", "enforcement_type", "brand", "right_status")
NUMERIC_FEATURES = ("right_expired", "right_days_to_expiry", "seller_removals", "seller_rejections",
                    "seller_restorations", "seller_counter_notices", "seller_decided",
                    "seller_removal_share", "account_reason_removals_90d", "account_reason_failures_90d",
                    "account_reason_rate_90d", "price_usd", "price_robust_z", "price_to_peer_median",
                    "abnormal_price")
# A title word: a run of Latin letters or digits, or up to two Chinese characters at a time.
_WORD = r"[a-z0-9]+|\p{Han}{1,2}"


def title_words(titles: pl.Expr) -> pl.Expr:
    """The distinct words of each title (lower-cased; an empty list when there is no title)."""
    return titles.str.to_lowercase().str.extract_all(_WORD).list.unique().fill_null([])


def load_filing_features(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                         since: dt.datetime | None = None, until: dt.datetime | None = None,
                         filters: Filters = Filters()) -> pl.DataFrame:
    """One row per complaint item submitted in [since, until) that matches `filters`, with its filing
    features as known at least(submitted_at, as_of), its title's words (`words`), and its `status`
    at as_of (null for an item submitted after as_of).

    Columns: item_id, complaint_id, listing_id, submitted_at, known_at, CATEGORICAL_FEATURES,
    NUMERIC_FEATURES, title, price, currency, words, status.
    """
    from takedown.config import DEFAULT_SETTINGS
    from takedown.metrics.inputs import load_item_milestones
    from takedown.metrics.snapshot import bounded_memory
    from takedown.metrics.status import status_of_last_event

    params = {"as_of": as_of, "since": since or _EARLIEST, "until": until or _LATEST,
              "account_window": ACCOUNT_WINDOW, **filters.parameters()}
    with bounded_memory(con, FEATURES_MEMORY_LIMIT):
        filings = con.execute(load_query("prediction/filed_items"), params).pl()
        frame = _filing_features(con, as_of, filings)  # within this block's memory bound already
        known = frame.filter(pl.col("submitted_at") <= as_of).select("item_id", "complaint_id", "listing_id")
        statuses = load_item_milestones(con, known, as_of, DEFAULT_SETTINGS.response_window_hours, status_only=True)
    status = (known.select("item_id")
              .join(statuses, on="item_id", how="left")
              .select("item_id", status_of_last_event(pl.col("last_event")).cast(pl.String).alias("status")))
    return frame.join(status, on="item_id", how="left", maintain_order="left").sort("submitted_at", "item_id")


def filing_features(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filings: pl.DataFrame) -> pl.DataFrame:
    """The features of each filing of `filings` (FILING_SCHEMA's columns: complaint items of
    prediction/filed_items, or the complaints the backlog would file, prediction/backlog_filings)
    as known at its known_at, with its title's words; in `filings`' order.

    Columns: item_id, complaint_id, listing_id, submitted_at, known_at, CATEGORICAL_FEATURES,
    NUMERIC_FEATURES, title, price, currency, words.
    """
    from takedown.metrics.snapshot import bounded_memory

    with bounded_memory(con, FEATURES_MEMORY_LIMIT):
        return _filing_features(con, as_of, filings)


def _filing_features(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filings: pl.DataFrame) -> pl.DataFrame:
    cursor = con.cursor()
    try:
        cursor.register(_FILINGS, filings.select(list(FILING_SCHEMA)).cast(FILING_SCHEMA).to_arrow())  # type: ignore[arg-type]
        raw = cursor.execute(load_query("prediction/filing_features"), {"as_of": as_of}).pl()
    finally:
        cursor.close()
    frame = raw.with_columns(
        pl.col("item_id").cast(pl.Int64),
        pl.col("submitted_at", "known_at").cast(pl.Datetime("us")),
        pl.col("right_expired").cast(pl.Float64),
        pl.col("right_days_to_expiry", "seller_removals", "seller_rejections", "seller_restorations",
               "seller_counter_notices", "account_reason_removals_90d", "account_reason_failures_90d")
        .cast(pl.Float64),
    ).with_columns(
        (pl.col("seller_removals") + pl.col("seller_rejections")).alias("seller_decided"),
        _share(pl.col("seller_removals") - pl.col("seller_restorations"),
               pl.col("seller_removals") + pl.col("seller_rejections")).alias("seller_removal_share"),
        _share(pl.col("account_reason_removals_90d"),
               pl.col("account_reason_removals_90d") + pl.col("account_reason_failures_90d"))
        .alias("account_reason_rate_90d"),
        title_words(pl.col("title")).alias("words"),
    )
    frame = _with_price_features(con, frame)
    order = filings.select(pl.col("item_id").cast(pl.Int64)).with_row_index("_order")
    return frame.join(order, on="item_id", how="left").sort("_order").drop("_order")


def _with_price_features(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame:
    """The listing's price against its category as known at its detection (metrics.prices, the one
    rule): price_usd, price_robust_z, price_to_peer_median, abnormal_price (1/0; null when unknown).
    Only for items whose listing was known at known_at (its brand is then set): the peers it was
    compared with were detected by then too."""
    from takedown.metrics.inputs import read_exchange_rates
    from takedown.metrics.prices import price_flags_at_detection

    known_listings = frame.filter(pl.col("brand").is_not_null()).select("platform", "listing_id").unique()
    flags = price_flags_at_detection(con, read_exchange_rates(), known_listings).select(
        "platform", "listing_id", "price_usd", pl.col("robust_z").alias("price_robust_z"),
        (pl.col("price_usd") / pl.col("peer_median_usd")).alias("price_to_peer_median"),
        pl.col("abnormal_price").cast(pl.Float64))
    listed = pl.col("brand").is_not_null()
    joined = frame.join(flags, on=["platform", "listing_id"], how="left", maintain_order="left")
    return joined.with_columns(pl.when(listed).then(pl.col(name)).alias(name)
                               for name in ("price_usd", "price_robust_z", "price_to_peer_median", "abnormal_price"))


def _share(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """part / whole, null when whole is 0 (no history is not a rate of 0)."""
    return pl.when(whole > 0).then(part / whole).otherwise(None)


def decided_label(status: pl.Expr) -> pl.Expr:
    """1 when the status is removed, 0 when rejected or restored, null otherwise (not decided)."""
    return (pl.when(status == "removed").then(1)
            .when(status.is_in(["rejected", "restored"])).then(0)
            .otherwise(None).cast(pl.Int8))
