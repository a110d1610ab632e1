"""The same store on DuckLake (issue 18): a real PostgreSQL catalog, Parquet data, the same figures.

One PostgreSQL cluster per test session (tests/lake_postgres.py); each test gets its own database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from program_stores import write_csv

from lake_postgres import remove_postgres, start_postgres
from takedown import lake
from takedown.cli import main
from takedown.demo.program import write_program
from takedown.ingest import ingest_files
from takedown.store import Reader, connect_reader, read_source, store_version

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
END = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def postgres():
    server = start_postgres()
    yield server
    remove_postgres(server)


@pytest.fixture
def location(postgres, tmp_path, monkeypatch) -> str:
    """A new, empty DuckLake location (created by its first writer, its data under tmp_path)."""
    monkeypatch.setenv(lake.DATA_PATH_VARIABLE, str(tmp_path / "lake-data"))
    monkeypatch.delenv(lake.AS_OF_VARIABLE, raising=False)
    return postgres.new_lake()


@pytest.fixture(scope="session")
def program(tmp_path_factory) -> list[Path]:
    """A small generated program (every kind, bad rows included), in the order the demo loads it."""
    files = write_program(tmp_path_factory.mktemp("program"), 7, 400, END).files
    return [export.path for export in files]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_every_figure_equals_the_file_stores(program, location, tmp_path, capsys):
    file_store = tmp_path / "takedown.duckdb"
    for store in (str(file_store), location):
        status, out, err = run_cli(capsys, "ingest", "--json", "--db", store, *map(str, program))
        assert status == 0, err
        loads = [json.loads(line) for line in out.splitlines()]
        assert sum(load["rejected"] for load in loads) > 0  # the program's bad rows are quarantined
        if store == location:
            assert [{k: v for k, v in load.items() if k != "batch_id"} for load in loads] == file_loads
        file_loads = [{k: v for k, v in load.items() if k != "batch_id"} for load in loads]
    runs = [
        ["metrics", "--month", "2026-05", "--as-of", "2026-06-15T00:00:00Z"],
        ["metrics", "--month", "2026-03", "--tz", "Asia/Shanghai", "--as-of", "2026-06-01T00:00:00Z"],
        ["metrics", "--start", "2025-07-01", "--end", "2026-06-15", "--platform", "alibaba", "--as-of", "2026-06-15"],
        ["metrics", "--month", "2026-04", "--account", "acct-1", "--reason", "counterfeit", "--as-of", "2026-06-15"],
        ["items", "--month", "2026-05", "--as-of", "2026-06-15T00:00:00Z"],
        ["items", "--month", "2026-02", "--tz", "America/New_York", "--metric", "removed", "--as-of", "2026-06-15"],
        ["rejects"],
    ]
    for argv in runs:
        outputs = []
        for store in (str(file_store), location):
            status, out, err = run_cli(capsys, *argv, *(["--json"] if argv[0] != "rejects" else []), "--db", store)
            assert status == 0, (argv, err)
            outputs.append(re.sub(r"batch \d{8}T\d+-", "batch <time>-", out))  # batch ids carry the load time
        assert outputs[0] == outputs[1], argv
        assert len(outputs[0]) > 100, argv  # the run has figures to compare, not an empty answer


def test_ingest_is_idempotent_and_quarantines_on_a_lake(location, capsys):
    files = [FIXTURES / "listings.csv", FIXTURES / "complaints_portal_gb18030.csv", FIXTURES / "outcomes.jsonl"]
    first = ingest_files(files[:1], location, timezone="UTC")
    reader = Reader(location)  # the dashboard's reader: one snapshot until a new one is committed
    version = store_version(location)
    assert reader.cursor().sql("select count(*) from complaint_items").fetchone()[0] == 0
    first += ingest_files(files[1:], location, timezone="UTC")
    assert store_version(location) != version
    assert reader.cursor().sql("select count(*) from complaint_items").fetchone()[0] == 7
    reader.close()
    again = ingest_files(files, location, timezone="UTC")
    assert [r.inserted for r in first] == [6, 7, 8] and [r.rejected for r in first] == [2, 2, 2]
    assert [(r.inserted, r.updated, r.unchanged, r.rejected) for r in again] == [(0, 0, 6, 2), (0, 0, 7, 2), (0, 0, 8, 2)]
    con = connect_reader(location)
    try:
        # The same bytes loaded twice replace their quarantined rows, never add them twice.
        assert con.sql("select count(*) from quarantined_rows").fetchone()[0] == 6
        assert con.sql("select count(*) from listings").fetchone()[0] == 6
    finally:
        con.close()
    status, out, _ = run_cli(capsys, "rejects", "--db", location)
    assert status == 0 and "listings.csv" in out


def test_a_reader_missing_lake_and_a_new_lake_without_data_path_fail_in_one_line(postgres, location, monkeypatch, capsys):
    status, _, err = run_cli(capsys, "metrics", "--month", "2026-05", "--db", location)
    assert status == 1 and err.count("\n") == 1 and "no store at ducklake:postgres:" in err
    monkeypatch.delenv(lake.DATA_PATH_VARIABLE)
    status, _, err = run_cli(capsys, "ingest", "--db", location, str(FIXTURES / "listings.csv"))
    assert status == 1 and err.count("\n") == 1 and "needs its data path" in err and "--data-path" in err


def test_store_as_of_reads_a_past_snapshot_exactly(location, tmp_path, capsys, monkeypatch):
    month = ["metrics", "--json", "--month", "2026-09", "--as-of", "2026-10-15T00:00:00Z", "--db", location]
    ingest_files([FIXTURES / "listings.csv", FIXTURES / "complaints_portal_gb18030.csv"], location, timezone="UTC")
    before = run_cli(capsys, *month)[1]
    snapshot = store_version(location).removeprefix("snapshot-")
    time.sleep(0.01)  # the commit times must differ from the next commit's
    moment = dt.datetime.now(dt.UTC).isoformat()
    ingest_files([FIXTURES / "outcomes.jsonl"], location, timezone="UTC")
    after = run_cli(capsys, *month)[1]
    assert json.loads(after)["totals"] != json.loads(before)["totals"]
    assert run_cli(capsys, *month, "--store-as-of", snapshot)[1] == before
    assert run_cli(capsys, *month, "--store-as-of", moment)[1] == before
    # What a report records of the store it read: the snapshot to give --store-as-of again.
    monkeypatch.setenv(lake.AS_OF_VARIABLE, moment)
    con = connect_reader(location)
    try:
        source = read_source(con, location)
    finally:
        con.close()
    assert source["snapshot_id"] == int(snapshot) and source["store"] == location
    assert source["committed_at"] < moment.replace("+00:00", "Z")
    monkeypatch.delenv(lake.AS_OF_VARIABLE)
    # A past snapshot is read-only.
    status, _, err = run_cli(capsys, "ingest", "--db", location, "--store-as-of", snapshot, str(FIXTURES / "listings.csv"))
    assert status == 1 and "cannot be written" in err
    status, _, err = run_cli(capsys, *month, "--store-as-of", "last tuesday")
    assert status == 1 and err.count("\n") == 1 and "neither a snapshot id nor an ISO time" in err


def test_compaction_merges_small_files_and_keeps_the_figures(location, tmp_path, capsys, monkeypatch):
    header = ["platform", "listing_id", "url", "seller_id", "brand", "infringement_type", "detected_at"]
    files = []
    for number in range(6):
        rows = [header] + [["alibaba", f"L{number}-{i}", f"https://www.alibaba.com/{number}-{i}.html", "S1", "Acme",
                            "counterfeit", "2026-05-01T00:00:00Z"] for i in range(80)]
        files.append(write_csv(tmp_path / f"listings{number}.csv", rows))
    ingest_files(files, location, timezone="UTC")  # a commit (and a Parquet file) per file
    con = connect_reader(location)
    counted = con.sql("select count(*), count(distinct listing_id) from listings").fetchone()
    con.close()
    monkeypatch.setattr(lake, "COMPACT_AT_SMALL_FILES", 100)
    assert lake.compact_if_due(location) is None  # 6 small files: not due yet
    status, out, err = run_cli(capsys, "compact", "--db", location)
    assert status == 0, err
    before, after = (int(number.replace(",", "")) for number in re.findall(r"[\d,]+", out))
    assert after < before
    con = connect_reader(location)
    assert con.sql("select count(*), count(distinct listing_id) from listings").fetchone() == counted == (480, 480)
    con.close()


def test_the_catalog_stopped_mid_ingest_fails_in_one_line_and_commits_nothing(postgres, location, monkeypatch, capsys):
    from takedown.ingest import pipeline

    listings, complaints = FIXTURES / "listings.csv", FIXTURES / "complaints_portal_gb18030.csv"
    assert run_cli(capsys, "ingest", "--db", location, str(listings))[0] == 0
    real_upsert = pipeline.upsert

    def upsert_after_the_catalog_stops(*args, **kwargs):
        postgres.stop()  # the file's transaction is open: its rows go in, its commit cannot
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(pipeline, "upsert", upsert_after_the_catalog_stops)
    try:
        status, _, err = run_cli(capsys, "ingest", "--db", location, str(complaints))
    finally:
        postgres.start()
    monkeypatch.setattr(pipeline, "upsert", real_upsert)
    assert status == 1, err
    assert err.startswith("takedown ingest: cannot ") and err.count("\n") == 1 and "Traceback" not in err
    assert f"DuckLake {location}" in err
    con = connect_reader(location)  # the same process: its readers reconnect to the restarted catalog
    try:
        assert con.sql("select count(*) from complaint_items").fetchone()[0] == 0
        assert con.sql("select count(*) from ingest_batches").fetchone()[0] == 1
    finally:
        con.close()
    status, out, err = run_cli(capsys, "ingest", "--json", "--db", location, str(complaints))
    assert status == 0, err
    assert json.loads(out)["inserted"] == 7


READER = """
import json, sys, time
from takedown.store import connect_reader
from pathlib import Path
location, size, stop = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
seen = []
while not stop.exists() or not seen:
    con = connect_reader(location)
    listings, inserted, batches = con.sql(
        "select (select count(*) from listings), (select coalesce(sum(inserted), 0) from ingest_batches "
        "where kind = 'listings'), (select count(*) from ingest_batches)").fetchone()
    con.close()
    seen.append([listings, int(inserted), batches])
