"""The abnormal-price flag on a demo store against the truth the demo generator knows.

    uv run python benchmarks/check_prices.py --db /tmp/demo/demo.duckdb [--as-of 2026-12-01T00:00:00]

The demo prices counterfeits 15-50% below the genuine price on their platform and every other
listing near it (takedown.demo.listings), so infringement_type is the truth. Prints, per platform
and overall, for the flag as of --as-of (default: the last detection; metrics.prices.price_flags)
and as known at each listing's detection (price_flags_at_detection, what a prediction may use):
listings, judged (priced, rate known, at least 20 peers), counterfeits among them, flagged, true
positives, precision, recall over judged counterfeits and over all of them, and how long it took.
Exits 1 when the store cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import polars as pl

from takedown.demo.price_truth import price_flag_accuracy
from takedown.metrics.inputs import read_exchange_rates
from takedown.metrics.prices import price_flags, price_flags_at_detection
from takedown.store import connect_reader


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--as-of", type=dt.datetime.fromisoformat, default=None)
    args = parser.parse_args()
    if not args.db.is_file():
        print(f"check_prices: no store at {args.db}", file=sys.stderr)
        return 1
    con = connect_reader(args.db)
    try:
        rates = read_exchange_rates()
        listings = con.sql("select platform, listing_id, infringement_type from listings").pl()
        as_of = args.as_of or con.sql("select max(detected_at) from listings").fetchall()[0][0]
        runs = {f"as of {as_of:%Y-%m-%d %H:%M}": lambda: price_flags(con, as_of, rates),
                "as known at each listing's detection": lambda: price_flags_at_detection(con, rates)}
        for title, run in runs.items():
            started = time.perf_counter()
            flags = run()
            seconds = time.perf_counter() - started
            print(f"\n## The flag {title} ({flags.height:,} listings, {seconds:.1f} s)\n")
            with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, tbl_hide_dataframe_shape=True,
                           tbl_formatting="MARKDOWN",
                           float_precision=3, tbl_hide_column_data_types=True):
                print(price_flag_accuracy(flags, listings))
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
