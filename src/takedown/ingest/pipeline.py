"""Ingest export files: read, map, validate with Great Expectations, load atomically, publish.

Each file is one transaction on the writer's working store: every valid row lands, or (on a crash,
a kill or an error) none does. Rows that break a rule are quarantined in the same transaction.
After each file the working store is published for readers (see takedown.store); the last
publish of a session hands the working file over (a rename, not a copy of the store).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import polars as pl

from takedown.contract import KIND_BY_NAME
from takedown.ingest.escalations import check_escalations, escalation_rows, record_escalations
from takedown.ingest.load import insert_missing_events, kind_rows, upsert
from takedown.ingest.mapping import Mapping, load_mapping
from takedown.ingest.normalize import prepare, typed_rows
from takedown.ingest.file_checks import check_regular_file
from takedown.ingest.readers import LINE, RawTable, UnreadableFile, read_table
from takedown.ingest.reasons import Reason
from takedown.ingest.validation import validate, warm_up
from takedown.item_facts import keep_item_facts
from takedown.lake import retry_conflicts
from takedown.store import mark_changing, open_writer, publish, publish_and_close, refill_soon
from takedown.frames import register_frame

# Called with (stage, rows): stage is one of "read", "validate", "load", "publish", "done".
ProgressCallback = Callable[[str, int], None]


class UsageError(ValueError):
    """A bad argument (time zone, kind, mapping file): nothing was loaded."""


class IngestResults(list):
    """The FileResult of each file, in order, and each table's rows in the store they published.

    `table_rows` is counted by the writer just before it hands the store over (DuckDB answers a
    whole table's count from its metadata), so a summary need not open the published copy again.
    Empty when nothing was published.
    """

    def __init__(self, results: Iterable[FileResult] = (), table_rows: dict[str, int] | None = None) -> None:
        super().__init__(results)
        self.table_rows = table_rows or {}


@dataclass
class FileResult:
    """What ingesting one file did; the JSON line of `takedown ingest --json`."""

    file: str
    kind: str | None
    rows: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    batch_id: str
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        if data["error"] is None:
            del data["error"]
        return data


def check_timezone(timezone: str) -> str:
    """The name of a valid IANA time zone, or a UsageError."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UsageError(f"unknown time zone {timezone!r} (use an IANA name such as Asia/Shanghai)") from error
    return timezone


def ingest_files(paths: Iterable[Path], db_path: Path, kind: str | None = None, timezone: str | None = None,
                 mapping_path: Path | None = None, progress: ProgressCallback | None = None,
                 now: dt.datetime | None = None, publish_each_file: bool = True) -> IngestResults:
    """Ingest each file in turn into the store at `db_path`; one FileResult per file.

    Readers see the store after each file; with publish_each_file=False only after the last one
    (a bulk load of many files into a big store then copies the store once, not once per file).
    The last file is published by handing the working file over; the working copy for the next
    ingest is made afterwards (`takedown.store.refill_soon`).
    """
    if kind is not None and kind not in KIND_BY_NAME:
        raise UsageError(f"unknown kind {kind!r}; expected one of {', '.join(KIND_BY_NAME)}")
    try:
        mapping = load_mapping(mapping_path)
    except ValueError as error:
        raise UsageError(str(error)) from error
    zone = check_timezone(timezone or mapping.timezone or "UTC")
    paths = list(paths)
    warm_up()
    results = IngestResults()
    with open_writer(db_path) as con:
        for number, path in enumerate(paths, start=1):
            mark_changing(db_path)
            result = ingest_file(con, Path(path), kind, zone, mapping, progress, now)
            if number == len(paths):
                results.table_rows = table_rows(con)
                publish_and_close(con, db_path)
            elif publish_each_file:
                publish(con, db_path)
            if progress:
                progress("done", result.rows)
            results.append(result)
    if paths:
        refill_soon(db_path)
    return results


def table_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each of the store's tables and its row count (from DuckDB's metadata: cheap at any size)."""
    names = [row[0] for row in con.sql(
        "select table_name from duckdb_tables() where schema_name = 'main' and not temporary").fetchall()]
    return {name: con.sql(f'select count(*) from "{name}"').fetchall()[0][0] for name in names}


def _batch_id(moment: dt.datetime, digest: str) -> str:
    return f"{moment:%Y%m%dT%H%M%S%f}-{digest[:8]}"


def _file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    except OSError:
        return ""
    return sha.hexdigest()


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None, timezone: str, mapping: Mapping,
                progress: ProgressCallback | None = None, now: dt.datetime | None = None) -> FileResult:
    """Ingest one file in one transaction; a file that cannot be read is recorded and nothing loads."""
    moment = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        # Before anything opens it: a FIFO would block the digest for ever, /dev/zero never end.
        check_regular_file(path)
    except UnreadableFile as error:
        return _refuse(con, path, kind, timezone, mapping, dt.datetime.now(dt.UTC), "", error)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # hashlib releases the GIL: the file's digest is computed while it is read and checked.
        digest_future = pool.submit(_file_digest, path)
        return _ingest_file(con, path, kind, timezone, mapping, progress, moment, digest_future)


def _ingest_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None, timezone: str, mapping: Mapping,
                 progress: ProgressCallback | None, moment: dt.datetime, digest_future: Future[str]) -> FileResult:
    started = dt.datetime.now(dt.UTC)
    try:
        raw = read_table(path)
        if progress:
            progress("read", raw.rows)
        prepared = prepare(raw, kind, timezone, mapping, moment)
    except UnreadableFile as error:
        return _refuse(con, path, kind, timezone, mapping, started, digest_future.result(), error)
    valid, reasons = validate(prepared)
    if prepared.kind.name == "escalations":
        valid = check_escalations(con, prepared, raw, valid, reasons)
    if progress:
        progress("validate", raw.rows)
    typed = typed_rows(prepared, raw, valid)
    digest = digest_future.result()
    batch_id = _batch_id(started, digest)
    quarantine = _quarantine_frame(raw, valid, reasons, batch_id, path, prepared.kind.name)
    file_kind, total_rows, file_format = prepared.kind, raw.rows, raw.file_format
    del raw, prepared, valid  # the big intermediate frames: free them before the load
    rows, status_events = kind_rows(file_kind, typed)
    del typed

    def load() -> FileResult:
        """The file's rows and quarantine in one transaction: committed whole, or rolled back."""
        con.execute("begin transaction")
        try:
            if file_kind.name == "escalations":
                counts = record_escalations(con, escalation_rows(rows), batch_id, moment)
            else:
                counts = upsert(con, file_kind.table, file_kind.key, rows, batch_id)
            if status_events is not None:
                insert_missing_events(con, status_events, batch_id)
            if file_kind.table == "outcome_events" or status_events is not None:
                # The kept facts of the items whose events this file may have added, in the same transaction.
                keep_item_facts(con, rows if status_events is None else status_events)
            if digest:
                # The quarantine is idempotent like the tables: a file's bytes loaded again replace
                # what their earlier load quarantined (a rule may judge a row differently now).
                con.execute("delete from quarantined_rows where file_sha256 = ?", [digest])
            if quarantine.height:
                register_frame(con, "_quarantine", quarantine.with_columns(pl.lit(digest).alias("file_sha256")))
                con.execute("insert into quarantined_rows by name select * from _quarantine")
                con.unregister("_quarantine")
            result = FileResult(str(path), file_kind.name, total_rows, counts.inserted, counts.updated,
                                counts.unchanged, quarantine.height, batch_id)
            _record_batch(con, batch_id, path, digest, file_kind.name, file_format, result, timezone, mapping)
            con.execute("commit")
        except BaseException:
            try:
                con.execute("rollback")
            except duckdb.Error:
                pass  # a commit that failed (a full disk) was rolled back by DuckDB itself: the first error counts
            raise
        return result

    # On a DuckLake another writer's commit can conflict with this one's: the whole transaction runs again.
    result = retry_conflicts(load)
    if progress:
        progress("load", total_rows)
    return result