print(json.dumps(seen))
"""


def _listings_file(folder: Path, name: str, size: int) -> Path:
    header = ["platform", "listing_id", "url", "seller_id", "brand", "infringement_type", "detected_at"]
    return write_csv(folder / f"{name}.csv", [header] + [
        ["alibaba", f"{name}-{i}", f"https://www.alibaba.com/{name}-{i}.html", "S1", "Acme", "counterfeit",
         "2026-05-01T00:00:00Z"] for i in range(size)])


def _count(location: str) -> int:
    con = connect_reader(location)
    try:
        return con.sql("select count(*) from listings").fetchone()[0]
    finally:
        con.close()


def _takedown(*argv: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "takedown.cli", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ), **options)


def test_two_writers_and_readers_at_once_see_whole_files_only(location, tmp_path):
    size = 150
    ingest_files([_listings_file(tmp_path, "base", size)], location, timezone="UTC")
    files = {writer: [_listings_file(tmp_path, f"{writer}{n}", size) for n in range(3)] for writer in "ab"}
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, location, str(size), str(stop)], stdout=subprocess.PIPE,
                                text=True) for _ in range(2)]
    writers = [_takedown("ingest", "--db", location, *map(str, paths)) for paths in files.values()]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    stop.touch()  # the readers stop after their current read
    assert _count(location) == size * 7  # no row lost
    states = set()
    for reader in readers:
        out, _ = reader.communicate(timeout=300)
        seen = json.loads(out.splitlines()[-1])
        assert seen
        states |= {row[0] for row in seen}
        for listings, inserted, _batches in seen:
            assert listings % size == 0 and listings == inserted  # whole files only, each table agreeing
        assert [row[0] for row in seen] == sorted(row[0] for row in seen)  # never back in time
    assert len(states) > 1  # the readers did read while the writers wrote


def test_a_writer_killed_at_random_moments_leaves_the_store_before_or_after_its_file(location, tmp_path):
    size = 200
    ingest_files([_listings_file(tmp_path, "base", size)], location, timezone="UTC")
    randomness = random.Random(18)
    for attempt in range(3):
        before = _count(location)
        writer = _takedown("ingest", "--db", location, str(_listings_file(tmp_path, f"k{attempt}", size)))
        time.sleep(randomness.uniform(0.3, 4.0))  # from its start-up to past its commit
        writer.kill()
        writer.wait()
        assert _count(location) in (before, before + size)
    # The lake still takes files after every kill.
    ingest_files([_listings_file(tmp_path, "after", size)], location, timezone="UTC")
    assert _count(location) % size == 0
