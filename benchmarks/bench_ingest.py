"""Ingest benchmark: `takedown ingest` against bare DuckDB `read_csv` on the same 1M-row files.

    uv run python benchmarks/bench_ingest.py [--rows N]    # `make bench` covers every kind and size

Generates a listings CSV and a complaints CSV of N rows (default 1,000,000) under benchmarks/out/,
then runs, side by side in one run, each in its own fresh process:
  floor   - python + duckdb: `create table t as select * from read_csv(file)` into a new file
  ingest  - `takedown ingest --json file` into a new store (read, map, validate with Great
            Expectations, upsert with counts, quarantine, publish the read-only copy)
  warm    - the same ingest in a process that has loaded a file before (imports done)
and prints wall time, the ratio to the floor and each process's peak memory (max RSS), then the
in-process time of the load alone (floor and warm ingest) and its ratio.
Targets (issue 2): ingest within 4x of the floor, peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(__file__).resolve().parent / "out"
PLATFORMS = ["alibaba", "aliexpress", "taobao", "tmall", "tmall_global", "1688", "lazada"]


def make_listings(rows: int, path: Path) -> None:
    rng = np.random.default_rng(1)
    ids = np.arange(rows)
    platform = np.array(PLATFORMS)[rng.integers(0, len(PLATFORMS), rows)]
    seconds = rng.integers(0, 365 * 86400, rows)
    frame = pl.DataFrame({
        "platform": platform,
        "listing_id": [f"L{i:09d}" for i in ids],
        "url": [f"https://example.com/item/{i}" for i in ids],
        "title": [f"Acme earbuds copy {i % 997}" for i in ids],
        "seller_id": [f"S{i:06d}" for i in rng.integers(0, 50_000, rows)],
        "seller_name": "Shenzhen Sound Co.",
        "brand": np.array(["Acme", "Borealis", "Cygnet"])[rng.integers(0, 3, rows)],
        "infringement_type": np.array(["counterfeit", "lookalike", "copyright"])[rng.integers(0, 3, rows)],
        "price": np.round(rng.uniform(1, 200, rows), 2),
        "currency": np.array(["USD", "CNY", "MYR"])[rng.integers(0, 3, rows)],
        "units_sold": rng.integers(0, 10_000, rows),
        "seller_country": "CN",
        "risk_score": rng.integers(0, 101, rows),
        "detected_at": pl.Series((np.datetime64("2025-06-01T00:00:00") + seconds.astype("timedelta64[s]")).astype(str)),
        "source": "bench",
    })
    frame.write_csv(path)


def make_complaints(rows: int, path: Path) -> None:
    rng = np.random.default_rng(2)
    ids = np.arange(rows)
    seconds = rng.integers(0, 365 * 86400, rows)
    frame = pl.DataFrame({
        "complaint_id": [f"IPP-{i // 50:08d}" for i in ids],
        "platform": np.array(PLATFORMS)[rng.integers(0, len(PLATFORMS), rows)],
        "listing_id": [f"L{i:09d}" for i in ids],
        "seller_id": [f"S{i:06d}" for i in rng.integers(0, 50_000, rows)],
        "enforcement_type": "listing",
        "ipr_type": np.array(["trademark", "copyright", "design"])[rng.integers(0, 3, rows)],
        "ipr_registration": "TM-CN-100200",
        "reason": np.array(["Counterfeit goods", "Trademark misuse", "Image theft"])[rng.integers(0, 3, rows)],
        "account": np.array(["acme-main", "acme-agency", "borealis"])[rng.integers(0, 3, rows)],
        "submitted_at": pl.Series((np.datetime64("2025-06-01T00:00:00") + seconds.astype("timedelta64[s]")).astype(str)),
    })
    frame.write_csv(path)


def run_measured(command: list[str]) -> tuple[float, float, float | None]:
    """Wall seconds, peak RSS (MiB) and the seconds the child printed (its in-process timing), if any."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    try:
        inner = float(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        inner = None
    return elapsed, usage.ru_maxrss / 1024, inner


FLOOR = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[2])
start = time.perf_counter()
con.execute("create table t as select * from read_csv(?)", [sys.argv[1]])
con.close()
print(time.perf_counter() - start)
"""

# The same ingest in a process that has already loaded a file (as `takedown watch` or the second file
# of one `takedown ingest` run): the per-file cost, without start-up and the one-off imports.
WARM_INGEST = """
import sys, time
from pathlib import Path
from takedown.ingest import ingest_files
db = Path(sys.argv[2])
warm = db.with_name("warm.csv")
warm.write_text("platform,listing_id,url,seller_id,brand,infringement_type,detected_at\\n"
                "alibaba,W1,https://a/w,S1,Acme,counterfeit,2026-01-01\\n")
