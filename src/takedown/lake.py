"""DuckLake stores (issue 18): the same tables in a catalog database and Parquet data files.

A store location is a DuckDB file path (the embedded default, see takedown.store) or a DuckLake:
`ducklake:postgres:<libpq conninfo>` (a team: many machines, many writers), `ducklake:sqlite:PATH`
or `ducklake:PATH` (a DuckDB-file catalog; one machine). `is_lake` is the one test that decides the
backend; takedown.store calls into this module for a lake and keeps the file store's code otherwise.

How the lake differs from the file store:
- Publishing is the commit itself. Each ingested file is one transaction; its commit writes the
  Parquet files and then, in one catalog transaction, the snapshot that names them. A reader sees
  a snapshot whole or not at all: no working copy, no hand-over, no second file, no writer lock
  (DuckLake resolves concurrent commits; a conflicting one is retried by `retry_conflicts`).
- `store_version` is the lake's latest snapshot id, and `--store-as-of TIME|SNAPSHOT`
  ($TAKEDOWN_STORE_AS_OF) attaches the lake as it was committed then (SNAPSHOT_TIME / SNAPSHOT_VERSION),
  read-only, so a past call's figures reproduce exactly.
- The data path (`--data-path` / $TAKEDOWN_DATA_PATH: a folder, a shared mount or `s3://...` read
  through httpfs with the environment's credentials) is needed only to create a lake; its catalog
  remembers it.
- DuckLake has no indexes, primary keys, unique constraints or sequences: the store's schema
  (queries/schema) uses none of them (keys are enforced by ingest's upsert), so the same SQL creates
  both. Its ALTERs are narrower than DuckDB's (type changes only widen); the schema's migration
  statements are no-ops on a lake created by this version, as they are on a current file store.
- Small files: every commit writes new Parquet files; `compact` merges adjacent small files and
  removes files no snapshot needs after the retention window. `takedown watch` runs it between
  batches once COMPACT_AT_SMALL_FILES small files have piled up (`compact_if_due`), and
  `takedown compact` runs it on demand (after a bulk load, or from cron for `takedown ingest` feeds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import random
import re
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from takedown.store import StoreError

PREFIX = "ducklake:"
# The name the lake is attached under; `USE store` makes queries/'s unqualified names resolve to it.
ALIAS = "store"
DATA_PATH_VARIABLE = "TAKEDOWN_DATA_PATH"
AS_OF_VARIABLE = "TAKEDOWN_STORE_AS_OF"
# How often a commit that lost a race with another writer's is tried again (DuckLake itself retries too).
CONFLICT_RETRIES = 5
# The first retry's wait (doubled for each next one: at most about 1.6 s in all).
CONFLICT_BACKOFF_SECONDS = 0.05
# `takedown watch` compacts a lake, between batches, once it holds this many small data files
# (written by the commits since the last compaction).
COMPACT_AT_SMALL_FILES = 50
# A data file with fewer rows than this is small (DuckLake's merge makes files up to its target size).
SMALL_FILE_ROWS = 100_000
# Parquet files no snapshot needs are deleted once they are this old (readers of an older snapshot
# pinned with --store-as-of may still read them until then).
EXPIRE_OLDER_THAN = "7 days"


class LakeError(StoreError):
    """The lake cannot be opened, read or written (a StoreError: the commands' one-line failure, exit 1)."""


def is_lake(location: str | os.PathLike[str] | None) -> bool:
    """Whether a store location names a DuckLake (else it is a DuckDB file path)."""
    return location is not None and os.fspath(location).startswith(PREFIX)


def location_text(location: str | os.PathLike[str]) -> str:
    """The location as written (a pathlib.Path keeps `ducklake:...` strings intact)."""
    return os.fspath(location)


def describe(location: str | os.PathLike[str]) -> str:
    """The location for messages, any password in the conninfo hidden."""
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", location_text(location))


def catalog_kind(location: str | os.PathLike[str]) -> str:
    """postgres | sqlite | duckdb: which database holds the lake's catalog."""
    rest = location_text(location)[len(PREFIX):]
    for kind in ("postgres", "sqlite"):
        if rest.startswith(f"{kind}:"):
            return kind
    return "duckdb"


def catalog_file(location: str | os.PathLike[str]) -> Path | None:
    """The catalog's file for a one-machine lake (None for PostgreSQL)."""
    rest = location_text(location)[len(PREFIX):]
    kind = catalog_kind(location)
    if kind == "postgres":
        return None
    return Path(rest[len("sqlite:"):] if kind == "sqlite" else rest)


# --------------------------------------------------------------------------------- extensions

_EXTENSIONS = {"postgres": "postgres_scanner", "sqlite": "sqlite_scanner"}


def extension_file(name: str) -> Path:
    """The extension shipped in the `duckdb-extension-<name>` wheel (`LOAD '<file>'` needs no network)."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise LakeError(f"the DuckDB extension {name} is not installed (package duckdb-extension-"
                        f"{name.replace('_', '-')}=={duckdb.__version__}); reinstall with `make install`")
    path = Path(list(spec.submodule_search_locations)[0]) / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.exists():
        raise LakeError(f"the DuckDB extension file {path} is missing: its package does not match DuckDB "
                        f"{duckdb.__version__}; reinstall with `make install`")
    return path


def _load_extensions(con: duckdb.DuckDBPyConnection, location: str, data_path: str | None) -> None:
    names = ["ducklake"]
    if kind := _EXTENSIONS.get(catalog_kind(location)):
        names.append(kind)
    if data_path and re.match(r"^(s3|gs|gcs|r2|https?)://", data_path):
        names.append("httpfs")
    for name in names:
        con.execute(f"load {_quote(str(extension_file(name)))}")
    if "httpfs" in names:
        # s3://... data: credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_REGION, ...).
        con.execute("create or replace secret takedown_s3 (type s3, provider credential_chain)")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------------------------- snapshots


def as_of_setting() -> str | None:
    """The snapshot readers must read ($TAKEDOWN_STORE_AS_OF, set by --store-as-of), else None (the latest)."""
    value = os.environ.get(AS_OF_VARIABLE, "").strip()
    return value or None


def parse_as_of(value: str) -> int | dt.datetime:
    """A snapshot id (digits) or an ISO time (UTC unless it has an offset); ValueError otherwise."""
    text = value.strip()
    if text.isdigit():
        return int(text)
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _snapshot_option(as_of: str | None) -> str | None:
    if as_of is None:
        return None
    try:
        target = parse_as_of(as_of)
    except ValueError as error:
        raise LakeError(f"--store-as-of {as_of!r} is neither a snapshot id nor an ISO time") from error
    if isinstance(target, int):
        return f"snapshot_version {target}"
    return f"snapshot_time {_quote(target.isoformat(sep=' ') + '+00')}"


# --------------------------------------------------------------------------------- connecting


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _is_missing(error: BaseException) -> bool:
    return "does not exist - and creating a new DuckLake is explicitly disabled" in str(error)


def problem(location: str | os.PathLike[str], error: BaseException, doing: str = "open") -> LakeError:
    """A one-line LakeError for a DuckDB error on the lake (the catalog down, a lost connection, ...)."""
    text = _first_line(error)
    if "Unable to connect to Postgres" in text or "connection" in text.lower() and "postgres" in text.lower():
        reason = "its PostgreSQL catalog cannot be reached"
        detail = text.split(": ", 2)[-1] if ": " in text else text
        return LakeError(f"cannot {doing} the DuckLake {describe(location)}: {reason} ({detail})")
    return LakeError(f"cannot {doing} the DuckLake {describe(location)}: {text}")


def _attach(con: duckdb.DuckDBPyConnection, location: str, alias: str, options: list[str], create: bool) -> None:
    data_path = os.environ.get(DATA_PATH_VARIABLE, "").strip() or None
    try:
        con.execute(f"attach {_quote(location)} as {alias} ({', '.join(options + ['create_if_not_exists false'])})")
        return
    except duckdb.Error as error:
        if not _is_missing(error):
            raise problem(location, error) from None
        if not create:
            raise LakeError(f"no store at {describe(location)}: load exports with `takedown ingest FILE... "
                            f"--data-path DIR` to create it") from None
    if not data_path:
        raise LakeError(f"creating the DuckLake {describe(location)} needs its data path: give --data-path DIR "
                        f"(or set {DATA_PATH_VARIABLE}), a folder or s3://bucket/prefix")
    if "://" not in data_path:
        Path(data_path).mkdir(parents=True, exist_ok=True)
        data_path = str(Path(data_path).resolve()) + "/"
    try:
        con.execute(f"attach {_quote(location)} as {alias} (data_path {_quote(data_path)})")
    except duckdb.Error as error:
        raise problem(location, error, "create") from None


def _check_catalog_file(location: str, create: bool) -> None:
    file = catalog_file(location)
    if file is not None and not create and not file.exists():
        raise LakeError(f"no store at {describe(location)}: its catalog file {file} does not exist; "
                        f"load exports with `takedown ingest FILE... --data-path DIR` to create it")


def _new_instance(location: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    try:
        _load_extensions(con, location, os.environ.get(DATA_PATH_VARIABLE, "").strip() or None)
        con.execute("set TimeZone = 'UTC'")
    except BaseException:
        con.close()
        raise
    return con


# Readers of a process share one in-memory DuckDB (loading the extensions costs about a second;
# attaching a snapshot a tenth of that): each snapshot read is attached once, as `<lake>_s<id>`,
# and every reader of it gets its own cursor. Snapshots never change, so they are never re-read
# while attached (see _users for when they are detached).
_readers: duckdb.DuckDBPyConnection | None = None
_readers_lock = threading.RLock()  # reentrant: a cursor collected as garbage releases its use under it
_attached: set[str] = set()
# How many open reader cursors use each attachment. Every attachment holds a connection to the catalog:
# one no cursor uses is detached when a newer one is attached, so a process following a live feed (a
# dashboard) keeps a few connections, not one per snapshot it ever read (PostgreSQL's
# max_connections would refuse every process of the team once they had piled up).
_users: dict[str, int] = {}


def _alias(location: str, suffix: str) -> str:
    return f"lake_{hashlib.sha1(location.encode()).hexdigest()[:10]}_{suffix}"


class LakeConnection:
    """A DuckDB connection to a lake whose cursors read the lake too.

    `use` is per connection in DuckDB, and a cursor is a new connection: this proxy's `cursor()`
    repeats the `use`, so code written for a file store (which gives cursors its one database)
    works unchanged. Everything else is the DuckDB connection's own.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, alias: str, reader: bool = False) -> None:
        self._con = con
        self._alias = alias
        # A reader's cursor counts as a use of its attachment until it is closed or collected.
        self._release = weakref.finalize(self, _release, alias) if reader else None
        con.execute(f"use {alias}")
        con.execute("set TimeZone = 'UTC'")

    def cursor(self) -> LakeConnection:
        reader = self._release is not None
        if reader:
            _use(self._alias)
        return LakeConnection(self._con.cursor(), self._alias, reader)

    def close(self) -> None:
        self._con.close()
        if self._release is not None:
            self._release()  # once: a finalizer runs at most once

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)

    def __enter__(self) -> LakeConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _use(alias: str) -> None:
    with _readers_lock:
        _users[alias] = _users.get(alias, 0) + 1


