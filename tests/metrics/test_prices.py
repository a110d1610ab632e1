"""The abnormal-price flag (metrics/prices.py) on hand-made stores: each rule, its fallbacks and bounds.

Every expected figure is computed by hand in the comments. Peers of a snapshot are the priced
listings of the group detected in (as_of - 180 days, as_of]; the listing itself is one of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import duckdb
import polars as pl
import pytest
from program_stores import ingest_program

from takedown.config import DEFAULT_SETTINGS
from takedown.metrics.prices import price_flags, price_flags_at_detection
from takedown.metrics.snapshot import load_snapshot
from takedown.store import connect_reader, create_schema

AS_OF = dt.datetime(2026, 10, 1)
DAY = dt.timedelta(days=1)
RATES = pl.DataFrame({"month": [dt.date(2026, 9, 1), dt.date(2026, 9, 1)], "currency": ["CNY", "EUR"],
                      "usd_per_unit": [0.125, None]}, schema={"month": pl.Date, "currency": pl.String,
                                                              "usd_per_unit": pl.Float64})


def store(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """An in-memory store holding `rows` (listing_id, price; optional currency, detected_at, brand,
    platform, extra) as listings."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    create_schema(con)
    for line, row in enumerate(rows):
        con.execute(
            "insert into listings (platform, listing_id, url, seller_id, brand, infringement_type, price, currency,"
            " detected_at, extra, batch_id, line) values (?, ?, 'https://x.test', 's', ?, 'counterfeit', ?, ?, ?, ?,"
            " ?, ?)",
            [row.get("platform", "alibaba"), row["listing_id"], row.get("brand", "Acme"), row["price"],
             row.get("currency", "USD"), row.get("detected_at", dt.datetime(2026, 9, 15)),
             json.dumps(row["extra"]) if "extra" in row else None, batch(row), line])
    return con


def batch(row: dict) -> str:
    """The row's ingest batch: as in a real store, one file's rows share their extra columns."""
    return "b-" + ",".join(sorted(row.get("extra", {})))


def peers(prices: list[float], prefix: str = "P", **columns) -> list[dict]:
    return [{"listing_id": f"{prefix}{number}", "price": price, **columns} for number, price in enumerate(prices)]


def flag_of(flags: pl.DataFrame, listing_id: str) -> dict:
    return flags.filter(pl.col("listing_id") == listing_id).row(0, named=True)


def snapshot(rows: list[dict], **settings) -> pl.DataFrame:
    return price_flags(store(rows), AS_OF, RATES, settings=dataclasses.replace(DEFAULT_SETTINGS, **settings))


def test_the_robust_z_rule_and_its_boundary():
    # 9 peers at 100, 10 at 110 and the listing: n = 20. With x = 79: sorted 79, 100 x 9, 110 x 10,
    # median (100 + 110) / 2 = 105, deviations 26, 5 x 19: MAD 5; z = 0.6745 x (79 - 105) / 5 = -3.5074.
    # Mean (79 + 900 + 1100) / 20 = 103.95: half is 51.975, so only the z rule fires.
    flagged = flag_of(snapshot(peers([100] * 9 + [110] * 10) + [{"listing_id": "X", "price": 79}]), "X")
    assert flagged["peer_count"] == 20 and flagged["peer_median_usd"] == 105 and flagged["peer_mean_usd"] == 103.95
    assert flagged["robust_z"] == pytest.approx(0.6745 * -26 / 5)
    assert flagged["abnormal_price"] is True and flagged["abnormal_reason"] == "robust_z"
    # x = 80: z = 0.6745 x -25 / 5 = -3.3725, above -3.5: not abnormal.
    kept = flag_of(snapshot(peers([100] * 9 + [110] * 10) + [{"listing_id": "X", "price": 80}]), "X")
    assert kept["robust_z"] == pytest.approx(-3.3725) and kept["abnormal_price"] is False
    assert kept["abnormal_reason"] is None


def test_the_half_mean_rule_alone():
    # 10 at 50, 9 at 250 and x = 20: median 50, deviations 30, 0 x 10, 200 x 9: MAD (0 + 30) / 2 = 15,
    # z = 0.6745 x -30 / 15 = -1.349; mean (20 + 500 + 2250) / 20 = 138.5: 20 < 69.25.
    flagged = flag_of(snapshot(peers([50] * 10 + [250] * 9) + [{"listing_id": "X", "price": 20}]), "X")
    assert flagged["robust_z"] == pytest.approx(-1.349)
    assert flagged["abnormal_price"] is True and flagged["abnormal_reason"] == "below_share_of_peer_mean"


def test_both_rules_name_both_reasons():
    # 9 at 100, 10 at 110, x = 40: median 105, MAD 5, z = -8.77; mean 102, 40 < 51.
    flagged = flag_of(snapshot(peers([100] * 9 + [110] * 10) + [{"listing_id": "X", "price": 40}]), "X")
    assert flagged["abnormal_reason"] == "below_share_of_peer_mean, robust_z"


