"""Snapshot benchmark: load the whole store once, then derive every view from it.

    uv run python benchmarks/bench_snapshot.py --db STORE.duckdb [--as-of ISO] [--month YYYY-MM] [--tz ZONE]
    uv run python benchmarks/bench_snapshot.py --sizes 1m=/tmp/snap1m.duckdb 10m=/tmp/snap10m.duckdb [--skip-views]

Make a store with the demo first, e.g. `takedown demo --no-serve --scale 1000000 --end 2026-11-20
--out /tmp/bench1m --db /tmp/bench1m.duckdb` (10M: --scale 10000000, about 10 minutes). Prints one
table: the load time and the process's peak RSS after it, then each derived view's time (median of
--repeat runs), then `takedown metrics --month --json`'s wall time and peak RSS in a fresh process.
--sizes runs each store in its own fresh process (so one store's peak RSS is not another's).
Each view is timed on its first call and as the median of --repeat calls: a snapshot counts what
several views share (per-seller removals and histories) once, on first use.
Targets (issue 8): at 1M, loaded in under 1.5 s and every view under 150 ms; at 10M, peak memory
under 3 GB; `takedown metrics --month` at 1M within 2.2 s and 550 MB, at 10M within ~5 s and 2 GB.
A script that prints a table, never a timed unit test.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, repeat: int) -> tuple[float, float, object]:
    """(the first call's seconds, the median of `repeat` calls, the result): a snapshot counts what
    several views share once, on first use, so the first call is timed apart."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times), result


def metrics_command(db: Path, month: str, as_of: str, tz: str) -> tuple[float, float]:
    """`takedown metrics --month --json` in a fresh process: (wall seconds, the child's peak RSS in MB)."""
    command = [sys.executable, "-m", "takedown.cli", "metrics", "--month", month, "--as-of", as_of, "--tz", tz,
               "--db", str(db), "--json"]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--sizes", nargs="+", metavar="LABEL=STORE",
                        help="benchmark each store in its own process, e.g. 1m=/tmp/snap1m.duckdb")
    parser.add_argument("--as-of", default="2026-11-20T00:00:00Z")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--tz", default="UTC")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-views", action="store_true", help="time the load only, not each view")
    parser.add_argument("--skip-command", action="store_true", help="do not time `takedown metrics`")
    args = parser.parse_args()
    if args.sizes:
        for size in args.sizes:
            label, _, store = size.partition("=")
            print(f"=== {label} ===", flush=True)
            flags = [f"--{name}={getattr(args, name.replace('-', '_'))}" for name in ("as-of", "month", "tz", "repeat")]
            flags += [flag for flag in ("--skip-views", "--skip-command")
                      if getattr(args, flag[2:].replace("-", "_"))]
            subprocess.run([sys.executable, __file__, "--db", store, *flags], check=True)
        return
    if args.db is None:
        parser.error("give --db STORE or --sizes LABEL=STORE ...")
    # First, while this process is small: a child forked later would count our memory as its own.
    command = None if args.skip_command else metrics_command(args.db, args.month, args.as_of, args.tz)

    from takedown.config import Settings
    from takedown.metrics import load_snapshot, metrics_json, month_period, parse_instant
    from takedown.metrics.snapshot import BREAKDOWN_COLUMNS
    from takedown.store import connect_reader

    as_of = parse_instant(args.as_of, args.tz)
    period = month_period(args.month, args.tz)
    con = connect_reader(args.db)
    before = peak_rss_mb()
    start = time.perf_counter()
    snapshot = load_snapshot(con, as_of, settings=Settings(report_timezone=args.tz))
    load_seconds = time.perf_counter() - start
    rows = [("load_snapshot (whole store)", load_seconds, load_seconds, f"{snapshot.facts.height:,} items")]
    load_rss = peak_rss_mb()
    views = {
        "totals": lambda: snapshot.totals(period),
        **{f"breakdown {by}": (lambda by=by: snapshot.breakdown(period, by)) for by in BREAKDOWN_COLUMNS},
        "trend 12 months": lambda: snapshot.trend(args.month, 12),
        "trend 12 months by platform": lambda: snapshot.trend(args.month, 12, by="platform"),
        "good_faith + by_reason": lambda: (snapshot.good_faith(period), snapshot.good_faith_by_reason(period)),
        "repeat_offender_figures": snapshot.repeat_offender_figures,
        "counter_notices_awaiting_response": snapshot.counter_notices_awaiting_response,
        "high_risk_backlog": snapshot.high_risk_backlog,
        "repeat_offenders_queue": snapshot.repeat_offenders_queue,
        "expiring_rights": snapshot.expiring_rights,
        "complaint_items_on_weak_rights": snapshot.complaint_items_on_weak_rights,
        "rows removed": lambda: snapshot.rows(period, "removed"),
        "metrics_json (all of SPEC 4)": lambda: metrics_json(snapshot, period),
    }
    for name, view in ({} if args.skip_views else views).items():
        first, seconds, result = timed(view, args.repeat)
        size = f"{result.height:,} rows" if hasattr(result, "height") else ""
        rows.append((name, first, seconds, size))
    con.close()
    print(f"store {args.db} ({args.db.stat().st_size / 2**20:,.0f} MB), as of {as_of}, month {args.month} in {args.tz}")
    print(f"peak RSS: {before:,.0f} MB before loading, {load_rss:,.0f} MB after loading, "
          f"{peak_rss_mb():,.0f} MB at the end")
    width = max(len(name) for name, *_ in rows)
    print(f"{'step':<{width}}  {'first ms':>9}  {'median ms':>9}  result")
    for name, first, seconds, size in rows:
        print(f"{name:<{width}}  {first * 1000:>9.1f}  {seconds * 1000:>9.1f}  {size}")
    if command is not None:
        seconds, rss = command
        print(f"{'takedown metrics --month (fresh process)':<{width}}  {seconds * 1000:>9.1f}  {'':>9}  "
              f"peak RSS {rss:,.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