def _release(alias: str) -> None:
    with _readers_lock:
        _users[alias] = max(_users.get(alias, 0) - 1, 0)


def _detach_unused(keep: str) -> None:
    """Detach every snapshot attachment but `keep` that no open cursor uses (call with the lock held).

    A lake's `latest` attachment stays: every store_version asks it for the latest snapshot id.
    """
    for alias in sorted(_attached - {keep}):
        if _users.get(alias, 0) == 0 and not alias.endswith("_latest"):
            _attached.discard(alias)
            _users.pop(alias, None)
            try:
                _readers.execute(f"detach database if exists {alias}")
            except duckdb.Error:
                pass


def _reader_cursor(location: str, alias: str, options: list[str]) -> LakeConnection:
    global _readers
    with _readers_lock:
        if _readers is None:
            _readers = _new_instance(location)
        else:
            _load_extensions(_readers, location, None)  # another catalog kind; a loaded one loads at no cost
        if alias not in _attached:
            _attach(_readers, location, alias, options, create=False)
            _attached.add(alias)
            _detach_unused(keep=alias)
        _use(alias)
        cursor = _readers.cursor()
    return LakeConnection(cursor, alias, reader=True)


def _forget(alias: str) -> None:
    """Detach a reader attachment that failed (a catalog restarted since): the next use attaches again."""
    with _readers_lock:
        _attached.discard(alias)
        if _readers is not None:
            try:
                _readers.execute(f"detach database if exists {alias}")
            except duckdb.Error:
                pass


