"""Listing values in US dollars: price x units_sold x the month's rate (SPEC section 3, value_removed_usd),
and unit prices in US dollars (the abnormal-price flag, metrics/prices.py).

The rate is the one of the calendar month, in UTC, of the instant that prices the value (an item's
submitted_at; a backlog listing's detected_at): the store keeps UTC, and the USD value of an item
must not change with the report's time zone. US dollars need no rate. A price without units,
units without a price, or a currency without a rate that month gives no value (null), never 0.
"""

from __future__ import annotations

import polars as pl

_RATE_MONTH = "_rate_month"


def check_exchange_rates(rates: pl.DataFrame) -> pl.DataFrame:
    """The rate table unchanged, or a ValueError naming a duplicated (month, currency) or a rate <= 0."""
    duplicated = rates.filter(pl.struct("month", "currency").is_duplicated())
    if duplicated.height:
        first = duplicated.row(0, named=True)
        raise ValueError(f"the exchange-rate table lists {first['currency']} for {first['month']:%Y-%m} more than once")
    not_positive = rates.filter(pl.col("usd_per_unit") <= 0)
    if not_positive.height:
        first = not_positive.row(0, named=True)
        raise ValueError(f"the exchange-rate table has a rate <= 0 for {first['currency']} in {first['month']:%Y-%m}")
    return rates


def with_value_usd(frame: pl.DataFrame, rates: pl.DataFrame, priced_at: str, alias: str = "value_usd") -> pl.DataFrame:
    """`frame` (with price, currency, units_sold and the column `priced_at`) plus its value in US dollars.

    The new column `alias` is null when the price, the units or the month's rate is missing.
    """
    return (with_price_usd(frame, rates, priced_at, alias)
            .with_columns((pl.col(alias) * pl.col("units_sold")).alias(alias)))


def with_price_usd(frame: pl.DataFrame, rates: pl.DataFrame, priced_at: str, alias: str = "price_usd") -> pl.DataFrame:
    """`frame` (with price, currency and the column `priced_at`) plus its unit price in US dollars.

    The new column `alias` is null when the price or the month's rate is missing.
    """
    # The frame's currency may be a categorical (the loader's) or a string (a hand-made frame).
    month_rates = rates.select(pl.col("month").alias(_RATE_MONTH), pl.col("currency").cast(frame.schema["currency"]),
                               "usd_per_unit")
    usd_per_unit = (pl.when(pl.col("currency") == "USD").then(pl.lit(1.0))
                    .otherwise(pl.col("usd_per_unit")))
    return (
        frame.with_columns(pl.col(priced_at).dt.truncate("1mo").cast(pl.Date).alias(_RATE_MONTH))
        .join(month_rates, on=[_RATE_MONTH, "currency"], how="left", maintain_order="left")
        .with_columns((pl.col("price") * usd_per_unit).alias(alias))
        .drop(_RATE_MONTH, "usd_per_unit")
    )
