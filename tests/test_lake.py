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
from takedown.store import StoreError, connect_reader, store_version

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
    first = ingest_files(files, location, timezone="UTC")
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


def test_store_as_of_reads_a_past_snapshot_exactly(location, tmp_path, capsys):
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
    # A past snapshot is read-only.
    status, _, err = run_cli(capsys, "ingest", "--db", location, "--store-as-of", snapshot, str(FIXTURES / "listings.csv"))
    assert status == 1 and "cannot be written" in err


def test_compaction_merges_small_files_and_keeps_the_figures(location, tmp_path, capsys):
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
    counts = lake.compact(location)
    assert counts["files_after"] < counts["files_before"]
    con = connect_reader(location)
    assert con.sql("select count(*), count(distinct listing_id) from listings").fetchone() == counted == (480, 480)
    con.close()