def connect(location: str | os.PathLike[str], *, read_only: bool, create: bool = False,
            as_of: str | None = None) -> LakeConnection:
    """A DuckDB session with the lake attached and in use (`use`), so queries/ reads it unqualified.

    A writer gets its own in-memory DuckDB; `create` makes the lake when its catalog has none (the
    data path from $TAKEDOWN_DATA_PATH). A reader is pinned to one snapshot, the one `as_of` names
    (a snapshot id or a time) or else the latest committed: every query and cursor of it sees the
    same commits, so figures computed by many queries never mix two snapshots (the file store's
    readers get this by reading one published file).
    """
    location = location_text(location)
    _check_catalog_file(location, create)
    if read_only:
        number = store_snapshot(location) if as_of is None else resolve_snapshot(location, as_of)
        alias = _alias(location, f"s{number}")
        options = [f"snapshot_version {number}", "read_only"]
        return _live_cursor(location, alias, options)[0]
    con = _new_instance(location)
    try:
        _attach(con, location, ALIAS, [], create)
        return LakeConnection(con, ALIAS)
    except BaseException:
        con.close()
        raise


def resolve_snapshot(location: str, as_of: str) -> int:
    """The id of the snapshot `as_of` names: itself when a snapshot id, else the last committed at that time."""
    option = _snapshot_option(as_of)
    alias = _alias(location, "at_" + hashlib.sha1(option.encode()).hexdigest()[:8])
    cursor, number = _live_cursor(location, alias, [option, "read_only"])
    cursor.close()
    return number


