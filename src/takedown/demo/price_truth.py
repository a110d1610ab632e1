"""How well the abnormal-price flag finds the demo's counterfeits, which the generator knows.

The demo prices every `counterfeit` listing 15-50% below the genuine price on its platform and
every other listing near it (takedown.demo.listings), so a listing's infringement_type is the
truth the flag (takedown.metrics.prices) is measured against. benchmarks/check_prices.py prints it.
"""

from __future__ import annotations

import polars as pl

TOTAL = "all"


def price_flag_accuracy(flags: pl.DataFrame, listings: pl.DataFrame) -> pl.DataFrame:
    """Per platform (and `all`): the flag's confusion against the truth and its precision and recall.

    `flags`: metrics.prices.price_flags or price_flags_at_detection; `listings`: platform,
    listing_id and infringement_type of the same store. Columns: platform, listings, judged
    (abnormal_price not null), counterfeits (judged ones), flagged, true_positives, precision
    (true positives / flagged, null when none flagged), recall (true positives / judged
    counterfeits, null when none) and recall_all (over every counterfeit, judged or not).
    """
    joined = flags.join(listings.select("platform", "listing_id", (pl.col("infringement_type").cast(pl.String)
                                                                   == "counterfeit").alias("counterfeit")),
                        on=["platform", "listing_id"], how="inner")
    judged = pl.col("abnormal_price").is_not_null()
    figures = [
        pl.len().alias("listings"),
        judged.sum().alias("judged"),
        (judged & pl.col("counterfeit")).sum().alias("counterfeits"),
        pl.col("counterfeit").sum().alias("all_counterfeits"),
        pl.col("abnormal_price").fill_null(False).sum().alias("flagged"),
        (pl.col("abnormal_price").fill_null(False) & pl.col("counterfeit")).sum().alias("true_positives"),
    ]
    table = pl.concat([
        joined.group_by("platform").agg(figures).sort("platform"),
        joined.select(pl.lit(TOTAL).alias("platform"), *figures),
    ])
    ratio = (lambda numerator, denominator:  # noqa: E731 - three uses, one rule: null over 0
             pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator)))
    return table.with_columns(ratio("true_positives", "flagged").alias("precision"),
                              ratio("true_positives", "counterfeits").alias("recall"),
                              ratio("true_positives", "all_counterfeits").alias("recall_all")
                              ).drop("all_counterfeits")
