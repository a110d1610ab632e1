"""The demo plants seller networks and writes their truth; the networks found in its store are exactly those."""

from __future__ import annotations

import polars as pl

from takedown.demo.networks import EVIDENCE, MAX_NETWORK_SELLERS, MIN_NETWORK_SELLERS, compare_with_truth
from takedown.demo.pipeline import DemoBuild
from takedown.metrics.inputs import load_listings_and_rights
from takedown.metrics.networks import network_members
from takedown.metrics.snapshot import plain
from takedown.report.data import IMAGE_SCHEMA, LISTING_KEY
from takedown.sql import load_query
from takedown.store import connect_reader


def _store_listings(demo: DemoBuild) -> pl.DataFrame:
    con = connect_reader(demo.program.out_dir.parent / "demo.duckdb")
    try:
        images = con.sql(load_query("report/listing_images")).pl().cast(IMAGE_SCHEMA)
        return plain(load_listings_and_rights(con)[0]).join(images, on=LISTING_KEY, how="left")
    finally:
        con.close()


def test_the_truth_is_written_beside_the_exports_and_never_ingested(demo: DemoBuild):
    truth = pl.read_csv(demo.program.truth, infer_schema=False)
    assert demo.program.truth.parent == demo.program.out_dir
    assert demo.program.truth not in [file.path for file in demo.program.files]
    sizes = truth.group_by("network").agg(pl.len(), pl.col("evidence").first(), pl.col("sellers").first())
    assert sizes.height >= 3 and set(sizes.get_column("evidence")) == set(EVIDENCE)
    assert sizes.select((pl.col("len") == pl.col("sellers").cast(pl.UInt32)).all()).item()
    assert sizes.get_column("len").is_between(MIN_NETWORK_SELLERS, MAX_NETWORK_SELLERS).all()
    assert truth.select("platform", "seller_id").is_unique().all()


def test_the_networks_found_are_exactly_the_planted_ones(demo: DemoBuild):
    truth = pl.read_csv(demo.program.truth, infer_schema=False)
    members = network_members(_store_listings(demo))
    table = compare_with_truth(truth, members)
    # One row per planted network, each found whole and alone; no network nobody planted.
    assert table.height == truth.get_column("network").n_unique()
    assert table.get_column("exact").all(), table
    assert not members.get_column("too_large_to_act_on").any()
    # Each was found through the evidence planted.
    evidence = dict(table.select("found", "evidence").iter_rows())
    linked_by = dict(members.select("network_id", "linked_by").unique().iter_rows())
    assert all(linked_by[found] == kind for found, kind in evidence.items())


def test_the_comparison_marks_split_merged_missed_and_unplanted_networks():
    truth = pl.DataFrame({"network": ["T1", "T1", "T2", "T2", "T3", "T3", "T4", "T4"],
                          "evidence": ["seller_name"] * 8, "platform": ["taobao"] * 8,
                          "seller_id": ["a", "b", "c", "d", "e", "f", "g", "h"]})
    members = pl.DataFrame({"network_id": ["N1", "N1", "N2", "N3", "N4", "N4", "N4", "N5", "N5"],
                            "platform": ["taobao"] * 9, "seller_id": ["a", "b", "c", "d", "e", "f", "x", "y", "z"]})
    table = compare_with_truth(truth, members)
    rows = {row["network"]: (row["found"], row["found_sellers"], row["exact"]) for row in table.to_dicts()}
    assert rows == {"T1": ("N1", 2, True),  # found whole and alone
                    "T2": ("N2, N3", 2, False),  # split in two
                    "T3": ("N4", 3, False),  # merged with a seller nobody planted
                    "T4": ("", 0, False),  # missed
                    None: ("N5", 2, False)}  # found, never planted