def _live_cursor(location: str, alias: str, options: list[str]) -> tuple[LakeConnection, int]:
    """A reader's cursor on the attachment `alias` that works now, and the snapshot it reads.

    An attachment kept from before the catalog restarted is dead (even `use` fails on it): it is
    attached again, once. A DuckDB error after that (the catalog down) is the one-line LakeError.
    """
    for attempt in (1, 2):
        cursor = None
        try:
            cursor = _reader_cursor(location, alias, options)
            return cursor, snapshot_id(cursor)
        except duckdb.Error as error:
            if cursor is not None:
                cursor.close()
            _forget(alias)
            if attempt == 2:
                raise problem(location, error, "read") from None
    raise AssertionError("unreachable")


T = TypeVar("T")


def is_conflict(error: BaseException) -> bool:
    """Whether a failed commit lost a race with another writer's (DuckLake: "Transaction conflict - ...").

    Only such a commit is worth running again; any other failure (the catalog down, a full disk, a
    bad row) fails the same way a second time.
    """
    return isinstance(error, duckdb.TransactionException) and "conflict" in str(error).lower()


def retry_conflicts(action: Callable[[], T], retries: int = CONFLICT_RETRIES) -> T:
    """Run `action` (one whole transaction), again when its commit lost a race with another writer's.

    Each retry waits a little longer (CONFLICT_BACKOFF_SECONDS doubled each time, at random within
    it, so two writers that collided do not collide again in step); after `retries` retries the
    conflict is raised. Any other error is raised at once. A file store never conflicts (one writer).
    """
    for attempt in range(retries + 1):
        try:
            return action()
        except duckdb.Error as error:
            if attempt == retries or not is_conflict(error):
                raise
            time.sleep(random.uniform(0.5, 1.0) * CONFLICT_BACKOFF_SECONDS * 2 ** attempt)
    raise AssertionError("unreachable")


