"""Fault injection: kill -9 a loading process at 20 random moments, publish included.

After every kill the next command must see the store as it was before the file or after it, never
in between, with the published store and the writer's working copy in step, and no half-written
copy left behind. Forking each loader from a warm process (imports done once) keeps the 20 loads quick.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl

from takedown.store import connect_reader, open_writer

# The zygote imports everything once, then forks one loader per request; each loader writes its
# stages as "pid stage" lines, and the zygote reports how each loader ended.
ZYGOTE = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    import great_expectations  # the slow import, done once before any fork
    from takedown.ingest import ingest_files

    for request in sys.stdin:
        source, store = request.split()
        pid = os.fork()
        if pid == 0:
            def progress(stage, rows):
                os.write(1, f"{os.getpid()} {stage}\\n".encode())
            os.write(1, f"{os.getpid()} started\\n".encode())
            ingest_files([Path(source)], Path(store), progress=progress)
            os.write(1, f"{os.getpid()} finished\\n".encode())
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        print(f"{pid} exit {status}", flush=True)
""")

ROWS_PER_FILE = 3_000


def write_listings(path: Path, prefix: str, rows: int) -> Path:
    pl.DataFrame({
        "platform": ["taobao"] * rows,
        "listing_id": [f"{prefix}-{i}" for i in range(rows)],
        "url": [f"https://item.taobao.com/{prefix}/{i}" for i in range(rows)],
        "seller_id": [f"S{i % 101}" for i in range(rows)],
        "brand": ["Acme"] * rows,
        "infringement_type": ["counterfeit"] * rows,
        "detected_at": ["2026-03-01 10:00:00"] * rows,
    }).write_csv(path)
    return path


def published_state(db_path: Path) -> tuple[int, int]:
    con = connect_reader(db_path)
    try:
        return con.sql("select (select count(*) from listings), (select count(*) from ingest_batches)").fetchall()[0]
    finally:
        con.close()


def working_state(db_path: Path) -> tuple[int, int]:
    with open_writer(db_path) as con:
        return con.sql("select (select count(*) from listings), (select count(*) from ingest_batches)").fetchall()[0]


class Zygote:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)

    def load(self, source: Path, store: Path) -> int:
        self.process.stdin.write(f"{source} {store}\n")
        self.process.stdin.flush()
        pid, stage = self.process.stdout.readline().split()
        assert stage == "started"
        return int(pid)

    def wait_for(self, pid: int, stages: set[str], deadline: float) -> str | None:
        """Read lines until the loader reports one of `stages` (returned) or ends (None)."""
        import select

        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            words = self.process.stdout.readline().split()
            if words[:2] == [str(pid), "exit"]:
                return "exit"
            if words and words[0] == str(pid) and words[1] in stages:
                return words[1]
        return None

    def ended(self, pid: int) -> str:
        while True:
            words = self.process.stdout.readline().split()
            if words[:2] == [str(pid), "exit"]:
                return words[2]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def test_kill_9_at_twenty_random_moments_leaves_the_store_before_or_after_and_in_step(tmp_path):
    db_path = tmp_path / "store" / "takedown.duckdb"
    rng = random.Random(20)
    zygote = Zygote()
    killed_after_commit = killed_before_commit = 0
    try:
        # Two uninterrupted loads first: the store exists, and the second (the zygote warm by then)
        # tells how long a load and its publish take.
        for warm_up in (-1, 0):
            started = time.monotonic()
            pid = zygote.load(write_listings(tmp_path / f"file{warm_up}.csv", f"F{warm_up}", ROWS_PER_FILE), db_path)
            assert zygote.wait_for(pid, {"load"}, time.monotonic() + 120) == "load"
            committed = time.monotonic()
            assert zygote.ended(pid) == "0"
        whole_load, publish_time = committed - started, time.monotonic() - committed
        state = published_state(db_path)
        # How much of the measured publish time an after-commit kill may wait: halved each time the
        # loader finished first (a busy machine makes the warm-up's publish slower than the trials').
        publish_share = 1.0
        for trial in range(1, 21):
            source = write_listings(tmp_path / f"file-{trial}.csv", f"F{trial}", ROWS_PER_FILE)
            before, after = state, (state[0] + ROWS_PER_FILE, state[1] + 1)
            pid = zygote.load(source, db_path)
            if trial % 2:  # anywhere before the commit, mostly (the load's last fifth is the commit and publish)
                time.sleep(rng.uniform(0, whole_load * 0.8))
                seen = "before commit?"
            else:  # after the commit: during the checkpoint, the copy or the rename of the publish
                seen = zygote.wait_for(pid, {"load"}, time.monotonic() + 120)
                time.sleep(rng.uniform(0, publish_time * publish_share))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            status = zygote.ended(pid)
            was_killed = status != "0"
            if not was_killed and seen == "load":
                publish_share /= 2
            if was_killed:
                killed_after_commit += seen == "load"
                killed_before_commit += seen != "load"
            state = published_state(db_path)
            assert state in (before, after), f"trial {trial}: {state} is neither {before} nor {after}"
            assert working_state(db_path) == state, f"trial {trial}: the working copy is out of step"
            leftovers = [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]
            assert leftovers == [], f"trial {trial}: {leftovers}"
    finally:
        zygote.close()
    # The kills did land inside loads, on both sides of the commit.
    assert killed_before_commit >= 3 and killed_after_commit >= 3, (killed_before_commit, killed_after_commit)
