"""All or nothing per file: a kill -9 in the middle of a load leaves the store as it was before the file.

Readers see only published copies: they never block ingest and never see a half-loaded file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl

from takedown.store import Reader, open_writer

COUNTS = "select (select count(*) from listings), (select count(*) from ingest_batches)"

LOADER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from takedown.ingest import ingest_files

    def progress(stage, rows):
        print(stage, flush=True)

    ingest_files([Path(sys.argv[1])], Path(sys.argv[2]), progress=progress)
    print("finished", flush=True)
""")


def big_listings(path: Path, rows: int) -> Path:
    frame = pl.DataFrame({
        "platform": ["alibaba"] * rows,
        "listing_id": [f"B{i}" for i in range(rows)],
        "url": [f"https://a/{i}" for i in range(rows)],
        "seller_id": [f"S{i % 977}" for i in range(rows)],
        "brand": ["Acme"] * rows,
        "infringement_type": ["counterfeit"] * rows,
        "detected_at": ["2026-03-01 10:00:00"] * rows,
    })
    frame.write_csv(path)
    return path


def counts_in_working_store(db_path: Path) -> tuple[int, int]:
    with open_writer(db_path) as con:  # what the next ingest would start from
        return con.sql(COUNTS).fetchall()[0]


def test_kill_9_during_the_load_leaves_the_store_as_before(tmp_path, write_file, ingest, query, db_path):
    ingest(write_file("small.csv", "platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
                                   "alibaba,X1,https://a/x,S1,Acme,counterfeit,2026-03-01\n"))
    before = query(COUNTS).rows()[0]
    big = big_listings(tmp_path / "big.csv", 20_000)
    process = subprocess.Popen([sys.executable, "-c", LOADER, str(big), str(db_path)],
                               stdout=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if line.strip() == "validate":  # rows checked: the load's transaction starts now
                os.kill(process.pid, signal.SIGKILL)
                break
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the load finished before it could be killed"
    assert query(COUNTS).rows()[0] == before  # what readers see
    assert counts_in_working_store(db_path) == before  # what the writer recovers
    # and the store still works: the same file loads whole afterwards
    [result] = ingest(big)
    assert (result.inserted, result.rejected) == (20_000, 0)
    assert query(COUNTS).rows()[0] == (before[0] + 20_000, before[1] + 1)


def test_a_reader_does_not_block_ingest_and_sees_each_published_copy(write_file, ingest, db_path):
    header = "platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
    ingest(write_file("one.csv", header + "alibaba,L1,https://a/1,S1,Acme,counterfeit,2026-03-01\n"))
    reader = Reader(db_path)
    try:
        assert reader.cursor().sql("select count(*) from listings").fetchall() == [(1,)]
        held = reader.connection()  # a dashboard holding the published file open
        ingest(write_file("two.csv", header + "alibaba,L2,https://a/2,S1,Acme,counterfeit,2026-03-01\n"))
        assert held.sql("select count(*) from listings").fetchall() == [(1,)]  # its snapshot stays whole
        assert reader.cursor().sql("select count(*) from listings").fetchall() == [(2,)]  # reconnected
    finally:
        reader.close()


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from takedown.store import open_writer

    with open_writer(Path(sys.argv[1])):
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def test_a_second_writer_waits_for_the_first(write_file, ingest, query, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path), "1.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        [result] = ingest(write_file("one.csv", "platform,listing_id,url,seller_id,brand,infringement_type,"
                                                "detected_at\nalibaba,L1,https://a/1,S1,Acme,counterfeit,2026-03-01\n"))
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert result.inserted == 1
    assert waited > 0.5  # it waited for the lock instead of failing
    assert query("select count(*) from listings").item() == 1


def test_a_bulk_load_can_publish_once_at_the_end(write_file, db_path, query):
    from takedown.ingest import ingest_files

    header = "platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
    files = [write_file(f"{n}.csv", header + f"alibaba,L{n},https://a/{n},S1,Acme,counterfeit,2026-03-01\n")
             for n in range(3)]
    published = []
    ingest_files(files, db_path, publish_each_file=False,
                 progress=lambda stage, rows: published.append(db_path.exists()) if stage == "done" else None)
    assert published == [False, False, True]  # nothing published until the last file is in
    assert query("select count(*) from listings").item() == 3


READER_LOOP = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from takedown.store import Reader, StoreError

    reader, seen = Reader(Path(sys.argv[1])), set()
    print("reading", flush=True)
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline and not Path(sys.argv[3]).exists():
        try:
            seen.add(reader.cursor().sql("select (select count(*) from listings), "
                                         "(select count(*) from ingest_batches)").fetchall()[0])
        except StoreError:
            pass  # no store yet
    print(sorted(seen), flush=True)
""")


def test_a_reader_in_a_loop_during_ingests_sees_only_whole_files(tmp_path, db_path):
    from takedown.ingest import ingest_files

    rows, files = 2_000, 4
    done = tmp_path / "done"
    reader = subprocess.Popen([sys.executable, "-c", READER_LOOP, str(db_path), "120", str(done)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "reading"
        for number in range(files):
            path = big_listings(tmp_path / f"file{number}.csv", rows)
            frame = pl.read_csv(path).with_columns(pl.col("listing_id") + f"-{number}")
            frame.write_csv(path)
            ingest_files([path], db_path)  # each publishes by handing its working file over
        done.touch()
        seen = eval(reader.stdout.readline())  # a list of (listings, batches) tuples
    finally:
        reader.wait(timeout=60)
    assert seen, "the reader saw no store at all"
    # Every state a reader saw is a whole number of files, their rows and their batch records together.
    assert all(listings == batches * rows for listings, batches in seen), seen
    assert (files * rows, files) in seen or counts_in_working_store(db_path) == (files * rows, files)
