"""The DuckDB store: a private working file for the writer, a published read-only copy for readers.

DuckDB locks a database file per process: while one process holds it read-write no other can open
it, even read-only. So ingest writes `<name>.work` beside the store and, after each file, publishes
a finished copy onto the store path with an atomic `os.replace`. Readers open the published file
read-only and reconnect when its inode changes; they never block the writer and never see a
half-loaded file.

The published store is the truth; the working file is only a cache of it. After each publish the
writer records which published file its working file equals (`<name>.work.published`: the published
file's inode, size and modification time), and it removes that record before it changes anything.
A writer that starts (under the writer lock, `<name>.lock`) trusts its working file only when the
record names the store as it is now. Otherwise (a kill between a commit and its publish, a store
deleted or restored from a backup by hand) it copies the working file afresh from the store, or,
when there is no store, starts an empty one: a leftover working file never outlives or outranks
the store the user sees.

Publishing by hand-over (`publish_and_close`): at the end of a writer session the working file
itself, checkpointed and closed, is renamed onto the store path, so a publish costs a checkpoint
and a rename, not a copy of the whole store. The writer then has no working file; the copy it
needs for its next session is made afterwards (`refill`, under the writer lock, off the path to
visibility): by `takedown watch` while it waits for files, by a detached process after
`takedown ingest` on a big store. A kill at any moment leaves either no working file or one
without a record, which the next writer replaces with a fresh copy (see `bring_in_step`). The file
system here (ext4) cannot clone a file (reflink), which would make the copy itself free; the
numbers behind this choice are in the README's store section.

A store location may instead name a DuckLake (`ducklake:...`, see takedown.lake): the functions
below hand such a location to takedown.lake (`_lake`), where publishing is the commit itself.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from takedown.config import WRITER_LOCK_TIMEOUT_SECONDS, WRITER_MEMORY_LIMIT
from takedown.file_types import DESCRIPTIONS, read_head, sniff_format
from takedown.item_facts import item_facts_need_rebuild, rebuild_item_facts
from takedown.sql import list_queries, load_query

# The table every takedown store has: its presence tells a store from another DuckDB database.
STORE_MARKER_TABLE = "ingest_batches"
# Suffixes of the files kept beside a store: never a store themselves.
SIDE_FILE_SUFFIXES = (".work", ".lock", ".published", ".wal", ".tmp")


class StoreError(RuntimeError):
    """The store cannot be opened (missing, locked, unwritable, or not a takedown store)."""


class StoreFullError(StoreError):
    """The device holding the store ran out of space; the published store is as it was."""


# The errors of a full device (or a full quota), as OSError numbers and as DuckDB words them.
_NO_SPACE_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
_NO_SPACE_WORDS = tuple(os.strerror(number) for number in _NO_SPACE_ERRNOS)


def is_out_of_space(error: BaseException | None) -> bool:
    """Whether an error (or any error it was raised from) is a full device or quota.

    DuckDB reports a failed write inside its own exception types (a failed commit, a failed
    checkpoint), with the system's words for the cause: those words are what is looked for.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _NO_SPACE_ERRNOS:
            return True
        if isinstance(error, duckdb.Error) and any(words in str(error) for words in _NO_SPACE_WORDS):
            return True
        error = error.__cause__ or error.__context__
    return False


def out_of_space(db_path: Path) -> StoreFullError:
    """The one-line error for a full device under the store."""
    folder = db_path.parent.resolve()
    return StoreFullError(f"no space left on the device holding {folder}: the store {db_path} is as it was "
                          "before the file being loaded; free some space there and run the command again")


def _lake(location: str | os.PathLike[str]):  # noqa: ANN202 (the module, imported only for a lake)
    """takedown.lake when `location` names a DuckLake, else None (the one place the backend is decided)."""
    if not os.fspath(location).startswith("ducklake:"):
        return None
    from takedown import lake

    return lake


def working_path(db_path: Path) -> Path:
    """The writer's private file beside the published store (`takedown.duckdb.work`)."""
    return db_path.with_name(f"{db_path.name}.work")


def lock_path(db_path: Path) -> Path:
    """The file whose lock makes writers of one store take turns."""
    return db_path.with_name(f"{db_path.name}.lock")


def published_record_path(db_path: Path) -> Path:
    """Which published file the working file equals (absent while the working file is ahead)."""
    return db_path.with_name(f"{working_path(db_path).name}.published")


