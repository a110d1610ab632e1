"""Seller networks on a demo store: the networks found against the networks the demo planted.

    uv run python benchmarks/check_networks.py --db /tmp/nw/big.duckdb --out /tmp/nw/big

`--out` is the demo's export folder (it holds `demo_truth_networks.csv`). Prints one row per planted
network (its evidence, its sellers, the network(s) its sellers were found in and their size) and one
per found network nobody planted, then precision and recall (exact matches over found networks and
over planted ones), the groups too large to act on, and how long the networks took. Exits 1 when a
planted network is not found exactly or a network is found that was not planted. The 1M check of
issue 16: make the store with `takedown demo --no-serve --scale 1000000 --db ... --out ...`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

from takedown.demo.networks import TRUTH_FILE, compare_with_truth
from takedown.metrics.inputs import load_listings_and_rights
from takedown.metrics.networks import network_members
from takedown.metrics.snapshot import plain
from takedown.report.data import IMAGE_SCHEMA, LISTING_KEY
from takedown.sql import load_query
from takedown.store import connect_reader


def store_listings(db: Path) -> pl.DataFrame:
    """Every listing of the store with its text and image URL, as the report reads them."""
    con = connect_reader(db)
    try:
        listings = plain(load_listings_and_rights(con)[0])
        images = con.sql(load_query("report/listing_images")).pl().cast(IMAGE_SCHEMA)
    finally:
        con.close()
    return listings.join(images, on=LISTING_KEY, how="left")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path, help="the demo's export folder")
    args = parser.parse_args()
    if not (args.out / TRUTH_FILE).is_file():
        print(f"check_networks: no {TRUTH_FILE} in {args.out}: give the demo's export folder (--out)", file=sys.stderr)
        return 1
    if not args.db.is_file():
        print(f"check_networks: no store at {args.db}", file=sys.stderr)
        return 1
    truth = pl.read_csv(args.out / TRUTH_FILE, infer_schema=False)
    started = time.perf_counter()
    listings = store_listings(args.db)
    loaded = time.perf_counter()
    members = network_members(listings)
    done = time.perf_counter()
    actionable = members.filter(~pl.col("too_large_to_act_on"))
    table = compare_with_truth(truth, actionable)
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_formatting="MARKDOWN"):
        print(table)
    exact = int(table.get_column("exact").sum())
    found = actionable.get_column("network_id").n_unique()
    planted = truth.get_column("network").n_unique()
    too_large = members.filter(pl.col("too_large_to_act_on")).group_by("network_id").len()
    print(f"\n{listings.height:,} listings, {listings.select('platform', 'seller_id').n_unique():,} sellers; "
          f"planted {planted} networks, found {found}; exact {exact}: "
          f"precision {exact / found if found else 1:.2f}, recall {exact / planted if planted else 1:.2f}")
    print(f"too large to act on: {too_large.height} group(s) {sorted(too_large.get_column('len').to_list())}")
    print(f"listings read in {loaded - started:.1f} s, networks found in {done - loaded:.1f} s")
    return 0 if exact == planted == found and too_large.is_empty() else 1


if __name__ == "__main__":
    sys.exit(main())