@contextmanager
def open_writer(location: str | os.PathLike[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write session on the lake (created when missing); DuckDB errors become one-line LakeErrors."""
    if as_of_setting() is not None:
        raise LakeError(f"--store-as-of reads a past snapshot of {describe(location)}; it cannot be written to")
    con = connect(location, read_only=False, create=True)
    try:
        con.execute("set preserve_insertion_order = false")
        yield con
    except duckdb.Error as error:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        raise problem(location, error, "write to") from error
    finally:
        con.close()


def snapshot_id(con: duckdb.DuckDBPyConnection) -> int:
    """The snapshot a session reads (the one it attached, or the latest committed)."""
    return int(con.execute("select id from current_snapshot() as s(id)").fetchone()[0])


def store_snapshot(location: str | os.PathLike[str]) -> int:
    """The snapshot readers read now: the one --store-as-of names, else the latest committed."""
    location = location_text(location)
    _check_catalog_file(location, create=False)
    if (as_of := as_of_setting()) is not None:
        return resolve_snapshot(location, as_of)
    cursor, number = _live_cursor(location, _alias(location, "latest"), ["read_only"])  # a new transaction:
    cursor.close()  # the latest commit of any process
    return number


def snapshot_summary(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The snapshot a session reads: its id and commit time (ISO, UTC), for reports."""
    number = snapshot_id(con)
    catalog = con.execute("select current_database()").fetchone()[0]
    row = con.execute(f"select strftime(snapshot_time at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') "
                      f"from ducklake_snapshots({_quote(catalog)}) where snapshot_id = ?", [number]).fetchone()
    return {"snapshot_id": number, "committed_at": row[0] if row else None}


# --------------------------------------------------------------------------------- compaction


def compact(location: str | os.PathLike[str], con: duckdb.DuckDBPyConnection | None = None) -> dict[str, int]:
    """Merge adjacent small Parquet files, expire old snapshots, delete files no snapshot needs.

    Readers keep working meanwhile (a merge is a commit like any other). Returns the data files
    before and after.
    """
    own = con is None
    if own:
        con = connect(location, read_only=False)
    try:
        before = _data_files(con)
        con.execute(f"call ducklake_merge_adjacent_files({_quote(ALIAS)})")
        con.execute(f"call ducklake_expire_snapshots({_quote(ALIAS)}, older_than => now() - interval '{EXPIRE_OLDER_THAN}')")
        con.execute(f"call ducklake_cleanup_old_files({_quote(ALIAS)}, older_than => now() - interval '{EXPIRE_OLDER_THAN}')")
        return {"files_before": before, "files_after": _data_files(con)}
    except duckdb.Error as error:
        raise problem(location, error, "compact") from None
    finally:
        if own:
            con.close()


def _data_files(con: duckdb.DuckDBPyConnection, below_rows: int | None = None) -> int:
    """The data files of the latest snapshot (only those under `below_rows` rows, if given)."""
    small = "" if below_rows is None else f" and record_count < {int(below_rows)}"
    return int(con.execute(f"select count(*) from __ducklake_metadata_{ALIAS}.ducklake_data_file "
                           f"where end_snapshot is null{small}").fetchone()[0])


def compact_if_due(location: str | os.PathLike[str]) -> dict[str, int] | None:
    """Compact when COMPACT_AT_SMALL_FILES small data files have piled up; the counts, or None."""
    con = connect(location, read_only=False)
    try:
        if _data_files(con, SMALL_FILE_ROWS) < COMPACT_AT_SMALL_FILES:
            return None
        return compact(location, con)
    finally:
        con.close()


def main(argv: list[str]) -> int:
    """`python -m takedown.lake compact LOCATION`."""
    if len(argv) != 2 or argv[0] != "compact":
        print("usage: python -m takedown.lake compact LOCATION", file=sys.stderr)
        return 2
    try:
        counts = compact(argv[1])
    except LakeError as error:
        print(f"takedown compact: {error}", file=sys.stderr)
        return 1
    print(f"{counts['files_before']} data files -> {counts['files_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