def test_a_mad_of_zero_falls_back_to_the_mean_absolute_deviation():
    # 19 at 100 and x = 60: median 100, MAD 0. Mean (60 + 1900) / 20 = 98 (half 49: not below);
    # MeanAD (38 + 19 x 2) / 20 = 3.8; z = (60 - 100) / (1.253314 x 3.8) = -8.399.
    flagged = flag_of(snapshot(peers([100] * 19) + [{"listing_id": "X", "price": 60}]), "X")
    assert flagged["robust_z"] == pytest.approx(-40 / (1.253314 * 3.8))
    assert flagged["abnormal_price"] is True and flagged["abnormal_reason"] == "robust_z"
    # The peers themselves: z = (100 - 100) / ... = 0.
    assert flag_of(snapshot(peers([100] * 19) + [{"listing_id": "X", "price": 60}]), "P0")["robust_z"] == 0


def test_both_deviations_zero_leave_only_the_half_mean_rule():
    # The listing was detected before the window: its 20 peers all cost 100 (MAD and MeanAD 0, no
    # z-score); 40 < 0.5 x 100 still flags it, 60 does not.
    early = AS_OF - 200 * DAY
    for price, expected in ((40, True), (60, False)):
        flagged = flag_of(snapshot(peers([100] * 20) + [{"listing_id": "X", "price": price, "detected_at": early}]),
                          "X")
        assert flagged["peer_count"] == 20 and flagged["robust_z"] is None
        assert flagged["abnormal_price"] is expected


def test_fewer_than_twenty_peers_give_no_flag_and_twenty_do():
    # 18 at 100 and x = 10: 19 priced listings, unknown; one more peer makes 20 and the flag.
    few = flag_of(snapshot(peers([100] * 17 + [101]) + [{"listing_id": "X", "price": 10}]), "X")
    assert few["peer_count"] == 19 and few["abnormal_price"] is None and few["robust_z"] is None
    enough = flag_of(snapshot(peers([100] * 18 + [101]) + [{"listing_id": "X", "price": 10}]), "X")
    assert enough["peer_count"] == 20 and enough["abnormal_price"] is True
    # The minimum is a setting.
    assert flag_of(snapshot(peers([100] * 17 + [101]) + [{"listing_id": "X", "price": 10}], abnormal_price_min_peers=19),
                   "X")["abnormal_price"] is True


def test_currencies_are_compared_in_us_dollars_and_a_missing_rate_is_unknown():
    # 240 CNY at 0.125 = 30 USD against USD peers (9 at 100, 10 at 110): mean (30 + 2000) / 20 = 101.5.
    rows = peers([100] * 9 + [110] * 10) + [{"listing_id": "X", "price": 240, "currency": "CNY"}]
    flagged = flag_of(snapshot(rows), "X")
    assert flagged["price_usd"] == 30 and flagged["peer_mean_usd"] == 101.5 and flagged["abnormal_price"] is True
    # 240 CNY would not be abnormal if read as dollars: the flag really converts.
    assert flag_of(snapshot(peers([100] * 9 + [110] * 10) + [{"listing_id": "X", "price": 240}]),
                   "X")["abnormal_price"] is False
    # EUR has an empty rate that month: unknown price, unknown flag, and not counted as a peer.
    rows = peers([100] * 9 + [110] * 10) + [{"listing_id": "E", "price": 1, "currency": "EUR"}]
    unknown = snapshot(rows)
    assert flag_of(unknown, "E")["price_usd"] is None and flag_of(unknown, "E")["abnormal_price"] is None
    assert flag_of(unknown, "P0")["peer_count"] == 19


def test_the_window_holds_exactly_the_trailing_180_days():
    # Peers detected exactly 180 days before the as-of are outside (t - 180d, t]; a microsecond later, inside.
    inside = AS_OF - 180 * DAY + dt.timedelta(microseconds=1)
    rows = (peers([100] * 18 + [101]) + peers([100], prefix="EDGE", detected_at=AS_OF - 180 * DAY)
            + [{"listing_id": "X", "price": 10, "detected_at": AS_OF}])
    assert flag_of(snapshot(rows), "X")["peer_count"] == 20
    rows[-2]["detected_at"] = inside
    assert flag_of(snapshot(rows), "X")["peer_count"] == 21
    # The window is a setting; listings detected after the as-of are not known yet.
    assert flag_of(snapshot(rows, abnormal_price_window_days=20), "X")["peer_count"] == 20
    later = rows + [{"listing_id": "LATE", "price": 100, "detected_at": AS_OF + DAY}]
    assert "LATE" not in snapshot(later)["listing_id"].to_list()


def test_peer_groups_are_platform_and_category_else_brand_and_product_line():
    # Twenty Acme earbuds at 100 on alibaba; a Bolt listing of the same exported category is their peer,
    # one on taobao or of another product line (without a category) is not.
    rows = (peers([100] * 18 + [101], brand="Acme", extra={"Category": "Earbuds"})
            + [{"listing_id": "BOLT", "price": 10, "brand": "Bolt", "extra": {"category": "Earbuds"}},
               {"listing_id": "TAO", "price": 10, "platform": "taobao", "extra": {"Category": "Earbuds"}},
               {"listing_id": "LINE", "price": 10, "extra": {"Product Line": "Cases"}}]
            + peers([100] * 19, prefix="L", extra={"product-line": "Cables"}))
    flags = snapshot(rows)
    assert flag_of(flags, "BOLT")["peer_count"] == 20 and flag_of(flags, "BOLT")["abnormal_price"] is True
    assert flag_of(flags, "TAO")["peer_count"] == 1 and flag_of(flags, "TAO")["abnormal_price"] is None
    assert flag_of(flags, "LINE")["peer_count"] == 1
    assert flag_of(flags, "L0")["peer_count"] == 19


