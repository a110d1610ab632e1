"""Filing-time features: nothing dated after an item's submission (or after T) changes them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from prediction_stores import program, store_from

from takedown.prediction.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES, load_filing_features

FEATURES = ["item_id", *CATEGORICAL_FEATURES, *NUMERIC_FEATURES, "title", "price", "words"]
LATER = dt.datetime(2027, 1, 1)


def _features(con, as_of: dt.datetime) -> pl.DataFrame:
    return load_filing_features(con, as_of).select(FEATURES).sort("item_id")


def test_features_of_an_item_equal_those_computed_from_the_store_cut_at_its_submission():
    """The leakage test: for items across the program, the features computed from the whole store
    equal those computed from a store holding only what was dated before the item's submission
    (events before it, items submitted by it, listings detected by it)."""
    items, events, listings, rights = program(240, seed=3)
    full = _features(store_from(items, events, listings, rights), LATER)
    assert full.get_column("seller_removals").max() > 0  # the history features are not all empty
    assert full.get_column("account_reason_rate_90d").drop_nulls().len() > 100
    assert full.get_column("price_usd").drop_nulls().len() > 150
    for index in range(20, 240, 7):
        cut = items.get_column("submitted_at")[index]
        kept_items = items.filter(pl.col("submitted_at") <= cut)
        truncated = store_from(kept_items, events.filter(pl.col("occurred_at") < cut),
                               listings.filter(pl.col("detected_at") <= cut), rights)
        # Row ids follow insertion order, and the kept items are the first ones: item_id matches.
        alone = _features(truncated, cut).filter(pl.col("item_id") == index)
        assert alone.height == 1
        assert alone.to_dicts() == full.filter(pl.col("item_id") == index).to_dicts(), f"item {index} leaks"


def test_data_dated_after_t_changes_no_feature_of_an_item_predicted_as_of_t():
    """An item submitted after T is described by what the store held at T: events, items and
    listings appended with later dates change nothing."""
    items, events, listings, rights = program(200, seed=5)
    as_of = items.get_column("submitted_at")[150]
    before = store_from(items.head(151), events.filter(pl.col("occurred_at") <= as_of),
                        listings.filter(pl.col("detected_at") <= as_of), rights)
    after = store_from(items, events, listings, rights)
    old = _features(before, as_of)
    new = _features(after, as_of).filter(pl.col("item_id") <= 150)
    assert old.to_dicts() == new.to_dicts()
    # ... and an item submitted after T has the features the store held at T (its listing, detected
    # after T, unknown).
    late = load_filing_features(after, as_of).filter(pl.col("item_id") == 190)
    assert late.get_column("known_at")[0] == as_of
    assert late.get_column("title")[0] is None and late.get_column("status")[0] is None


def test_seller_history_counts_earlier_outcomes_of_the_same_seller_only():
    start = dt.datetime(2025, 3, 1)
    items = pl.DataFrame({
        "complaint_id": ["A", "B", "C", "D"], "platform": ["taobao"] * 4, "listing_id": ["1", "2", "3", "4"],
        "seller_id": ["s1", "s1", "s2", "s1"], "enforcement_type": ["listing"] * 4, "ipr_type": ["trademark"] * 4,
        "ipr_registration": [None] * 4, "reason": ["r"] * 4, "account": ["a"] * 4,
        "submitted_at": [start, start + dt.timedelta(days=1), start + dt.timedelta(days=2),
                         start + dt.timedelta(days=5)]})
    events = pl.DataFrame({
        "complaint_id": ["A", "B", "C", "A", "A"], "listing_id": ["1", "2", "3", "1", "1"],
        "event": ["removed", "rejected", "removed", "counter_notice", "restored"],
        "occurred_at": [start + dt.timedelta(hours=5), start + dt.timedelta(days=3), start + dt.timedelta(days=2, hours=1),
                        start + dt.timedelta(days=4), start + dt.timedelta(days=6)]})
    frame = load_filing_features(store_from(items, events), LATER).sort("complaint_id")
    history = frame.select("complaint_id", "seller_removals", "seller_rejections", "seller_counter_notices",
                           "seller_restorations", "account_reason_rate_90d").rows()
    assert history == [
        ("A", 0, 0, 0, 0, None),
        ("B", 1, 0, 0, 0, 1.0),       # A's removal (day 0, 05:00), not B's own rejection
        ("C", 0, 0, 0, 0, 1.0),       # s2 has no history; the account has: A removed (B decided later)
        ("D", 1, 1, 1, 0, 2 / 3),     # A removed and counter-noticed, B rejected; A's restoration comes later
    ]


@pytest.mark.parametrize("expires, expired", [(dt.date(2025, 3, 1), 1.0), (dt.date(2025, 3, 3), 0.0)])
def test_a_right_expired_at_filing_is_told_by_the_filing_date(expires, expired):
    start = dt.datetime(2025, 3, 2, 12)
    items = pl.DataFrame({
        "complaint_id": ["A"], "platform": ["taobao"], "listing_id": ["1"], "seller_id": ["s"],
        "enforcement_type": ["listing"], "ipr_type": ["trademark"], "ipr_registration": ["TM"],
        "reason": ["r"], "account": ["a"], "submitted_at": [start]})
    rights = pl.DataFrame({"registration": ["TM"], "ipr_type": ["trademark"], "brand": ["B"],
                           "expires_on": [expires], "ipp_status": ["verified"]})
    frame = load_filing_features(store_from(items, pl.DataFrame(schema={"complaint_id": pl.String}).clear(), None, rights),
                                 LATER)
    assert frame.get_column("right_expired")[0] == expired
    assert frame.get_column("right_status")[0] == "verified"


def test_a_viewers_scope_keeps_only_the_items_of_its_brands_and_accounts():
    from takedown.metrics.filters import Filters

    items, events, listings, rights = program(200, seed=5)
    con = store_from(items, events, listings, rights)
    scoped = load_filing_features(con, LATER, filters=Filters(brands=("Acme",), accounts=("acct-a",)))
    expected = (items.join(listings.select("platform", "listing_id", "brand"), on=["platform", "listing_id"])
                .filter((pl.col("brand") == "Acme") & (pl.col("account") == "acct-a")))
    assert 0 < scoped.height < items.height
    assert sorted(scoped.get_column("complaint_id")) == sorted(expected.get_column("complaint_id"))
