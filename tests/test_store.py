"""The store never lies: a --db that is not a store is refused, a deleted store stays deleted, the
working file never gets ahead of what readers see, and the quarantine keeps each row once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import duckdb
import polars as pl
import pytest

from takedown.cli import main
from takedown.ingest.inbox import FAILED, handle_batch
from takedown.store import (
    Reader,
    StoreError,
    StoreFullError,
    connect_reader,
    open_writer,
    publish,
    published_record_path,
    store_version,
    working_path,
)

HEADER = "platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"


def listings(*ids: str) -> str:
    return HEADER + "".join(f"alibaba,{i},https://a/{i},S1,Acme,counterfeit,2026-03-01\n" for i in ids)


def stored_ids(db_path) -> list[str]:
    con = connect_reader(db_path)
    try:
        return sorted(row[0] for row in con.sql("select listing_id from listings").fetchall())
    finally:
        con.close()


def working_ids(db_path) -> list[str]:
    with open_writer(db_path) as con:  # what the next ingest starts from
        return sorted(row[0] for row in con.sql("select listing_id from listings").fetchall())


# --- a --db that is not a store --------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "looks_like"), [
    ("exports.csv", b"platform,listing_id\nalibaba,L1\n", "a text file"),
    ("events.jsonl", b'{"complaint_id": "C1"}\n', "a JSON file"),
    ("table.parquet", None, "a Parquet file"),
    ("empty.duckdb", b"", "an empty file"),
])
@pytest.mark.parametrize("json_output", [False, True])
def test_ingest_refuses_a_db_that_is_not_a_store_and_leaves_it_untouched(tmp_path, write_file, capsys, name,
                                                                          content, looks_like, json_output):
    target = tmp_path / name
    if content is None:
        pl.DataFrame({"a": [1, 2]}).write_parquet(target)
    else:
        target.write_bytes(content)
    before = target.read_bytes()
    export = write_file("listings.csv", listings("L1"))
    code = main(["ingest", "--db", str(target), str(export)] + (["--json"] if json_output else []))
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""  # no row reported as stored
    assert f"{target} is {looks_like}" in captured.err and "not a takedown store" in captured.err
    assert "Traceback" not in captured.err
    assert target.read_bytes() == before
    assert not working_path(target).exists()


def test_every_reading_command_refuses_a_db_that_is_not_a_store(tmp_path, capsys):
    target = tmp_path / "exports.csv"
    target.write_text("a,b\n1,2\n")
    for argv in (["rejects"], ["metrics", "--month", "2026-03"]):
        assert main([*argv, "--db", str(target)]) == 1
        assert "is a text file, not a takedown store" in capsys.readouterr().err


def test_a_folder_a_side_file_or_another_duckdb_database_is_not_a_store(tmp_path, write_file, db_path):
    export = write_file("listings.csv", listings("L1"))
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table sales (amount int)")
    con.close()
    from takedown.ingest import ingest_files

    with pytest.raises(StoreError, match="is a folder"):
        ingest_files([export], tmp_path)
    with pytest.raises(StoreError, match="not a takedown store"):
        ingest_files([export], other)
    ingest_files([export], db_path)
    with pytest.raises(StoreError, match="beside a store"):
        ingest_files([export], working_path(db_path))
    with pytest.raises(StoreError, match="not a takedown store"):
        connect_reader(other)


# --- a deleted store stays deleted -----------------------------------------------------------


def test_deleting_the_store_starts_a_fresh_one_and_never_brings_old_rows_back(write_file, ingest, db_path):
    ingest(write_file("old.csv", listings("OLD1", "OLD2")))
    assert working_path(db_path).exists()
    db_path.unlink()  # "start again"
    ingest(write_file("new.csv", listings("NEW1")))
    assert stored_ids(db_path) == ["NEW1"]
    assert working_ids(db_path) == ["NEW1"]


def test_a_store_restored_from_a_backup_is_what_the_next_ingest_builds_on(write_file, ingest, db_path, tmp_path):
    ingest(write_file("one.csv", listings("L1")))
    backup = tmp_path / "backup.duckdb"
    backup.write_bytes(db_path.read_bytes())
    ingest(write_file("two.csv", listings("L2")))
    os.replace(backup, db_path)  # the user rolls the store back
    ingest(write_file("three.csv", listings("L3")))
    assert stored_ids(db_path) == ["L1", "L3"]


def test_two_stores_named_alike_do_not_share_a_working_file(write_file, ingest, tmp_path):
    from takedown.ingest import ingest_files

    bare, suffixed = tmp_path / "prod", tmp_path / "prod.duckdb"
    assert working_path(bare) != working_path(suffixed)
    ingest_files([write_file("a.csv", listings("A"))], bare)
    ingest_files([write_file("b.csv", listings("B"))], suffixed)
    assert stored_ids(bare) == ["A"] and stored_ids(suffixed) == ["B"]


# --- the working file never gets ahead of what readers see -----------------------------------

KILL_AFTER_COMMIT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from takedown.ingest import ingest_files

    def progress(stage, rows):
        if stage == "load":  # the file's transaction is committed, its publish not yet done
            os.kill(os.getpid(), signal.SIGKILL)

    ingest_files([Path(sys.argv[1])], Path(sys.argv[2]), progress=progress)
""")