ingest_files([warm], db.with_name("warm.duckdb"))
start = time.perf_counter()
ingest_files([Path(sys.argv[1])], db, kind=sys.argv[3])
print(time.perf_counter() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs per variant; the best is reported")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    files = {"listings": OUT / f"listings_{args.rows}.csv", "complaints": OUT / f"complaints_{args.rows}.csv"}
    for kind, path in files.items():
        if not path.exists():
            print(f"generating {path.name} ...", file=sys.stderr)
            (make_listings if kind == "listings" else make_complaints)(args.rows, path)
    python = sys.executable
    takedown = str(Path(python).with_name("takedown"))
    rows = []
    for kind, path in files.items():
        results = {}
        for variant in ("floor", "ingest", "warm"):
            best = None
            for _ in range(args.repeat):
                scratch = OUT / "scratch"
                shutil.rmtree(scratch, ignore_errors=True)
                scratch.mkdir()
                db = scratch / "bench.duckdb"
                if variant == "floor":
                    command = [python, "-c", FLOOR, str(path), str(db)]
                elif variant == "ingest":
                    command = [takedown, "ingest", "--json", "--kind", kind, "--db", str(db), str(path)]
                else:
                    command = [python, "-c", WARM_INGEST, str(path), str(db), kind]
                measured = run_measured(command)
                best = measured if best is None or measured[0] < best[0] else best
            results[variant] = best
        rows.append((kind, path.stat().st_size / 2**20, results))
    shutil.rmtree(OUT / "scratch", ignore_errors=True)
    print(f"\ningest benchmark: {args.rows:,} rows per file, best of {args.repeat}, each run in a fresh process")
    print("end to end (process wall time, what a user waits for):")
    header = (f"{'file':<11} {'MiB':>5} {'floor s':>8} {'ingest s':>9} {'ratio':>6} "
              f"{'floor peak MiB':>15} {'ingest peak MiB':>16}")
    print(header)
    print("-" * len(header))
    for kind, size, results in rows:
        (floor_time, floor_peak, _), (ingest_time, ingest_peak, _) = results["floor"], results["ingest"]
        print(f"{kind:<11} {size:>5.0f} {floor_time:>8.2f} {ingest_time:>9.2f} {ingest_time / floor_time:>5.2f}x "
              f"{floor_peak:>15.0f} {ingest_peak:>16.0f}")
    print("per file in a warm process (in-process time of the load alone; imports and start-up excluded):")
    header = f"{'file':<11} {'floor s':>8} {'ingest s':>9} {'ratio':>6} {'ingest peak MiB':>16}"
    print(header)
    print("-" * len(header))
    for kind, _, results in rows:
        floor_inner = results["floor"][2]
        _, warm_peak, warm_inner = results["warm"]
        print(f"{kind:<11} {floor_inner:>8.2f} {warm_inner:>9.2f} {warm_inner / floor_inner:>5.2f}x {warm_peak:>16.0f}")
    print("targets: ratio <= 4x, ingest peak < 2048 MiB")


if __name__ == "__main__":
    main()
