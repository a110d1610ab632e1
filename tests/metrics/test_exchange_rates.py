"""Removed value in USD: which month's rate, what makes a value unknown, and the shipped rate table."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from metric_frames import event, facts, hours, item, listing, rate, storefront

from takedown.config import exchange_rates_path
from takedown.metrics.inputs import read_exchange_rates
from takedown.metrics.kpis import cohort_metrics
from takedown.metrics.summary import metrics_record

AS_OF = dt.datetime(2026, 10, 15)


def value_figures(items, listings, rates):
    events = [event(row["complaint_id"], row["listing_id"], "removed", row["submitted_at"] + hours(1)) for row in items]
    figures = metrics_record(cohort_metrics(facts(items, events, listings, rates, as_of=AS_OF)))
    return figures["value_removed_usd"], figures["value_unknown_items"]


def test_the_rate_is_the_one_of_the_utc_month_of_submitted_at():
    # Submitted 2026-08-31T20:00Z: already September 1st in China, but August in UTC.
    items = [item(submitted_at=dt.datetime(2026, 8, 31, 20))]
    listings = [listing(price=8.0, currency="CNY", units_sold=5)]
    rates = [rate("2026-08", "CNY", 0.125), rate("2026-09", "CNY", 0.25)]
    assert value_figures(items, listings, rates) == (5.0, 0)  # 8 x 5 x 0.125


def test_us_dollars_need_no_rate():
    assert value_figures([item()], [listing(price=2.5, currency="USD", units_sold=4)], []) == (10.0, 0)


@pytest.mark.parametrize("listing_row", [
    listing(price=8.0, currency="CNY", units_sold=5),        # no CNY rate that month
    listing(price=8.0, currency="VND", units_sold=5),        # a rate row with an empty rate
    listing(price=None, currency=None, units_sold=5),        # no price
    listing(price=8.0, currency="USD", units_sold=None),     # no units
])
def test_a_missing_price_units_or_rate_makes_the_value_unknown_not_zero(listing_row):
    rates = [rate("2026-08", "CNY", 0.125), rate("2026-09", "VND", None)]
    assert value_figures([item()], [listing_row], rates) == (0.0, 1)


def test_storefront_items_and_orphans_have_unknown_value():
    items = [storefront("C9"), item("C1", "L404")]
    assert value_figures(items, [listing("L1", price=1.0, currency="USD", units_sold=1)], []) == (0.0, 2)


def test_only_items_removed_at_as_of_add_value():
    items = [item("C1", "L1"), item("C2", "L2")]
    events = [event("C1", "L1", "removed", item()["submitted_at"] + hours(1)),
              event("C2", "L2", "removed", item()["submitted_at"] + hours(1)),
              event("C2", "L2", "restored", item()["submitted_at"] + hours(2))]
    listings = [listing("L1", price=3.0, currency="USD", units_sold=2), listing("L2", price=100.0, currency="USD",
                                                                                 units_sold=100)]
    figures = metrics_record(cohort_metrics(facts(items, events, listings, as_of=AS_OF)))
    assert (figures["value_removed_usd"], figures["value_unknown_items"]) == (6.0, 0)


def test_the_shipped_table_covers_every_platform_currency_for_2025_and_2026():
    rates = read_exchange_rates()
    months = [dt.date(year, month, 1) for year in (2025, 2026) for month in range(1, 13)]
    currencies = ["CNY", "EUR", "HKD", "IDR", "MYR", "PHP", "SGD", "THB", "USD", "VND"]
    expected = pl.DataFrame({"month": [m for m in months for _ in currencies], "currency": currencies * len(months)})
    assert rates.select("month", "currency").sort("month", "currency").equals(expected)
    # The ECB publishes no VND reference rate: the table says so with empty rates, never a guess.
    assert rates.filter(pl.col("currency") == "VND").get_column("usd_per_unit").null_count() == 24
    assert rates.filter(pl.col("currency") == "USD").get_column("usd_per_unit").unique().to_list() == [1.0]


def test_the_shipped_rates_are_plausible_dollar_values():
    rates = read_exchange_rates().filter(pl.col("usd_per_unit").is_not_null())
    bounds = {"CNY": (0.12, 0.16), "EUR": (1.0, 1.25), "HKD": (0.125, 0.13), "IDR": (0.00005, 0.00007),
              "MYR": (0.2, 0.27), "PHP": (0.015, 0.019), "SGD": (0.7, 0.82), "THB": (0.026, 0.033), "USD": (1, 1)}
    for currency, (low, high) in bounds.items():
        values = rates.filter(pl.col("currency") == currency).get_column("usd_per_unit")
        assert low <= values.min() and values.max() <= high, currency


def test_a_rate_table_that_lists_a_month_twice_is_refused(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("month,currency,usd_per_unit\n2026-09,CNY,0.14\n2026-09,cny,0.15\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lists CNY for 2026-09 more than once"):
        read_exchange_rates(path)


def test_the_rate_table_path_can_be_overridden(tmp_path, monkeypatch):
    path = tmp_path / "treasury.csv"
    path.write_text("month,currency,usd_per_unit\n2026-09,CNY,0.25\n", encoding="utf-8")
    monkeypatch.setenv("TAKEDOWN_EXCHANGE_RATES", str(path))
    assert exchange_rates_path() == path
    assert read_exchange_rates().rows() == [(dt.date(2026, 9, 1), "CNY", 0.25)]
