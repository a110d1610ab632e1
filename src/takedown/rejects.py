"""The quarantine as a person reads it: one row per reason, exported as CSV or XLSX, escaped.

The quarantine itself is read by takedown.quality.quarantined_rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from takedown.export import XlsxResult, write_table


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


def export_rejects(reasons: pl.DataFrame, out: Path) -> XlsxResult:
    """Write flattened reasons (flatten_reasons) as CSV (or XLSX by suffix), formula-escaped and
    atomically; what had to be cut to fit XLSX."""
    return write_table(reasons, out, sheet="rejects")