def _refuse(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None, timezone: str, mapping: Mapping,
            started: dt.datetime, digest: str, error: UnreadableFile) -> FileResult:
    """Record a file refused as a whole: nothing of it loads, the batch says why."""
    batch_id = _batch_id(started, digest)
    refused = FileResult(str(path), kind, 0, 0, 0, 0, 0, batch_id, str(error))
    _record_batch(con, batch_id, path, digest, None, None, refused, timezone, mapping)
    return refused


def _record_batch(con: duckdb.DuckDBPyConnection, batch_id: str, path: Path, digest: str, kind: str | None,
                  file_format: str | None, result: FileResult, timezone: str, mapping: Mapping) -> None:
    con.execute(
        "insert into ingest_batches (batch_id, file, file_sha256, kind, file_format, rows, inserted, updated, "
        "unchanged, rejected, timezone, mapping, error, loaded_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp)",
        [batch_id, str(path), digest, kind, file_format, result.rows, result.inserted, result.updated,
         result.unchanged, result.rejected, timezone, mapping.path, result.error],
    )


def _quarantine_frame(raw: RawTable, valid: pl.Series, reasons: dict[int, list[Reason]], batch_id: str,
                      path: Path, kind: str) -> pl.DataFrame:
    """One row per rejected input row: file, line, the raw values as read, every reason."""
    schema = {"batch_id": pl.Utf8, "file": pl.Utf8, "line": pl.Int64, "kind": pl.Utf8, "raw": pl.Utf8,
              "reasons": pl.Utf8}
    lines: list[int] = []
    raws: list[str] = []
    reason_lists: list[str] = []
    if reasons:
        positions = sorted(reasons)
        value_columns = [c for c in raw.frame.columns if c != LINE]
        bad = raw.frame[positions]
        encoded = bad.select(pl.struct(value_columns).struct.json_encode()).to_series().to_list()
        for position, line, raw_json in zip(positions, bad[LINE].to_list(), encoded):
            lines.append(line)
            raws.append(raw_json)
            reason_lists.append(json.dumps([r.as_dict() for r in reasons[position]], ensure_ascii=False))
    for reject in raw.rejects:
        lines.append(reject.line)
        raws.append(json.dumps(reject.raw, ensure_ascii=False))
        reason_lists.append(json.dumps([r.as_dict() for r in reject.reasons], ensure_ascii=False))
    count = len(lines)
    return pl.DataFrame({
        "batch_id": [batch_id] * count, "file": [str(path)] * count, "line": lines, "kind": [kind] * count,
        "raw": raws, "reasons": reason_lists,
    }, schema=schema).sort("line")
