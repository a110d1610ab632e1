"""How long a 1,000-row complaints file takes to reach readers, at a small and a big store.

For each store (copied first, the original is never written):
- `takedown ingest FILE` wall time, process start to exit (after one untimed ingest, and each run
  starting once the writer lock is free: a background refill of the working copy is not counted
  against the next command but waited for);
- with `takedown watch INBOX` running (warm), the time from the file's rename into the inbox to a
  `takedown.store.Reader` seeing its batch.

    .venv/bin/python benchmarks/bench_live.py --store 100k=/tmp/live100k.duckdb \\
        --store 10M=/tmp/snap10m.duckdb --source /tmp/live100k/complaints_2025-05_2026-11.csv

(`make bench` runs the same measurement on the generated stores, as its "live" stage.)

`--code DIR` runs another checkout's src/ (e.g. `git archive HEAD src queries | tar -x -C DIR`) to
measure "before". Prints one table row per store.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import Run, TreeSampler, measured

ROWS = 1_000
# Far beyond any plausible latency: a watcher that never loads the file fails the run instead of hanging it.
GIVE_UP_SECONDS = 300
WORK = Path("/tmp/bench_live")
CLI = "import sys; from takedown.cli import main; sys.exit(main())"


def sample_file(source: Path, target: Path, tag: str) -> Path:
    """1,000 complaint rows of `source` (complaint_id first; comma or semicolon separated) with
    complaint ids of their own (so every run inserts)."""
    with source.open(encoding="utf-8") as handle:
        header = handle.readline()
        lines = [next(handle) for _ in range(ROWS)]
    separator = ";" if ";" in header else ","
    body = "".join(f"{tag}-{number:05d}{line[line.index(separator):]}" for number, line in enumerate(lines))
    temporary = target.with_name(f".{target.name}.part")
    temporary.write_text(header + body, encoding="utf-8")
    os.replace(temporary, target)  # the inbox contract: complete files appear by rename
    return target


def environment(code: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code / "src")
    return env


def wait_for_writer(db: Path) -> None:
    """Until no writer (nor a background refill) holds the store's lock."""
    lock = db.with_name(db.name + ".lock")
    if not lock.exists():
        return
    with lock.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        fcntl.flock(handle, fcntl.LOCK_UN)


def copy_store(original: Path, name: str) -> Path:
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / "store.duckdb"
    subprocess.run(["cp", "--reflink=auto", str(original), str(db)], check=True)
    return db


def cli_ingest(db: Path, path: Path, env: dict[str, str]) -> float:
    """`takedown ingest FILE` wall seconds, start to exit (see cli_ingest_run)."""
    return cli_ingest_run(db, path, env).seconds


def cli_ingest_run(db: Path, path: Path, env: dict[str, str] | None = None) -> Run:
    """`takedown ingest FILE` in a fresh process once the writer lock is free: wall seconds and peak RSS."""
    wait_for_writer(db)
    return measured([sys.executable, "-c", CLI, "ingest", str(path), "--db", str(db), "--json"], env=env)


def visible(db: Path, path: Path, code: Path | None) -> bool:
    from takedown.store import connect_reader

    con = connect_reader(db)
    try:
        return con.sql("select count(*) from ingest_batches where file = ?", params=[str(path)]).fetchall()[0][0] > 0
    finally:
        con.close()


def watch_latency(db: Path, folder: Path, source: Path, runs: int, env: dict[str, str], code: Path | None,
                  peaks: list[float] | None = None) -> list[float]:
    """Seconds from each file's rename into a watched inbox to a Reader seeing it; the watcher's peak
    resident memory (its process tree) is appended to `peaks` when given."""
    inbox = folder / "inbox"
    inbox.mkdir()
    watcher = subprocess.Popen([sys.executable, "-c", CLI, "watch", str(inbox), "--db", str(db)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        with TreeSampler(watcher.pid) as memory:
            sample_file(source, inbox / "warm.csv", "BENCH-WARM")
            watcher.stdout.readline()  # the first file, Great Expectations set up: the watcher is warm
            latencies = []
            for run in range(runs):
                wait_for_writer(db)
                time.sleep(0.5)
                target = inbox / f"live-{run}.csv"
                landed = time.perf_counter()
                sample_file(source, target, f"BENCH-W{run}-{time.time_ns()}")
                while not visible(db, target, code):
                    if time.perf_counter() - landed > GIVE_UP_SECONDS:
                        raise RuntimeError(f"takedown watch did not load {target.name} within {GIVE_UP_SECONDS} s")
                    time.sleep(0.05)
                latencies.append(time.perf_counter() - landed)
                watcher.stdout.readline()
        if peaks is not None:
            peaks.append(memory.peak_mib)
        return latencies
    finally:
        watcher.terminate()
        watcher.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", action="append", required=True, help="NAME=PATH of a store to copy and measure")
    parser.add_argument("--source", type=Path, required=True, help="a complaints CSV (semicolons) to cut files from")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, help="a checkout whose src/ to run instead of this one")
    parser.add_argument("--label", default="this checkout")
    args = parser.parse_args()
    if args.code is not None:
        sys.path.insert(0, str(args.code / "src"))
    env = environment(args.code)
    rows = []
    for spec in args.store:
        name, _, original = spec.partition("=")
        db = copy_store(Path(original), name)
        folder = db.parent
        cli_ingest(db, sample_file(args.source, folder / "first.csv", "BENCH-FIRST"), env)  # untimed
        cli = [cli_ingest(db, sample_file(args.source, folder / f"cli-{run}.csv", f"BENCH-C{run}-{time.time_ns()}"),
                          env) for run in range(args.runs)]
        wait_for_writer(db)
        live = watch_latency(db, folder, args.source, args.runs, env, args.code)
        wait_for_writer(db)
        size = db.stat().st_size / 1e9
        rows.append((name, size, cli, live))
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.label}: a {ROWS:,}-row complaints file, {args.runs} runs each (median, min-max)")
    print(f"{'store':>6} {'GB':>5} | {'takedown ingest, start to exit (s)':>36} | {'watch: landing to visible (s)':>31}")
    for name, size, cli, live in rows:
        print(f"{name:>6} {size:5.2f} | {statistics.median(cli):17.2f} ({min(cli):5.2f}-{max(cli):5.2f}) {'':6} | "
              f"{statistics.median(live):12.2f} ({min(live):5.2f}-{max(live):5.2f}) {'':5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
