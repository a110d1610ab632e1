"""`takedown watch`: files that land are loaded once and filed; bad ones fail with a reason; half files wait."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from takedown.ingest import inbox as inbox_module
from takedown.demo.files import write_atomically
from takedown.ingest.inbox import (
    FAILED,
    PROCESSED,
    handle_file,
    ready_files,
    unique_target,
)
from takedown.store import StoreError, connect_reader

HEADER = "platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"


def listings_csv(*ids: str) -> bytes:
    rows = "".join(f"alibaba,{i},https://www.alibaba.com/product-detail/{i}.html,cn1,Acme,counterfeit,"
                   f"2026-05-01T08:00:00Z\n" for i in ids)
    return (HEADER + rows).encode("utf-8")


def store_rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = connect_reader(db)
    try:
        return con.sql(sql, params=params).fetchall()
    finally:
        con.close()


def test_watch_loads_a_file_written_while_it_runs_fails_a_bad_one_and_ignores_half_files(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "store.duckdb"
    # A producer is still writing these: a dot-prefixed .part file and a .tmp file, both half done.
    half = inbox / ".listings_late.csv.part"
    half.write_bytes(listings_csv("HALF-1", "HALF-2")[:-30])
    (inbox / "listings_other.csv.tmp").write_bytes(listings_csv("TMP-1"))
    watcher = subprocess.Popen(
        [sys.executable, "-m", "takedown.cli", "watch", str(inbox), "--db", str(db), "--interval", "0.2",
         "--max-files", "2", "--timeout", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (inbox / FAILED).exists():  # the watcher made its folders: it is running
            assert watcher.poll() is None, watcher.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        write_atomically(inbox / "listings_new.csv", lambda handle: handle.write(listings_csv("NEW-1", "NEW-2")))
        write_atomically(inbox / "notes.xlsx", lambda handle: handle.write(b"minutes of the Monday call"))
        out, err = watcher.communicate(timeout=90)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 1, err  # one file failed
    assert (inbox / PROCESSED / "listings_new.csv").exists()
    assert (inbox / FAILED / "notes.xlsx").exists()
    reason = (inbox / FAILED / "notes.xlsx.reason.txt").read_text(encoding="utf-8")
    assert "refused" in reason and "XLSX" in reason
    assert "processed listings_new.csv" in out and "failed    notes.xlsx" in out
    # The half-written files are untouched and nothing of them was loaded.
    assert half.exists() and (inbox / "listings_other.csv.tmp").exists()
    loaded = {row[0] for row in store_rows(db, "select listing_id from listings")}
    assert loaded == {"NEW-1", "NEW-2"}
    files = [Path(row[0]).name for row in store_rows(db, "select file from ingest_batches")]
    assert sorted(files) == ["listings_new.csv", "notes.xlsx"]


def test_ready_files_skip_temporary_names_folders_and_files_seen_only_once(tmp_path: Path):
    for name in ("a.csv", ".b.csv", "c.csv.part", "d.csv.tmp", "e.jsonl"):
        (tmp_path / name).write_text("x")
    (tmp_path / PROCESSED).mkdir()
    old = time.time() - 60
    os.utime(tmp_path / "a.csv", (old, old))
    seen: dict = {}
    assert ready_files(tmp_path, seen, settle_seconds=5) == []  # first sight: nothing is known to be stable
    assert [p.name for p in ready_files(tmp_path, seen, settle_seconds=5)] == ["a.csv"]  # e.jsonl is too fresh
    assert [p.name for p in ready_files(tmp_path, seen, settle_seconds=0, now=time.time() + 1)] == ["a.csv", "e.jsonl"]


def test_a_file_written_under_its_final_name_waits_until_it_stops_growing(tmp_path: Path):
    """A producer that ignores the temporary-name rule: the watcher must not read half its rows."""
    path = tmp_path / "listings.csv"
    seen: dict = {}
    later = time.time() + 3600  # old enough for the settle time: only stability across polls decides
    path.write_bytes(listings_csv("G-1"))
    assert ready_files(tmp_path, seen, settle_seconds=0, now=later) == []
    with path.open("ab") as handle:  # the producer appends between two polls
        handle.write(b"alibaba,G-2,https://www.alibaba.com/G-2.html,cn1,Acme,counterfeit,2026-05-01T08:00:00Z\n")
    assert ready_files(tmp_path, seen, settle_seconds=0, now=later) == []  # it grew: not yet
    # Same size, new modification time (rewritten in place): still not stable.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert ready_files(tmp_path, seen, settle_seconds=0, now=later) == []
    assert ready_files(tmp_path, seen, settle_seconds=0, now=later) == [path]  # unchanged across two polls


def test_the_watcher_loads_a_growing_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "store.duckdb"
    path = inbox / "listings.csv"
    path.write_bytes(listings_csv("W-1"))
    pauses = 0
    real_sleep = time.sleep

    def producer_writes_more_during_the_first_pause(seconds: float) -> None:
        nonlocal pauses
        pauses += 1
        if pauses == 1:
            with path.open("ab") as handle:
                handle.write(listings_csv("W-2", "W-3")[len(HEADER):])
        real_sleep(seconds)

    monkeypatch.setattr(inbox_module.time, "sleep", producer_writes_more_during_the_first_pause)
    handled = inbox_module.watch_folder(inbox, db, interval=0.01, max_files=1, timeout=20, settle_seconds=0)
    assert [h.outcome for h in handled] == ["processed"]
    assert {row[0] for row in store_rows(db, "select listing_id from listings")} == {"W-1", "W-2", "W-3"}


def test_a_file_that_vanishes_while_it_is_handled_does_not_stop_the_watcher(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "store.duckdb"
    doomed, kept = inbox / "a_doomed.csv", inbox / "b_kept.csv"
    doomed.write_bytes(listings_csv("D-1"))
    kept.write_bytes(listings_csv("K-1"))
    old = time.time() - 60
    os.utime(doomed, (old, old))  # taken first
    real_digest = inbox_module._digest

    def delete_then_hash(path: Path) -> str:
        if path.name == doomed.name:
            path.unlink()  # another process took it away between the listing and the hashing
        return real_digest(path)

    monkeypatch.setattr(inbox_module, "_digest", delete_then_hash)
    errors: list[tuple[str, str]] = []
    handled = inbox_module.watch_folder(inbox, db, interval=0.01, max_files=1, timeout=20, settle_seconds=0,
                                        on_file_error=lambda path, error: errors.append((path.name, type(error).__name__)))
    assert errors == [("a_doomed.csv", "FileNotFoundError")]
    assert [(h.name, h.outcome) for h in handled] == [("b_kept.csv", "processed")]


def test_a_file_that_cannot_be_moved_is_reported_once_and_the_others_go_on(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "store.duckdb"
    stuck, kept = inbox / "a_stuck.csv", inbox / "b_kept.csv"
    stuck.write_bytes(listings_csv("S-1"))
    kept.write_bytes(listings_csv("K-2"))
    old = time.time() - 60
    os.utime(stuck, (old, old))
    real_replace = os.replace

    def refuse_stuck(source, target) -> None:
        if Path(source).name == stuck.name:
            raise PermissionError(13, "Permission denied", str(source))
        real_replace(source, target)

    monkeypatch.setattr(inbox_module.os, "replace", refuse_stuck)
    errors: list[str] = []
    polls = 0

    def enough() -> bool:
        nonlocal polls
        polls += 1
        return polls > 6

    handled = inbox_module.watch_folder(inbox, db, interval=0.01, timeout=20, settle_seconds=0,
                                        should_stop=enough, on_file_error=lambda path, error: errors.append(path.name))
    assert errors == ["a_stuck.csv"]  # once, not on every poll: it is left alone until it changes
    assert [(h.name, h.outcome) for h in handled] == [("b_kept.csv", "processed")]
    assert stuck.exists()


def test_unique_target_never_overwrites(tmp_path: Path):
    assert unique_target(tmp_path, "listings.csv") == tmp_path / "listings.csv"
    (tmp_path / "listings.csv").write_text("x")
    (tmp_path / "listings.1.csv").write_text("x")
    assert unique_target(tmp_path, "listings.csv") == tmp_path / "listings.2.csv"
    assert unique_target(tmp_path, "README") == tmp_path / "README"


def test_a_file_is_never_loaded_twice_and_names_never_collide(tmp_path: Path):
    inbox = tmp_path / "inbox"
    for sub in (PROCESSED, FAILED):
        (inbox / sub).mkdir(parents=True)
    db = tmp_path / "store.duckdb"
    path = inbox / "listings.csv"
    path.write_bytes(listings_csv("A-1"))
    first = handle_file(path, db)
    assert first.outcome == "processed" and first.moved_to == inbox / PROCESSED / "listings.csv"
    # The same bytes again under the same name (the watcher stopped before moving them): not reloaded.
    path.write_bytes(listings_csv("A-1"))
    again = handle_file(path, db)
    assert again.outcome == "already loaded" and again.moved_to == inbox / PROCESSED / "listings.1.csv"
    # A new export under the same name is loaded and filed beside the others.
    path.write_bytes(listings_csv("A-2"))
    third = handle_file(path, db)
    assert third.outcome == "processed" and third.moved_to == inbox / PROCESSED / "listings.2.csv"
    assert store_rows(db, "select count(*) from ingest_batches")[0][0] == 2
    assert not path.exists()


def test_a_crash_files_the_file_in_failed_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    (inbox / FAILED).mkdir(parents=True)
    path = inbox / "outcomes.jsonl"
    path.write_text('{"complaint_id": "C1"}\n')

    def crash(*args: object, **kwargs: object) -> None:
        raise MemoryError("simulated crash in ingest")

    monkeypatch.setattr(inbox_module, "ingest_file", crash)
    handled = handle_file(path, tmp_path / "store.duckdb")
    assert handled.outcome == "failed"
    reason = (inbox / FAILED / "outcomes.jsonl.reason.txt").read_text(encoding="utf-8")
    assert "ingest crashed: MemoryError: simulated crash in ingest" in reason
    assert (inbox / FAILED / "outcomes.jsonl").read_text() == '{"complaint_id": "C1"}\n'
    assert not [p.name for p in (inbox / FAILED).iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_busy_store_leaves_the_file_in_the_inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "listings.csv"
    path.write_bytes(listings_csv("B-1"))

    def busy(*args: object, **kwargs: object) -> None:
        raise StoreError("cannot open the working store: it is locked")

    monkeypatch.setattr(inbox_module, "ingest_file", busy)
    with pytest.raises(StoreError):
        handle_file(path, tmp_path / "store.duckdb")
    assert path.exists()


def test_files_that_land_together_are_published_once_and_filed_only_after_it(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "store.duckdb"
    names = ["a.csv", "b.csv", "c.csv"]
    for number, name in enumerate(names):
        (inbox / name).write_bytes(listings_csv(f"T-{number}"))
    real_publish = inbox_module.publish_and_close
    publishes: list[list[str]] = []

    def publish_and_look(con, db_path) -> None:
        # At the publish every file of the batch is still in the inbox: none is filed before it is visible.
        publishes.append(sorted(p.name for p in inbox.iterdir() if p.is_file()))
        real_publish(con, db_path)

    monkeypatch.setattr(inbox_module, "publish_and_close", publish_and_look)
    handled = inbox_module.watch_folder(inbox, db, interval=0.01, max_files=3, timeout=30, settle_seconds=0)
    assert publishes == [names]  # one writer session, one publish for the three files
    assert [(h.name, h.outcome) for h in handled] == [(name, "processed") for name in names]
    assert store_rows(db, "select count(*) from ingest_batches") == [(3,)]  # each file its own batch


def test_a_crash_in_a_batch_files_that_file_and_keeps_the_files_loaded_before_it(tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "store.duckdb"
    for name, listing in (("a.csv", "G-1"), ("b.csv", "BAD"), ("c.csv", "G-2")):
        (inbox / name).write_bytes(listings_csv(listing))
    real_ingest = inbox_module.ingest_file

    def crash_on_b(con, path, *args, **kwargs):
        if path.name == "b.csv":
            raise MemoryError("simulated crash in ingest")
        return real_ingest(con, path, *args, **kwargs)

    monkeypatch.setattr(inbox_module, "ingest_file", crash_on_b)
    handled = inbox_module.watch_folder(inbox, db, interval=0.01, max_files=3, timeout=30, settle_seconds=0)
    assert sorted((h.name, h.outcome) for h in handled) == [("a.csv", "processed"), ("b.csv", "failed"),
                                                           ("c.csv", "processed")]
    assert {row[0] for row in store_rows(db, "select listing_id from listings")} == {"G-1", "G-2"}


def test_a_store_that_cannot_be_published_leaves_the_whole_batch_in_the_inbox(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "store.duckdb"
    for name in ("a.csv", "b.csv"):
        (inbox / name).write_bytes(listings_csv(name))

    def full_disk(con, db_path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(inbox_module, "publish_and_close", full_disk)
    with pytest.raises(StoreError):
        inbox_module.handle_batch(sorted(inbox.glob("*.csv")), db)
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["a.csv", "b.csv"]


def test_links_are_loaded_and_entries_that_are_not_files_are_failed_with_their_reason(tmp_path: Path):
    """A link to a real export is loaded (never skipped without a word); a FIFO, a device and a link to
    nothing are never opened (a FIFO would block the watcher for ever) and land in failed/ with why."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    target = tmp_path / "elsewhere" / "listings.csv"
    target.parent.mkdir()
    target.write_bytes(listings_csv("LINK-1", "LINK-2"))
    (inbox / "linked.csv").symlink_to(target)
    os.mkfifo(inbox / "pipe.csv")
    (inbox / "device.csv").symlink_to("/dev/null")
    (inbox / "dangling.csv").symlink_to(tmp_path / "gone.csv")
    db = tmp_path / "store.duckdb"
    handled = inbox_module.watch_folder(inbox, db, interval=0.05, max_files=4, timeout=120, settle_seconds=0)
    outcomes = {h.name: h.outcome for h in handled}
    assert outcomes == {"linked.csv": "processed", "pipe.csv": "failed", "device.csv": "failed",
                        "dangling.csv": "failed"}
    assert store_rows(db, "select listing_id from listings order by 1") == [("LINK-1",), ("LINK-2",)]
    assert (inbox / PROCESSED / "linked.csv").is_symlink() and target.exists()  # the link moved, not its file
    reasons = {name: (inbox / FAILED / f"{name}.reason.txt").read_text(encoding="utf-8")
               for name in ("pipe.csv", "device.csv", "dangling.csv")}
    assert "named pipe (FIFO)" in reasons["pipe.csv"]
    assert "character device" in reasons["device.csv"]
    assert "which does not exist" in reasons["dangling.csv"]
