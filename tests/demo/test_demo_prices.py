"""The demo's prices carry the truth the abnormal-price flag is measured against (issue 21)."""

from __future__ import annotations

import polars as pl
import pytest

from takedown.demo.listings import COUNTERFEIT_DISCOUNT
from takedown.demo.price_truth import price_flag_accuracy
from takedown.metrics.inputs import read_exchange_rates
from takedown.metrics.prices import price_flags, price_flags_at_detection
from takedown.store import connect_reader


def test_counterfeits_sell_15_to_50_percent_below_the_others(demo_query):
    # USD listings only (no exchange rate between the generator and the check); a listing's peers are
    # its platform, brand and exported product line; prices of at least 10 dollars (charm pricing
    # moves a price by up to 99 cents).
    prices = demo_query(
        "select platform, brand, extra ->> 'Product Line' as product_line, infringement_type = 'counterfeit'"
        " as counterfeit, cast(price as double) as price from listings where currency = 'USD'")
    assert prices["product_line"].null_count() == 0
    genuine = (prices.filter(~pl.col("counterfeit")).group_by("platform", "brand", "product_line")
               .agg(pl.col("price").median().alias("genuine")))
    ratios = (prices.filter(pl.col("counterfeit")).join(genuine, on=["platform", "brand", "product_line"])
              .filter(pl.col("genuine") >= 10).select((pl.col("price") / pl.col("genuine")).alias("ratio")))
    low, high = COUNTERFEIT_DISCOUNT
    assert ratios.height > 100
    assert ratios["ratio"].min() >= (1 - high) * 0.9 and ratios["ratio"].max() <= (1 - low) * 1.1
    assert ratios["ratio"].median() == pytest.approx(1 - (low + high) / 2, abs=0.05)


def test_retail_prices_agree_across_currencies_in_dollars(demo_db):
    # Sellers price at the month's rate of the table the metrics convert with, so a platform's markets
    # (Lazada's six currencies) show one retail price in US dollars, not one per currency.
    con = connect_reader(demo_db)
    try:
        listings = con.sql("select platform, listing_id, brand, extra ->> 'Product Line' as product_line, currency,"
                           " infringement_type from listings").pl()
        as_of = con.sql("select max(detected_at) from listings").fetchall()[0][0]
        flags = price_flags(con, as_of, read_exchange_rates())
    finally:
        con.close()
    group = ["platform", "brand", "product_line"]
    retail = (flags.join(listings, on=["platform", "listing_id"])
              .filter((pl.col("infringement_type") != "counterfeit") & pl.col("price_usd").is_not_null())
              .with_columns((pl.col("price_usd") / pl.col("price_usd").median().over(group)).alias("ratio")))
    by_currency = retail.group_by("platform", "currency").agg(pl.len().alias("listings"), pl.col("ratio").median())
    assert by_currency.filter(pl.col("platform") == "lazada").height >= 4
    for row in by_currency.filter(pl.col("listings") >= 30).iter_rows(named=True):
        assert row["ratio"] == pytest.approx(1.0, abs=0.03), row


def test_retail_prices_are_most_of_each_peer_group(demo_query):
    # The flag compares a price with its peer group's median: it means something only where most of
    # the group sells near retail, as the monitoring tools' exports show (resellers' listings nobody
    # files on). Groups of at least 50 listings (a few titles name another brand's product).
    groups = demo_query(
        "select platform, brand, extra ->> 'Product Line' as product_line, count(*) as listings,"
        " avg(cast(infringement_type <> 'counterfeit' as double)) as retail_share from listings"
        " group by all having count(*) >= 50")
    assert groups.height > 20
    assert groups["retail_share"].min() > 0.5


def test_the_flag_finds_only_counterfeits_on_the_demo(demo_db):
    con = connect_reader(demo_db)
    try:
        listings = con.sql("select platform, listing_id, infringement_type from listings").pl()
        as_of = con.sql("select max(detected_at) from listings").fetchall()[0][0]
        rates = read_exchange_rates()
        for flags in (price_flags(con, as_of, rates), price_flags_at_detection(con, rates)):
            overall = price_flag_accuracy(flags, listings).filter(pl.col("platform") == "all").row(0, named=True)
            assert overall["listings"] == listings.height and overall["judged"] > 1000
            assert overall["flagged"] > 0 and overall["precision"] >= 0.95
            # ... and most of them: a counterfeit sells 15-50% below peers who mostly sell near retail.
            assert overall["recall"] >= 0.5
    finally:
        con.close()


def test_accuracy_counts_against_the_truth():
    flags = pl.DataFrame({"platform": ["a", "a", "a", "a", "b"], "listing_id": ["1", "2", "3", "4", "5"],
                          "abnormal_price": [True, True, False, None, False]})
    listings = pl.DataFrame({"platform": ["a", "a", "a", "a", "b"], "listing_id": ["1", "2", "3", "4", "5"],
                             "infringement_type": ["counterfeit", "lookalike", "counterfeit", "counterfeit",
                                                   "counterfeit"]})
    table = price_flag_accuracy(flags, listings)
    platform_a = table.filter(pl.col("platform") == "a").row(0, named=True)
    # Judged: 1, 2, 3; counterfeits among them 1 and 3; flagged 1 and 2, right once.
    assert (platform_a["judged"], platform_a["counterfeits"], platform_a["flagged"], platform_a["true_positives"]) \
        == (3, 2, 2, 1)
    assert platform_a["precision"] == 0.5 and platform_a["recall"] == 0.5 and platform_a["recall_all"] == 1 / 3
    platform_b = table.filter(pl.col("platform") == "b").row(0, named=True)
    assert platform_b["precision"] is None and platform_b["recall"] == 0
    assert table.filter(pl.col("platform") == "all")["true_positives"].item() == 1

