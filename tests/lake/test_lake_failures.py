"""What goes wrong around a store (issue 18): a lake's catalog stopped or restarted mid-ingest, a store of a newer DuckDB."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from lake_files import FIXTURES, run_cli, table_counts

from takedown.store import written_by

# The first 4 KB of a store written by DuckDB 2.0.1 (/work/big/big.duckdb): its main header, which
# is all DuckDB reads before refusing a file of a storage version it does not know.
DUCKDB_2_STORE = Path(__file__).parent.parent / "fixtures" / "stores" / "duckdb-2.0.1-header.duckdb"


def test_the_catalog_stopped_mid_ingest_fails_in_one_line_commits_nothing_and_the_next_run_succeeds(
        postgres, location, monkeypatch, capsys):
    from takedown.ingest import pipeline

    listings, complaints = FIXTURES / "listings.csv", FIXTURES / "complaints_portal_gb18030.csv"
    assert run_cli(capsys, "ingest", "--db", location, str(listings))[0] == 0
    before = table_counts(location)
    real_upsert = pipeline.upsert

    def upsert_after_the_catalog_stops(*args, **kwargs):
        postgres.stop()  # the file's transaction is open: its rows go in, its commit cannot
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(pipeline, "upsert", upsert_after_the_catalog_stops)
    try:
        status, _, err = run_cli(capsys, "ingest", "--db", location, str(complaints))
        reading = run_cli(capsys, "metrics", "--month", "2026-09", "--db", location)  # while it is down
    finally:
        postgres.start()
    monkeypatch.setattr(pipeline, "upsert", real_upsert)
    assert status == 1, err
    assert err.startswith(f"takedown ingest: cannot write to the DuckLake {location}: "), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert reading[0] == 1 and reading[2].count("\n") == 1, reading
    assert re.match(f"takedown metrics: cannot (open|read) the DuckLake {re.escape(location)}: its PostgreSQL "
                    "catalog cannot be reached", reading[2]), reading
    # Nothing of the file: the same process's readers reconnect to the catalog once it is back.
    assert table_counts(location) == before
    status, out, err = run_cli(capsys, "ingest", "--json", "--db", location, str(complaints))
    assert status == 0, err
    assert (json.loads(out)["inserted"], json.loads(out)["rejected"]) == (7, 2)


def test_the_catalog_restarted_mid_ingest_gets_the_whole_file_or_none_and_the_next_run_succeeds(
        postgres, location, monkeypatch, capsys):
    from takedown.ingest import pipeline

    listings, complaints = FIXTURES / "listings.csv", FIXTURES / "complaints_portal_gb18030.csv"
    assert run_cli(capsys, "ingest", "--db", location, str(listings))[0] == 0
    before = table_counts(location)  # this process's readers are attached to the catalog before the restart
    real_upsert = pipeline.upsert

    def upsert_while_the_catalog_restarts(*args, **kwargs):
        postgres.stop()  # every connection to the catalog is cut, the writer's too
        postgres.start()
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(pipeline, "upsert", upsert_while_the_catalog_restarts)
    status, out, err = run_cli(capsys, "ingest", "--json", "--db", location, str(complaints))
    monkeypatch.setattr(pipeline, "upsert", real_upsert)
    # The writer reconnects for its commit (DuckLake's catalog connection is made again), or fails in
    # one line: either way the file is whole or absent, never part of it.
    whole = (before[0], before[1] + 7, before[2] + 2, before[3] + 1)
    if status == 0:
        assert table_counts(location) == whole
    else:
        assert err.startswith(f"takedown ingest: cannot write to the DuckLake {location}: "), err
        assert err.count("\n") == 1 and table_counts(location) == before
        assert run_cli(capsys, "ingest", "--db", location, str(complaints))[0] == 0
        assert table_counts(location) == whole
    # The next file loads; a reader with attachments from before the restart reads it.
    assert run_cli(capsys, "ingest", "--db", location, str(FIXTURES / "outcomes.jsonl"))[0] == 0
    assert table_counts(location)[3] == whole[3] + 1


def test_a_store_written_by_duckdb_2_says_so_and_how_to_migrate_in_one_line(tmp_path, capsys):
    store = tmp_path / "takedown.duckdb"
    shutil.copyfile(DUCKDB_2_STORE, store)
    # Detected by the header's storage version number (999: DuckDB 2.0's; 1.5.5 reads 64 to 68).
    assert written_by(store) == (999, "v2.0.1")
    runs = [["metrics", "--month", "2026-10"], ["items", "--month", "2026-10"], ["rejects"],
            ["ingest", str(FIXTURES / "listings.csv")]]
    for argv in runs:
        status, out, err = run_cli(capsys, *argv, "--db", str(store))
        assert status == 1 and out == "", (argv, out)
        assert err.count("\n") == 1 and "Traceback" not in err, (argv, err)
        assert err.startswith(f"takedown {argv[0]}: cannot open the store {store}: it was written by DuckDB v2.0.1 "
                              "(storage version 999), which this DuckDB 1.5.5"), (argv, err)
        assert "takedown ingest --db NEW" in err and "EXPORT DATABASE" in err and "IMPORT DATABASE" in err, err
    # Nothing was written beside it: no working copy of a store this DuckDB cannot read.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["takedown.duckdb", "takedown.duckdb.lock"]
    assert store.read_bytes() == DUCKDB_2_STORE.read_bytes()