def test_at_detection_a_listing_knows_only_the_peers_detected_before_it():
    # The cheap listing came first: at its detection it had no peers; as of October, twenty.
    rows = ([{"listing_id": "X", "price": 10, "detected_at": dt.datetime(2026, 9, 1)}]
            + peers([100] * 18 + [101], detected_at=dt.datetime(2026, 9, 10))
            + [{"listing_id": "Y", "price": 10, "detected_at": dt.datetime(2026, 9, 20)}])
    con = store(rows)
    at_detection = price_flags_at_detection(con, RATES)
    assert flag_of(at_detection, "X")["peer_count"] == 1 and flag_of(at_detection, "X")["abnormal_price"] is None
    # Y saw X and the nineteen: 21 peers, mean (10 + 10 + 1801) / 21; it is abnormal.
    assert flag_of(at_detection, "Y")["peer_count"] == 21 and flag_of(at_detection, "Y")["abnormal_price"] is True
    assert flag_of(at_detection, "Y")["detected_at"] == dt.datetime(2026, 9, 20)
    assert flag_of(price_flags(con, AS_OF, RATES), "X")["abnormal_price"] is True


def test_listing_keys_choose_the_rows():
    con = store(peers([100] * 19) + [{"listing_id": "X", "price": 60}])
    keys = pl.DataFrame({"platform": ["alibaba", "alibaba"], "listing_id": ["X", "NONE"]})
    assert price_flags(con, AS_OF, RATES, keys)["listing_id"].to_list() == ["X"]
    assert price_flags_at_detection(con, RATES, keys)["listing_id"].to_list() == ["X"]


def test_as_of_a_listings_detection_both_ways_give_the_same_figures():
    # The two queries define the peers once each: they must agree for the listing detected last.
    rows = (peers([100 + number for number in range(25)], detected_at=dt.datetime(2026, 9, 1))
            + peers([90] * 5, prefix="OLD", detected_at=dt.datetime(2026, 3, 1))
            + peers([100] * 21, prefix="SAME", extra={"Product Line": "Cases"}, detected_at=dt.datetime(2026, 9, 2))
            + [{"listing_id": "X", "price": 70, "detected_at": dt.datetime(2026, 9, 5)},
               {"listing_id": "Y", "price": 60, "detected_at": dt.datetime(2026, 9, 5),
                "extra": {"Product Line": "Cases"}}])
    con = store(rows)
    at_detection = price_flags_at_detection(con, RATES).drop("detected_at")
    snapshot_flags = price_flags(con, dt.datetime(2026, 9, 5), RATES)
    for listing_id in ("X", "Y"):
        assert flag_of(at_detection, listing_id) == flag_of(snapshot_flags, listing_id)
    assert flag_of(snapshot_flags, "Y")["robust_z"] is not None  # the MAD-0 fallback, both ways


def test_an_exported_category_column_reaches_the_flag_through_ingest(tmp_path):
    # "Category" is unknown to the contract: ingest keeps it in `extra`, the flag groups by it, across brands.
    header = ["platform", "listing_id", "url", "seller_id", "brand", "infringement_type", "price", "currency",
              "detected_at", "Category"]
    rows = [header] + [["alibaba", f"P{number}", "https://x.test", "s", "Acme" if number % 2 else "Bolt", "counterfeit",
                        str(100 + number % 3), "USD", "2026-09-15T00:00:00Z", "Earbuds"] for number in range(19)]
    rows.append(["alibaba", "X", "https://x.test", "s", "Acme", "counterfeit", "30", "USD", "2026-09-15T00:00:00Z",
                 " earbuds "])  # another spelling is another category
    rows.append(["alibaba", "Y", "https://x.test", "s", "Zed", "counterfeit", "30", "USD", "2026-09-15T00:00:00Z",
                 "Earbuds"])
    db_path, results = ingest_program(tmp_path, {"listings": rows})
    assert results[0].rejected == 0
    con = connect_reader(db_path)
    try:
        flags = price_flags(con, AS_OF, RATES)
        backlog = load_snapshot(con, AS_OF).high_risk_backlog()
    finally:
        con.close()
    assert flag_of(flags, "Y")["peer_count"] == 20 and flag_of(flags, "Y")["abnormal_price"] is True
    assert flag_of(flags, "X")["peer_count"] == 1
    # The backlog (nothing is reported yet) shows each listing's flag: the same function's.
    assert flag_of(backlog, "Y")["abnormal_price"] is True and flag_of(backlog, "X")["abnormal_price"] is None
    assert flag_of(backlog, "P0")["abnormal_price"] is False
