"""The high-risk backlog ranked by what filing each listing is expected to remove (issue 21).

Each listing of the backlog (metrics.queues.high_risk_backlog) is filed, as of T, the way the team
files (prediction/backlog_filings: the account, reason and right it most often cites for that brand
and infringement type), and under each other right of its brand. The model of T
(registry.training_for) gives each filing its probability of ending removed, from the same
features as any complaint item (prediction/filing_features, known_at = T). Then:

- expected_value_removed_usd = probability x value_usd (the listing's price x units sold in USD);
  the backlog is ranked by it, largest first, and then in its risk order (risk_rank) where it is
  null (no model, no value, or a brand the team never filed on);
- likely_rejected: the cited right's probability is below Settings.backlog_likely_rejected_below;
- better_*: the other right of the brand with the highest probability, when it beats the cited
  one's by at least Settings.backlog_better_right_margin (none otherwise).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.prediction.features import ACCOUNT_WINDOW, filing_features
from takedown.prediction.model import Training
from takedown.sql import load_query

_BACKLOG_LISTINGS = "backlog_listings"
_LISTING_COLUMNS = {"listing_number": pl.Int64(), "platform": pl.String(), "listing_id": pl.String(),
                    "seller_id": pl.String(), "brand": pl.String(), "infringement_type": pl.String()}
# The columns the prediction adds to the backlog, after its own.
PREDICTED_COLUMNS = {
    "account": pl.String(), "reason": pl.String(), "ipr_type": pl.String(), "ipr_registration": pl.String(),
    "probability": pl.Float64(), "expected_value_removed_usd": pl.Float64(), "likely_rejected": pl.Boolean(),
    "better_ipr_registration": pl.String(), "better_ipr_type": pl.String(), "better_reason": pl.String(),
    "better_probability": pl.Float64(),
}


def backlog_filings(con: duckdb.DuckDBPyConnection, backlog: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """prediction/backlog_filings of `backlog`'s listings: choice (cited / alternative),
    listing_number (the listing's row in `backlog`) and a filing (features.FILING_SCHEMA) each."""
    listings = (backlog.with_row_index("listing_number").with_columns(pl.col("listing_number").cast(pl.Int64))
                .select(list(_LISTING_COLUMNS)).cast(_LISTING_COLUMNS))  # type: ignore[arg-type]
    cursor = con.cursor()
    try:
        cursor.register(_BACKLOG_LISTINGS, listings.to_arrow())
        filings = cursor.execute(load_query("prediction/backlog_filings"),
                                 {"as_of": as_of, "account_window": ACCOUNT_WINDOW}).pl()
    finally:
        cursor.close()
    return filings.with_row_index("item_id").with_columns(pl.col("item_id").cast(pl.Int64),
                                                          pl.col("submitted_at", "known_at", "window_start")
                                                          .cast(pl.Datetime("us")))


def predicted_backlog(con: duckdb.DuckDBPyConnection, backlog: pl.DataFrame, as_of: dt.datetime,
                      training: Training, settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """`backlog` (high_risk_backlog's frame) re-ranked by expected value removed, with PREDICTED_COLUMNS.

    Its rank becomes risk_rank; rank is the new order. Without a model (training.model None) the
    probabilities are null and the order is the risk order.
    """
    filings = backlog_filings(con, backlog, as_of)
    if training.model is None or filings.height == 0:
        probability = pl.Series("probability", [None] * filings.height, dtype=pl.Float64)
    else:
        features = filing_features(con, as_of, filings)
        probability = pl.Series("probability", training.model.probabilities(features), dtype=pl.Float64)
    scored = filings.with_columns(probability)
    cited = scored.filter(pl.col("choice") == "cited").select(
        "listing_number", "account", "reason", "ipr_type", "ipr_registration", "probability")
    better = (scored.filter(pl.col("choice") == "alternative")
              .sort(["listing_number", "probability", "ipr_registration"], descending=[False, True, False],
                    nulls_last=True)
              .group_by("listing_number", maintain_order=True).first()
              .select("listing_number", pl.col("ipr_registration").alias("better_ipr_registration"),
                      pl.col("ipr_type").alias("better_ipr_type"), pl.col("reason").alias("better_reason"),
                      pl.col("probability").alias("better_probability")))
    numbered = backlog.rename({"rank": "risk_rank"}).with_row_index("listing_number").with_columns(
        pl.col("listing_number").cast(pl.Int64))
    joined = (numbered.join(cited, on="listing_number", how="left")
              .join(better, on="listing_number", how="left"))
    beats = pl.col("better_probability") >= pl.col("probability") + settings.backlog_better_right_margin
    ranked = joined.with_columns(
        (pl.col("probability") * pl.col("value_usd")).alias("expected_value_removed_usd"),
        (pl.col("probability") < settings.backlog_likely_rejected_below).alias("likely_rejected"),
        *(pl.when(beats).then(pl.col(name)).alias(name)
          for name in ("better_ipr_registration", "better_ipr_type", "better_reason", "better_probability")),
    ).sort(["expected_value_removed_usd", "risk_rank"], descending=[True, False], nulls_last=True)
    ranked = ranked.drop("listing_number").with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))
    return ranked.select("rank", *(name for name in backlog.columns if name != "rank"), "risk_rank",
                         *PREDICTED_COLUMNS).cast(PREDICTED_COLUMNS)  # type: ignore[arg-type]


def only_likely_rejected(backlog: pl.DataFrame) -> pl.DataFrame:
    """The listings of a predicted backlog whose cited right is likely to be rejected."""
    return backlog.filter(pl.col("likely_rejected").fill_null(False))
