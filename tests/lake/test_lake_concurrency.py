"""Several processes on one DuckLake at once (issue 18): writers, readers, kills, conflicting commits.

Every file here is small (tens of rows): what is tested is which commits a reader sees, not speed.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from lake_files import AS_OF, MONTH, complaints_file, listings_file, table_counts

from takedown import lake
from takedown.ingest import ingest_files
from takedown.store import connect_reader

# One reader process of the concurrency test. It reads the lake through one of the four ways the
# product reads a store, once per new snapshot (it polls the snapshot id, bounded), and prints each
# read as [figures per IPP account, the total]. Every complaints file of the test has its own
# account, so a partial file shows as an account with fewer items than the file has.
READER = r"""
import collections, contextlib, datetime as dt, io, json, os, sys, time
from pathlib import Path

# The test reads this process's stdout: "ready", then the reads. Anything else written to the
# process's stdout (a library's stray newline under load was seen) goes to stderr instead.
protocol = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)

way, location, stop, month, as_of_text = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4], sys.argv[5]
as_of = dt.datetime.fromisoformat(as_of_text.replace("Z", "+00:00")).replace(tzinfo=None)

from takedown.cli import main
from takedown.store import Reader, connect_reader, store_version

def command(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main([*argv, "--db", location])
    if status != 0:
        raise SystemExit(f"takedown {argv[0]} exited with {status}")
    return out.getvalue()

def metrics():  # takedown metrics --json
    figures = json.loads(command("metrics", "--json", "--month", month, "--as-of", as_of_text))
    return {account: row["submitted"] for account, row in figures["by_account"].items()}, figures["totals"]["submitted"]

def items():  # takedown items --json: the rows themselves
    rows = [json.loads(line) for line in command("items", "--json", "--month", month, "--as-of", as_of_text).splitlines()]
    return dict(collections.Counter(row["account"] for row in rows)), len(rows)

reader = Reader(location)  # the dashboard's reader (dashboard_lib.state keeps one per store)

def dashboard():  # the dashboard's data functions on its reader's cursor
    from takedown.dashboard_lib import data
    from takedown.metrics.periods import month_period
    from takedown.metrics.snapshot import load_snapshot
    cursor = reader.cursor()
    snapshot = load_snapshot(cursor, as_of, version=store_version(location), strict=False)
    by_account = data.breakdown(snapshot, month_period(month, "UTC"), "account")
    kpis = dict(data.headline_kpis(snapshot, month).select("name", "value").iter_rows())
    if data.complaint_item_count(cursor) != kpis["submitted"]:
        raise SystemExit("the dashboard's item count and its submitted KPI differ within one read")
    return dict(by_account.select("account", "submitted").iter_rows()), int(kpis["submitted"])

def report():  # the report's data (report.data.load_report_data)
    from takedown.report.data import load_report_data
    con = connect_reader(location)
    try:
        data = load_report_data(con, month, as_of, "UTC")
    finally:
        con.close()
    return {a: row["submitted"] for a, row in data.metrics["by_account"].items()}, data.metrics["totals"]["submitted"]

read = {"metrics": metrics, "items": items, "dashboard": dashboard, "report": report}[way]
seen, last = [read()], store_version(location)
print("ready", file=protocol, flush=True)
for _ in range(3000):  # bounded: at most 3000 polls of the snapshot id, 5 a second
    version = store_version(location)
    if version != last:
        last = version
        seen.append(read())
    elif stop.exists():
        break  # the writers are done and this reader has read the last snapshot
    else:
        time.sleep(0.2)
print(json.dumps(seen), file=protocol, flush=True)
"""

READERS = ("metrics", "items", "dashboard", "report")


def _python(*argv: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **options)


def test_two_writers_and_four_readers_at_once_see_whole_files_only(location, tmp_path):
    size = 20
    ingest_files([complaints_file(tmp_path, "base", size)], location, timezone="UTC")
    files = {writer: [complaints_file(tmp_path, f"{writer}{n}", size) for n in range(2)] for writer in "ab"}
    stop = tmp_path / "stop"
    readers = {way: _python("-c", READER, way, location, str(stop), MONTH, AS_OF) for way in READERS}
    for way, reader in readers.items():
        assert reader.stdout.readline() == "ready\n", (way, reader.communicate(timeout=60))
    # The real command, twice at once.
    writers = [_python("-m", "takedown.cli", "ingest", "--db", location, *map(str, paths)) for paths in files.values()]
    for writer in writers:
        _, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err
    stop.touch()  # each reader stops once it has read the last snapshot
    every_file = {"base": size} | {path.stem: size for paths in files.values() for path in paths}
    # No row lost: the store holds every file's items, and each file's batch counts them.
    con = connect_reader(location)
    try:
        assert con.sql("select count(*) from complaint_items").fetchone()[0] == size * 5
        assert dict(con.sql("select account, count(*) from complaint_items group by account").fetchall()) == every_file
        assert con.sql("select sum(inserted) from ingest_batches").fetchone()[0] == size * 5
    finally:
        con.close()
    states = set()
    for way, reader in readers.items():
        out, err = reader.communicate(timeout=600)
        assert reader.returncode == 0, (way, err)
        seen = json.loads(out.splitlines()[-1])
        for accounts, total in seen:
            assert set(accounts.values()) == {size}, (way, accounts)  # whole files only
            assert sum(accounts.values()) == total, (way, accounts, total)  # its figures agree with each other
            for paths in files.values():  # each writer's files land in its order
                present = [path.stem in accounts for path in paths]
                assert present == sorted(present, reverse=True), (way, accounts)
            states.add(tuple(sorted(accounts)))
        loaded = [set(accounts) for accounts, _ in seen]
        assert all(earlier <= later for earlier, later in zip(loaded, loaded[1:])), way  # never back in time
        assert seen[0][0] == {"base": size} and seen[-1][0] == every_file, way  # from the first file to all
    assert len(states) > 2  # the readers read between the writers' commits, not only before and after


# A writer that forks one ingest per line of stdin. It imports everything (and sets up Great
# Expectations) once, so each ingest starts at once and a kill falls inside the ingest itself, not in
# the start-up of an interpreter. "run PATH": ingest to the end, print its exit status and seconds;
# "kill PATH SECONDS": kill -9 the ingest that many seconds after its start, print its status (-9,
# or 0 when it had finished first).
WRITER = r"""
import os, signal, sys, time
from pathlib import Path

from takedown.ingest import ingest_files
from takedown.ingest.validation import warm_up

warm_up().join()
location = sys.argv[1]
for line in sys.stdin:
    action, path, *delay = line.split()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            ingest_files([Path(path)], location, timezone="UTC")
        except BaseException:
            os._exit(1)
        os._exit(0)
    if action == "kill":
        time.sleep(float(delay[0]))
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    print(code, round(time.monotonic() - started, 3), flush=True)
"""


def _bad_complaints_file(folder: Path, name: str, size: int) -> Path:
    """`size` complaint items and one bad row (quarantined with them, in the same transaction)."""
    path = complaints_file(folder, name, size)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"C-{name}-bad,alibaba.com,L-{name}-bad,S1,product listing,trademark,TM-1,Counterfeit goods,"
                     f"{name},not a date,,\n")
    return path


def test_a_writer_killed_at_ten_random_moments_leaves_the_store_before_or_after_its_file(location, tmp_path):
    size = 40
    ingest_files([_bad_complaints_file(tmp_path, "base", size)], location, timezone="UTC")
    writer = _python("-c", WRITER, location, stdin=subprocess.PIPE)

    def ask(*words: object) -> tuple[int, float]:
        writer.stdin.write(" ".join(map(str, words)) + "\n")
        writer.stdin.flush()
        line = writer.stdout.readline()
        assert line, writer.communicate(timeout=60)
        code, seconds = line.split()
        return int(code), float(seconds)

    try:
        # One whole ingest first: how long one takes here now, so the kills spread over all of it.
        before = table_counts(location)
        code, seconds = ask("run", _bad_complaints_file(tmp_path, "timed", size))
        assert code == 0
        grows = tuple(after - earlier for after, earlier in zip(table_counts(location), before))
        assert grows == (0, size, 1, 1)  # the file's items, its bad row, its batch
        randomness = random.Random(18)
        outcomes = []
        for attempt in range(10):
            before = table_counts(location)
            moment = randomness.uniform(0.0, seconds * 1.1)  # from its start to just past its commit
            code, _ = ask("kill", _bad_complaints_file(tmp_path, f"k{attempt}", size), moment)
            after = table_counts(location)
            expected_after = tuple(b + g for b, g in zip(before, grows))
            assert after in (before, expected_after), (attempt, moment, before, after)
            if code == 0:
                assert after == expected_after  # it finished before the kill
            outcomes.append(after == expected_after)
        # The lake still takes files after every kill.
        before = table_counts(location)
        assert ask("run", _bad_complaints_file(tmp_path, "after", size))[0] == 0
        assert table_counts(location) == tuple(b + g for b, g in zip(before, grows))
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert False in outcomes  # some kills did land before the commit


def test_a_commit_that_conflicts_with_another_writers_is_retried(location, tmp_path, monkeypatch):
    from takedown.ingest import pipeline

    ingest_files([listings_file(tmp_path, "base", 10)], location, timezone="UTC")
    # Two writers change different listings of one table: each deletes the old rows it updates, and
    # DuckLake refuses the second commit of two that deleted from one table at once.
    first = listings_file(tmp_path / "first", "base", 10, title="first", only=range(0, 5))
    second = listings_file(tmp_path / "second", "base", 10, title="second", only=range(5, 10))
    record_batch, attempts = pipeline._record_batch, []

    def second_writer_commits_meanwhile(con, batch_id, path, *args):
        if Path(path) == first:
            attempts.append(batch_id)
            if len(attempts) == 1:  # the first writer's transaction is open and about to commit
                ingest_files([second], location, timezone="UTC")  # its own session: a second writer
        return record_batch(con, batch_id, path, *args)

    monkeypatch.setattr(pipeline, "_record_batch", second_writer_commits_meanwhile)
    [result] = ingest_files([first], location, timezone="UTC")
    assert len(attempts) == 2  # the conflicting commit was run again, once
    assert (result.inserted, result.updated, result.unchanged, result.error) == (0, 5, 0, None)
    con = connect_reader(location)
    try:
        titles = dict(con.sql("select listing_id, title from listings").fetchall())
        batches = con.sql("select count(*) from ingest_batches").fetchone()[0]
    finally:
        con.close()
    assert titles == {f"base-{i}": "first" if i < 5 else "second" for i in range(10)}
    assert batches == 3


def test_a_conflict_is_retried_a_bounded_number_of_times_then_raised(monkeypatch):
    import duckdb

    monkeypatch.setattr(lake, "CONFLICT_BACKOFF_SECONDS", 0.0)
    calls = []

    def always_conflicts() -> None:
        calls.append(1)
        raise duckdb.TransactionException("Failed to commit DuckLake transaction: Transaction conflict - ...")

    try:
        lake.retry_conflicts(always_conflicts, retries=3)
    except duckdb.TransactionException:
        pass
    else:
        raise AssertionError("a conflict that never clears must be raised")
    assert len(calls) == 4
    calls.clear()

    def out_of_space() -> None:
        calls.append(1)
        raise duckdb.TransactionException("Failed to commit: could not write file: No space left on device")

    try:
        lake.retry_conflicts(out_of_space)
    except duckdb.TransactionException:
        pass
    assert len(calls) == 1  # any other failed commit fails at once
