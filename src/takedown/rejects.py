"""The quarantine: list and export the rows ingest rejected, with every reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import polars as pl

from takedown.escape import escape_cells
from takedown.sql import load_query


def quarantined_rows(con: duckdb.DuckDBPyConnection, batch_id: str | None = None) -> pl.DataFrame:
    """One row per quarantined row (file, line, kind, raw JSON, reasons JSON), oldest batch first."""
    return con.sql(load_query("reports/quarantined_rows"), params={"batch_id": batch_id}).pl()


def flatten_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per (quarantined row, reason): file, line, column, rule, message, raw."""
    records = []
    for row in frame.iter_rows(named=True):
        for reason in json.loads(row["reasons"]):
            records.append({
                "batch_id": row["batch_id"], "file": row["file"], "line": row["line"], "kind": row["kind"],
                "column": reason["column"], "rule": reason["rule"], "expectation": reason["expectation"],
                "message": reason["message"], "raw": row["raw"],
            })
    schema = {"batch_id": pl.Utf8, "file": pl.Utf8, "line": pl.Int64, "kind": pl.Utf8, "column": pl.Utf8,
              "rule": pl.Utf8, "expectation": pl.Utf8, "message": pl.Utf8, "raw": pl.Utf8}
    return pl.DataFrame(records, schema=schema)


def export_rejects(frame: pl.DataFrame, out: Path) -> None:
    """Write the flattened reasons as CSV (or XLSX by suffix), every text cell formula-escaped.

    The file appears whole or not at all (written beside it, then renamed); a path that cannot be
    written raises OSError.
    """
    safe = escape_cells(flatten_reasons(frame))
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        # Opened here so that every failure to write is an OSError, whichever writer runs.
        with temporary.open("wb") as handle:
            if out.suffix.lower() == ".xlsx":
                safe.write_excel(handle, worksheet="rejects")
            else:
                safe.write_csv(handle)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