def test_a_kill_between_commit_and_publish_is_undone_before_the_next_ingest(write_file, ingest, db_path):
    ingest(write_file("first.csv", listings("L1")))
    killed = write_file("killed.csv", listings("K1", "K2"))
    process = subprocess.run([sys.executable, "-c", KILL_AFTER_COMMIT, str(killed), str(db_path)], timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert stored_ids(db_path) == ["L1"]  # readers never saw it, the user saw no success
    ingest(write_file("unrelated.csv", listings("U1")))
    assert stored_ids(db_path) == ["L1", "U1"]  # the unrelated ingest does not publish the killed file
    assert working_ids(db_path) == ["L1", "U1"]


def test_stale_copies_of_a_killed_publish_are_removed_when_a_writer_starts(write_file, ingest, db_path):
    ingest(write_file("first.csv", listings("L1")))
    stale = [db_path.with_name(f".{db_path.name}.99999.tmp"),
             db_path.with_name(f".{working_path(db_path).name}.99999.tmp")]
    for path in stale:
        path.write_bytes(b"half a copy")
    unrelated = db_path.with_name("notes.tmp")
    unrelated.write_text("not ours")
    ingest(write_file("second.csv", listings("L2")))
    assert not any(path.exists() for path in stale)
    assert unrelated.exists()


def test_a_writer_that_changes_nothing_leaves_the_copies_in_step(write_file, ingest, db_path):
    ingest(write_file("first.csv", listings("L1")))
    record = published_record_path(db_path).read_text()
    with open_writer(db_path) as con:
        publish(con, db_path)
    assert json.loads(published_record_path(db_path).read_text()) != {}  # rewritten for the new copy
    assert record  # and there was one before
    assert working_ids(db_path) == stored_ids(db_path) == ["L1"]


# --- the quarantine keeps each row once ------------------------------------------------------


def test_loading_the_same_file_again_does_not_double_its_quarantine(write_file, ingest, query, capsys, db_path):
    path = write_file("listings.csv", listings("L1") + "ebay,L2,https://a/2,S1,Acme,counterfeit,2026-03-01\n"
                      "alibaba,L3,ftp://a/3,S1,Acme,counterfeit,2026-03-01\n")
    first, second = ingest(path)[0], ingest(path)[0]
    assert (first.rejected, second.rejected) == (2, 2)  # each run still reports the file's rejected rows
    assert query("select count(*) from quarantined_rows").item() == 2
    assert query("select batch_id from quarantined_rows group by all").item() == second.batch_id
    assert main(["rejects", "--db", str(db_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_row_the_rules_now_accept_leaves_the_quarantine(write_file, ingest, query):
    import datetime as dt

    path = write_file("listings.csv", HEADER + "alibaba,L1,https://a/1,S1,Acme,counterfeit,2026-12-15\n")
    [early] = ingest(path, now=dt.datetime(2026, 12, 1))  # more than a day ahead then
    [later] = ingest(path, now=dt.datetime(2026, 12, 20))
    assert (early.rejected, later.rejected, later.inserted) == (1, 0, 1)
    assert query("select count(*) from quarantined_rows").item() == 0


def test_a_store_made_by_an_older_version_is_brought_up_to_the_current_schema(write_file, ingest, query, db_path):
    ingest(write_file("first.csv", listings("L1")))
    con = duckdb.connect(str(db_path))  # as an older version left it: prices with 4 decimals, no file_sha256
    con.execute("alter table listings alter price type decimal(18, 4)")
    con.execute("alter table quarantined_rows drop column file_sha256")
    con.close()
    path = write_file("priced.csv", HEADER.rstrip("\n") + ",price,currency\n"
                      "alibaba,L2,https://a/2,S1,Acme,counterfeit,2026-03-01,0.00001,USD\n"
                      "ebay,L3,https://a/3,S1,Acme,counterfeit,2026-03-01,1,USD\n")
    ingest(path)
    ingest(path)
    assert str(query("select price from listings where listing_id = 'L2'").item()) == "0.0000100000"
    assert query("select count(*) from quarantined_rows").item() == 1


# --- the store's version: what caches key on ----------------------------------------------------


def test_a_new_copy_changes_the_version(tmp_path):
    store = tmp_path / "takedown.duckdb"
    store.write_bytes(b"one")
    first = store_version(store)
    assert store_version(store) == first  # nothing published: the same key
    replacement = tmp_path / ".takedown.duckdb.tmp"
    replacement.write_bytes(b"two!")
    os.replace(replacement, store)  # what store.publish does
    assert store_version(store) != first


def test_no_store_has_no_version(tmp_path):
    with pytest.raises(FileNotFoundError):
        store_version(tmp_path / "none.duckdb")


def test_a_file_changed_in_place_changes_the_version_even_with_its_inode_size_and_time(tmp_path):
    store = tmp_path / "takedown.duckdb"
    store.write_bytes(b"A" * 20000)
    before, status = store_version(store), store.stat()
    with store.open("r+b") as handle:  # what `cp older.duckdb takedown.duckdb` does: same inode
        handle.write(b"B" * 20000)
    os.utime(store, ns=(status.st_atime_ns, status.st_mtime_ns))  # `cp -p` keeps the time too
    after = store.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (status.st_ino, status.st_size, status.st_mtime_ns)
    assert store_version(store) != before  # the content stamp tells them apart


def test_a_reader_sees_a_backup_restored_in_place(write_file, ingest, db_path, tmp_path):
    ingest(write_file("first.csv", listings("L1")))
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(db_path, backup)
    ingest(write_file("second.csv", listings("L2")))
    reader = Reader(db_path)
    try:
        assert sorted(r[0] for r in reader.cursor().sql("select listing_id from listings").fetchall()) == ["L1", "L2"]
        inode, version = db_path.stat().st_ino, store_version(db_path)
        shutil.copyfile(backup, db_path)  # restored in place: the same inode, the older figures
        assert db_path.stat().st_ino == inode
        assert store_version(db_path) != version  # what the dashboard's caches key on
        assert [r[0] for r in reader.cursor().sql("select listing_id from listings").fetchall()] == ["L1"]
    finally:
        reader.close()


# --- a full disk: the cause named in one line, the store as it was --------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system (tmpfs), unmounted afterwards. `make test` runs as root (CI): a machine that
    cannot mount one fails here rather than skipping the disk-full tests, which would prove nothing."""
    folder = tmp_path / "small_disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a small file system for the disk-full tests (run as root): "
                    f"{mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def many_listings(count: int) -> str:
    return HEADER + "".join(f"alibaba,F{i},https://a/{i}/{'x' * 60},S{i % 97},Acme,counterfeit,2026-03-01\n"
                            for i in range(count))


@pytest.mark.parametrize("rows", [9000, 30000])  # the write that fails: the commit's log, or the checkpoint
def test_a_disk_that_fills_during_ingest_is_named_and_the_store_is_as_it_was(small_disk, write_file, capsys, rows):
    store = small_disk / "takedown.duckdb"
    assert main(["ingest", str(write_file("first.csv", listings("L1"))), "--db", str(store), "--json"]) == 0
    too_big = write_file("big.csv", many_listings(rows))
    capsys.readouterr()
    assert main(["ingest", str(too_big), "--db", str(store), "--json"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"takedown ingest: no space left on the device holding {small_disk}"), err
    assert f"nothing of {too_big} was loaded" in err
    assert "internal error" not in err and "Exception" not in err
    assert stored_ids(store) == ["L1"]


def test_watch_leaves_a_file_that_does_not_fit_in_the_inbox_and_says_why(small_disk, tmp_path):
    store = small_disk / "takedown.duckdb"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    small = inbox / "small.csv"
    small.write_text(listings("L1"))
    handle_batch([small], store)
    big = inbox / "big.csv"
    big.write_text(many_listings(30000))
    with pytest.raises(StoreFullError, match=f"no space left on the device holding {small_disk}"):
        handle_batch([big], store)
    assert big.exists() and not (inbox / FAILED / "big.csv").exists()  # not the file's fault: it waits
    assert stored_ids(store) == ["L1"]
