"""The DuckLake backend beside the DuckDB file (issue 18): the same store, the same commands, timed.

    uv run python benchmarks/bench_lake.py --sizes 100k,1M            # generated stores (generate.py)
    uv run python benchmarks/bench_lake.py --store /work/big/big.duckdb  # any file store

For each store it starts a throw-away PostgreSQL (tests/lake_postgres.py), copies every table of
the file store into a new DuckLake (one commit per table: the bulk load), then times, on both
backends, in fresh processes: `takedown metrics --month M --json` for the store's last full month,
and the landing-to-visible time of a 1,000-row listings file (`takedown ingest` of it, from start
to a reader seeing it). It prints a markdown table and the catalog and data sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(BENCHMARKS.parent / "tests"))

from common import measured, parse_sizes, size_label  # noqa: E402
from lake_postgres import remove_postgres, start_postgres  # noqa: E402

from takedown import lake  # noqa: E402

TABLES = ("ip_rights", "listings", "complaint_items", "outcome_events", "quarantined_rows", "ingest_batches")
TAKEDOWN = [sys.executable, "-m", "takedown.cli"]
REPEAT = 2


def copy_into_lake(store: Path, location: str, data_path: Path) -> float:
    """Every table of the file store into a new lake (created with the store's own schema); seconds."""
    os.environ[lake.DATA_PATH_VARIABLE] = str(data_path)
    from takedown.store import open_writer

    with open_writer(location):
        pass  # creates the lake and its schema
    con = lake.connect(location, read_only=False)
    started = time.perf_counter()
    try:
        con.execute(f"attach {lake._quote(str(store))} as source (read_only)")
        for table in TABLES:
            con.execute("begin transaction")
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} by name select * from source.main.{table}")
            con.execute("commit")
    finally:
        con.close()
    return time.perf_counter() - started


def last_full_month(store: Path) -> str:
    con = duckdb.connect(str(store), read_only=True)
    try:
        latest = con.sql("select max(submitted_at) from complaint_items").fetchone()[0]
    finally:
        con.close()
    year, month = (latest.year, latest.month - 1) if latest.month > 1 else (latest.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def best(command: list[str]) -> float:
    return min(measured(command).seconds for _ in range(REPEAT))


def landing(db: str, folder: Path, name: str) -> float:
    """Seconds from `takedown ingest` of a new 1,000-row listings file to a reader counting it."""
    path = folder / f"{name}.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n")
        for i in range(1000):
            handle.write(f"alibaba,{name}-{i},https://example.com/{name}/{i},S1,Acme,counterfeit,2026-05-01T00:00:00Z\n")
    started = time.perf_counter()
    measured(TAKEDOWN + ["ingest", "--db", db, str(path)])
    seen = measured([sys.executable, "-c", (
        "import sys; from takedown.store import connect_reader; "
        "con = connect_reader(sys.argv[1]); "
        "print(con.sql(\"select count(*) from listings where listing_id like ?\", params=[sys.argv[2] + '-%']).fetchone()[0])"),
        db, name]).stdout.strip()
    if seen != "1000":
        raise RuntimeError(f"the landed file is not visible on {db}: {seen}")
    return time.perf_counter() - started


def folder_bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def bench(store: Path, label: str) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="takedown-bench-lake-"))
    server = start_postgres()
    try:
        file_store = work / "store.duckdb"
        shutil.copyfile(store, file_store)
        location = server.new_lake()
        copy_seconds = copy_into_lake(store, location, work / "lake-data")
        month = last_full_month(store)
        metrics = ["metrics", "--month", month, "--json", "--db"]
        results = {"size": label, "month": month, "bulk_copy_s": copy_seconds}
        results["metrics_file_s"] = best(TAKEDOWN + metrics + [str(file_store)])
        results["metrics_lake_s"] = best(TAKEDOWN + metrics + [location])
        file_json = measured(TAKEDOWN + metrics + [str(file_store)]).stdout
        lake_json = measured(TAKEDOWN + metrics + [location]).stdout
        results["same_figures"] = json.loads(file_json)["totals"] == json.loads(lake_json)["totals"]
        results["landing_file_s"] = landing(str(file_store), work, "landed-file")
        results["landing_lake_s"] = landing(location, work, "landed-lake")
        catalog = duckdb.connect()
        catalog.execute(f"load {lake._quote(str(lake.extension_file('postgres_scanner')))}")
        dbname = location.split("dbname=")[1].split()[0]
        catalog.execute(f"attach 'dbname={dbname} host=127.0.0.1 port={server.port} user=postgres' as pg "
                        f"(type postgres, read_only)")
        results["catalog_bytes"] = catalog.execute(
            f"select * from postgres_query('pg', 'select pg_database_size(''{dbname}'')')").fetchone()[0]
        catalog.close()
        results["lake_data_bytes"] = folder_bytes(work / "lake-data")
        results["file_store_bytes"] = file_store.stat().st_size
        return results
    finally:
        remove_postgres(server)
        shutil.rmtree(work, ignore_errors=True)


def table(rows: list[dict[str, object]]) -> str:
    lines = ["| items | month | metrics file | metrics lake | 1,000-row file visible: file | lake | "
             "bulk copy into lake | catalog (PostgreSQL) | lake Parquet | file store | same figures |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['size']} | {r['month']} | {r['metrics_file_s']:.2f} s | {r['metrics_lake_s']:.2f} s | "
                     f"{r['landing_file_s']:.2f} s | {r['landing_lake_s']:.2f} s | {r['bulk_copy_s']:.1f} s | "
                     f"{r['catalog_bytes'] / 1e6:.1f} MB | {r['lake_data_bytes'] / 1e6:.1f} MB | "
                     f"{r['file_store_bytes'] / 1e6:.1f} MB | {'yes' if r['same_figures'] else 'NO'} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[], help="generated sizes, e.g. 100k,1M")
    parser.add_argument("--store", type=Path, action="append", default=[], help="a file store to compare")
    parser.add_argument("--copy", nargs=3, metavar=("STORE", "LOCATION", "DATA_PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.copy:  # internal (stages.lake): copy a file store into a new lake, print the seconds
        print(copy_into_lake(Path(args.copy[0]), args.copy[1], Path(args.copy[2])))
        return 0
    stores: list[tuple[Path, str]] = [(path, path.name) for path in args.store]
    if args.sizes:
        from generate import ensure_data, store_path

        for size in args.sizes:
            ensure_data(size, log=lambda message: print(message, file=sys.stderr))
            stores.append((store_path(size), size_label(size)))
    if not stores:
        parser.error("give --sizes or --store")
    rows = []
    for path, label in stores:
        print(f"benchmarking {label} ({path})", file=sys.stderr, flush=True)
        rows.append(bench(path, label))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