def check_store_path(db_path: Path) -> None:
    """Refuse a store path that names a folder, a side file, or an existing file that is not DuckDB.

    A path that does not exist yet is fine (a writer creates the store there). DuckDB itself would
    open a CSV or Parquet file as an empty in-memory database and "store" rows nowhere.
    """
    if _lake(db_path):
        return
    if db_path.name.endswith(SIDE_FILE_SUFFIXES):
        raise StoreError(f"{db_path} is one of the files kept beside a store, not a store; give the store's own path")
    try:
        if db_path.is_dir():
            raise StoreError(f"{db_path} is a folder, not a store; give a file path such as {db_path / 'takedown.duckdb'}")
        if not db_path.exists():
            return
        head = read_head(db_path)
    except OSError as error:
        raise StoreError(f"cannot read the store {db_path}: {error.strerror or error}") from error
    if len(head) == 0:
        raise StoreError(f"{db_path} is an empty file, not a takedown store; delete it or give another path")
    file_type = sniff_format(head)
    if file_type != "duckdb":
        raise StoreError(f"{db_path} is {DESCRIPTIONS[file_type]}, not a takedown store; "
                         f"give --db the path of a store, or a new path to create one")


def _table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.sql(
        "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}


def _check_is_store(con: duckdb.DuckDBPyConnection, db_path: Path, empty_is_fine: bool) -> None:
    tables = _table_names(con)
    if STORE_MARKER_TABLE in tables or (empty_is_fine and not tables):
        return
    if not tables:
        raise StoreError(f"the store {db_path} is empty: load exports with `takedown ingest FILE...` "
                         f"or run `takedown demo`")
    raise StoreError(f"{db_path} is a DuckDB database but not a takedown store (it has no "
                     f"{STORE_MARKER_TABLE} table); give --db the path of a store, or a new path")


def _configure(con: duckdb.DuckDBPyConnection) -> None:
    # Every timestamp in the store is UTC; make now() and casts agree with that.
    con.execute("set TimeZone = 'UTC'")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of queries/schema and queries/views (idempotent)."""
    for name in list_queries("schema") + list_queries("views"):
        con.execute(load_query(name))


# ------------------------------------------------------------------------------- the writer


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the store's folder {folder}: {error.strerror or error}") from error
    if not folder.is_dir():
        raise StoreError(f"cannot create the store's folder {folder}: a file of that name is in the way")


@contextmanager
def _writer_lock(db_path: Path, timeout: float) -> Iterator[None]:
    """Hold the store's writer lock, waiting up to `timeout` seconds for another writer."""
    path = lock_path(db_path)
    try:
        handle = path.open("a+")
    except OSError as error:
        raise StoreError(f"cannot write beside the store {db_path}: {error.strerror or error}") from error
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise StoreError(f"cannot lock the store {db_path}: {error.strerror or error}") from error
                if time.monotonic() >= deadline:
                    raise StoreError(f"another ingest is writing to {db_path} and did not finish within "
                                     f"{timeout:g} s; try again when it is done") from error
                time.sleep(0.2)
        yield
    finally:
        handle.close()  # closing the file releases the lock, as a kill does


def _file_identity(path: Path) -> dict[str, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return {"inode": status.st_ino, "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _remove_stale_copies(db_path: Path) -> None:
    """Half-written copies a killed publish (or working-file refresh) left behind; only a lock holder writes them."""
    for target in (db_path, working_path(db_path)):
        for stale in target.parent.glob(f".{target.name}.*.tmp"):
            _remove(stale)


def _working_file_is_current(db_path: Path) -> bool:
    """Whether the working file is exactly the published store as it is now (see the module doc)."""
    work = working_path(db_path)
    if not work.exists():
        return False
    try:
        recorded = json.loads(published_record_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    current = _file_identity(db_path)
    return current is not None and recorded == current


def bring_in_step(db_path: Path, flush: bool = False) -> None:
    """Make the working file equal the published store (or absent when there is no store).

    Call with the writer lock held. Cheap when they are already in step (the usual case). With
    `flush`, a copy is written out to disk before it is used (see `refill`).
    """
    _remove_stale_copies(db_path)
    if _working_file_is_current(db_path):
        return
    work = working_path(db_path)
    _remove(published_record_path(db_path), work, work.with_name(work.name + ".wal"))
    if db_path.exists():
        _check_readable(db_path)  # not a copy of a store this DuckDB cannot open (a DuckDB 2.0 one)
        _copy_atomically(db_path, work, flush=flush)
        _record_published(db_path)


def _record_published(db_path: Path) -> None:
    record = published_record_path(db_path)
    temporary = record.with_name(f".{record.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(_file_identity(db_path)), encoding="utf-8")
    os.replace(temporary, record)


def mark_changing(db_path: Path) -> None:
    """The working file is about to move ahead of the published store: forget that they are equal."""
    if _lake(db_path):
        return  # a lake has no working copy
    _remove(published_record_path(db_path))


# A DuckDB file's main header: the magic "DUCK" at byte 8, then the storage version number (a
# little-endian uint64: 64 for DuckDB 1.5.5's files, 999 for DuckDB 2.0's), four flag words, and the
# version of the DuckDB that wrote it (text, e.g. "v2.0.1", padded with NULs).
HEADER_STORAGE_VERSION = slice(12, 20)
HEADER_WRITTEN_BY = slice(52, 84)


def written_by(path: Path) -> tuple[int, str] | None:
    """The storage version number and the DuckDB version named in a DuckDB file's header (None if not one)."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(HEADER_WRITTEN_BY.stop)
    except OSError:
        return None
    if sniff_format(head) != "duckdb" or len(head) < HEADER_WRITTEN_BY.stop:
        return None
    version = head[HEADER_WRITTEN_BY].split(b"\0", 1)[0].decode("ascii", "replace")
    return int.from_bytes(head[HEADER_STORAGE_VERSION], "little"), version


def _is_newer_format(error: BaseException) -> bool:
    return "newer version of DuckDB" in str(error)


def _open_problem(what: str, path: Path, error: duckdb.Error, store: Path | None = None) -> StoreError:
    """One line for a store DuckDB cannot open; a store written by a newer DuckDB says how to migrate it.

    `store` is the store `path` is the working copy of (the user knows the store, not its copy).
    """
    if _is_newer_format(error):
        store = Path(store or path)
        header = written_by(store) or written_by(path)
        writer = f"DuckDB {header[1] or '?'} (storage version {header[0]})" if header else "a newer DuckDB"
        return StoreError(
            f"cannot open the store {store}: it was written by {writer}, which this DuckDB {duckdb.__version__} "
            f"(pinned for DuckLake) cannot read; migrate it: load its exports into a new store with `takedown "
            f"ingest --db NEW FILE...`, or copy its tables with that DuckDB (`EXPORT DATABASE 'DIR'`) and "
            f"`IMPORT DATABASE 'DIR'` with DuckDB {duckdb.__version__} (docs/ducklake.md)")
    return StoreError(f"cannot open {what} {path}: {error}")


def _check_readable(db_path: Path) -> None:
    """Open the published store read-only once: a store this DuckDB cannot read fails here, in one line."""
    try:
        duckdb.connect(str(db_path), read_only=True).close()
    except duckdb.Error as error:
        raise _open_problem("the store", db_path, error) from error


def _connect_writer(path: Path, db_path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.Error as error:
        raise _open_problem("the working store", path, error, store=db_path) from error


@contextmanager
def open_writer(db_path: Path, timeout: float = WRITER_LOCK_TIMEOUT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the working store read-write (creating it from the published store or from nothing).

    Waits up to `timeout` seconds for another writer to finish. Call `mark_changing` before the
    first change and `publish` after the last one.
    """
    if lake := _lake(db_path):
        with lake.open_writer(db_path) as con:
            _check_is_store(con, db_path, empty_is_fine=True)
            # The same queries/schema as the file store (DuckLake has no keys or indexes, and the
            # schema uses none); a current lake is left alone, so writers do not commit DDL each time.
            if STORE_MARKER_TABLE not in _table_names(con) or not _schema_is_current(con):
                create_schema(con)
            if item_facts_need_rebuild(con):
                rebuild_item_facts(con)
            yield con
        return
    db_path = Path(db_path)
    check_store_path(db_path)
    _make_folder(db_path.parent)
    with _writer_lock(db_path, timeout):
        try:
            yield from _writer_session(db_path)
        except (duckdb.Error, OSError, StoreError) as error:
            # A full disk fails the write DuckDB (or a copy) is doing: a commit, a checkpoint, a publish.
            # The published store is untouched; the cause is named instead of DuckDB's symptom.
            if is_out_of_space(error) and not isinstance(error, StoreFullError):
                raise out_of_space(db_path) from error
            raise


def _writer_session(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        bring_in_step(db_path)
    except OSError as error:
        raise StoreError(f"cannot prepare the working copy of {db_path}: {error.strerror or error}") from error
    con = _connect_writer(working_path(db_path), db_path)
    try:
        _check_is_store(con, db_path, empty_is_fine=True)
        _configure(con)
        # Loads never rely on the physical order of rows (every query orders by line), and
        # DuckDB needs much less memory to insert when it may reorder.
        con.execute("set preserve_insertion_order = false")
        # The store's pages are on disk: DuckDB need not keep a growing store cached, and ingest's
        # own frames need the memory more (see WRITER_MEMORY_LIMIT).
        con.execute(f"set memory_limit = '{WRITER_MEMORY_LIMIT}'")
        if not _schema_is_current(con):
            mark_changing(db_path)
            create_schema(con)
        # A store made before item_facts (or kept by another definition) gets them built, once.
        if item_facts_need_rebuild(con):
            mark_changing(db_path)
            rebuild_item_facts(con)
        yield con
    finally:
        con.close()


def _catalog(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Every table's columns and types and every view's definition, comparable across databases."""
    columns = con.sql("select table_name, column_name || ' ' || data_type from information_schema.columns "
                      "where table_schema = 'main' and table_name in (select table_name from duckdb_tables())"
                      ).fetchall()
    views = con.sql("select view_name, sql from duckdb_views() where not internal and schema_name = 'main'").fetchall()
    return set(columns) | set(views)


def _schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every table, column and view of queries/ is already there as written (then nothing changes)."""
    probe = duckdb.connect()
    try:
        create_schema(probe)
        wanted = _catalog(probe)
    finally:
        probe.close()
    return wanted <= _catalog(con)


def publish(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Publish the writer's committed state onto `db_path` atomically."""
    if _lake(db_path):
        return  # on a lake each commit is published by being committed
    con.execute("checkpoint")
    _copy_atomically(working_path(db_path), db_path)
    _record_published(db_path)


def publish_and_close(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Publish the writer's committed state by renaming the working file onto `db_path`; ends the session.

    The connection is closed (DuckDB must not write to the file readers now open). Readers holding
    the previous copy keep it until they reconnect. Call `refill` before the next session, or let
    the next writer copy the store back when it starts.
    """
    if _lake(db_path):
        con.close()  # every commit is already visible: nothing to hand over
        return
    db_path = Path(db_path)
    work = working_path(db_path)
    mark_changing(db_path)  # the working file is about to become the store: there is no working copy
    con.execute("checkpoint")
    con.close()
    wal = work.with_name(work.name + ".wal")
    if wal.exists():  # a checkpointed, closed database has no log; never publish one half-applied
        raise StoreError(f"cannot publish {db_path}: the working store still has a write-ahead log")
    # Replacing a big file frees its blocks inside the rename (about 0.8 s per GB here, when no
    # reader holds it): a second name keeps the old copy alive, and the refill removes it later.
    retired = db_path.with_name(f".{db_path.name}.{os.getpid()}.retired.tmp")
    try:
        os.link(db_path, retired)
    except OSError:
        pass  # no store yet, or no hard links here: the rename frees the old copy itself
    os.replace(work, db_path)


def refill(db_path: Path, timeout: float = WRITER_LOCK_TIMEOUT_SECONDS, flush: bool = True) -> None:
    """Make the writer's working copy for its next session now (a copy of the published store).

    Takes the writer lock, so it waits for (and never disturbs) another writer; cheap when the
    working file is already in step. `flush` writes the copy out to disk before releasing the
    lock: else the next publish's checkpoint, which syncs the file, writes the whole copy out on
    the path to visibility (0.4 s of `takedown ingest` at 10M items). Off only where the refill
    itself is on that path.
    """
    if lake := _lake(db_path):
        lake.compact_if_due(db_path)  # a lake has no copy to make: its idle moment merges small files
        return
    db_path = Path(db_path)
    with _writer_lock(db_path, timeout):
        bring_in_step(db_path, flush=flush)


# Stores at least this big are refilled by a detached process after a CLI ingest: the copy
# (about 4 s per GB here) need not hold up the command. Smaller ones are refilled on the spot.
REFILL_IN_BACKGROUND_BYTES = 128 * 1024 * 1024


def refill_soon(db_path: Path) -> None:
    """Refill the working copy: here for a small store, in a detached process for a big one."""
    if _lake(db_path):
        return
    db_path = Path(db_path)
    try:
        size = db_path.stat().st_size
    except FileNotFoundError:
        return
    if size < REFILL_IN_BACKGROUND_BYTES:
        try:
            refill(db_path, flush=False)  # the command waits for this copy: the kernel writes it out later
        except (StoreError, OSError):
            pass  # the store is published already; the next writer makes the copy itself (as after a kill)
        return
    # A new session: the copy survives the command's exit and a Ctrl-C in its terminal. A kill of
    # it is harmless (the next writer copies the store itself).
    subprocess.Popen([sys.executable, "-m", "takedown.store", "refill", str(db_path)], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     close_fds=True)


def _copy_atomically(source: Path, target: Path, flush: bool = False) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, temporary)
        if flush:
            with temporary.open("rb") as handle:
                os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


# ------------------------------------------------------------------------------ the readers


def connect_reader(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published store (a lake: one snapshot, see takedown.lake.connect)."""
    if lake := _lake(db_path):
        con = lake.connect(db_path, read_only=True, as_of=lake.as_of_setting())
    else:
        db_path = Path(db_path)
        check_store_path(db_path)
        if not db_path.exists():
            raise StoreError(
                f"no store at {db_path}: load exports with `takedown ingest FILE...` or run `takedown demo`"
            )
        try:
            con = duckdb.connect(str(db_path), read_only=True)
        except duckdb.Error as error:
            raise _open_problem("the store", db_path, error) from error
    try:
        _check_is_store(con, db_path, empty_is_fine=False)
    except BaseException:
        con.close()
        raise
    _configure(con)
    return con


def read_source(con: duckdb.DuckDBPyConnection, db_path: str | os.PathLike[str]) -> dict[str, object]:
    """What a reader read, for the record of a report: the store and (a lake) the snapshot id and commit time."""
    if lake := _lake(db_path):
        return {"store": lake.describe(db_path), **lake.snapshot_summary(con)}
    return {"store": str(db_path), "store_version": store_version(db_path)}


def store_exists(db_path: str | os.PathLike[str]) -> bool:
    """Whether there may be a store to read at `db_path` (a lake location always may: connecting tells)."""
    return bool(_lake(db_path)) or Path(db_path).exists()


# A DuckDB file opens with its main header and two database headers of 4 KB each; a checkpoint (every
# publish makes one) writes the next iteration number, block count and meta block into one of them.
CONTENT_STAMP_BYTES = 3 * 4096


def _content_stamp(path: Path) -> str:
    """A hash of the file's headers: differs between two checkpoints of a store, whatever the inode or times."""
    with path.open("rb") as handle:
        return hashlib.blake2b(handle.read(CONTENT_STAMP_BYTES), digest_size=8).hexdigest()


def store_version(db_path: str | os.PathLike[str]) -> str:
    """A key that changes whenever the store changes (`<inode>-<mtime_ns>-<size>-<content stamp>`; a lake's snapshot id).

    Publishing replaces the store file atomically (a new inode). A store restored in place (`cp
    older.duckdb takedown.duckdb` keeps the inode, `cp -p` even the modification time, and stores of
    the same block count have the same size) still changes its headers' content stamp. Streamlit
    caches key on this and on a rounded as-of (metrics.snapshot.round_as_of), and the Reader
    reconnects on it, so a page recomputes only when there is news. FileNotFoundError when there is
    no store.
    """
    if lake := _lake(db_path):
        return f"snapshot-{lake.store_snapshot(db_path)}"
    path = Path(db_path)
    identity = _file_identity(path)
    if identity is None:
        raise FileNotFoundError(f"no store at {db_path}")
    return f"{identity['inode']}-{identity['mtime_ns']}-{identity['size']}-{_content_stamp(path)}"


class Reader:
    """A read-only view of the published store that reconnects when the store file changes: a new
    copy published, or a backup copied over it in place (see `store_version`).

    Give each thread its own cursor: `reader.cursor()`.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: str | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The current connection, reopened if the store changed since it was opened (a lake: a new snapshot)."""
        try:
            version = store_version(self.db_path)
        except OSError:
            version = None  # no store (connect_reader says so), or unreadable (it says why)
        if self._con is None or version != self._version:
            if self._con is not None:
                self._con.close()
                self._con = None
            self._con = connect_reader(self.db_path)
            self._version = version
        return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor on the current connection (one per thread or query)."""
        cursor = self.connection().cursor()
        _configure(cursor)
        return cursor

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def main(argv: list[str]) -> int:
    """`python -m takedown.store refill DB`: the detached refill of `refill_soon`."""
    if len(argv) != 2 or argv[0] != "refill":
        print("usage: python -m takedown.store refill DB", file=sys.stderr)
        return 2
    try:
        refill(Path(argv[1]))
    except (StoreError, OSError):
        return 1  # the next writer makes the copy itself
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
