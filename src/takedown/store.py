"""The DuckDB store: a private working file for the writer, a published read-only copy for readers.

DuckDB locks a database file per process: while one process holds it read-write no other can open
it, even read-only. So ingest writes `<name>.work.duckdb` beside the store and, after each file,
publishes a finished copy onto the store path with an atomic `os.replace`. Readers open the
published file read-only and reconnect when its inode changes; they never block the writer and
never see a half-loaded file.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from takedown.config import WRITER_LOCK_TIMEOUT_SECONDS, WRITER_MEMORY_LIMIT
from takedown.sql import list_queries, load_query


class StoreError(RuntimeError):
    """The store cannot be opened (missing, locked, or not a DuckDB file)."""


def working_path(db_path: Path) -> Path:
    """The writer's private file beside the published store."""
    return db_path.with_name(f"{db_path.stem}.work{db_path.suffix or '.duckdb'}")


def _configure(con: duckdb.DuckDBPyConnection) -> None:
    # Every timestamp in the store is UTC; make now() and casts agree with that.
    con.execute("set TimeZone = 'UTC'")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of queries/schema and queries/views (idempotent)."""
    for name in list_queries("schema") + list_queries("views"):
        con.execute(load_query(name))


def _connect_writer(path: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() >= deadline:
                raise StoreError(f"cannot open the working store {path}: {error}") from error
            time.sleep(0.2)


@contextmanager
def open_writer(db_path: Path, timeout: float = WRITER_LOCK_TIMEOUT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the working store read-write (creating it from the published store or from nothing).

    Waits up to `timeout` seconds for another writer to finish.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    work = working_path(db_path)
    if not work.exists() and db_path.exists():
        # Start from what readers see: the last published state.
        _copy_atomically(db_path, work)
    con = _connect_writer(work, timeout)
    try:
        _configure(con)
        # Loads never rely on the physical order of rows (every query orders by line), and
        # DuckDB needs much less memory to insert when it may reorder.
        con.execute("set preserve_insertion_order = false")
        # The store's pages are on disk: DuckDB need not keep a growing store cached, and ingest's
        # own frames need the memory more (see WRITER_MEMORY_LIMIT).
        con.execute(f"set memory_limit = '{WRITER_MEMORY_LIMIT}'")
        create_schema(con)
        yield con
    finally:
        con.close()


def publish(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Publish the writer's committed state onto `db_path` atomically."""
    con.execute("checkpoint")
    work = working_path(db_path)
    _copy_atomically(work, db_path)


def _copy_atomically(source: Path, target: Path) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def connect_reader(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published store."""
    if not db_path.exists():
        raise StoreError(
            f"no store at {db_path}: load exports with `takedown ingest FILE...` or run `takedown demo`"
        )
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        raise StoreError(f"cannot open the store {db_path}: {error}") from error
    _configure(con)
    return con


class Reader:
    """A read-only view of the published store that reconnects when a new copy is published.

    Give each thread its own cursor: `reader.cursor()`.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._inode: int | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The current connection, reopened if the published file was replaced."""
        try:
            inode = self.db_path.stat().st_ino
        except FileNotFoundError:
            inode = None
        if self._con is None or inode != self._inode:
            if self._con is not None:
                self._con.close()
            self._con = connect_reader(self.db_path)
            self._inode = inode
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
