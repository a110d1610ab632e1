"""The seller name shown for a repeat offender: the one on its latest detected listing that has a name."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import polars as pl

from takedown.report.sections import seller_names

DAY = dt.datetime(2026, 9, 1)


def _data(rows: list[tuple[str, str, str | None, int]]) -> SimpleNamespace:
    listings = pl.DataFrame([{"platform": "taobao", "listing_id": listing_id, "seller_id": seller_id,
                              "seller_name": name, "detected_at": DAY + dt.timedelta(days=days)}
                             for listing_id, seller_id, name, days in rows])
    return SimpleNamespace(listings=listings,
                           listings_with_text=lambda keys: listings.join(keys.select("platform", "listing_id"),
                                                                         on=["platform", "listing_id"], how="semi"))


def test_the_latest_named_listing_names_the_seller_skipping_unnamed_ones():
    data = _data([("L1", "S1", "old name", 1), ("L2", "S1", "new name", 5), ("L3", "S1", None, 9),
                  ("L4", "S1", None, 8),
                  ("L5", "S2", None, 3),
                  ("L6", "S3", "b", 4), ("L7", "S3", "a", 4),  # a tie: the latest listing_id
                  ("L8", "S4", "not asked", 1)])
    sellers = pl.DataFrame({"platform": ["taobao"] * 3, "seller_id": ["S1", "S2", "S3"]})
    names = dict(seller_names(data, sellers).select("seller_id", "seller_name").iter_rows())
    assert names == {"S1": "new name", "S3": "a"}
