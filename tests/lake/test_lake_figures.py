"""The same store on DuckLake (issue 18): a real PostgreSQL catalog, Parquet data, the same figures.

The PostgreSQL cluster is started once per test worker (tests/lake/conftest.py); each test gets its
own database.
"""

from __future__ import annotations

import json
import re

from lake_files import FIXTURES, complaints_file, listings_file, run_cli

from takedown import lake
from takedown.ingest import ingest_files
from takedown.store import Reader, connect_reader, read_source, store_version


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
    con = connect_reader(location)
    try:
        source = read_source(con, location)  # what a report records of the store it read
    finally:
        con.close()
    snapshot, moment = str(source["snapshot_id"]), source["committed_at"]
    assert source["store"] == location and f"snapshot-{snapshot}" == store_version(location)
    ingest_files([FIXTURES / "outcomes.jsonl"], location, timezone="UTC")
    after = run_cli(capsys, *month)[1]
    assert json.loads(after)["totals"] != json.loads(before)["totals"]
    # The snapshot id, or the time it was committed at, reads the store exactly as it was then.
    assert run_cli(capsys, *month, "--store-as-of", snapshot)[1] == before
    assert run_cli(capsys, *month, "--store-as-of", moment)[1] == before
    monkeypatch.setenv(lake.AS_OF_VARIABLE, moment)
    con = connect_reader(location)
    try:
        assert read_source(con, location) == source
    finally:
        con.close()
    monkeypatch.delenv(lake.AS_OF_VARIABLE)
    # A past snapshot is read-only.
    status, _, err = run_cli(capsys, "ingest", "--db", location, "--store-as-of", snapshot, str(FIXTURES / "listings.csv"))
    assert status == 1 and "cannot be written" in err
    status, _, err = run_cli(capsys, *month, "--store-as-of", "last tuesday")
    assert status == 1 and err.count("\n") == 1 and "neither a snapshot id nor an ISO time" in err


def test_compaction_merges_small_files_and_keeps_the_figures(location, tmp_path, capsys, monkeypatch):
    files = [listings_file(tmp_path, f"L{number}", 80) for number in range(6)]
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


def test_the_dashboard_serves_a_lake(location, monkeypatch):
    from takedown.dashboard_lib import state

    monkeypatch.setenv("TAKEDOWN_DB", location)
    assert state.store_problem() == f"The store at {location} cannot be read: no store at {location}: load " \
        "exports with `takedown ingest FILE... --data-path DIR` to create it"
    ingest_files([FIXTURES / "listings.csv", FIXTURES / "complaints_portal_gb18030.csv"], location, timezone="UTC")
    assert state.store_problem() is None  # a lake is no file: the dashboard reads it, never "no store"
    assert state.current_version() == store_version(location)


def test_a_reader_following_a_live_feed_keeps_few_catalog_connections(postgres, location, tmp_path):
    from takedown import lake

    reader = Reader(location)  # the dashboard's: a new connection for each new snapshot
    held = None
    for number in range(8):
        ingest_files([complaints_file(tmp_path, f"c{number}", 3)], location, timezone="UTC")
        assert reader.cursor().sql("select count(*) from complaint_items").fetchone()[0] == 3 * (number + 1)
        if number == 1:  # a reader kept open (a report being built) reads its snapshot to the end
            held = connect_reader(location)
        con = connect_reader(location)
        con.close()
    assert held.sql("select count(*) from complaint_items").fetchone()[0] == 6
    # Attached: the latest snapshot, the one asked for the latest id, the held reader's, and at most the
    # one before the latest (its last cursor was still open when the latest was attached); each holds a
    # connection or two. Never one per snapshot read: 8 here, and a dashboard following a live feed
    # would exhaust PostgreSQL's max_connections.
    attached = [alias for alias in lake._attached if alias.startswith(lake._alias(location, ""))]
    assert len(attached) <= 4, attached
    assert postgres.connections(location) <= 2 * len(attached) < 8
    held.close()
    reader.close()
